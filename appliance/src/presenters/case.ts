/** The fields of a case that leave the server, for lists (summary) and for the case page (full). */
import type { CaseRecord } from '../domain/cases/caseSchema.js';
import { piecesOf } from '../domain/documents/pieces.js';

export function presentCaseSummary(c: CaseRecord) {
  return {
    id: c.id,
    reference: c.reference,
    client: { lastName: c.client.lastName, firstName: c.client.firstName, nationality: c.client.nationality },
    procedure: c.procedure,
    decisionNotifiedAt: c.decisionNotifiedAt,
    status: c.status,
    archived: c.archived,
    assignedTo: c.assignedTo,
    backupAssignedTo: c.backupAssignedTo ?? null,
    updatedAt: c.updatedAt,
  };
}

export function presentCase(c: CaseRecord) {
  return {
    ...presentCaseSummary(c),
    client: c.client,
    decision: c.decision,
    departement: c.departement,
    outcome: c.outcome,
    notes: c.notes,
    facts: c.facts,
    // Each with its number and label as a pièce (a label derived from the name for documents stored before labels).
    documents: piecesOf(c).map((p) => ({ ...p.document, number: p.number, label: p.label })),
    analysesCount: c.analyses.length,
    history: c.history,
    createdAt: c.createdAt,
  };
}
