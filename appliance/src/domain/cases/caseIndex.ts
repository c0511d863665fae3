/**
 * The in-memory search index over case files: one normalised string per case (names, reference,
 * AGDREF number), matched accent- and case-insensitively, plus the fields the list filters on.
 * A linear scan of 10 000 short strings takes well under a millisecond; no index structure beats
 * that enough to be worth its bugs.
 *
 * Each entry also keeps its case's due dates (the list sorts by the next open one), computed once
 * per case version — on the first sort after a change, not at start-up, so a restart stays fast —
 * and dropped with the entry whenever the case is put again.
 */
import type { CaseRecord } from './caseSchema.js';
import { caseDeadlines, caseSchedule } from './caseDeadlines.js';
import { isOptionalRemedy } from '../ceseda/optionalRemedies.js';

export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export interface CaseQuery {
  q?: string;
  nationality?: string;
  procedure?: string;
  status?: string;
  assignedTo?: string;
  archived?: boolean;
  /** `updated` (most recently changed first, the default), `deadline` (next open deadline first, needs `now`), `reference`. */
  sort?: CaseSort;
  /** The moment "open" is judged at (the appliance's clock), for the deadline sort. */
  now?: Date;
  page: number;
  pageSize: number;
}

export const CASE_SORTS = ['deadline', 'updated', 'reference'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/** One due date of a case: when it ends (ms), and as the pages show it. */
export interface DueMark {
  /** The instant the délai ends: its hour for a délai in hours, else midnight ending its Paris day. */
  end: number;
  /** The deadline as the pages store it: an instant in hours, noon UTC of the day otherwise. */
  dueAt: string;
  hourly: boolean;
}

interface Entry {
  text: string;
  record: CaseRecord;
  /** Whether it was open when put (counted in `open`). */
  open: boolean;
  /** Its due dates, soonest end first; computed on first use for this version of the case. */
  dues?: DueMark[];
}

const DAY = 86_400_000;
const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

/** The instant of midnight ending `date` in Paris (a délai in days runs to the end of its last day, CJA R. 421-1). */
export function endOfParisDay(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`) + DAY;
  const zone = offsetFormat.formatToParts(new Date(utcMidnight)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(zone);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 3_600_000;
  return utcMidnight - offset;
}

/**
 * The case's due dates that matter for the list: every remedy's but the optional recours
 * administratifs (optionalRemedies.ts), and the residence permit's renewal window's last day.
 */
function duesOf(record: CaseRecord): DueMark[] {
  const marks: DueMark[] = [];
  for (const d of caseDeadlines(record)) {
    if (isOptionalRemedy(d.remedy)) continue;
    if (d.hourly) {
      const end = Date.parse(d.due);
      if (Number.isFinite(end)) marks.push({ end, dueAt: d.due, hourly: true });
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(d.due)) {
      marks.push({ end: endOfParisDay(d.due), dueAt: `${d.due}T12:00:00Z`, hourly: false });
    }
  }
  const closes = caseSchedule(record).renewal?.closesOn;
  if (closes) marks.push({ end: endOfParisDay(closes), dueAt: `${closes}T12:00:00Z`, hourly: false });
  return marks.sort((a, b) => a.end - b.end);
}

export class CaseIndex {
  private readonly entries = new Map<string, Entry>();
  /** Kept by put/remove: the limit checks, the heartbeat and every page's plan banner read it. */
  private open = 0;

  put(record: CaseRecord): void {
    const c = record.client;
    this.remove(record.id);
    const open = !record.archived;
    this.entries.set(record.id, {
      text: normalise(`${c.lastName} ${c.firstName} ${record.reference} ${c.agdrefNumber ?? ''}`),
      record,
      open,
    });
    if (open) this.open++;
  }

  remove(id: string): void {
    const previous = this.entries.get(id);
    // The state it was counted with: a record is updated in place before it is put again.
    if (previous?.open === true) this.open--;
    this.entries.delete(id);
  }

  openCount(): number {
    return this.open;
  }

  private duesOf(entry: Entry): DueMark[] {
    entry.dues ??= duesOf(entry.record);
    return entry.dues;
  }

  get(id: string): CaseRecord | undefined {
    return this.entries.get(id)?.record;
  }

  /** The case's next deadline still open at `now` (an archived case's too), or null. */
  nextDeadline(id: string, now: Date): DueMark | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    const t = now.getTime();
    return this.duesOf(entry).find((d) => d.end > t) ?? null;
  }

  /**
   * Forgets a case's cached due dates, for a change made outside the case record (a deadline
   * closed in another store): the next sort computes them again.
   */
  refreshDeadlines(id: string): void {
    const entry = this.entries.get(id);
    if (entry) delete entry.dues;
  }

  /** Cases of the same client, likely: same last name (accent- and case-insensitive) and birth date. */
  likelyDuplicates(client: { lastName: string; birthDate: string }): CaseRecord[] {
    const name = normalise(client.lastName)
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    const out: CaseRecord[] = [];
    for (const { record } of this.entries.values()) {
      if (record.client.birthDate !== client.birthDate) continue;
      if (
        normalise(record.client.lastName)
          .replace(/[^\p{L}\p{N}]+/gu, ' ')
          .trim() === name
      )
        out.push(record);
    }
    return out;
  }

  /** Matching cases in the query's order (most recently updated first by default), one page of them, and the total. */
  search(query: CaseQuery): { total: number; cases: CaseRecord[] } {
    const terms = query.q ? normalise(query.q).split(/\s+/).filter(Boolean) : [];
    const hits: CaseRecord[] = [];
    const hitEntries: Entry[] = [];
    for (const entry of this.entries.values()) {
      const { text, record } = entry;
      if (query.archived !== undefined && record.archived !== query.archived) continue;
      if (query.nationality && record.client.nationality !== query.nationality) continue;
      if (query.procedure && record.procedure !== query.procedure) continue;
      if (query.status && record.status !== query.status) continue;
      if (query.assignedTo && record.assignedTo !== query.assignedTo) continue;
      if (terms.length > 0 && !terms.every((t) => text.includes(t))) continue;
      hitEntries.push(entry);
    }
    const byUpdated = (a: CaseRecord, b: CaseRecord) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0);
    if (query.sort === 'deadline') {
      // The next end still ahead of `now`, once per hit; cases with none come last, most recently changed first.
      const t = (query.now ?? new Date()).getTime();
      const keyed = hitEntries.map((e) => ({ record: e.record, next: this.duesOf(e).find((d) => d.end > t)?.end ?? Infinity }));
      keyed.sort((a, b) => (a.next !== b.next ? a.next - b.next : byUpdated(a.record, b.record)));
      for (const k of keyed) hits.push(k.record);
    } else {
      for (const e of hitEntries) hits.push(e.record);
      if (query.sort === 'reference') hits.sort((a, b) => a.reference.localeCompare(b.reference, 'fr', { numeric: true }));
      else hits.sort(byUpdated);
    }
    const start = (query.page - 1) * query.pageSize;
    return { total: hits.length, cases: hits.slice(start, start + query.pageSize) };
  }

  all(): IterableIterator<CaseRecord> {
    return [...this.entries.values()].map((e) => e.record).values();
  }
}
