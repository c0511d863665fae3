/**
 * The pièces block of the case page: numbered as the bordereau numbers them, each with its label,
 * a form to rename it or give it another number, move up/down buttons (no JavaScript needed), a
 * link to the delete confirmation; the upload form; the Télérecours exports (docs/telerecours.md).
 */
import { Csrf, Field } from '../components.js';
import { formatDate } from '../format.js';
import { CATALOGUES, fill } from '../messages.js';
import { PIECES_CATALOGUES } from '../piecesMessages.js';
import { defaultPieceLabel } from '../../domain/documents/pieces.js';
import type { CaseView, Chrome } from '../viewModels.js';

/** The formats the export turns into PDF (domain/documents/telerecoursExport.ts). */
const EXPORTABLE = new Set(['application/pdf', 'image/jpeg', 'image/png']);

export function CasePieces({ chrome, view, base }: { chrome: Chrome; view: CaseView; base: string }) {
  const m = CATALOGUES[chrome.locale];
  const p = PIECES_CATALOGUES[chrome.locale];
  const count = view.documents.length;
  return (
    <section class="card" aria-labelledby="docs-title">
      <h2 id="docs-title">{p.piecesTitle}</h2>
      {count === 0 ? (
        <p>{m.noDocuments}</p>
      ) : (
        <>
          <p class="hint">{p.piecesIntro}</p>
          <table class="pieces">
            <thead>
              <tr>
                <th scope="col">{p.pieceNumber}</th>
                <th scope="col">{p.pieceLabel}</th>
                {view.can.write ? <th scope="col">{p.pieceActions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {view.documents.map((d, i) => {
                const n = i + 1;
                const label = d.label ?? defaultPieceLabel(d.name);
                const href = `${base}/pieces/${encodeURIComponent(d.id)}`;
                return (
                  <tr id={`piece-${d.id}`}>
                    <td>{n}</td>
                    <td>
                      {view.can.write ? (
                        <form method="post" action={href} class="piece-edit">
                          <Csrf token={chrome.csrf} />
                          <label for={`label-${d.id}`} class="visually-hidden">
                            {fill(p.pieceLabelFor, { n })}
                          </label>
                          <input id={`label-${d.id}`} name="label" type="text" value={label} required />
                          <label for={`number-${d.id}`} class="visually-hidden">
                            {fill(p.pieceNumberFor, { n })}
                          </label>
                          <input id={`number-${d.id}`} name="number" type="number" min={1} max={count} value={String(n)} class="narrow" />
                          <button type="submit" class="button secondary">
                            {p.pieceSave}
                          </button>
                        </form>
                      ) : (
                        <strong>{label}</strong>
                      )}
                      <p class="hint">
                        <a href={href} download>
                          {d.name}
                        </a>{' '}
                        {formatDate(d.uploadedAt, chrome.locale, true)}
                        {d.contentType !== undefined && !EXPORTABLE.has(d.contentType) ? <> — {p.pieceNotConvertible}</> : null}
                      </p>
                    </td>
                    {view.can.write ? (
                      <td>
                        {n > 1 ? (
                          <MoveButton action={`${href}/monter`} label={p.pieceUp} title={fill(p.pieceUpFor, { n })} csrf={chrome.csrf} />
                        ) : null}
                        {n < count ? (
                          <MoveButton
                            action={`${href}/descendre`}
                            label={p.pieceDown}
                            title={fill(p.pieceDownFor, { n })}
                            csrf={chrome.csrf}
                          />
                        ) : null}
                        <a class="button danger" href={`${href}/supprimer`} aria-label={fill(p.pieceDeleteFor, { n })}>
                          {p.pieceDelete}
                        </a>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {view.can.export ? (
            <p class="actions">
              <a class="button secondary" href={`${base}/telerecours.zip`} download>
                {p.exportZip}
              </a>{' '}
              <a class="button secondary" href={`${base}/telerecours.pdf`} download>
                {p.exportPdf}
              </a>
            </p>
          ) : null}
        </>
      )}
      {view.can.write ? (
        <form method="post" action={`${base}/pieces`} enctype="multipart/form-data">
          {/* First field: the route checks it while streaming, before the file (never in the URL). */}
          <Csrf token={chrome.csrf} />
          <Field name="file" label={m.chooseFile} required>
            <input id="f-file" name="file" type="file" required />
          </Field>
          <button type="submit" class="button secondary">
            {m.upload}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** A one-button form whose accessible name says which pièce it moves. */
function MoveButton({ action, label, title, csrf }: { action: string; label: string; title: string; csrf: string | null }) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={csrf} />
      <button type="submit" class="button secondary" aria-label={title}>
        {label}
      </button>
    </form>
  );
}
