/**
 * What was done about a deadline, kept on the case record (`deadlineClosures`, by remedy code):
 * the closure is part of the case, so it is written in the same durable file as the case's history
 * (one write, no second store to keep in step), travels with the case in backups and exports, and
 * changes `updatedAt`, which is what the computed deadlines are cached by. The rules of closing are
 * in domain/deadlines/; this file only says how a closure is stored and read, so the computed lists
 * (caseDeadlines.ts) can leave closed deadlines out without importing the closing rules.
 */

/** `filed`: recours déposé; `no_remedy`: pas de recours (the client's choice, a reason); `dismissed`: écartée (not a real deadline). */
export type ClosureKind = 'filed' | 'no_remedy' | 'dismissed';

export interface DeadlineClosure {
  remedy: string;
  /** The due date when the closure was asked for (`YYYY-MM-DD` or an ISO instant), as the proof states it. */
  due: string;
  kind: ClosureKind;
  /** Recours déposé: the day it was filed (`YYYY-MM-DD`, Paris). */
  filedOn?: string | undefined;
  /** Recours déposé: the number on the Télérecours receipt, and/or the receipt kept as a document of the case. */
  receiptNumber?: string | undefined;
  receiptDocumentId?: string | undefined;
  /** Pas de recours / écartée: why. */
  reason?: string | undefined;
  /** `pending`: waiting for a second person's confirmation (the cabinet's rule); `closed`: done. */
  state: 'pending' | 'closed';
  /** Who asked (e-mail, as the case history names people) and their user id (the second person must be another). */
  requestedBy: string;
  requestedById: string;
  requestedAt: string;
  confirmedBy?: string | undefined;
  confirmedAt?: string | undefined;
}

/** The case's closures; cases written before closures existed have none. */
export function closuresOf(c: { deadlineClosures?: Record<string, DeadlineClosure> | undefined }): Record<string, DeadlineClosure> {
  return c.deadlineClosures ?? {};
}

/** A closed deadline leaves every list (dashboard, « Mes échéances », calendar, reminders). */
export function isClosed(c: { deadlineClosures?: Record<string, DeadlineClosure> | undefined }, remedy: string): boolean {
  return closuresOf(c)[remedy]?.state === 'closed';
}

/** Closed or waiting for its confirmation: nobody is reminded of it any more. */
export function isClosedOrPending(c: { deadlineClosures?: Record<string, DeadlineClosure> | undefined }, remedy: string): boolean {
  return closuresOf(c)[remedy] !== undefined;
}
