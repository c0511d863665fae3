/**
 * A case's pièces through the pages (docs/telerecours.md): rename and renumber (a form per pièce,
 * and its own page when a value is refused), move up/down, delete after a confirmation page, and
 * the Télérecours exports (a zip of one PDF per pièce, or one PDF with signets). Uploading and
 * downloading a pièce stay in casePages.tsx. Every change is in the case's history and the audit.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError, NotFoundError } from '@iamanager/protocol';
import { sendDownload } from '@iamanager/kernel/web';
import { requirePermission, type Caller } from '../../auth/authenticate.js';
import { changePiece, deletePiece, movePiece, piecesOf, type Piece } from '../../domain/documents/pieces.js';
import type { ExportSource, RefusedPiece } from '../../domain/documents/telerecoursExport.js';
import { clientNameOf } from '../caseViews.js';
import { chromeOf, localeOf, readForm } from '../pageContext.js';
import { fill } from '../messages.js';
import { PIECES_CATALOGUES, type PiecesMessages } from '../piecesMessages.js';
import { sendPage } from '../render.js';
import { ExportRefusedPage, PieceDeletePage, PieceEditPage } from '../pages/pieceForms.js';
import type { FieldError } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { redirectToForm, replayedForm } from '../formReplay.js';

const actorOf = (c: Caller) => ({ id: c.user.id, email: c.user.email });

export const documentPages: AppliancePage = { mount: mountDocumentPages };

/** The field a refused label or number is reported on, in the page's words. */
function fieldErrorOf(err: unknown, p: PiecesMessages, count: number): FieldError | null {
  if (!(err instanceof DomainError) || err.code !== 'invalid_input') return null;
  if (err.message.startsWith('label:'))
    return { field: 'label', message: err.message.includes('longer than') ? p.labelTooLong : p.labelRequired };
  if (err.message.startsWith('number:')) return { field: 'number', message: fill(p.numberInvalid, { max: count }) };
  return null;
}

function mountDocumentPages(pages: Router, web: WebDeps): void {
  const { appliance } = web;
  const router = new Router({ prefix: '/dossiers/:id' });
  const deps = { cases: appliance.cases, documents: appliance.documents };

  const pieceOf = (ctx: Context): { caseId: string; piece: Piece; count: number; reference: string } => {
    const caseId = ctx.params.id ?? '';
    const record = appliance.cases.get(caseId);
    const pieces = piecesOf(record);
    const piece = pieces.find((x) => x.document.id === ctx.params.docId);
    if (!piece) throw new NotFoundError('document', ctx.params.docId ?? '');
    return { caseId, piece, count: pieces.length, reference: record.reference };
  };
  const back = (ctx: Context, caseId: string, anchor: string) => ctx.redirect(`/dossiers/${encodeURIComponent(caseId)}#${anchor}`);

  const editPage = (ctx: Context, values?: { label: string; number: string }, errors: FieldError[] = []) => {
    const { caseId, piece, count, reference } = pieceOf(ctx);
    sendPage(
      ctx,
      <PieceEditPage
        chrome={chromeOf(appliance, ctx)}
        view={{
          caseId,
          reference,
          documentId: piece.document.id,
          number: piece.number,
          count,
          fileName: piece.document.name,
          values: values ?? { label: piece.label, number: String(piece.number) },
          errors,
        }}
      />,
    );
  };

  router.get('/pieces/:docId/modifier', (ctx) => {
    requirePermission(ctx, 'documents.write');
    // A refused label or number comes back here once (redirect after post), as typed, with why.
    const refused = replayedForm(ctx, web);
    editPage(ctx, refused ? { label: refused.values.label ?? '', number: refused.values.number ?? '' } : undefined, refused?.errors);
  });

  router.post('/pieces/:docId', async (ctx) => {
    const caller = requirePermission(ctx, 'documents.write');
    const { caseId, piece, count } = pieceOf(ctx);
    const form = await readForm(ctx);
    const values = { label: (form.get('label') ?? '').slice(0, 500), number: (form.get('number') ?? '').slice(0, 20) };
    try {
      await changePiece(
        deps,
        caseId,
        piece.document.id,
        { label: values.label, number: values.number.trim() || String(piece.number) },
        actorOf(caller),
      );
    } catch (err) {
      const field = fieldErrorOf(err, PIECES_CATALOGUES[localeOf(ctx)], count);
      if (field === null) throw err;
      return redirectToForm(
        ctx,
        web,
        { values, errors: [field] },
        `/dossiers/${encodeURIComponent(caseId)}/pieces/${encodeURIComponent(piece.document.id)}/modifier`,
      );
    }
    back(ctx, caseId, `piece-${piece.document.id}`);
  });

  for (const [verb, direction] of [
    ['monter', 'up'],
    ['descendre', 'down'],
  ] as const) {
    router.post(`/pieces/:docId/${verb}`, async (ctx) => {
      const caller = requirePermission(ctx, 'documents.write');
      const { caseId, piece } = pieceOf(ctx);
      await movePiece(deps, caseId, piece.document.id, direction, actorOf(caller));
      back(ctx, caseId, `piece-${piece.document.id}`);
    });
  }

  router.get('/pieces/:docId/supprimer', (ctx) => {
    requirePermission(ctx, 'documents.write');
    const { caseId, piece, reference } = pieceOf(ctx);
    sendPage(
      ctx,
      <PieceDeletePage
        chrome={chromeOf(appliance, ctx)}
        view={{ caseId, reference, documentId: piece.document.id, number: piece.number, label: piece.label, fileName: piece.document.name }}
      />,
    );
  });

  router.post('/pieces/:docId/supprimer', async (ctx) => {
    const caller = requirePermission(ctx, 'documents.write');
    const { caseId, piece } = pieceOf(ctx);
    await deletePiece(deps, caseId, piece.document.id, actorOf(caller));
    back(ctx, caseId, 'docs-title');
  });

  /** The export's input, read under the caller's audited export of the case. */
  const sourceOf = async (ctx: Context): Promise<ExportSource> => {
    const caller = requirePermission(ctx, 'cases.export');
    const caseId = ctx.params.id ?? '';
    const c = await appliance.cases.readCase(caseId, actorOf(caller), 'case.export');
    const id = appliance.config.identity;
    return {
      caseReference: c.reference,
      clientName: clientNameOf(c),
      cabinetName: id.name ?? appliance.license.cabinetId ?? 'IAManager',
      now: appliance.clock(),
      pieces: piecesOf(c),
      read: (documentId) => appliance.documents.read(caseId, documentId),
    };
  };

  /** A refused export is a page naming each pièce and its fix (or the one reason), never a broken download. */
  const refused = (ctx: Context, err: unknown): void => {
    if (!(err instanceof DomainError)) throw err;
    const p = PIECES_CATALOGUES[localeOf(ctx)];
    const caseId = ctx.params.id ?? '';
    const reference = appliance.cases.get(caseId).reference;
    const view = { caseId, reference, pieces: [] as RefusedPiece[], text: null as string | null };
    if (err.code === 'piece_not_exportable') view.pieces = (err.details as { pieces?: RefusedPiece[] } | undefined)?.pieces ?? [];
    else if (err.code === 'payload_too_large')
      view.text = fill(p.exportTooLarge, {
        max: Math.round(Number((err.details as { limit?: number } | undefined)?.limit ?? 0) / 2 ** 20),
      });
    else if (err.code === 'invalid_input') view.text = p.exportEmpty;
    else throw err;
    sendPage(ctx, <ExportRefusedPage chrome={chromeOf(appliance, ctx)} view={view} />, 422);
  };

  router.get('/telerecours.zip', async (ctx) => {
    const source = await sourceOf(ctx);
    // pdf-lib and fflate are loaded on the first export, not at start-up (restart time matters).
    const { telerecoursZip } = await import('../../domain/documents/telerecoursExport.js');
    try {
      const zip = await telerecoursZip(source);
      sendDownload(ctx, { filename: zip.fileName, contentType: 'application/zip', content: zip.stream });
    } catch (err) {
      refused(ctx, err);
    }
  });

  router.get('/telerecours.pdf', async (ctx) => {
    const source = await sourceOf(ctx);
    const { telerecoursPdf } = await import('../../domain/documents/telerecoursExport.js');
    try {
      const pdf = await telerecoursPdf(source);
      sendDownload(ctx, { filename: pdf.fileName, contentType: 'application/pdf', content: Buffer.from(pdf.bytes) });
    } catch (err) {
      refused(ctx, err);
    }
  });

  pages.use(router.routes());
}
