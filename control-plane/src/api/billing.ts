/**
 * `/api/v1/billing`: months (list, drafts, close, CSV export), invoices (list, show, PDF, signed usage
 * evidence, credit notes), credit notes, and invoices held for review at a close. Money is seen
 * by `admin` and `billing`; closing a month and issuing a credit note is done by the same two
 * roles; approving or rejecting a held invoice by `admin` only (auth/policies.ts).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { cabinetIdSchema, monthSchema, parseWith } from '@iamanager/protocol';
import { parseBody, parseQuery } from '@iamanager/kernel/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import {
  billingMonth,
  documentPdfFile,
  invoiceEvidenceOf,
  listBillingMonths,
  listHeldInvoices,
  listInvoices,
  monthCsvFile,
  showCreditNote,
} from '../domain/billing/billingQueries.js';
import { showInvoiceAccount, withStatus } from '../domain/billing/invoiceAccount.js';
import { closeBillingMonth } from '../domain/billing/closeBillingMonth.js';
import { draftMonth, presentDrafts } from '../domain/billing/billingPreview.js';
import { approveHeldInvoice, rejectHeldInvoice, rejectionInputSchema } from '../domain/billing/reviewHeldInvoice.js';
import { creditNoteNumberSchema, invoiceNumberSchema } from '../domain/billing/documentNumbers.js';
import { creditNoteInputSchema, draftCreditNote, issueCreditNote } from '../domain/billing/issueCreditNote.js';
import { presentCreditNote, presentHeldInvoice, presentInvoice } from '../presenters/invoice.js';
import { sendDownload } from '@iamanager/kernel/web';

const invoicesQuery = z.strictObject({ month: monthSchema.optional(), cabinetId: cabinetIdSchema.optional() });
/** The digest of the drafts the caller reviewed (GET …/drafts): the close refuses drafts that changed since. */
const closeQuery = z.strictObject({
  digest: z
    .string()
    .regex(/^[0-9a-f]{16}$/, { error: 'must be the digest of the reviewed drafts (16 hex digits, from GET …/drafts)' })
    .optional(),
});
const heldQuery = z.strictObject({
  month: monthSchema.optional(),
  pending: z.enum(['true', 'false'], { error: 'must be true (only those waiting for a decision) or false' }).optional(),
});

export function billingRoutes(cp: ControlPlane): Router {
  const router = new Router({ prefix: '/billing' });
  const seeMoney = (ctx: Context) => authorize(currentAdmin(ctx), 'seeMoney');
  const month = (ctx: Context) => parseWith(monthSchema, ctx.params.month, 'month');
  const invoice = (ctx: Context) => parseWith(invoiceNumberSchema, ctx.params.number, 'number');
  const cabinet = (ctx: Context) => parseWith(cabinetIdSchema, ctx.params.cabinetId, 'cabinetId');

  router.get('/months', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { months: await listBillingMonths(cp) };
  });

  router.get('/months/:month', async (ctx) => {
    seeMoney(ctx);
    const data = await billingMonth(cp, month(ctx));
    ctx.body = { ...data, invoices: await withStatus(cp, data.invoices) };
  });

  /** The drafts a close would finalize now: lines, totals, warnings, missing mandatory mentions. */
  router.get('/months/:month/drafts', async (ctx) => {
    seeMoney(ctx);
    ctx.body = presentDrafts(await draftMonth(cp, month(ctx), await cp.plans.lookup()));
  });

  router.post('/months/:month/close', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageBilling');
    const m = month(ctx);
    const { digest } = parseQuery(ctx, closeQuery);
    const closed = await closeBillingMonth(cp, m, admin.email, { expectedDigest: digest });
    cp.log.info({ month: closed.month, invoices: closed.invoices.length, by: admin.email }, 'billing month closed');
    if (closed.held.length > 0)
      cp.log.warn(
        { month: closed.month, held: closed.held.map((h) => h.cabinetId) },
        'invoices held for review: an admin approves or rejects them',
      );
    ctx.status = 201;
    ctx.body = {
      month: closed.month,
      issueDate: closed.issueDate,
      invoices: closed.invoices.map((i) => presentInvoice(i)),
      held: closed.held.map((h) => presentHeldInvoice(h, { status: 'pending' })),
      warnings: closed.warnings,
    };
  });

  router.get('/held', async (ctx) => {
    seeMoney(ctx);
    const q = parseQuery(ctx, heldQuery);
    ctx.body = { held: await listHeldInvoices(cp, { month: q.month, pending: q.pending === 'true' }) };
  });

  router.post('/months/:month/held/:cabinetId/approve', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'reviewInvoices');
    const approved = await approveHeldInvoice(cp, month(ctx), cabinet(ctx), admin.email);
    cp.log.info(
      { invoice: approved.number, month: approved.month, cabinetId: approved.cabinetId, by: admin.email },
      'held invoice approved and issued',
    );
    ctx.status = 201;
    ctx.body = { invoice: presentInvoice(approved) };
  });

  router.post('/months/:month/held/:cabinetId/reject', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'reviewInvoices');
    const m = month(ctx);
    const id = cabinet(ctx);
    const input = await parseBody(ctx, rejectionInputSchema);
    const rejection = await rejectHeldInvoice(cp, m, id, input, admin.email);
    cp.log.info({ month: m, cabinetId: id, by: admin.email }, 'held invoice rejected');
    ctx.body = { rejection };
  });

  router.get('/months/:month/invoices.csv', async (ctx) => {
    seeMoney(ctx);
    sendDownload(ctx, await monthCsvFile(cp, month(ctx)));
  });

  router.get('/invoices', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { invoices: await withStatus(cp, await listInvoices(cp, parseQuery(ctx, invoicesQuery))) };
  });

  router.get('/invoices/:number', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { invoice: await showInvoiceAccount(cp, invoice(ctx)) };
  });

  router.get('/invoices/:number/pdf', async (ctx) => {
    seeMoney(ctx);
    sendDownload(ctx, await documentPdfFile(cp, invoice(ctx)));
  });

  router.get('/invoices/:number/evidence', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { evidence: await invoiceEvidenceOf(cp, invoice(ctx)) };
  });

  /** The credit note the same body would issue, numbered and written by nothing: to show before confirming. */
  router.post('/invoices/:number/credit-notes/draft', async (ctx) => {
    authorize(currentAdmin(ctx), 'manageBilling');
    const number = invoice(ctx);
    const input = await parseBody(ctx, creditNoteInputSchema);
    ctx.body = { draft: await draftCreditNote(cp, number, input) };
  });

  router.post('/invoices/:number/credit-notes', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageBilling');
    const number = invoice(ctx);
    const input = await parseBody(ctx, creditNoteInputSchema);
    const note = await issueCreditNote(cp, number, input, admin.email);
    cp.log.info({ creditNote: note.number, invoice: number, by: admin.email }, 'credit note issued');
    ctx.status = 201;
    ctx.body = { creditNote: presentCreditNote(note) };
  });

  router.get('/credit-notes', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { creditNotes: (await cp.billingMonths.creditNotes()).map(presentCreditNote) };
  });

  router.get('/credit-notes/:number', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { creditNote: await showCreditNote(cp, parseWith(creditNoteNumberSchema, ctx.params.number, 'number')) };
  });

  router.get('/credit-notes/:number/pdf', async (ctx) => {
    seeMoney(ctx);
    sendDownload(ctx, await documentPdfFile(cp, parseWith(creditNoteNumberSchema, ctx.params.number, 'number')));
  });

  return router;
}
