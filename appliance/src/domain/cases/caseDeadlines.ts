/**
 * A case's deadlines, computed once per case version for everyone who needs them: the pages
 * (dashboard, case page, calendar, .ics) and the reminders, which look at every open case each
 * minute. The latest analysis's stored deadlines when there is one — what the lawyer saw and
 * checked — else the basic rules from the procedure, the notification and the facts (free: no
 * analysis is counted); and the residence permit's renewal window (R. 431-5), always from the
 * current facts, since it does not depend on the procedure and a corrected expiry must show at once.
 */
import type { CaseRecord } from './caseSchema.js';
import { caseFactsSchema } from '../ceseda/facts.js';
import { computeDeadlines } from '../ceseda/deadlines.js';
import type { ProcedureCode } from '../ceseda/procedures.js';
import { computeRenewalWindow, prefectureCalendar, type RenewalWindow } from '../ceseda/renewal.js';
import type { DeadlineContext } from '../ceseda/rules.js';
import { closuresOf, isClosed, isClosedOrPending } from './deadlineClosure.js';

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface CaseSchedule {
  /** The deadlines as the analysis shapes them (stored results are read defensively: loose objects). */
  deadlines: readonly Loose[];
  renewal: RenewalWindow | null;
}

/** The reminders' view of a deadline: what a reminder carries and an acknowledgement names. */
export interface CaseDeadline {
  caseId: string;
  /** The remedy kind (`recours_contentieux`, `rapo`…): with the due date, what an acknowledgement names. */
  remedy: string;
  label: string;
  /** `YYYY-MM-DD` for a délai in days or months, an ISO instant for one in hours. */
  due: string;
  hourly: boolean;
  legalBasis: string;
}

/**
 * Per case, by version: computing the rules for 10 000 cases takes about 1.5 s of the event loop
 * (measured), and a case changes far less often than the dashboard or the reminders look at it.
 */
const cache = new Map<string, { version: string; schedule: CaseSchedule; reminders: CaseDeadline[] }>();

function entryOf(c: CaseRecord) {
  const version = `${c.updatedAt}|${c.procedure}|${c.decisionNotifiedAt}|${c.departement}|${c.analyses.length}`;
  const hit = cache.get(c.id);
  if (hit?.version === version) return hit;
  const schedule = computeSchedule(c);
  const entry = { version, schedule, reminders: forReminders(c.id, schedule.deadlines) };
  cache.set(c.id, entry);
  return entry;
}

/**
 * The case's deadlines and renewal window (cached per case version), without the closed ones
 * (docs/deadlines.md): a deadline closed as filed, "pas de recours" or écartée leaves the dashboard,
 * the case list and the calendar. One waiting for its second confirmation still shows there.
 */
export function caseSchedule(c: CaseRecord): CaseSchedule {
  const { schedule } = entryOf(c);
  if (Object.keys(closuresOf(c)).length === 0) return schedule;
  return { ...schedule, deadlines: schedule.deadlines.filter((d) => !isClosed(c, str(d.remedy))) };
}

/**
 * The deadlines that can be reminded: a due date and a remedy kind (cached per case version).
 * Closed ones and those waiting for a second confirmation are left out: the reminders and
 * « Mes échéances » never chase a deadline someone has already dealt with.
 */
export function caseDeadlines(c: CaseRecord): CaseDeadline[] {
  const { reminders } = entryOf(c);
  if (Object.keys(closuresOf(c)).length === 0) return reminders;
  return reminders.filter((d) => !isClosedOrPending(c, d.remedy));
}

/** Every deadline with a due date and a remedy, closed or not: what closing, the register and the proof work on. */
export function allCaseDeadlines(c: CaseRecord): CaseDeadline[] {
  return entryOf(c).reminders;
}

function computeSchedule(c: CaseRecord): CaseSchedule {
  const parsed = caseFactsSchema.safeParse(c.facts);
  const facts = parsed.success ? parsed.data : {};
  const ctx: DeadlineContext = { ...facts, departement: c.departement };
  const latest = c.analyses.length > 0 ? obj(c.analyses[c.analyses.length - 1]) : undefined;
  let deadlines: Loose[] = [];
  if (latest) {
    const stored = obj(latest.result).deadlines;
    deadlines = Array.isArray(stored) ? stored.map(obj) : [];
  } else {
    try {
      deadlines = computeDeadlines(c.procedure as ProcedureCode, c.decisionNotifiedAt, ctx) as unknown as Loose[];
    } catch {
      // A notification date the rules cannot read: nothing to show or remind; the analysis names the field.
    }
  }
  let renewal: RenewalWindow | null = null;
  try {
    renewal = computeRenewalWindow(facts, prefectureCalendar(ctx));
  } catch {
    // An expiry outside the legal calendar's years: the analysis names the field.
  }
  return { deadlines, renewal };
}

function forReminders(caseId: string, deadlines: readonly Loose[]): CaseDeadline[] {
  return deadlines
    .filter((d) => str(d.due) !== '' && str(d.remedy) !== '')
    .map((d) => ({
      caseId,
      remedy: str(d.remedy),
      label: `${str(d.label)}${d.court ? ` (${str(d.court)})` : ''}`,
      due: str(d.due),
      hourly: d.dueKind === 'datetime',
      legalBasis: str(d.legalBasis),
    }));
}
