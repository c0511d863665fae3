/**
 * Deadline reminders (docs/reminders.md): what is due, sending it once, acknowledging a deadline,
 * and the schedule `serve` runs. Each reminder is recorded `sending` durably before the mail
 * server sees it and `sent` after it accepted it; a crash in between re-sends it on the next run
 * (at-least-once: a reminder received twice is a nuisance, a reminder lost is a missed délai).
 * Which points, to whom and how (one mail each or a daily digest) follow the cabinet's policy and
 * each user's preferences (preferences.ts); the escalation goes to the case's backup lawyer, else
 * to the admins.
 */
import crypto from 'node:crypto';
import type { Logger } from '@iamanager/kernel/log';
import type { Document } from '@iamanager/kernel/storage';
import type { CaseRecord } from '../cases/caseSchema.js';
import type { User } from '../../storage/userStore.js';
import { deadlineKey, reminderKey, type RemindersFile, type SentReminder } from '../../storage/reminderStore.js';
import { DEFAULT_POLICY, DEFAULT_PREFERENCE, type ReminderPolicy, type ReminderPreference } from '../../storage/reminderSettingsStore.js';
import type { ReminderSettings } from './preferences.js';
import { ApplianceError } from '../../errors.js';
import { caseDeadlines, type CaseDeadline } from '../cases/caseDeadlines.js';
import { DateTime } from 'luxon';
import { ZONE, deadlineEnd, dueReminders, reminderPoints, type PlannedReminder, type ReminderPoint } from './schedule.js';
import { digestMail, dueText, reminderMail } from './reminderMail.js';
import type { MailSender } from '@iamanager/kernel/mail';

/** How often `serve` looks for what is due: a minute keeps an hour-based reminder on time. */
export const CHECK_EVERY_MS = 60_000;
/** After a failure the mail server is left alone 1, 2, 4… minutes, at most an hour (`reminders run` does not wait). */
const BACKOFF_MAX_MS = 3_600_000;
/** How long what was sent for an ended deadline is kept (support reads reminders.json): 90 days. */
const KEEP_ENDED_MS = 90 * 86_400_000;

export interface ReminderDeps {
  doc: Document<RemindersFile>;
  cases: () => Iterable<CaseRecord>;
  users: () => readonly User[];
  sender: MailSender | null;
  /** The cabinet's policy and the users' preferences; the defaults without it. */
  settings?: ReminderSettings;
  /** The case page's address on the cabinet's network, for the link in the mail. */
  caseUrl: (caseId: string) => string;
  clock: () => Date;
  log: Logger;
}

export interface RunResult {
  sent: Array<{ caseId: string; reference: string; remedy: string; due: string; point: ReminderPoint; to: string[] }>;
  /** The mail server's refusal or silence, when it stopped the run; what is left goes on the next run. */
  error: string | null;
  pending: number;
}

export interface ScheduledRow {
  caseId: string;
  reference: string;
  remedy: string;
  due: string;
  point: ReminderPoint;
  at: string;
  /** `lawyer` (the admins when nobody is assigned); the escalation's `backup` (the case's second lawyer) or `admins`. */
  to: 'lawyer' | 'backup' | 'admins';
  /** `sent`, `sending` (tried, not yet accepted: sent again), `planned`, or `skipped` (a later one went instead). */
  status: 'sent' | 'sending' | 'planned' | 'skipped';
  acknowledged: boolean;
}

export interface MyDeadline {
  caseId: string;
  reference: string;
  remedy: string;
  label: string;
  due: string;
  /** The due date in words, Paris time (as in the mails). */
  dueText: string;
  endsAt: string;
  nextReminderAt: string | null;
  acknowledged: { by: string; at: string } | null;
}

export class Reminders {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RunResult> | undefined;
  /** `serve` asked for the schedule: started as soon as a mail server is set (the page may set one later). */
  private scheduleWanted = false;
  private sender: MailSender | null;

  constructor(private readonly deps: ReminderDeps) {
    this.sender = deps.sender;
  }

  /** Another mail server, saved from the admin page or the setup wizard: used from the next run on. */
  setSender(sender: MailSender | null): void {
    this.sender = sender;
    if (this.scheduleWanted && sender) this.startSchedule();
  }

  private policy(): ReminderPolicy {
    return this.deps.settings?.policy() ?? DEFAULT_POLICY;
  }

  private preference(userId: string): ReminderPreference {
    return this.deps.settings?.preference(userId) ?? DEFAULT_PREFERENCE;
  }

  /** The assigned lawyer while active; undefined sends the lawyer's reminders to the admins. */
  private lawyerOf(c: CaseRecord): User | undefined {
    return this.deps.users().find((u) => u.active && u.id === c.assignedTo);
  }

  /** The case's backup lawyer while active and not the secretariat (who cannot act on a délai). */
  private backupOf(c: CaseRecord): User | undefined {
    const id = c.backupAssignedTo;
    return id ? this.deps.users().find((u) => u.active && u.id === id && u.role !== 'secretariat') : undefined;
  }

  /** Whether the lawyer receives a point: the minimum always, the others unless turned off. */
  private receives(lawyer: User | undefined): (p: PlannedReminder) => boolean {
    if (!lawyer) return () => true;
    const off = this.preference(lawyer.id).off;
    return (p) => p.minimum || !off.includes(p.point);
  }

  get configured(): boolean {
    return this.sender !== null;
  }

  /** The mail server's state, for doctor and the admin page (host and port only, never the login). */
  status(): { configured: boolean; server: string | null } & RemindersFile['mail'] {
    return { configured: this.configured, server: this.sender?.server ?? null, ...this.deps.doc.data.mail };
  }

  /** Open cases' deadlines not yet ended, with their reference and assignee. */
  private openDeadlines(now: Date): Array<{ c: CaseRecord; d: CaseDeadline }> {
    const out: Array<{ c: CaseRecord; d: CaseDeadline }> = [];
    for (const c of this.deps.cases()) {
      // A closed case (décision rendue, désistement…) has no remedy left to file; an archived one is out of sight.
      if (c.archived || c.status === 'closed') continue;
      for (const d of caseDeadlines(c)) if (deadlineEnd(d) > now) out.push({ c, d });
    }
    return out;
  }

  private acknowledged(d: CaseDeadline): boolean {
    return this.deps.doc.data.acks[deadlineKey(d)] !== undefined;
  }

  private recipients(c: CaseRecord, p: PlannedReminder): string[] {
    const admins = this.deps
      .users()
      .filter((u) => u.active && u.role === 'admin')
      .map((u) => u.email);
    if (p.audience === 'admins') {
      // The escalation goes to the case's second lawyer, who knows it; the admins when there is none.
      const backup = this.backupOf(c);
      return backup ? [backup.email] : admins;
    }
    const lawyer = this.lawyerOf(c);
    // Nobody assigned (or the assignee disabled): the admins hear of it rather than nobody.
    return lawyer ? [lawyer.email] : admins;
  }

  /** Every reminder of every open deadline, in time order, with what became of it. */
  list(now: Date = this.deps.clock()): ScheduledRow[] {
    const sent = this.deps.doc.data.sent;
    const rows: ScheduledRow[] = [];
    const policy = this.policy();
    for (const { c, d } of this.openDeadlines(now)) {
      const acknowledged = this.acknowledged(d);
      const receives = this.receives(this.lawyerOf(c));
      const due = new Set(dueReminders(d, now, { sent: () => false, acknowledged, receives }, policy).map((p) => p.point));
      const escalateTo = this.backupOf(c) ? 'backup' : 'admins';
      for (const p of reminderPoints(d, policy)) {
        if (p.audience === 'lawyer' && !receives(p)) continue;
        const record = sent[reminderKey(d, p.point)];
        const status: ScheduledRow['status'] = record?.state ?? (p.at > now || due.has(p.point) ? 'planned' : 'skipped');
        rows.push({
          caseId: c.id,
          reference: c.reference,
          remedy: d.remedy,
          due: d.due,
          point: p.point,
          at: p.at.toISOString(),
          to: p.audience === 'admins' ? escalateTo : 'lawyer',
          status,
          acknowledged,
        });
      }
    }
    return rows.sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * "Mes échéances": the open deadlines of the cases assigned to `userId`, soonest first, with the
   * next reminder and the acknowledgement if any.
   */
  assignedTo(userId: string, now: Date = this.deps.clock()): MyDeadline[] {
    return this.openDeadlines(now)
      .filter(({ c }) => c.assignedTo === userId)
      .map(({ c, d }) => {
        const ack = this.deps.doc.data.acks[deadlineKey(d)];
        const receives = this.receives(this.lawyerOf(c));
        const next = reminderPoints(d, this.policy()).find((p) => p.at > now && p.audience === 'lawyer' && receives(p));
        return {
          caseId: c.id,
          reference: c.reference,
          remedy: d.remedy,
          label: d.label,
          due: d.due,
          dueText: dueText(d),
          endsAt: deadlineEnd(d).toISOString(),
          nextReminderAt: next ? next.at.toISOString() : null,
          acknowledged: ack ? { by: ack.by, at: ack.at } : null,
        };
      })
      .sort((a, b) => a.endsAt.localeCompare(b.endsAt));
  }

  /**
   * Sends what is due at `now`. One run at a time (the schedule's and a `reminders run` wait for
   * each other). `force`: ignore the back-off, as `appliance reminders run` does.
   */
  run(options: { force?: boolean } = {}): Promise<RunResult> {
    const previous = this.running ?? Promise.resolve(undefined);
    const next = previous.then(
      () => this.runOnce(options),
      () => this.runOnce(options),
    );
    this.running = next;
    return next;
  }

  /**
   * Forgets what concerns deadlines ended more than KEEP_ENDED_MS ago: they are never reminded
   * again, and `reminders.json` would otherwise grow with every case the cabinet ever had.
   */
  private async prune(now: Date): Promise<void> {
    const { doc } = this.deps;
    const ended = (r: { due: string }) =>
      deadlineEnd({ due: r.due, hourly: r.due.includes('T') }).getTime() < now.getTime() - KEEP_ENDED_MS;
    let removed = 0;
    for (const table of [doc.data.sent, doc.data.acks] as Array<Record<string, { due: string }>>)
      for (const [key, r] of Object.entries(table))
        if (ended(r)) {
          delete table[key];
          removed++;
        }
    // Digests by their day: kept as long as what they carried.
    const cutoff = DateTime.fromJSDate(new Date(now.getTime() - KEEP_ENDED_MS), { zone: ZONE }).toISODate() ?? '';
    for (const [key, d] of Object.entries(doc.data.digests))
      if (d.day < cutoff) {
        delete doc.data.digests[key];
        removed++;
      }
    if (removed > 0) await doc.write();
  }

  private async runOnce(options: { force?: boolean }): Promise<RunResult> {
    const now = this.deps.clock();
    const { doc, log } = this.deps;
    const sender = this.sender;
    // No mail server and no one asking: nothing can be sent, so nothing is computed (the schedule
    // does not even run then; `reminders run` forces, to say how many are due).
    if (!sender && !options.force) return { sent: [], error: null, pending: 0 };
    await this.prune(now);
    const policy = this.policy();
    const work: Array<{ c: CaseRecord; d: CaseDeadline; p: PlannedReminder }> = [];
    /** By user id: the non-minimum points of lawyers who chose the daily digest. */
    const digests = new Map<string, { user: User; items: Array<{ c: CaseRecord; d: CaseDeadline; p: PlannedReminder }> }>();
    for (const { c, d } of this.openDeadlines(now)) {
      const lawyer = this.lawyerOf(c);
      const state = {
        sent: (point: ReminderPoint) => doc.data.sent[reminderKey(d, point)]?.state === 'sent',
        acknowledged: this.acknowledged(d),
        receives: this.receives(lawyer),
      };
      for (const p of dueReminders(d, now, state, policy)) {
        // The minimum goes on its own even to a digest reader: the jour J cannot wait for the digest hour.
        if (lawyer && p.audience === 'lawyer' && !p.minimum && this.preference(lawyer.id).mode === 'digest') {
          const entry = digests.get(lawyer.id) ?? { user: lawyer, items: [] };
          entry.items.push({ c, d, p });
          digests.set(lawyer.id, entry);
        } else work.push({ c, d, p });
      }
    }
    const digestItems = [...digests.values()].reduce((n, e) => n + e.items.length, 0);
    const result: RunResult = { sent: [], error: null, pending: work.length + digestItems };
    if (!sender) {
      throw new ApplianceError(
        'mail_not_configured',
        `${work.length + digestItems} reminder(s) due, but no mail server is configured: set the mail server on /admin/rappels, or SMTP_URL and MAIL_FROM in .env and restart (docs/reminders.md)`,
      );
    }
    const retryAfter = doc.data.mail.retryAfter;
    if (!options.force && retryAfter !== null && new Date(retryAfter) > now) return result;
    for (const { c, d, p } of work) {
      const to = this.recipients(c, p);
      if (to.length === 0) {
        log.warn({ caseId: c.id, remedy: d.remedy, point: p.point }, 'reminders: nobody to remind (no active admin)');
        continue;
      }
      const key = reminderKey(d, p.point);
      const record: SentReminder = doc.data.sent[key] ?? {
        caseId: c.id,
        remedy: d.remedy,
        due: d.due,
        point: p.point,
        to,
        state: 'sending',
        // Stable across re-sends: mail clients can tell a copy re-sent after a crash.
        messageId: `<${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}@reminders.iamanager>`,
        attempts: 0,
        firstTriedAt: now.toISOString(),
        sentAt: null,
        lastError: null,
      };
      record.to = to;
      record.attempts += 1;
      doc.data.sent[key] = record;
      await doc.write(); // `sending` on disk before the mail server sees anything
      try {
        const escalatedTo = this.backupOf(c) ? 'backup' : 'admins';
        await sender.send({
          to,
          messageId: record.messageId,
          ...reminderMail(d, p.point, c, { caseUrl: this.deps.caseUrl(c.id) }, escalatedTo),
        });
      } catch (err) {
        record.lastError = (err as Error).message;
        result.error = await this.failed(sender, err, now);
        // The server is down or refusing: the others would fail the same way; they wait for the next run.
        break;
      }
      record.state = 'sent';
      record.sentAt = now.toISOString();
      record.lastError = null;
      await this.succeeded(now);
      result.sent.push({ caseId: c.id, reference: c.reference, remedy: d.remedy, due: d.due, point: p.point, to });
      log.info({ caseId: c.id, remedy: d.remedy, point: p.point, recipients: to.length }, 'reminders: sent');
    }
    if (result.error === null)
      for (const { user, items } of digests.values()) {
        const sent = await this.sendDigest(sender, user, items, now, policy);
        if (typeof sent === 'string') {
          result.error = sent;
          break;
        }
        result.sent.push(...sent);
      }
    result.pending = work.length + digestItems - result.sent.length;
    return result;
  }

  private async failed(sender: MailSender, err: unknown, now: Date): Promise<string> {
    const message = (err as Error).message;
    const m = this.deps.doc.data.mail;
    m.consecutiveFailures += 1;
    m.lastError = message;
    m.lastErrorAt = now.toISOString();
    m.retryAfter = new Date(now.getTime() + Math.min(BACKOFF_MAX_MS, 60_000 * 2 ** (m.consecutiveFailures - 1))).toISOString();
    await this.deps.doc.write();
    this.deps.log.warn(
      { server: sender.server, failures: m.consecutiveFailures, retryAfter: m.retryAfter, err: message },
      'reminders: the mail server did not accept a reminder',
    );
    return message;
  }

  private async succeeded(now: Date): Promise<void> {
    const { doc } = this.deps;
    doc.data.mail = { ...doc.data.mail, consecutiveFailures: 0, lastError: null, retryAfter: null, lastSuccessAt: now.toISOString() };
    await doc.write();
  }

  /**
   * One user's digest of the day, once the digest hour (Paris) is reached and if today's was not
   * sent yet; what comes due after it waits for tomorrow's. Recorded like a reminder (`sending`
   * before the server sees it, `sent` after), so it goes out once across restarts. Returns what it
   * carried, [] when it is not time, or the server's refusal.
   */
  private async sendDigest(
    sender: MailSender,
    user: User,
    items: Array<{ c: CaseRecord; d: CaseDeadline; p: PlannedReminder }>,
    now: Date,
    policy: ReminderPolicy,
  ): Promise<RunResult['sent'] | string> {
    const { doc } = this.deps;
    const today = DateTime.fromJSDate(now, { zone: ZONE });
    if (today.hour < policy.digestHour) return [];
    const day = today.toISODate() ?? '';
    const key = `${user.id}|${day}`;
    const existing = doc.data.digests[key];
    if (existing?.state === 'sent') return [];
    const keys = items.map(({ d, p }) => reminderKey(d, p.point));
    const digest = existing ?? {
      userId: user.id,
      day,
      state: 'sending' as const,
      items: keys,
      messageId: `<digest-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}@reminders.iamanager>`,
      attempts: 0,
      sentAt: null,
    };
    digest.items = keys;
    digest.attempts += 1;
    doc.data.digests[key] = digest;
    for (const { c, d, p } of items) {
      const rk = reminderKey(d, p.point);
      const record = doc.data.sent[rk] ?? {
        caseId: c.id,
        remedy: d.remedy,
        due: d.due,
        point: p.point,
        to: [user.email],
        state: 'sending' as const,
        messageId: digest.messageId,
        attempts: 0,
        firstTriedAt: now.toISOString(),
        sentAt: null,
        lastError: null,
      };
      record.attempts += 1;
      doc.data.sent[rk] = record;
    }
    await doc.write(); // `sending` on disk before the mail server sees anything
    const mail = digestMail(
      items.map(({ c, d, p }) => ({ c, d, point: p.point, caseUrl: this.deps.caseUrl(c.id) })),
      day,
    );
    try {
      await sender.send({ to: [user.email], messageId: digest.messageId, ...mail });
    } catch (err) {
      return this.failed(sender, err, now);
    }
    digest.state = 'sent';
    digest.sentAt = now.toISOString();
    for (const k of keys) {
      const record = doc.data.sent[k]!;
      record.state = 'sent';
      record.sentAt = now.toISOString();
      record.lastError = null;
    }
    await this.succeeded(now);
    this.deps.log.info({ userId: user.id, items: items.length }, 'reminders: digest sent');
    return items.map(({ c, d, p }) => ({
      caseId: c.id,
      reference: c.reference,
      remedy: d.remedy,
      due: d.due,
      point: p.point,
      to: [user.email],
    }));
  }

  /**
   * The menu's badge: reminders sent to `user` since they last opened « Mes échéances », of
   * deadlines still open and not acknowledged.
   */
  unreadCount(user: { id: string; email: string }, now: Date = this.deps.clock()): number {
    const seenAt = this.preference(user.id).seenAt ?? '';
    let n = 0;
    for (const r of Object.values(this.deps.doc.data.sent)) {
      if (r.state !== 'sent' || r.sentAt === null || r.sentAt <= seenAt || !r.to.includes(user.email)) continue;
      if (this.deps.doc.data.acks[deadlineKey(r)] !== undefined) continue;
      if (deadlineEnd({ due: r.due, hourly: r.due.includes('T') }) <= now) continue;
      n++;
    }
    return n;
  }

  /** « Mes échéances » was opened: the badge goes back to zero (no write when it already is). */
  async markSeen(user: { id: string; email: string }): Promise<void> {
    if (!this.deps.settings || this.unreadCount(user) === 0) return;
    await this.deps.settings.markSeen(user.id, this.deps.clock());
  }

  /**
   * "Pris en charge": nobody else needs alerting for this deadline. Names the remedies the case
   * has when `remedy` is not one of them.
   */
  async acknowledge(c: CaseRecord, remedy: string, by: string): Promise<{ remedy: string; due: string; at: string }> {
    const now = this.deps.clock();
    const deadlines = caseDeadlines(c);
    const d = deadlines.find((x) => x.remedy === remedy);
    if (!d)
      throw new ApplianceError(
        'deadline_not_found',
        `remedy: case ${c.reference} has no deadline "${remedy}"; its deadlines are ${deadlines.map((x) => x.remedy).join(', ') || 'none (no notification date the rules can read)'}`,
      );
    const key = deadlineKey(d);
    const existing = this.deps.doc.data.acks[key];
    if (existing) return { remedy, due: d.due, at: existing.at };
    this.deps.doc.data.acks[key] = { caseId: c.id, remedy, due: d.due, by, at: now.toISOString() };
    await this.deps.doc.write();
    return { remedy, due: d.due, at: now.toISOString() };
  }

  /** A test mail through the configured server: the mail server's answer, or its refusal as `mail_not_delivered`. */
  async sendTest(to: string): Promise<{ to: string; server: string; at: string }> {
    const sender = this.sender;
    if (!sender)
      throw new ApplianceError(
        'mail_not_configured',
        'no mail server is configured: set the mail server on /admin/rappels, or SMTP_URL and MAIL_FROM in .env and restart (docs/reminders.md)',
      );
    const now = this.deps.clock();
    try {
      await sender.send({
        to: [to],
        subject: 'Test des rappels d’échéances',
        text: "Ce message confirme que l'appliance du cabinet peut envoyer les rappels d'échéances par ce serveur de messagerie.",
        messageId: `<test-${crypto.randomUUID()}@reminders.iamanager>`,
      });
    } catch (err) {
      throw new ApplianceError(
        'mail_not_delivered',
        `the mail server ${sender.server} did not accept the test mail: ${(err as Error).message}`,
      );
    }
    return { to, server: sender.server, at: now.toISOString() };
  }

  /** `serve` only: a run now (what came due while the appliance was off), then every minute. */
  startSchedule(): void {
    this.scheduleWanted = true;
    if (this.timer) return;
    const tick = () => {
      this.run().catch((err: unknown) => this.deps.log.error({ err }, 'reminders: run failed'));
    };
    if (!this.configured) {
      this.deps.log.warn(
        'reminders: no mail server (SMTP_URL and MAIL_FROM, or the admin page): deadline reminders are not sent (docs/reminders.md)',
      );
      return;
    }
    tick();
    this.timer = setInterval(tick, CHECK_EVERY_MS);
    this.timer.unref();
  }

  async stopSchedule(): Promise<void> {
    this.scheduleWanted = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
