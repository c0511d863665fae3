/**
 * The control plane's outgoing mail: nodemailer to the vendor's SMTP server (SMTP_URL, MAIL_FROM).
 * One transport per process, made on first use; a message is handed over once and the server's
 * acceptance (its message id) is what counts as sent.
 */
import type { Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface MailSender {
  /** Resolves with the SMTP server's message id once it accepted the message; throws when it did not. */
  send(mail: OutgoingMail): Promise<string | null>;
}

const transports = new Map<string, Promise<Transporter>>();

export function smtpMailSender(config: { smtpUrl: string; from: string }): MailSender {
  return {
    async send(mail) {
      let transport = transports.get(config.smtpUrl);
      if (!transport) {
        // nodemailer is loaded on first use: most commands and most passes send nothing.
        transport = import('nodemailer').then((m) => m.default.createTransport(config.smtpUrl));
        transports.set(config.smtpUrl, transport);
      }
      const info = (await (await transport).sendMail({ from: config.from, ...mail })) as { messageId?: string };
      return info.messageId ?? null;
    },
  };
}
