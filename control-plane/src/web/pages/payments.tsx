/**
 * Getting paid, on the dashboard: an invoice's status and payments (with the form to record one),
 * and the past-due invoices — the commercial risk — on the billing page and a cabinet's page.
 * Suspending a cabinet for non-payment is an admin's decision, never automatic: the panel says
 * what it does to the cabinet's appliance (the license's grace period, then no new work).
 */
import { frenchDate } from '../../domain/billing/calendar.js';
import type { InvoiceStatus } from '../../domain/billing/invoiceStatus.js';
import type { pastDueInvoices, presentPayment, presentRelance } from '../../domain/billing/invoiceAccount.js';
import { invoiceHref } from '../billingHrefs.js';
import { CsrfField, FormErrors, Panel } from '../components.js';
import { frenchDate as frenchDateTime, frenchEuros } from '../format.js';

export const STATUS_LABELS: Record<InvoiceStatus, { text: string; tone: string }> = {
  open: { text: 'À payer', tone: 'pending' },
  partially_paid: { text: 'Payée en partie', tone: 'warning' },
  paid: { text: 'Payée', tone: 'healthy' },
  past_due: { text: 'Échue, impayée', tone: 'critical' },
  void: { text: 'Annulée par avoir', tone: 'offline' },
};

const METHODS = {
  transfer: 'Virement',
  direct_debit: 'Prélèvement',
  card: 'Carte',
  cheque: 'Chèque',
  cash: 'Espèces',
  other: 'Autre',
} as const;

const RELANCES = { reminder: 'Rappel (J+1)', second_reminder: 'Deuxième relance (J+15)', final_notice: 'Dernière relance (J+30)' } as const;

export function StatusBadge({ status }: { status: InvoiceStatus }) {
  const label = STATUS_LABELS[status];
  return <strong class={`status ${label.tone}`}>{label.text}</strong>;
}

export interface PaymentForm {
  errors: string[];
  values: { amount: string; date: string; method: string; reference: string };
}

export interface InvoiceAccountView {
  number: string;
  status: InvoiceStatus;
  paidCents: number;
  balanceDueCents: number;
  overpaidCents: number;
  daysPastDue: number;
  dueDate: string;
  payments: ReturnType<typeof presentPayment>[];
  relances: ReturnType<typeof presentRelance>[];
}

export function PaymentPanel({
  account,
  form,
  csrf,
  today,
}: {
  account: InvoiceAccountView;
  form: PaymentForm | undefined;
  csrf: string | null;
  today: string;
}) {
  return (
    <Panel title="Paiements" id="paiements">
      <dl class="facts">
        <dt>Statut</dt>
        <dd>
          <StatusBadge status={account.status} />
          {account.daysPastDue > 0
            ? ` depuis ${account.daysPastDue} jour${account.daysPastDue > 1 ? 's' : ''} (échéance du ${frenchDate(account.dueDate)})`
            : ''}
        </dd>
        <dt>Reçu</dt>
        <dd>{frenchEuros(account.paidCents)}</dd>
        <dt>Reste à payer TTC</dt>
        <dd>{frenchEuros(account.balanceDueCents)}</dd>
        {account.overpaidCents > 0 ? (
          <>
            <dt>À rembourser</dt>
            <dd>{frenchEuros(account.overpaidCents)} reçus au-delà de ce qui est dû (avoir émis après le paiement)</dd>
          </>
        ) : null}
      </dl>
      {account.payments.length === 0 ? (
        <p class="empty">Aucun paiement reçu.</p>
      ) : (
        <table>
          <caption>Paiements reçus</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col" class="num">
                Montant TTC
              </th>
              <th scope="col">Moyen</th>
              <th scope="col">Référence</th>
              <th scope="col">Saisi par</th>
            </tr>
          </thead>
          <tbody>
            {account.payments.map((p) => (
              <tr>
                <td>{frenchDate(p.date)}</td>
                <td class="num">{frenchEuros(p.amountCents)}</td>
                <td>{METHODS[p.method]}</td>
                <td>{p.reference ?? '—'}</td>
                <td>{p.source === 'bank_import' ? `relevé bancaire (${p.recordedBy})` : p.recordedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {account.relances.length > 0 ? (
        <ul>
          {account.relances.map((r) => (
            <li>
              {RELANCES[r.step]} envoyée à {r.to}
              {r.sentAt ? ` le ${frenchDateTime(r.sentAt)}` : ' (envoi interrompu, non renvoyée : vérifiez auprès du client)'}
            </li>
          ))}
        </ul>
      ) : null}
      {form && (account.status === 'open' || account.status === 'partially_paid' || account.status === 'past_due') ? (
        <form method="post" action={`${invoiceHref(account.number)}/paiement`}>
          <h3>Enregistrer un paiement</h3>
          <CsrfField token={csrf} />
          <FormErrors messages={form.errors} />
          <div class="field">
            <label for="p-amount">Montant reçu TTC en euros</label>
            <input id="p-amount" name="amount" type="text" class="short" inputMode="decimal" required value={form.values.amount} />
          </div>
          <div class="field">
            <label for="p-date">Date de réception</label>
            <input id="p-date" name="date" type="date" required max={today} value={form.values.date} />
          </div>
          <div class="field">
            <label for="p-method">Moyen de paiement</label>
            <select id="p-method" name="method">
              {Object.entries(METHODS).map(([value, label]) => (
                <option value={value} selected={form.values.method === value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="p-reference">Référence (virement, chèque…)</label>
            <input
              id="p-reference"
              name="reference"
              type="text"
              maxLength={140}
              value={form.values.reference}
              aria-describedby="p-reference-hint"
            />
            <p class="hint" id="p-reference-hint">
              La référence de la ligne du relevé : une même référence n'est jamais comptée deux fois.
            </p>
          </div>
          <button type="submit" class="button">
            Enregistrer le paiement
          </button>
        </form>
      ) : null}
    </Panel>
  );
}

export type PastDueRow = Awaited<ReturnType<typeof pastDueInvoices>>[number];

/** The past-due invoices, most overdue first, with what an admin may do about it. */
export function PastDuePanel({
  invoices,
  graceDays,
  showCabinet,
}: {
  invoices: readonly PastDueRow[];
  graceDays: number;
  showCabinet: boolean;
}) {
  const total = invoices.reduce((s, i) => s + i.balanceDueCents, 0);
  return (
    <Panel title="Factures échues impayées" id="impayes">
      {invoices.length === 0 ? (
        <p class="empty">Aucune facture échue impayée.</p>
      ) : (
        <>
          <p>
            <strong class="status critical">Risque commercial</strong> : {invoices.length} facture{invoices.length > 1 ? 's' : ''} échue
            {invoices.length > 1 ? 's' : ''}, {frenchEuros(total)} TTC restant dus. Des relances sont envoyées par e-mail le lendemain de
            l'échéance, puis à 15 et 30 jours.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Facture</th>
                {showCabinet ? <th scope="col">Cabinet</th> : null}
                <th scope="col">Échéance</th>
                <th scope="col" class="num">
                  Retard (jours)
                </th>
                <th scope="col" class="num">
                  Reste dû TTC
                </th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((i) => (
                <tr>
                  <td>
                    <a href={invoiceHref(i.number)}>{i.number}</a>
                  </td>
                  {showCabinet ? (
                    <td>
                      <a href={`/cabinets/${encodeURIComponent(i.cabinetId)}`}>{i.customerName}</a>
                    </td>
                  ) : null}
                  <td>{frenchDate(i.dueDate)}</td>
                  <td class="num">{i.daysPastDue}</td>
                  <td class="num">{frenchEuros(i.balanceDueCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">
            Suspendre un cabinet pour impayé reste une décision d'administrateur (statut « suspendu » sur la page du cabinet), jamais
            automatique. Sa licence expire alors aussitôt ; l'appliance du cabinet continue de fonctionner pendant le délai de grâce de{' '}
            {graceDays} jours, puis refuse la création d'utilisateurs, de dossiers et d'analyses — la consultation, la modification et
            l'export des dossiers restent toujours possibles.
          </p>
        </>
      )}
    </Panel>
  );
}
