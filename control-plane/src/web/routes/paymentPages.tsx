/**
 * `POST /facturation/factures/:number/paiement`: a payment recorded from the invoice page, by the
 * roles that manage billing. The same use case and schema as `billing pay` and the API; a refusal
 * is said in French on the invoice page, above the form, with what was typed kept.
 */
import type Router from '@koa/router';
import { DomainError, parseWith } from '@iamanager/protocol';
import { formText, readForm } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize } from '../../auth/policies.js';
import { invoiceNumberSchema } from '../../domain/billing/documentNumbers.js';
import { paymentInputSchema, recordPayment } from '../../domain/billing/payments.js';
import { formatEuros } from '../../domain/billing/money.js';
import { parseForm, type FormField } from '../formIssues.js';
import type { DashboardPage } from '../dashboardPage.js';
import { invoiceHref } from '../billingHrefs.js';
import { eurosToCents, showInvoicePage } from './billingPages.js';

const PAYMENT_FIELDS: readonly FormField[] = [
  { path: 'amountCents', sentence: 'Montant : un montant TTC en euros, par exemple 358,80.' },
  { path: 'date', sentence: 'Date : la date de réception du paiement, au format JJ/MM/AAAA.' },
  { path: 'method', sentence: 'Moyen de paiement : choisissez-en un dans la liste.' },
  { path: 'reference', sentence: 'Référence : 140 caractères au plus, ou laissez vide.' },
];

/** The refusals of `recordPayment`, in French. */
function frenchPaymentError(err: unknown): string | undefined {
  if (!(err instanceof DomainError)) return undefined;
  const d = err.details as { balanceDueCents?: number; creditNotes?: string[] } | undefined;
  switch (err.code) {
    case 'overpayment':
      return d?.balanceDueCents
        ? `Montant trop élevé : il reste ${formatEuros(d.balanceDueCents)} TTC à payer sur cette facture. Enregistrez au plus ce montant, et le surplus sur la facture qu'il règle.`
        : 'Cette facture est déjà entièrement payée.';
    case 'invoice_void':
      return `Cette facture est annulée par avoir (${d?.creditNotes?.join(', ') ?? ''}) : rien n'est dû. Un paiement reçu pour elle est à rembourser.`;
    case 'payment_duplicate':
      return 'Cette référence a déjà été enregistrée : un paiement n’est jamais compté deux fois.';
    case 'invalid_input':
      return "Date refusée : la date de réception ne peut être ni après aujourd'hui, ni avant l'émission de la facture.";
    default:
      return undefined;
  }
}

export const paymentPages: DashboardPage = {
  mount(router: Router, deps) {
    router.post('/facturation/factures/:number/paiement', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageBilling');
      const number = parseWith(invoiceNumberSchema, ctx.params.number, 'number');
      const form = await readForm(ctx);
      const values = {
        amount: formText(form, 'amount', 20),
        date: formText(form, 'date', 10),
        method: formText(form, 'method', 20),
        reference: formText(form, 'reference', 140),
      };
      const amountCents = eurosToCents(values.amount);
      const parsed = parseForm(
        paymentInputSchema,
        {
          amountCents: amountCents ?? values.amount,
          date: values.date,
          method: values.method || undefined,
          ...(values.reference.trim() ? { reference: values.reference } : {}),
        },
        PAYMENT_FIELDS,
      );
      if (!parsed.ok) return showInvoicePage(deps, ctx, number, { paymentForm: { errors: parsed.errors, values }, status: 400 });
      try {
        const { payment } = await recordPayment(deps.cp, number, parsed.data, { by: admin.email, source: 'manual' });
        deps.cp.log.info({ invoice: number, paymentId: payment.id, by: admin.email }, 'payment recorded from the dashboard');
        ctx.redirect(`${invoiceHref(number)}#paiements`);
      } catch (err) {
        const text = frenchPaymentError(err);
        if (!text) throw err;
        await showInvoicePage(deps, ctx, number, { paymentForm: { errors: [text], values }, status: 409 });
      }
    });
  },
};
