/**
 * `/api/v1/billing`: months (list, close, CSV export), invoices (list, show, PDF, signed usage
 * evidence, credit notes) and credit notes. Money is seen by `admin` and `billing`; closing a
 * month and issuing a credit note is done by the same two roles (auth/policies.ts).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { cabinetIdSchema, monthSchema, parseWith } from '@iamanager/protocol';
import { parseBody, parseQuery } from '@iamanager/protocol/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { billingMonth, documentPdfFile, invoiceEvidenceOf, listBillingMonths, listInvoices, monthCsvFile, showCreditNote, showInvoice } from '../domain/billing/billingQueries.js';
import { closeBillingMonth } from '../domain/billing/closeBillingMonth.js';
import { creditNoteNumberSchema, invoiceNumberSchema } from '../domain/billing/documentNumbers.js';
import { creditNoteInputSchema, issueCreditNote } from '../domain/billing/issueCreditNote.js';
import { presentCreditNote, presentInvoice } from '../presenters/invoice.js';
import { sendFile } from './sendFile.js';

const invoicesQuery = z.strictObject({ month: monthSchema.optional(), cabinetId: cabinetIdSchema.optional() });

export function billingRoutes(cp: ControlPlane): Router {
  const router = new Router({ prefix: '/billing' });
  const seeMoney = (ctx: Context) => authorize(currentAdmin(ctx), 'seeMoney');
  const month = (ctx: Context) => parseWith(monthSchema, ctx.params.month, 'month');
  const invoice = (ctx: Context) => parseWith(invoiceNumberSchema, ctx.params.number, 'number');

  router.get('/months', (ctx) => {
    seeMoney(ctx);
    ctx.body = { months: listBillingMonths(cp) };
  });

  router.get('/months/:month', async (ctx) => {
    seeMoney(ctx);
    ctx.body = await billingMonth(cp, month(ctx));
  });

  router.post('/months/:month/close', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageBilling');
    const closed = await closeBillingMonth(cp, month(ctx), admin.email);
    cp.log.info({ month: closed.month, invoices: closed.invoices.length, by: admin.email }, 'billing month closed');
    ctx.status = 201;
    ctx.body = { month: closed.month, issueDate: closed.issueDate, invoices: closed.invoices.map((i) => presentInvoice(i)), warnings: closed.warnings };
  });

  router.get('/months/:month/invoices.csv', async (ctx) => {
    seeMoney(ctx);
    sendFile(ctx, await monthCsvFile(cp, month(ctx)));
  });

  router.get('/invoices', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { invoices: await listInvoices(cp, parseQuery(ctx, invoicesQuery)) };
  });

  router.get('/invoices/:number', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { invoice: await showInvoice(cp, invoice(ctx)) };
  });

  router.get('/invoices/:number/pdf', async (ctx) => {
    seeMoney(ctx);
    sendFile(ctx, await documentPdfFile(cp, invoice(ctx)));
  });

  router.get('/invoices/:number/evidence', async (ctx) => {
    seeMoney(ctx);
    ctx.body = { evidence: await invoiceEvidenceOf(cp, invoice(ctx)) };
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

  router.get('/credit-notes', (ctx) => {
    seeMoney(ctx);
    ctx.body = { creditNotes: cp.billing.listCreditNotes().map(presentCreditNote) };
  });

  router.get('/credit-notes/:number', (ctx) => {
    seeMoney(ctx);
    ctx.body = { creditNote: showCreditNote(cp, parseWith(creditNoteNumberSchema, ctx.params.number, 'number')) };
  });

  router.get('/credit-notes/:number/pdf', async (ctx) => {
    seeMoney(ctx);
    sendFile(ctx, await documentPdfFile(cp, parseWith(creditNoteNumberSchema, ctx.params.number, 'number')));
  });

  return router;
}
