/**
 * `/facturation`: the months, an open month's drafts (reviewed, then finalized: the close), a
 * month's invoices, close warnings and credit notes, one invoice (a credit note drafted, then
 * confirmed), and the downloads — PDFs, the month's CSV, the signed usage proof. Money is for the
 * roles that see it (`seeMoney`); closing and credit notes for those that may (`manageBilling`);
 * approving or rejecting an invoice held for review at the close for admins (`reviewInvoices`).
 * Billing errors — and a month or number in the address that is not one — are shown in French.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { cabinetIdSchema, DomainError, monthSchema, parseWith } from '@iamanager/protocol';
import { pathParam } from '../pathParam.js';
import { formText, readForm, sendDownload } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize, can } from '../../auth/policies.js';
import {
  billingMonth,
  documentPdfFile,
  invoiceEvidenceOf,
  listBillingMonths,
  monthCsvFile,
  showInvoice,
} from '../../domain/billing/billingQueries.js';
import { frenchMonth } from '../../domain/billing/calendar.js';
import { closeBillingMonth } from '../../domain/billing/closeBillingMonth.js';
import { draftMonth, presentDrafts } from '../../domain/billing/billingPreview.js';
import { creditNoteNumberSchema, invoiceNumberSchema } from '../../domain/billing/documentNumbers.js';
import {
  creditNoteInputSchema,
  draftCreditNote,
  issueCreditNote,
  type CreditNoteDraft,
  type CreditNoteInput,
} from '../../domain/billing/issueCreditNote.js';
import { approveHeldInvoice, rejectHeldInvoice } from '../../domain/billing/reviewHeldInvoice.js';
import { presentCreditNote } from '../../presenters/invoice.js';
import { frenchBillingError } from '../billingErrors.js';
import { parseForm, type FormField } from '../formIssues.js';
import { chromeOf, type Flash } from '../chrome.js';
import type { DashboardDeps, DashboardPage } from '../dashboardPage.js';
import { invoiceHref, monthHref } from '../billingHrefs.js';
import { BillingMonthPage, BillingMonthsPage } from '../pages/billing.js';
import { BillingDraftsPage } from '../pages/billingDrafts.js';
import { InvoicePage, type CreditNoteForm } from '../pages/invoice.js';
import type { PaymentForm } from '../pages/payments.js';
import { pastDueInvoices, showInvoiceAccount } from '../../domain/billing/invoiceAccount.js';
import { parisDate } from '../../domain/billing/calendar.js';
import { sendPage } from '../render.js';

/** The credit note form's inputs, checked by the API's `creditNoteInputSchema`. */
const CREDIT_NOTE_FIELDS: readonly FormField[] = [
  { path: 'reason', sentence: 'Motif : indiquez pourquoi la facture est corrigée (3 caractères au moins).' },
  { path: 'amountCents', sentence: 'Montant HT : un montant en euros, par exemple 12,50, ou vide pour annuler tout ce qui reste dû.' },
];

/** "12,50" or "12.5" euros → cents; `undefined` for blank (credit everything left), `null` when unreadable. */
export function eurosToCents(text: string): number | undefined | null {
  const t = text.replace(/\s/g, '');
  if (t === '') return undefined;
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

async function showMonths(
  deps: DashboardDeps,
  ctx: Context,
  flash?: Flash,
  status = 200,
  pastDue?: Awaited<ReturnType<typeof pastDueInvoices>>,
): Promise<void> {
  const admin = currentAdmin(ctx);
  authorize(admin, 'seeMoney');
  const page = (
    <BillingMonthsPage
      chrome={chromeOf(deps, ctx, flash)}
      months={await listBillingMonths(deps.cp)}
      canClose={can(admin, 'manageBilling')}
      configured={deps.cp.config.vendor !== undefined}
      pastDue={pastDue}
      graceDays={deps.cp.config.licenseGraceDays}
    />
  );
  sendPage(ctx, page, status);
}

async function showMonth(deps: DashboardDeps, ctx: Context, month: string, flash?: Flash, status = 200): Promise<void> {
  const admin = currentAdmin(ctx);
  authorize(admin, 'seeMoney');
  const data = await billingMonth(deps.cp, month);
  sendPage(
    ctx,
    <BillingMonthPage
      chrome={chromeOf(deps, ctx, flash)}
      month={data.month}
      invoices={data.invoices}
      held={data.held}
      canReview={can(admin, 'reviewInvoices')}
      creditNotes={data.creditNotes}
      warnings={data.warnings}
    />,
    status,
  );
}

async function showDrafts(deps: DashboardDeps, ctx: Context, month: string, flash?: Flash, status = 200): Promise<void> {
  const admin = currentAdmin(ctx);
  authorize(admin, 'seeMoney');
  const drafts = presentDrafts(await draftMonth(deps.cp, month, await deps.cp.plans.lookup()));
  sendPage(ctx, <BillingDraftsPage chrome={chromeOf(deps, ctx, flash)} drafts={drafts} canClose={can(admin, 'manageBilling')} />, status);
}

export async function showInvoicePage(
  deps: DashboardDeps,
  ctx: Context,
  number: string,
  options: { form?: CreditNoteForm; draft?: CreditNoteDraft; paymentForm?: PaymentForm; flash?: Flash; status?: number } = {},
): Promise<void> {
  const admin = currentAdmin(ctx);
  authorize(admin, 'seeMoney');
  const invoice = await showInvoice(deps.cp, number);
  const today = parisDate(deps.cp.clock());
  const payment = {
    account: await showInvoiceAccount(deps.cp, number),
    form: can(admin, 'manageBilling')
      ? (options.paymentForm ?? { errors: [], values: { amount: '', date: today, method: 'transfer', reference: '' } })
      : undefined,
    today,
  };
  const creditNotes = (await deps.cp.billingMonths.creditNotesOf(number)).map(presentCreditNote);
  const form = can(admin, 'manageBilling') ? (options.form ?? { errors: [], values: { reason: '', amount: '' } }) : undefined;
  sendPage(
    ctx,
    <InvoicePage
      chrome={chromeOf(deps, ctx, options.flash)}
      invoice={invoice}
      creditNotes={creditNotes}
      form={form}
      draft={can(admin, 'manageBilling') ? options.draft : undefined}
      payment={payment}
    />,
    options.status,
  );
}

export const billingPages: DashboardPage = {
  nav: { href: '/facturation', label: 'Facturation', action: 'seeMoney' },
  mount(router: Router, deps) {
    const { cp } = deps;
    const monthOf = (ctx: Context) =>
      pathParam(monthSchema, ctx.params.month, `Mois « ${String(ctx.params.month)} » : un mois s'écrit AAAA-MM, par exemple 2026-03.`);
    const invoiceOf = (ctx: Context) =>
      pathParam(
        invoiceNumberSchema,
        ctx.params.number,
        `Facture « ${String(ctx.params.number)} » : un numéro de facture s'écrit F-AAAA-NNNNNN, par exemple F-2026-000001.`,
      );
    const creditNoteOf = (ctx: Context) =>
      pathParam(
        creditNoteNumberSchema,
        ctx.params.number,
        `Avoir « ${String(ctx.params.number)} » : un numéro d'avoir s'écrit A-AAAA-NNNNNN, par exemple A-2026-000001.`,
      );
    /** The credit note form's fields, as typed and as the API's schema reads them. */
    const creditNoteForm = (form: URLSearchParams) => {
      const values = { reason: formText(form, 'reason', 500), amount: formText(form, 'amount', 20) };
      const amountCents = eurosToCents(values.amount);
      // An amount the page cannot read as euros goes to the schema as typed, which refuses it.
      const parsed = parseForm(
        creditNoteInputSchema,
        { reason: values.reason, ...(amountCents === undefined ? {} : { amountCents: amountCents ?? values.amount }) },
        CREDIT_NOTE_FIELDS,
      );
      return { values, parsed };
    };
    const seeMoney = (ctx: Context) => authorize(currentAdmin(ctx), 'seeMoney');

    router.get('/facturation', async (ctx) => {
      seeMoney(ctx);
      await showMonths(deps, ctx, undefined, 200, await pastDueInvoices(cp));
    });

    router.get('/facturation/mois/:month/brouillons', async (ctx) => {
      const month = monthOf(ctx);
      seeMoney(ctx);
      if (await cp.billingMonths.closedMonth(month)) return ctx.redirect(monthHref(month));
      await showDrafts(deps, ctx, month);
    });

    /** Finalizes the drafts the page showed (their digest): numbered and issued, or refused in French on the drafts page. */
    router.post('/facturation/mois/:month/cloture', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageBilling');
      const month = monthOf(ctx);
      const form = await readForm(ctx);
      if (form.get('confirmer') !== '1') {
        return showDrafts(
          deps,
          ctx,
          month,
          {
            kind: 'error',
            text: `Cochez la confirmation pour clôturer ${frenchMonth(month)} : les factures émises ne se corrigent que par avoir.`,
          },
          400,
        );
      }
      try {
        const closed = await closeBillingMonth(cp, month, admin.email, { expectedDigest: formText(form, 'empreinte', 64) });
        cp.log.info(
          { month, invoices: closed.invoices.length, held: closed.held.length, warnings: closed.warnings.length, by: admin.email },
          'billing month closed from the dashboard',
        );
        ctx.redirect(`${monthHref(month)}?cloture=${closed.invoices.length}&attente=${closed.held.length}`);
      } catch (err) {
        const text = frenchBillingError(err);
        if (!text) throw err;
        const status = err instanceof DomainError && err.code === 'invoice_mentions_missing' ? 422 : 409;
        if (err instanceof DomainError && err.code === 'month_already_closed')
          return showMonths(deps, ctx, { kind: 'error', text }, status);
        await showDrafts(deps, ctx, month, { kind: 'error', text }, status);
      }
    });

    router.get('/facturation/mois/:month', async (ctx) => {
      const closedCount = typeof ctx.query.cloture === 'string' ? ctx.query.cloture : undefined;
      const heldCount = typeof ctx.query.attente === 'string' && /^\d+$/.test(ctx.query.attente) ? Number(ctx.query.attente) : 0;
      const held = heldCount > 0 ? `, ${heldCount} en attente de validation (au-dessus du seuil de revue)` : '';
      const flash: Flash | undefined =
        closedCount && /^\d+$/.test(closedCount)
          ? { kind: 'ok', text: `Mois clôturé : ${closedCount} factures émises${held}.` }
          : undefined;
      await showMonth(deps, ctx, monthOf(ctx), flash);
    });

    router.post('/facturation/mois/:month/attente/:cabinetId/valider', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'reviewInvoices');
      const month = monthOf(ctx);
      await readForm(ctx);
      try {
        const invoice = await approveHeldInvoice(cp, month, parseWith(cabinetIdSchema, ctx.params.cabinetId, 'cabinetId'), admin.email);
        cp.log.info(
          { invoice: invoice.number, month, cabinetId: invoice.cabinetId, by: admin.email },
          'held invoice approved from the dashboard',
        );
        await showMonth(deps, ctx, month, { kind: 'ok', text: `Facture ${invoice.number} émise.` });
      } catch (err) {
        const text = frenchBillingError(err);
        if (!text) throw err;
        await showMonth(deps, ctx, month, { kind: 'error', text }, 409);
      }
    });

    router.post('/facturation/mois/:month/attente/:cabinetId/rejeter', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'reviewInvoices');
      const month = monthOf(ctx);
      const cabinetId = parseWith(cabinetIdSchema, ctx.params.cabinetId, 'cabinetId');
      const reason = formText(await readForm(ctx), 'reason', 500);
      if (reason.length < 3)
        return showMonth(
          deps,
          ctx,
          month,
          { kind: 'error', text: 'Motif du rejet : indiquez pourquoi la facture ne sera pas émise (3 caractères au moins).' },
          400,
        );
      try {
        await rejectHeldInvoice(cp, month, cabinetId, { reason }, admin.email);
        cp.log.info({ month, cabinetId, by: admin.email }, 'held invoice rejected from the dashboard');
        await showMonth(deps, ctx, month, { kind: 'ok', text: `Facture de ${cabinetId} rejetée : elle ne sera pas émise.` });
      } catch (err) {
        const text = frenchBillingError(err);
        if (!text) throw err;
        await showMonth(deps, ctx, month, { kind: 'error', text }, 409);
      }
    });

    router.get('/facturation/mois/:month/factures.csv', async (ctx) => {
      seeMoney(ctx);
      sendDownload(ctx, await monthCsvFile(cp, monthOf(ctx)));
    });

    router.get('/facturation/factures/:number', async (ctx) => {
      const created =
        typeof ctx.query.avoir === 'string' && creditNoteNumberSchema.safeParse(ctx.query.avoir).success ? ctx.query.avoir : undefined;
      await showInvoicePage(deps, ctx, invoiceOf(ctx), created ? { flash: { kind: 'ok', text: `Avoir ${created} émis.` } } : {});
    });

    /** First step: the credit note the form describes, shown for confirmation; nothing is issued. */
    router.post('/facturation/factures/:number/avoir', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageBilling');
      const number = invoiceOf(ctx);
      const { values, parsed } = creditNoteForm(await readForm(ctx));
      if (!parsed.ok) return showInvoicePage(deps, ctx, number, { form: { errors: parsed.errors, values }, status: 400 });
      try {
        const draft = await draftCreditNote(cp, number, parsed.data);
        await showInvoicePage(deps, ctx, number, { form: { errors: [], values }, draft });
      } catch (err) {
        const text = frenchBillingError(err);
        if (!text) throw err;
        await showInvoicePage(deps, ctx, number, { form: { errors: [text], values }, status: 409 });
      }
    });

    /** Second step: the confirmed draft is issued (numbered, written, never withdrawn). */
    router.post('/facturation/factures/:number/avoir/confirmer', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageBilling');
      const number = invoiceOf(ctx);
      const form = await readForm(ctx);
      const { values, parsed } = creditNoteForm(form);
      if (!parsed.ok) return showInvoicePage(deps, ctx, number, { form: { errors: parsed.errors, values }, status: 400 });
      const input: CreditNoteInput = parsed.data;
      if (form.get('confirmer') !== '1') {
        const draft = await draftCreditNote(cp, number, input).catch(() => undefined);
        return showInvoicePage(deps, ctx, number, {
          form: { errors: ["Cochez la confirmation pour émettre l'avoir : un avoir émis ne peut pas être retiré."], values },
          ...(draft ? { draft } : {}),
          status: 400,
        });
      }
      try {
        const note = await issueCreditNote(cp, number, input, admin.email);
        cp.log.info({ creditNote: note.number, invoice: number, by: admin.email }, 'credit note issued from the dashboard');
        ctx.redirect(`${invoiceHref(number)}?avoir=${note.number}`);
      } catch (err) {
        const text = frenchBillingError(err);
        if (!text) throw err;
        await showInvoicePage(deps, ctx, number, { form: { errors: [text], values }, status: 409 });
      }
    });

    router.get('/facturation/factures/:number/pdf', async (ctx) => {
      seeMoney(ctx);
      sendDownload(ctx, await documentPdfFile(cp, invoiceOf(ctx)));
    });

    router.get('/facturation/factures/:number/preuve', async (ctx) => {
      seeMoney(ctx);
      const evidence = await invoiceEvidenceOf(cp, invoiceOf(ctx));
      sendDownload(ctx, {
        filename: `preuve-${evidence.invoiceNumber}.json`,
        contentType: 'application/json',
        content: Buffer.from(`${JSON.stringify(evidence, null, 2)}\n`),
      });
    });

    router.get('/facturation/avoirs/:number/pdf', async (ctx) => {
      seeMoney(ctx);
      sendDownload(ctx, await documentPdfFile(cp, creditNoteOf(ctx)));
    });
  },
};
