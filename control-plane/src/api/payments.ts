/**
 * `/api/v1/billing` — getting paid: payments on an invoice, a bank statement's import, the
 * past-due invoices, a relance pass, and the Factur-X XML alone. Seen by `admin` and `billing`
 * (seeMoney); recording money by the same two roles (manageBilling, auth/policies.ts).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { cabinetIdSchema, parseWith } from '@iamanager/protocol';
import { parseBody, parseQuery, readText } from '@iamanager/kernel/http';
import { sendDownload } from '@iamanager/kernel/web';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { importBankStatement } from '../domain/billing/bankStatementImport.js';
import { creditNoteNumberSchema, invoiceNumberSchema } from '../domain/billing/documentNumbers.js';
import { facturXmlFile } from '../domain/billing/facturXFile.js';
import { pastDueInvoices, presentPayment, presentStanding } from '../domain/billing/invoiceAccount.js';
import { paymentInputSchema, recordPayment } from '../domain/billing/payments.js';
import { sendDueRelances } from '../domain/billing/relances.js';

/** A month's statement of a busy account is well under this; more is a wrong file. */
const STATEMENT_LIMIT = 5 * 1024 * 1024;

const pastDueQuery = z.strictObject({ cabinetId: cabinetIdSchema.optional() });

export function paymentRoutes(cp: ControlPlane): Router {
  const router = new Router({ prefix: '/billing' });
  const invoice = (ctx: Context) => parseWith(invoiceNumberSchema, ctx.params.number, 'number');

  router.post('/invoices/:number/payments', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageBilling');
    const number = invoice(ctx);
    const input = await parseBody(ctx, paymentInputSchema);
    const { payment, standing } = await recordPayment(cp, number, input, { by: admin.email, source: 'manual' });
    cp.log.info({ invoice: number, paymentId: payment.id, amountCents: payment.amountCents, by: admin.email }, 'payment recorded');
    ctx.status = 201;
    ctx.body = { payment: presentPayment(payment), invoice: { number, ...presentStanding(standing) } };
  });

  router.get('/invoices/:number/payments', async (ctx) => {
    authorize(currentAdmin(ctx), 'seeMoney');
    ctx.body = { payments: (await cp.paymentLedger.paymentsOf(invoice(ctx))).map(presentPayment) };
  });

  router.post('/bank-statements', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageBilling');
    const result = await importBankStatement(cp, await readText(ctx, 'text/csv', { limit: STATEMENT_LIMIT }), admin.email);
    cp.log.info(
      { recorded: result.recorded, duplicates: result.duplicates, unmatched: result.unmatched, refused: result.refused, by: admin.email },
      'bank statement imported',
    );
    ctx.body = result;
  });

  router.get('/past-due', async (ctx) => {
    authorize(currentAdmin(ctx), 'seeMoney');
    const q = parseQuery(ctx, pastDueQuery);
    ctx.body = { invoices: await pastDueInvoices(cp, q.cabinetId ? { cabinetId: q.cabinetId } : {}) };
  });

  router.post('/relances', async (ctx) => {
    authorize(currentAdmin(ctx), 'manageBilling');
    ctx.body = await sendDueRelances(cp);
  });

  router.get('/invoices/:number/factur-x.xml', async (ctx) => {
    authorize(currentAdmin(ctx), 'seeMoney');
    sendDownload(ctx, await facturXmlFile(cp, invoice(ctx)));
  });

  router.get('/credit-notes/:number/factur-x.xml', async (ctx) => {
    authorize(currentAdmin(ctx), 'seeMoney');
    sendDownload(ctx, await facturXmlFile(cp, parseWith(creditNoteNumberSchema, ctx.params.number, 'number')));
  });

  return router;
}
