/**
 * The cabinet's reminder policy and each user's choices (docs/reminders.md). The admins set the
 * points for délais in days and in hours, which of them are the minimum nobody can turn off, the
 * escalation delay and the digest hour; each user chooses one mail per reminder or a daily digest,
 * and turns off the points above the minimum they do not want. The minimum exists because a
 * missed délai de recours cannot be made up: the last warning reaches the lawyer whatever they chose.
 */
import { z } from 'zod';
import type { Document } from '@iamanager/kernel/storage';
import { ApplianceError } from '../../errors.js';
import {
  DEFAULT_PREFERENCE,
  type ReminderPolicy,
  type ReminderPreference,
  type ReminderSettingsFile,
} from '../../storage/reminderSettingsStore.js';
import { dayPointName, hourPointName } from './schedule.js';

const days = z
  .array(
    z.coerce
      .number({ error: 'must be numbers of days' })
      .int()
      .min(0, { error: 'must be from 0 (the last day) to 60 days' })
      .max(60, { error: 'must be from 0 (the last day) to 60 days' }),
  )
  .min(1, { error: 'needs at least one point: the lawyer must be reminded' })
  .max(6, { error: 'takes at most 6 points' });
const hours = z
  .array(
    z.coerce
      .number({ error: 'must be numbers of hours' })
      .int()
      .min(1, { error: 'must be from 1 to 47 hours before the end' })
      .max(47, { error: 'must be from 1 to 47 hours before the end' }),
  )
  .min(1, { error: 'needs at least one point: the lawyer must be reminded' })
  .max(6, { error: 'takes at most 6 points' });

export const policyInput = z
  .strictObject({
    dayPoints: days,
    hourPoints: hours,
    minimumDayPoints: z.array(z.coerce.number().int()).default([]),
    minimumHourPoints: z.array(z.coerce.number().int()).default([]),
    escalationDays: z.coerce
      .number({ error: 'must be a number of days' })
      .int()
      .min(0, { error: 'must be from 0 (the morning of the last day) to 30 days' })
      .max(30, { error: 'must be from 0 (the morning of the last day) to 30 days' }),
    escalationHours: z.coerce
      .number({ error: 'must be a number of hours' })
      .int()
      .min(1, { error: 'must be from 1 to 47 hours before the end' })
      .max(47, { error: 'must be from 1 to 47 hours before the end' }),
    digestHour: z.coerce
      .number({ error: 'must be an hour from 0 to 23' })
      .int()
      .min(0, { error: 'must be an hour from 0 to 23' })
      .max(23, { error: 'must be an hour from 0 to 23' }),
  })
  .superRefine((p, ctx) => {
    for (const [field, list, of] of [
      ['minimumDayPoints', p.minimumDayPoints, p.dayPoints],
      ['minimumHourPoints', p.minimumHourPoints, p.hourPoints],
    ] as const)
      for (const n of list)
        if (!of.includes(n))
          ctx.addIssue({ code: 'custom', path: [field], message: `(${n}) must be one of the reminder points (${of.join(', ')})` });
    // Without a minimum a lawyer could turn every reminder off; the last point is the natural one.
    if (p.minimumDayPoints.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['minimumDayPoints'],
        message: 'needs at least one point (e.g. 0, the morning of the last day)',
      });
    if (p.minimumHourPoints.length === 0)
      ctx.addIssue({ code: 'custom', path: ['minimumHourPoints'], message: 'needs at least one point (e.g. 6 hours before the end)' });
  })
  .transform((p) => {
    const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => b - a);
    return {
      ...p,
      dayPoints: sorted(p.dayPoints),
      hourPoints: sorted(p.hourPoints),
      minimumDayPoints: sorted(p.minimumDayPoints),
      minimumHourPoints: sorted(p.minimumHourPoints),
    };
  });

export const preferenceInput = z.strictObject({
  mode: z.enum(['individual', 'digest'], { error: 'must be individual (one mail per reminder) or digest (one mail a day)' }),
  /** Point names turned off (`j-7`, `h-24`…). */
  off: z.array(z.string().max(20)).max(20).default([]),
});

/** A point the user may choose, with whether it is part of the cabinet's minimum. */
export interface PointChoice {
  point: string;
  kind: 'day' | 'hour';
  n: number;
  minimum: boolean;
}

export class ReminderSettings {
  constructor(private readonly doc: Document<ReminderSettingsFile>) {}

  policy(): ReminderPolicy {
    return this.doc.data.policy;
  }

  async savePolicy(policy: ReminderPolicy): Promise<ReminderPolicy> {
    this.doc.data.policy = policy;
    await this.doc.write();
    return policy;
  }

  /** Every point of the policy, day-based then hour-based. */
  points(): PointChoice[] {
    const p = this.policy();
    return [
      ...p.dayPoints.map((n) => ({ point: dayPointName(n), kind: 'day' as const, n, minimum: p.minimumDayPoints.includes(n) })),
      ...p.hourPoints.map((n) => ({ point: hourPointName(n), kind: 'hour' as const, n, minimum: p.minimumHourPoints.includes(n) })),
    ];
  }

  preference(userId: string): ReminderPreference {
    return this.doc.data.users[userId] ?? DEFAULT_PREFERENCE;
  }

  /** Refuses turning off a minimum point or a point the policy does not have, naming it. */
  async savePreference(userId: string, input: z.infer<typeof preferenceInput>): Promise<ReminderPreference> {
    const points = this.points();
    for (const name of input.off) {
      const p = points.find((x) => x.point === name);
      if (!p)
        throw new ApplianceError(
          'invalid_input',
          `off: "${name}" is not a reminder point of this cabinet (${points.map((x) => x.point).join(', ')})`,
        );
      if (p.minimum)
        throw new ApplianceError(
          'invalid_input',
          `off: "${name}" is part of the cabinet's minimum and cannot be turned off (ask an administrator to change the policy)`,
        );
    }
    const pref = { ...this.preference(userId), mode: input.mode, off: [...new Set(input.off)] };
    this.doc.data.users[userId] = pref;
    await this.doc.write();
    return pref;
  }

  /** « Mes échéances » was opened: what was sent so far is seen (written only when it changes the badge). */
  async markSeen(userId: string, at: Date): Promise<void> {
    this.doc.data.users[userId] = { ...this.preference(userId), seenAt: at.toISOString() };
    await this.doc.write();
  }
}
