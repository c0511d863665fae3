/**
 * Mail through the cabinet's own SMTP server (SMTP_URL, MAIL_FROM: docs/reminders.md), with
 * nodemailer; never an external service. `smtp://` upgrades with STARTTLS when the server offers
 * it (add `?requireTLS=true` to refuse a server that does not), `smtps://` is TLS from the start.
 * The URL carries the login: it is never logged nor shown, only its host and port.
 */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  /** Stable per reminder: a copy re-sent after a crash carries the same id, so mail clients can tell. */
  messageId: string;
}

export interface MailSender {
  /** Resolves once the mail server accepted the message (its 250 after DATA). */
  send(mail: OutgoingMail): Promise<void>;
  /** Host and port, without the login: what doctor and the admin page may show. */
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
    // A mail server that does not answer must not hold a reminder run for minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    server: smtpServerOf(url),
    send: async (mail) => {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    },
  };
}
