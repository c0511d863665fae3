/**
 * The cabinet's reminder policy and each user's reminder preferences, in `reminder-settings.json`
 * (the kernel's durable document), apart from `reminders.json`, which records what was sent: the
 * policy is edited by people, the sent records by the schedule every minute (docs/reminders.md).
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const policySchema = z.object({
  /** Days before the last day of a délai in days or months (0 = the morning of the last day). */
  dayPoints: z.array(z.number().int()),
  /** Hours before the end of a délai in hours. */
  hourPoints: z.array(z.number().int()),
  /** The points nobody can turn off, always mailed on their own (never held for a digest). */
  minimumDayPoints: z.array(z.number().int()),
  minimumHourPoints: z.array(z.number().int()),
  /** The escalation, when nobody acknowledged: days before the last day (08:00 Paris), hours before the end. */
  escalationDays: z.number().int(),
  escalationHours: z.number().int(),
  /** The hour (Paris) the daily digests go out. */
  digestHour: z.number().int(),
});
export type ReminderPolicy = z.infer<typeof policySchema>;

const preferenceSchema = z.object({
  mode: z.enum(['individual', 'digest']),
  /** Point names (`j-7`, `h-24`…) the user turned off; minimum points are sent whatever this says. */
  off: z.array(z.string()),
  /** When the user last opened « Mes échéances »: reminders sent before it are no longer unread. */
  seenAt: z.string().nullable(),
});
export type ReminderPreference = z.infer<typeof preferenceSchema>;

const settingsSchema = z.object({
  policy: policySchema,
  /** By user id. A user with no entry has the defaults (individual mails, every point). */
  users: z.record(z.string(), preferenceSchema),
});
export type ReminderSettingsFile = z.infer<typeof settingsSchema>;

/**
 * The defaults are the schedule of the first version: 7 and 2 days before and the morning of the
 * last day, 24 h and 6 h before a délai in hours; the escalation the morning before the last day or
 * 3 h before the end. The last reminder of each kind is the minimum: a lawyer can skip the early
 * warnings, never the last one.
 */
export const DEFAULT_POLICY: ReminderPolicy = {
  dayPoints: [7, 2, 0],
  hourPoints: [24, 6],
  minimumDayPoints: [0],
  minimumHourPoints: [6],
  escalationDays: 1,
  escalationHours: 3,
  digestHour: 8,
};

export const DEFAULT_PREFERENCE: ReminderPreference = { mode: 'individual', off: [], seenAt: null };

export async function openReminderSettingsStore(dataDir: string, log: Logger): Promise<Document<ReminderSettingsFile>> {
  return openDocument<ReminderSettingsFile>(
    path.join(dataDir, 'reminder-settings.json'),
    { policy: { ...DEFAULT_POLICY }, users: {} },
    { schema: settingsSchema, log },
  );
}
