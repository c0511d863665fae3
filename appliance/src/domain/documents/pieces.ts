/**
 * A case's pièces: its documents as the bordereau lists them, each with a number and a label.
 *
 * The number is the pièce's place in the case's `documents` list (1 for the first): it is never
 * stored, so after a move or a deletion the numbering is still continuous and increasing, as the
 * inventaire détaillé must be (CJA R. 414-5). The label is stored once the lawyer has given one;
 * documents stored before pièces had labels get one derived from their file name.
 *
 * Every change goes through `Cases.mutate`: it is in the case's history and in the audit log.
 */
import { NotFoundError } from '@iamanager/protocol';
import type { Cases } from '../cases/cases.js';
import type { CaseDocument, CaseRecord } from '../cases/caseSchema.js';
import type { DocumentFiles } from './documentFiles.js';
import { ApplianceError } from '../../errors.js';

export interface Piece {
  number: number;
  label: string;
  document: CaseDocument;
}

interface Actor {
  id: string;
  email: string;
}

export interface PieceDeps {
  cases: Cases;
  documents: DocumentFiles;
}

/** A label the bordereau can print: one line, no control characters. */
export const PIECE_LABEL_MAX = 120;

/** The label a document has before the lawyer names it: its file name without the extension, underscores as spaces. */
export function defaultPieceLabel(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  const label = stem.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, PIECE_LABEL_MAX);
  return label || 'Pièce';
}

export function pieceLabelOf(doc: CaseDocument): string {
  return doc.label ?? defaultPieceLabel(doc.name);
}

/** The case's pièces in the bordereau's order. */
export function piecesOf(record: Pick<CaseRecord, 'documents'>): Piece[] {
  return record.documents.map((document, i) => ({ number: i + 1, label: pieceLabelOf(document), document }));
}

/** Checks a label typed by a user; the error names the field and the fix. */
export function checkedPieceLabel(raw: unknown): string {
  if (typeof raw !== 'string') throw new ApplianceError('invalid_input', 'label: must be text');
  const label = raw.replace(/\s+/g, ' ').trim();
  if (label === '') throw new ApplianceError('invalid_input', 'label: is required (what the pièce is, e.g. "Décision attaquée")');
  if (label.length > PIECE_LABEL_MAX)
    throw new ApplianceError('invalid_input', `label: is longer than ${PIECE_LABEL_MAX} characters; shorten it`);
  if (/\p{Cc}/u.test(label)) throw new ApplianceError('invalid_input', 'label: contains control characters; retype it');
  return label;
}

/** Checks a requested number: a whole number between 1 and the number of pièces. */
export function checkedPieceNumber(raw: unknown, count: number): number {
  const n = typeof raw === 'string' && /^\s*\d{1,6}\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > count)
    throw new ApplianceError('invalid_input', `number: must be a whole number from 1 to ${count} (the pièce's place in the bordereau)`);
  return n;
}

function indexOf(record: CaseRecord, documentId: string): number {
  const i = record.documents.findIndex((d) => d.id === documentId);
  if (i < 0) throw new NotFoundError('document', documentId);
  return i;
}

export interface PieceChange {
  label?: unknown;
  number?: unknown;
}

/**
 * Renames and/or moves a pièce. Moving pièce 5 to number 2 shifts 2–4 down by one: the others
 * keep their relative order. Returns the case's pièces after the change.
 */
export async function changePiece(
  deps: PieceDeps,
  caseId: string,
  documentId: string,
  change: PieceChange,
  actor: Actor,
): Promise<Piece[]> {
  const current = deps.cases.get(caseId);
  const from = indexOf(current, documentId);
  const label = change.label === undefined ? undefined : checkedPieceLabel(change.label);
  const to = change.number === undefined ? from : checkedPieceNumber(change.number, current.documents.length) - 1;
  if (label === undefined && change.number === undefined)
    throw new ApplianceError('invalid_input', 'label: or number: is required (what to change on the pièce)');
  const moved = to !== from;
  const renamed = label !== undefined && label !== pieceLabelOf(current.documents[from]!);
  if (!moved && !renamed) return piecesOf(current);
  const finalLabel = label ?? pieceLabelOf(current.documents[from]!);
  const note = [
    moved ? `pièce n° ${from + 1} → n° ${to + 1}` : `pièce n° ${from + 1}`,
    renamed ? `« ${finalLabel} »` : null,
    `(${current.documents[from]!.name})`,
  ]
    .filter(Boolean)
    .join(' ');
  const action = moved ? 'document.move' : 'document.label';
  await deps.cases.mutate(
    caseId,
    actor,
    action,
    (c) => {
      const i = indexOf(c, documentId);
      const [doc] = c.documents.splice(i, 1);
      if (renamed) doc!.label = finalLabel;
      c.documents.splice(to, 0, doc!);
    },
    `${documentId} ${note}`,
    note,
  );
  return piecesOf(deps.cases.get(caseId));
}

/** Moves a pièce one place up or down (the page's buttons, which need no JavaScript). */
export function movePiece(deps: PieceDeps, caseId: string, documentId: string, direction: 'up' | 'down', actor: Actor): Promise<Piece[]> {
  const record = deps.cases.get(caseId);
  const from = indexOf(record, documentId) + 1;
  const target = direction === 'up' ? from - 1 : from + 1;
  if (target < 1 || target > record.documents.length) return Promise.resolve(piecesOf(record));
  return changePiece(deps, caseId, documentId, { number: target }, actor);
}

/**
 * Deletes a pièce: the case's history and the audit keep its number, label and file name; the file
 * itself is removed from disk once the case no longer lists it (a crash in between leaves an
 * unlisted file, never a listed pièce without its file). The pièces after it move up by one.
 */
export async function deletePiece(deps: PieceDeps, caseId: string, documentId: string, actor: Actor): Promise<Piece> {
  const record = deps.cases.get(caseId);
  const i = indexOf(record, documentId);
  const doc = record.documents[i]!;
  const removed: Piece = { number: i + 1, label: pieceLabelOf(doc), document: doc };
  const note = `pièce n° ${removed.number} « ${removed.label} » (${doc.name})`;
  await deps.cases.mutate(
    caseId,
    actor,
    'document.delete',
    (c) => {
      c.documents.splice(indexOf(c, documentId), 1);
    },
    `${documentId} ${note}`,
    note,
  );
  await deps.documents.remove(caseId, documentId);
  return removed;
}
