/**
 * The in-memory search index over case files: one normalised string per case (names, reference,
 * AGDREF number), matched accent- and case-insensitively, plus the fields the list filters on.
 * A linear scan of 10 000 short strings takes well under a millisecond; no index structure beats
 * that enough to be worth its bugs.
 */
import type { CaseRecord } from './caseSchema.js';

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
  page: number;
  pageSize: number;
}

interface Entry {
  text: string;
  record: CaseRecord;
  /** Whether it was open when put (counted in `open`). */
  open: boolean;
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

  /** Matching cases, most recently updated first, one page of them, and the total. */
  search(query: CaseQuery): { total: number; cases: CaseRecord[] } {
    const terms = query.q ? normalise(query.q).split(/\s+/).filter(Boolean) : [];
    const hits: CaseRecord[] = [];
    for (const { text, record } of this.entries.values()) {
      if (query.archived !== undefined && record.archived !== query.archived) continue;
      if (query.nationality && record.client.nationality !== query.nationality) continue;
      if (query.procedure && record.procedure !== query.procedure) continue;
      if (query.status && record.status !== query.status) continue;
      if (query.assignedTo && record.assignedTo !== query.assignedTo) continue;
      if (terms.length > 0 && !terms.every((t) => text.includes(t))) continue;
      hits.push(record);
    }
    hits.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
    const start = (query.page - 1) * query.pageSize;
    return { total: hits.length, cases: hits.slice(start, start + query.pageSize) };
  }

  all(): IterableIterator<CaseRecord> {
    return [...this.entries.values()].map((e) => e.record).values();
  }
}
