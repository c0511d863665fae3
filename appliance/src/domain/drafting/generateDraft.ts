/**
 * Writing a draft from a case: the case's data (draftModel.ts) into the cabinet's template for that
 * kind, kept as a document of the case exactly as an upload is (DocumentFiles: same folder, same
 * checks, same download route), with the case's history entry `draft.generate` (« brouillon
 * généré ») and its audit entry, which name the document.
 */
import { Readable } from 'node:stream';
import type { Actor, Cases } from '../cases/cases.js';
import type { CaseDocument } from '../cases/caseSchema.js';
import type { DocumentFiles } from '../documents/documentFiles.js';
import { ApplianceError } from '../../errors.js';
import { DRAFT_KIND_INFO, draftKindsFor, type DraftKind } from './draftKinds.js';
import { buildDraftModel, type DraftContext } from './draftModel.js';
import type { DraftTemplates } from './draftTemplates.js';
import { renderDraft } from './renderDraft.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface DraftDeps {
  cases: Pick<Cases, 'get' | 'mutate'>;
  documents: DocumentFiles;
  templates: DraftTemplates;
  clock: () => Date;
  /** Everything the model needs besides the case, given the case (its lawyer) and today. */
  context: (c: ReturnType<Cases['get']>, now: Date) => Omit<DraftContext, 'now'>;
}

/** A generated draft as the case keeps it: a document, marked with its kind (kept out of the bordereau). */
export type DraftDocument = CaseDocument & { draft: DraftKind };

function fileNameOf(kind: DraftKind, reference: string, now: Date): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
  const ref = reference.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${kind.replace(/_/g, '-')}-${ref}-${day}.docx`;
}

export async function generateDraft(deps: DraftDeps, caseId: string, kind: DraftKind, actor: Actor): Promise<DraftDocument> {
  const c = deps.cases.get(caseId);
  if (!draftKindsFor(c.procedure).includes(kind))
    throw new ApplianceError(
      'draft_not_applicable',
      `kind: a ${DRAFT_KIND_INFO[kind].title} does not fit this case's procedure (${c.procedure}); the drafts that fit are: ${draftKindsFor(c.procedure).join(', ') || 'none'}`,
    );
  const now = deps.clock();
  const model = buildDraftModel(c, { ...deps.context(c, now), now });
  const content = renderDraft(await deps.templates.read(kind), model);
  const stored = await deps.documents.store(caseId, DOCX_TYPE, Readable.from([content]));
  const doc: DraftDocument = {
    id: stored.id,
    name: fileNameOf(kind, c.reference, now),
    contentType: DOCX_TYPE,
    size: stored.size,
    sha256: stored.sha256,
    uploadedAt: now.toISOString(),
    uploadedBy: actor.email,
    draft: kind,
  };
  await deps.cases.mutate(caseId, actor, 'draft.generate', (record) => record.documents.push(doc), `${kind}:${stored.id}`);
  return doc;
}
