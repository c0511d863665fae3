/**
 * The reminders sent and the deadlines acknowledged, in `reminders.json` (the kernel's durable
 * document). A reminder is written as `sending` BEFORE it goes to the mail server and `sent` once
 * the server has accepted it: a crash between the two leaves `sending`, which the next run sends
 * again (at-least-once, docs/reminders.md). The mail server's state (last error, back-off) is kept
 * too, for `appliance doctor` and the admin page.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const sentSchema = z.object({
  caseId: z.string(),
  remedy: z.string(),
  due: z.string(),
  point: z.string(),
  to: z.array(z.string()),
  state: z.enum(['sending', 'sent']),
  messageId: z.string(),
  attempts: z.number().int().min(0),
  firstTriedAt: z.string(),
  sentAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type SentReminder = z.infer<typeof sentSchema>;

const ackSchema = z.object({ caseId: z.string(), remedy: z.string(), due: z.string(), by: z.string(), at: z.string() });
export type Acknowledgement = z.infer<typeof ackSchema>;

const mailStateSchema = z.object({
  consecutiveFailures: z.number().int().min(0),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  /** Until then the scheduler leaves the mail server alone (back-off); `reminders run` does not wait. */
  retryAfter: z.string().nullable(),
});
export type MailState = z.infer<typeof mailStateSchema>;

/** One user's daily digest (docs/reminders.md): `sending` before the mail server sees it, `sent` after. */
const digestSchema = z.object({
  userId: z.string(),
  /** The Paris day it is for: one digest a day. */
  day: z.string(),
  state: z.enum(['sending', 'sent']),
  /** The reminder keys it carries. */
  items: z.array(z.string()),
  messageId: z.string(),
  attempts: z.number().int().min(0),
  sentAt: z.string().nullable(),
});
export type SentDigest = z.infer<typeof digestSchema>;

const remindersSchema = z.object({
  /** By reminder key (case, remedy, due date, point): see `reminderKey`. */
  sent: z.record(z.string(), sentSchema),
  /** By deadline key (case, remedy, due date): a changed due date is a new deadline, reminded afresh. */
  acks: z.record(z.string(), ackSchema),
  mail: mailStateSchema,
  /** By `userId|day`; absent from files written before digests existed. */
  digests: z.record(z.string(), digestSchema).default({}),
});
export type RemindersFile = z.infer<typeof remindersSchema>;

const empty = (): RemindersFile => ({
  sent: {},
  acks: {},
  mail: { consecutiveFailures: 0, lastError: null, lastErrorAt: null, lastSuccessAt: null, retryAfter: null },
  digests: {},
});

export const deadlineKey = (d: { caseId: string; remedy: string; due: string }): string => `${d.caseId}|${d.remedy}|${d.due}`;
export const reminderKey = (d: { caseId: string; remedy: string; due: string }, point: string): string => `${deadlineKey(d)}|${point}`;

export async function openReminderStore(dataDir: string, log: Logger): Promise<Document<RemindersFile>> {
  return openDocument<RemindersFile>(path.join(dataDir, 'reminders.json'), empty(), { schema: remindersSchema, log });
}
