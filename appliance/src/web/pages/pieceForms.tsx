/**
 * The pages around one pièce: its edit form (label and number, shown again with the error when one
 * is refused), the delete confirmation, and the Télérecours export's refusal naming each pièce.
 */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import { PIECES_CATALOGUES, reasonText } from '../piecesMessages.js';
import type { RefusedPiece } from '../../domain/documents/telerecoursExport.js';
import type { Chrome, FieldError } from '../viewModels.js';

export interface PieceFormView {
  caseId: string;
  reference: string;
  documentId: string;
  number: number;
  count: number;
  fileName: string;
  values: { label: string; number: string };
  errors: FieldError[];
}

const caseHref = (caseId: string) => `/dossiers/${encodeURIComponent(caseId)}`;
const pieceHref = (caseId: string, documentId: string) => `${caseHref(caseId)}/pieces/${encodeURIComponent(documentId)}`;

export function PieceEditPage({ chrome, view }: { chrome: Chrome; view: PieceFormView }) {
  const m = CATALOGUES[chrome.locale];
  const p = PIECES_CATALOGUES[chrome.locale];
  const title = `${p.piecesTitle} — ${view.reference} — n° ${view.number}`;
  return (
    <Layout chrome={chrome} title={title}>
      <h1>{title}</h1>
      <ErrorSummary errors={view.errors} m={m} />
      <form method="post" action={pieceHref(view.caseId, view.documentId)}>
        <Csrf token={chrome.csrf} />
        <Field name="label" label={p.pieceLabel} value={view.values.label} errors={view.errors} required />
        <Field
          name="number"
          label={`${p.pieceNumber} (1–${view.count})`}
          type="number"
          value={view.values.number}
          errors={view.errors}
          required
        />
        <p class="hint">
          {p.pieceFile} : {view.fileName}
        </p>
        <p class="actions">
          <button type="submit" class="button primary">
            {p.pieceSave}
          </button>{' '}
          <a href={`${caseHref(view.caseId)}#docs-title`}>{p.backToCase}</a>
        </p>
      </form>
    </Layout>
  );
}

export interface PieceDeleteView {
  caseId: string;
  reference: string;
  documentId: string;
  number: number;
  label: string;
  fileName: string;
}

export function PieceDeletePage({ chrome, view }: { chrome: Chrome; view: PieceDeleteView }) {
  const p = PIECES_CATALOGUES[chrome.locale];
  const title = fill(p.deleteTitle, { n: view.number });
  return (
    <Layout chrome={chrome} title={title}>
      <h1>{title}</h1>
      <p>{fill(p.deleteQuestion, { n: view.number, label: view.label, file: view.fileName, reference: view.reference })}</p>
      <p class="hint">{p.deleteConsequences}</p>
      <form method="post" action={`${pieceHref(view.caseId, view.documentId)}/supprimer`} class="actions">
        <Csrf token={chrome.csrf} />
        <button type="submit" class="button danger">
          {p.deleteConfirm}
        </button>{' '}
        <a class="button secondary" href={`${caseHref(view.caseId)}#docs-title`}>
          {p.deleteCancel}
        </a>
      </form>
    </Layout>
  );
}

export interface ExportRefusedView {
  caseId: string;
  reference: string;
  /** Either the pièces that cannot go, or one sentence (no pièce, total too large). */
  pieces: readonly RefusedPiece[];
  text: string | null;
}

export function ExportRefusedPage({ chrome, view }: { chrome: Chrome; view: ExportRefusedView }) {
  const p = PIECES_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={p.exportRefusedTitle}>
      <h1>{p.exportRefusedTitle}</h1>
      <div class="error-summary" role="alert">
        {view.text ? <p>{view.text}</p> : null}
        {view.pieces.length > 0 ? (
          <>
            <p>{p.exportRefusedIntro}</p>
            <ul>
              {view.pieces.map((r) => (
                <li>
                  {p.pieceNumber} {r.number} « {r.label} » ({r.name}) : {reasonText(p, r.reason)}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
      <p>
        <a href={`${caseHref(view.caseId)}#docs-title`}>{p.backToCase}</a>
      </p>
    </Layout>
  );
}
