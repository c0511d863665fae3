/** What the case page's « Rédiger » block shows (pages/caseDrafts.tsx), built from the case by the page route. */
import { draftKindsFor, type DraftKind } from '../domain/drafting/draftKinds.js';

export interface CaseDraftsView {
  caseId: string;
  kinds: DraftKind[];
  canWrite: boolean;
  /** The draft just generated (`?brouillon=<document id>`), when it is one of the case's documents. */
  generated: { id: string; name: string } | null;
}

export function caseDraftsViewOf(
  c: { id: string; procedure: string; documents: ReadonlyArray<{ id: string; name: string }> },
  canWrite: boolean,
  generatedId: unknown,
): CaseDraftsView {
  const generated = typeof generatedId === 'string' ? (c.documents.find((d) => d.id === generatedId) ?? null) : null;
  return { caseId: c.id, kinds: draftKindsFor(c.procedure), canWrite, generated: generated && { id: generated.id, name: generated.name } };
}
