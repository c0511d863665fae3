/**
 * Outgoing mail for both services, through an SMTP server the operator runs (the cabinet's for
 * deadline reminders, the vendor's for relances): nodemailer, never an external service.
 * `smtp://` upgrades with STARTTLS when the server offers it (add `?requireTLS=true` to refuse one
 * that does not), `smtps://` is TLS from the start. The URL may carry the login: it is never
 * logged, shown or echoed in an error — only its host and port.
 */
import nodemailer from 'nodemailer';
import { z } from 'zod';

/** `SMTP_URL` as both services read it from their environment; empty means unset. */
export const smtpUrlSchema = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    let url: URL | undefined;
    try {
      url = new URL(v.trim());
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be the mail server as smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS); special characters of the password percent-encoded',
      });
      return z.NEVER;
    }
    return v.trim();
  });

/** `MAIL_FROM`: the sender, `echeances@cabinet.fr` or `"Cabinet Dupont <echeances@cabinet.fr>"`; empty means unset. */
export const mailFromSchema = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
  .pipe(
    z
      .string()
      .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
        error: 'must be an email address the mail server sends from, e.g. echeances@cabinet.fr or "Cabinet Dupont <echeances@cabinet.fr>"',
      })
      .optional(),
  );

/** Both or neither: one without the other is a half-done setting, named with what it is for. */
export function checkMailPair(
  env: { SMTP_URL?: string | undefined; MAIL_FROM?: string | undefined },
  ctx: z.RefinementCtx,
  purpose: string,
): void {
  if (env.SMTP_URL !== undefined && env.MAIL_FROM === undefined)
    ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: `is required with SMTP_URL: the address ${purpose} are sent from` });
  if (env.MAIL_FROM !== undefined && env.SMTP_URL === undefined)
    ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: `is required with MAIL_FROM: the mail server ${purpose} go through` });
}

/** The mail settings a service runs with, or null when none are set. */
export function mailSettings(env: {
  SMTP_URL?: string | undefined;
  MAIL_FROM?: string | undefined;
}): { smtpUrl: string; from: string } | null {
  return env.SMTP_URL !== undefined && env.MAIL_FROM !== undefined ? { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM } : null;
}

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
  /** Stable per message when set: a copy re-sent after a crash carries the same id, so mail clients can tell. */
  messageId?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface MailSender {
  /** Resolves with the server's message id once it accepted the message (its 250 after DATA); throws when it did not. */
  send(mail: OutgoingMail): Promise<string | null>;
  /** Host and port, without the login: what doctor and the admin pages may show. */
  readonly server: string;
}

/** `host:port` of an SMTP URL, its credentials left out. */
export function smtpServerOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
}

export function smtpSender(url: string, from: string): MailSender {
  const transport = nodemailer.createTransport({
    url,
    // A mail server that does not answer must not hold a run for minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    server: smtpServerOf(url),
    send: async (mail) => {
      const info = (await transport.sendMail({ from, ...mail })) as { messageId?: string };
      return info.messageId ?? null;
    },
  };
}
