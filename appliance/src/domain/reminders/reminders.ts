/**
 * Deadline reminders (docs/reminders.md): what is due, sending it once, acknowledging a deadline,
 * and the schedule `serve` runs. Each reminder is recorded `sending` durably before the mail
 * server sees it and `sent` after it accepted it; a crash in between re-sends it on the next run
 * (at-least-once: a reminder received twice is a nuisance, a reminder lost is a missed délai).
 */
import crypto from 'node:crypto';
import type { Logger } from '@iamanager/kernel/log';
import type { Document } from '@iamanager/kernel/storage';
import type { CaseRecord } from '../cases/caseSchema.js';
import type { User } from '../../storage/userStore.js';
import { deadlineKey, reminderKey, type RemindersFile, type SentReminder } from '../../storage/reminderStore.js';
import { ApplianceError } from '../../errors.js';
import { caseDeadlines, type CaseDeadline } from '../cases/caseDeadlines.js';
import { deadlineEnd, dueReminders, reminderPoints, type PlannedReminder, type ReminderPoint } from './schedule.js';
import { dueText, reminderMail } from './reminderMail.js';
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
  to: 'lawyer' | 'admins';
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

  constructor(private readonly deps: ReminderDeps) {}

  get configured(): boolean {
    return this.deps.sender !== null;
  }

  /** The mail server's state, for doctor and the admin page (host and port only, never the login). */
  status(): { configured: boolean; server: string | null } & RemindersFile['mail'] {
    return { configured: this.configured, server: this.deps.sender?.server ?? null, ...this.deps.doc.data.mail };
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
    const active = this.deps.users().filter((u) => u.active);
    const admins = active.filter((u) => u.role === 'admin').map((u) => u.email);
    if (p.audience === 'admins') return admins;
    const lawyer = active.find((u) => u.id === c.assignedTo);
    // Nobody assigned (or the assignee disabled): the admins hear of it rather than nobody.
    return lawyer ? [lawyer.email] : admins;
  }

  /** Every reminder of every open deadline, in time order, with what became of it. */
  list(now: Date = this.deps.clock()): ScheduledRow[] {
    const sent = this.deps.doc.data.sent;
    const rows: ScheduledRow[] = [];
    for (const { c, d } of this.openDeadlines(now)) {
      const acknowledged = this.acknowledged(d);
      const due = new Set(dueReminders(d, now, { sent: () => false, acknowledged }).map((p) => p.point));
      for (const p of reminderPoints(d)) {
        const record = sent[reminderKey(d, p.point)];
        const status: ScheduledRow['status'] = record?.state ?? (p.at > now || due.has(p.point) ? 'planned' : 'skipped');
        rows.push({
          caseId: c.id,
          reference: c.reference,
          remedy: d.remedy,
          due: d.due,
          point: p.point,
          at: p.at.toISOString(),
          to: p.audience,
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
        const next = reminderPoints(d).find((p) => p.at > now && p.audience === 'lawyer');
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
    if (removed > 0) await doc.write();
  }

  private async runOnce(options: { force?: boolean }): Promise<RunResult> {
    const now = this.deps.clock();
    const { doc, sender, log } = this.deps;
    // No mail server and no one asking: nothing can be sent, so nothing is computed (the schedule
    // does not even run then; `reminders run` forces, to say how many are due).
    if (!sender && !options.force) return { sent: [], error: null, pending: 0 };
    await this.prune(now);
    const work: Array<{ c: CaseRecord; d: CaseDeadline; p: PlannedReminder }> = [];
    for (const { c, d } of this.openDeadlines(now)) {
      const state = {
        sent: (point: ReminderPoint) => doc.data.sent[reminderKey(d, point)]?.state === 'sent',
        acknowledged: this.acknowledged(d),
      };
      for (const p of dueReminders(d, now, state)) work.push({ c, d, p });
    }
    const result: RunResult = { sent: [], error: null, pending: work.length };
    if (!sender) {
      throw new ApplianceError(
        'mail_not_configured',
        `${work.length} reminder(s) due, but no mail server is configured: set SMTP_URL and MAIL_FROM in .env (docs/reminders.md) and restart`,
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
        await sender.send({ to, messageId: record.messageId, ...reminderMail(d, p.point, c, { caseUrl: this.deps.caseUrl(c.id) }) });
      } catch (err) {
        const message = (err as Error).message;
        const m = doc.data.mail;
        m.consecutiveFailures += 1;
        m.lastError = message;
        m.lastErrorAt = now.toISOString();
        m.retryAfter = new Date(now.getTime() + Math.min(BACKOFF_MAX_MS, 60_000 * 2 ** (m.consecutiveFailures - 1))).toISOString();
        record.lastError = message;
        await doc.write();
        log.warn(
          { server: sender.server, failures: m.consecutiveFailures, retryAfter: m.retryAfter, err: message },
          'reminders: the mail server did not accept a reminder',
        );
        // The server is down or refusing: the others would fail the same way; they wait for the next run.
        result.error = message;
        break;
      }
      record.state = 'sent';
      record.sentAt = now.toISOString();
      record.lastError = null;
      doc.data.mail = { ...doc.data.mail, consecutiveFailures: 0, lastError: null, retryAfter: null, lastSuccessAt: now.toISOString() };
      await doc.write();
      result.sent.push({ caseId: c.id, reference: c.reference, remedy: d.remedy, due: d.due, point: p.point, to });
      log.info({ caseId: c.id, remedy: d.remedy, point: p.point, recipients: to.length }, 'reminders: sent');
    }
    result.pending = work.length - result.sent.length;
    return result;
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
    const { sender } = this.deps;
    if (!sender)
      throw new ApplianceError(
        'mail_not_configured',
        'no mail server is configured: set SMTP_URL and MAIL_FROM in .env (docs/reminders.md) and restart',
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
    if (this.timer) return;
    const tick = () => {
      this.run().catch((err: unknown) => this.deps.log.error({ err }, 'reminders: run failed'));
    };
    if (!this.configured) {
      this.deps.log.warn('reminders: SMTP_URL and MAIL_FROM are not set: deadline reminders are not sent (docs/reminders.md)');
      return;
    }
    tick();
    this.timer = setInterval(tick, CHECK_EVERY_MS);
    this.timer.unref();
  }

  async stopSchedule(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
