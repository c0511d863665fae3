/**
 * The SMTP server of the reminders, set from the admin page or the setup wizard (docs/reminders.md).
 * Saved settings win over `.env` (SMTP_URL, MAIL_FROM): they are the newer, deliberate choice of
 * someone signed in as an administrator, and the page says where each value comes from. The
 * password is write-only: never returned, kept when the field is left empty. Every value is checked
 * here, named by its field, and the assembled URL and sender through the kernel's own schemas, so
 * `.env` and the page accept exactly the same servers.
 */
import { z } from 'zod';
import type { Document } from '@iamanager/kernel/storage';
import { mailFromSchema, smtpUrlSchema } from '@iamanager/kernel/mail';
import { ApplianceError } from '../../errors.js';
import { SMTP_SECURITY, type MailSettingsFile, type SavedSmtp, type SmtpSecurity } from '../../storage/mailSettingsStore.js';

/** What the form or the API sends. `password` empty or absent: keep the one in use. */
export const mailSettingsInput = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1, { error: 'is required: the mail server’s name or address, e.g. mail.cabinet.lan' })
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, {
      error: 'must be a host name or an IP address, e.g. mail.cabinet.lan or 192.168.1.10',
    }),
  port: z.coerce
    .number({ error: 'must be a number from 1 to 65535 (587 for STARTTLS, 465 for TLS)' })
    .int({ error: 'must be a whole number from 1 to 65535' })
    .min(1, { error: 'must be from 1 to 65535 (587 for STARTTLS, 465 for TLS)' })
    .max(65535, { error: 'must be from 1 to 65535 (587 for STARTTLS, 465 for TLS)' }),
  security: z.enum(SMTP_SECURITY, { error: `must be one of ${SMTP_SECURITY.join(', ')}` }),
  user: z.string().trim().max(254).optional(),
  password: z.string().max(1024).optional(),
  /** Forget the stored password (a server that takes mail from the LAN without a login). */
  clearPassword: z.boolean().optional(),
  from: z.string().trim().min(1, { error: 'is required: the address the reminders come from, e.g. echeances@cabinet.fr' }),
});
export type MailSettingsInput = z.infer<typeof mailSettingsInput>;

/** Where the settings in use come from. */
export type MailSource = 'page' | 'env' | 'none';

/** The settings as a page may show them: everything but the password, whether one is set. */
export interface MailSettingsView {
  source: MailSource;
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  hasPassword: boolean;
  from: string;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The SMTP URL nodemailer reads, from saved settings. */
export function smtpUrlOf(s: SavedSmtp): string {
  const login = s.user ? `${encodeURIComponent(s.user)}${s.password ? `:${encodeURIComponent(s.password)}` : ''}@` : '';
  return `${s.security === 'tls' ? 'smtps' : 'smtp'}://${login}${s.host}:${s.port}${s.security === 'starttls-required' ? '?requireTLS=true' : ''}`;
}

/** `.env`'s URL read back into fields, to show on the page (and to keep its password when the page saves). */
function fromEnv(env: { smtpUrl: string; from: string }): SavedSmtp {
  const u = new URL(env.smtpUrl);
  const tls = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: Number(u.port || (tls ? 465 : 587)),
    security: tls ? 'tls' : u.searchParams.get('requireTLS') === 'true' ? 'starttls-required' : 'starttls',
    user: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
    from: env.from,
  };
}

export class MailSettings {
  constructor(
    private readonly doc: Document<MailSettingsFile>,
    /** SMTP_URL and MAIL_FROM from `.env`, or null. */
    private readonly env: { smtpUrl: string; from: string } | null,
    private readonly clock: () => Date,
    /** Called after every change with the settings now in use (the reminders switch server). */
    private readonly onChange: (effective: { smtpUrl: string; from: string } | null) => void = () => undefined,
  ) {}

  private current(): { source: MailSource; smtp: SavedSmtp | null } {
    if (this.doc.data.smtp) return { source: 'page', smtp: this.doc.data.smtp };
    if (this.env) return { source: 'env', smtp: fromEnv(this.env) };
    return { source: 'none', smtp: null };
  }

  /** The URL and sender the reminders go out with, or null when no server is set anywhere. */
  effective(): { smtpUrl: string; from: string; source: MailSource } | null {
    const { source, smtp } = this.current();
    if (source === 'env' && this.env) return { ...this.env, source };
    return smtp ? { smtpUrl: smtpUrlOf(smtp), from: smtp.from, source } : null;
  }

  view(): MailSettingsView {
    const { source, smtp } = this.current();
    return {
      source,
      host: smtp?.host ?? '',
      port: smtp?.port ?? 587,
      security: smtp?.security ?? 'starttls',
      user: smtp?.user ?? '',
      hasPassword: Boolean(smtp?.password),
      from: smtp?.from ?? '',
      updatedAt: this.doc.data.updatedAt,
      updatedBy: this.doc.data.updatedBy,
    };
  }

  /** Saves parsed input; the password in use is kept when none is typed. Throws `invalid_input` naming the field. */
  async save(input: MailSettingsInput, by: string): Promise<MailSettingsView> {
    const previous = this.current().smtp;
    const password = input.clearPassword ? null : input.password ? input.password : (previous?.password ?? null);
    const smtp: SavedSmtp = {
      host: input.host,
      port: input.port,
      security: input.security,
      user: input.user || null,
      password,
      from: input.from,
    };
    if (password && !smtp.user)
      throw new ApplianceError('invalid_input', 'user: a password needs the login it goes with; enter the login, or tick « no password »');
    const from = mailFromSchema.safeParse(input.from);
    if (!from.success) throw new ApplianceError('invalid_input', `from: ${from.error.issues[0]?.message ?? 'must be an email address'}`);
    const url = smtpUrlSchema.safeParse(smtpUrlOf(smtp));
    if (!url.success) throw new ApplianceError('invalid_input', `host: ${url.error.issues[0]?.message ?? 'is not a mail server address'}`);
    this.doc.data.smtp = smtp;
    this.doc.data.updatedAt = this.clock().toISOString();
    this.doc.data.updatedBy = by;
    await this.doc.write();
    this.onChange(this.effective());
    return this.view();
  }

  /** Back to `.env`'s settings (or none). */
  async forget(by: string): Promise<MailSettingsView> {
    this.doc.data.smtp = null;
    this.doc.data.updatedAt = this.clock().toISOString();
    this.doc.data.updatedBy = by;
    await this.doc.write();
    this.onChange(this.effective());
    return this.view();
  }
}
