/**
 * Case files as the pages show them: list rows, the case page, its deadlines and its analyses.
 * Stored analyses are read defensively (the analysis module owns their shape, and an old analysis
 * must still display after the rules change): a field that is not there is simply not shown.
 */
import { caseSchedule } from '../domain/cases/caseDeadlines.js';
import type { RenewalWindow } from '../domain/ceseda/renewal.js';
import type { CalendarDeadline } from './calendarIcs.js';
import type { CaseRecord } from '../domain/cases/caseSchema.js';
import type { Locale } from './messages.js';
import { procedureLabel } from './procedureLabels.js';
import { estimateViewOf } from './estimateViewModel.js';
import type { AnalysisView, CaseRow, DeadlineItem } from './viewModels.js';

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function clientNameOf(c: CaseRecord): string {
  return `${c.client.lastName.toUpperCase()} ${c.client.firstName}`;
}

/** The newest stored analysis of a case, if any. */
export function latestAnalysis(c: CaseRecord): Loose | undefined {
  const list = c.analyses;
  return list.length > 0 ? obj(list[list.length - 1]) : undefined;
}

/** The renewal window of the client's current document (R. 431-5), when its expiry is recorded. */
export function renewalWindowOf(c: CaseRecord): RenewalWindow | null {
  return caseSchedule(c).renewal;
}

const HOUR_UNKNOWN = ' — heure de notification inconnue : décompté depuis 0 h (lecture la plus prudente)';

/** The case's deadlines with a due date (latest analysis, else the basic rules), soonest first. */
export function deadlinesOf(c: CaseRecord): DeadlineItem[] {
  const raw = caseSchedule(c).deadlines;
  const caseLabel = `${c.reference} — ${clientNameOf(c)}`;
  const items: DeadlineItem[] = raw
    .filter((d) => str(d.due) !== '')
    .map((d) => {
      const hourly = d.dueKind === 'datetime';
      const due = str(d.due);
      // A date-only due date ends at the close of that day in Paris; noon UTC keeps it on that date.
      return {
        caseId: c.id,
        caseLabel,
        // An hour délai whose hour is unknown is counted from 0 h: said wherever the deadline shows.
        label: `${str(d.label)}${d.court ? ` (${str(d.court)})` : ''}${hourUnknown(d) ? HOUR_UNKNOWN : ''}`,
        dueAt: hourly ? due : `${due}T12:00:00Z`,
        hourly,
        article: str(d.legalBasis),
        // The remedy's code: the dashboard lists the optional recours administratifs apart.
        ...(str(d.remedy) ? { remedy: str(d.remedy) } : {}),
      };
    });
  const renewal = renewalWindowOf(c);
  if (renewal !== null && renewal.opensOn !== null && renewal.closesOn !== null) {
    items.push({
      caseId: c.id,
      caseLabel,
      label: renewal.label,
      // A civil date: noon UTC keeps it on that Paris date, like the day-based deadlines above.
      opensAt: `${renewal.opensOn}T12:00:00Z`,
      dueAt: `${renewal.closesOn}T12:00:00Z`,
      hourly: false,
      article: renewal.legalBasis,
      readings: renewal.readings.map((r) => ({ label: r.label, opensAt: `${r.opensOn}T12:00:00Z`, dueAt: `${r.closesOn}T12:00:00Z` })),
    });
  }
  return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/** A case's deadlines as calendar events (uid stable per case and item), for the .ics exports. */
export function calendarItemsOf(c: CaseRecord): CalendarDeadline[] {
  let index = 0;
  // The window has its own uid, so the deadlines keep the numbering they had before it existed.
  return deadlinesOf(c).map((d) => ({
    uid: d.opensAt !== undefined ? `${c.id}-renewal@iamanager` : `${c.id}-${index++}@iamanager`,
    summary: `${c.reference} : ${d.label}`,
    description: [d.article, ...(d.readings ?? []).map((r) => `${r.label} : ${r.opensAt.slice(0, 10)} → ${r.dueAt.slice(0, 10)}`)].join(
      '\n',
    ),
    dueAt: d.dueAt,
    hourly: d.hourly,
    ...(d.opensAt !== undefined ? { opensAt: d.opensAt } : {}),
  }));
}

/** A list row; `next` is the case index's next open deadline (the one the list sorts by). */
export function caseRowOf(
  c: CaseRecord,
  locale: Locale,
  userName: (id: string | null) => string,
  next: { dueAt: string; hourly: boolean } | null,
): CaseRow {
  return {
    id: c.id,
    reference: c.reference,
    clientName: clientNameOf(c),
    nationality: c.client.nationality,
    procedure: c.procedure,
    procedureLabel: procedureLabel(c.procedure, locale),
    status: c.archived ? 'archived' : 'open',
    assignedTo: userName(c.assignedTo),
    nextDeadline: next?.dueAt ?? null,
    nextDeadlineHourly: next?.hourly ?? false,
  };
}

/** The analysis section's view of a stored analysis. */
export function analysisViewOf(stored: Loose, threshold: number): AnalysisView {
  const result = obj(stored.result);
  const deadlines = arr(result.deadlines).map(obj);
  const eligibility = arr(result.eligibility).map(obj);
  return {
    id: str(stored.id),
    model: str(stored.model) || str(result.model),
    createdAt: str(stored.createdAt) || str(result.computedAt),
    rulesAsOf: str(stored.rulesVersion) || str(result.rulesVersion),
    deadlines: deadlines.map((d) => ({
      remedy: str(d.remedy) || undefined,
      label: str(d.label),
      court: str(d.court),
      dueAt: dueAtOf(d.due, d.dueKind === 'datetime'),
      hourly: d.dueKind === 'datetime',
      computation: arr(d.computation).map(str).join(' '),
      article: str(d.legalBasis),
      notes: arr(d.notes)
        .map(str)
        .filter((n) => n !== ''),
      toVerify: arr(d.toVerify).map(str).join(' ') || undefined,
      readings: readingsOf(d),
      hourUnknown: hourUnknown(d),
    })),
    eligibility: eligibility.map((t) => {
      const raw = arr(t.conditions).map(obj);
      const conditions = raw.map((c) => ({
        label: str(c.label),
        status: (c.status === 'met' || c.status === 'not_met' ? c.status : 'unknown') as 'met' | 'not_met' | 'unknown',
        article: str(c.article),
        evidence: str(c.evidence) || undefined,
      }));
      return {
        titre: `${str(t.label) || str(t.titre)}${t.article ? ` (${str(t.article)})` : ''}`,
        conditions,
        // "Dispositif ouvert" (L. 435-4's experiment, by the date) is met for everyone: it says nothing of the facts.
        plausible: isPlausible(
          str(t.outcome),
          conditions.filter((_, i) => str(raw[i]!.id) !== 'in_force'),
        ),
      };
    }),
    caveats: arr(result.toVerify)
      .map(str)
      .filter((n) => n !== ''),
    estimate: estimateViewOf(result.estimate, threshold),
    rules: [
      ...deadlines.map((d) => ({ rule: `${str(d.label)} : ${arr(d.computation).map(str).join(' ')}`, article: str(d.legalBasis) })),
      ...eligibility.flatMap((t) =>
        arr(t.conditions)
          .map(obj)
          .map((c) => ({ rule: str(c.label), article: str(c.article) })),
      ),
    ].filter((r) => r.article !== ''),
  };
}

/** A date-only due date ends at the close of that day in Paris; noon UTC keeps it on that date. */
function dueAtOf(due: unknown, hourly: boolean): string {
  if (!due) return '';
  return hourly ? str(due) : `${str(due)}T12:00:00Z`;
}

/** Every reading of a deadline courts disagree on, the retained one (its due date) flagged. */
function readingsOf(d: Loose): AnalysisView['deadlines'][number]['readings'] {
  const readings = arr(d.readings).map(obj);
  if (readings.length < 2) return undefined;
  return readings.map((r) => {
    const hourly = str(r.due).length > 10;
    return { label: str(r.label), dueAt: dueAtOf(r.due, hourly), hourly, retained: str(r.due) === str(d.due) };
  });
}

/** The engine counts an hour délai from 0 h when the hour is unknown, and its computation says so. */
export function hourUnknown(d: Loose): boolean {
  if (d.dueKind !== 'datetime') return false;
  // The engine's machine-readable flag; analyses stored before it existed say it in their computation.
  if (arr(d.assumptions).includes('hour_unknown')) return true;
  return arr(d.computation).some((step) => str(step).startsWith('Heure de notification inconnue'));
}

/**
 * A route the facts make plausible: eligible, or still open with at least one condition met and
 * none failed. With no facts every condition is "à établir" and no route is plausible: all are
 * collapsed, which keeps the page short until the questionnaire is filled.
 */
function isPlausible(outcome: string, conditions: ReadonlyArray<{ status: string }>): boolean {
  if (outcome === 'eligible') return true;
  if (outcome === 'not_eligible') return false;
  return conditions.some((c) => c.status === 'met') && !conditions.some((c) => c.status === 'not_met');
}

/** `2026-03-02` + `14:30` → an ISO date-time with the Paris offset of that day; the date alone otherwise. */
export function notificationInstant(date: string, time: string): string {
  if (!time) return date;
  const guess = new Date(`${date}T${time}:00Z`);
  const offsetMinutes = parisOffsetMinutes(guess);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function parisOffsetMinutes(at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' }).formatToParts(at);
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((p) => p.type === 'timeZoneName')?.value ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 60;
}
