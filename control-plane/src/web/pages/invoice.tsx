/**
 * One invoice: the customer as invoiced, its lines and totals, the signed usage behind the overage
 * (with the proof to download), its credit notes, and — for the roles that may — the credit note
 * form, whose draft is shown for confirmation before it is issued. An invoice is never edited: the
 * only action on it is a credit note.
 */
import { frenchDate, frenchMonth } from '../../domain/billing/calendar.js';
import type { presentInvoice } from '../../presenters/invoice.js';
import type { CreditNoteDraft } from '../../domain/billing/issueCreditNote.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, FormErrors, Panel } from '../components.js';
import { frenchDate as frenchDateTime, frenchEuros } from '../format.js';
import { Layout } from '../layout.js';
import { invoiceHref, monthHref } from '../billingHrefs.js';
import { CreditNoteTable, type CreditNoteRow } from './billing.js';
import { PaymentPanel, type InvoiceAccountView, type PaymentForm } from './payments.js';

export type InvoiceDetail = ReturnType<typeof presentInvoice>;

/** A credit note drafted from the form, shown for confirmation before it is issued. */
export type { CreditNoteDraft };

export interface CreditNoteForm {
  errors: string[];
  values: { reason: string; amount: string };
}

/** An invoice issued before the mandatory mentions were checked at the close may lack one: said, not left blank. */
const NOT_RECORDED = 'non renseigné à l’émission';

function CreditNoteConfirm({
  draft,
  values,
  csrf,
  action,
}: {
  draft: CreditNoteDraft;
  values: CreditNoteForm['values'];
  csrf: string | null;
  action: string;
}) {
  return (
    <div class="panel" role="status" id="brouillon-avoir">
      <h3>Brouillon d'avoir — rien n'est encore émis</h3>
      <dl class="facts">
        <dt>Libellé</dt>
        <dd>{draft.description}</dd>
        <dt>Montant HT</dt>
        <dd>-{frenchEuros(draft.totalExclVatCents)}</dd>
        <dt>TVA {draft.vatRatePercent} %</dt>
        <dd>-{frenchEuros(draft.vatCents)}</dd>
        <dt>Total TTC</dt>
        <dd>
          <strong>-{frenchEuros(draft.totalInclVatCents)}</strong>
        </dd>
        <dt>Reste dû ensuite</dt>
        <dd>
          {frenchEuros(draft.balanceAfterInclVatCents)} TTC (aujourd'hui {frenchEuros(draft.owedInclVatCents)})
        </dd>
      </dl>
      <form method="post" action={action} class="confirmed">
        <CsrfField token={csrf} />
        <input type="hidden" name="reason" value={values.reason} />
        <input type="hidden" name="amount" value={values.amount} />
        <input type="checkbox" id="f-confirmer-avoir" name="confirmer" value="1" required />
        <label for="f-confirmer-avoir" class="inline-label">
          Je confirme : l'avoir reçoit le numéro suivant et ne peut plus être retiré.
        </label>
        <button type="submit" class="button">
          Émettre l'avoir
        </button>
      </form>
    </div>
  );
}

export function InvoicePage({
  chrome,
  invoice,
  creditNotes,
  form,
  payment,
  draft,
}: {
  chrome: Chrome;
  invoice: InvoiceDetail;
  creditNotes: readonly CreditNoteRow[];
  form?: CreditNoteForm | undefined;
  /** Its status and payments (docs/billing.md "Getting paid"), with the payment form for the roles that may record one. */
  payment?: { account: InvoiceAccountView; form: PaymentForm | undefined; today: string } | undefined;
  draft?: CreditNoteDraft | undefined;
}) {
  const c = invoice.customer;
  return (
    <Layout chrome={chrome} title={`Facture ${invoice.number}`}>
      <p>
        <a href={monthHref(invoice.month)}>← Factures de {frenchMonth(invoice.month)}</a>
      </p>
      <h1>Facture {invoice.number}</h1>
      <p>
        <a class="button secondary" href={`${invoiceHref(invoice.number)}/pdf`} download>
          Télécharger le PDF
        </a>
      </p>
      <div class="grid">
        <Panel title="Facture" id="facture">
          <dl class="facts">
            <dt>Période</dt>
            <dd>{frenchMonth(invoice.month)}</dd>
            <dt>Émise le</dt>
            <dd>{frenchDate(invoice.issueDate)}</dd>
            <dt>Échéance</dt>
            <dd>{frenchDate(invoice.dueDate)}</dd>
            <dt>Reste dû TTC</dt>
            <dd>{frenchEuros(invoice.balanceInclVatCents)}</dd>
          </dl>
        </Panel>
        <Panel title="Client" id="client">
          <dl class="facts">
            <dt>Cabinet</dt>
            <dd>
              <a href={`/cabinets/${encodeURIComponent(c.cabinetId)}`}>{c.name}</a>
            </dd>
            <dt>SIRET</dt>
            <dd>{c.siret ?? NOT_RECORDED}</dd>
            <dt>Adresse</dt>
            <dd>{c.address ?? NOT_RECORDED}</dd>
            <dt>N° de TVA</dt>
            <dd>{c.vatNumber ?? 'non communiqué'}</dd>
            <dt>E-mail</dt>
            <dd>{c.email ?? 'non communiqué'}</dd>
          </dl>
        </Panel>
      </div>
      {payment ? <PaymentPanel account={payment.account} form={payment.form} csrf={chrome.csrf} today={payment.today} /> : null}
      <Panel title="Lignes" id="lignes">
        <table>
          <thead>
            <tr>
              <th scope="col">Désignation</th>
              <th scope="col" class="num">
                Quantité
              </th>
              <th scope="col" class="num">
                P.U. HT
              </th>
              <th scope="col" class="num">
                Montant HT
              </th>
            </tr>
          </thead>
          <tbody>
            {invoice.lines.map((l) => (
              <tr>
                <td>{l.description}</td>
                <td class="num">
                  {l.kind === 'subscription' ? (l.days === l.daysInMonth ? '1 mois' : `${l.days}/${l.daysInMonth} mois`) : l.quantity}
                </td>
                <td class="num">
                  {frenchEuros(l.unitPriceCents)}
                  {l.kind === 'subscription' ? ' / mois' : ''}
                </td>
                <td class="num">{frenchEuros(l.amountCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3} class="num">
                Total HT
              </th>
              <td class="num">{frenchEuros(invoice.totalExclVatCents)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={3} class="num">
                TVA {invoice.vatRatePercent} %
              </th>
              <td class="num">{frenchEuros(invoice.vatCents)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={3} class="num">
                Total TTC
              </th>
              <td class="num">
                <strong>{frenchEuros(invoice.totalInclVatCents)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </Panel>
      <Panel title="Usage signé par l'appliance" id="preuve">
        {invoice.usage ? (
          <>
            <p>
              {invoice.usage.analysesUsed} analyses en {frenchMonth(invoice.month)}, dont {invoice.usage.analysesOverage} au-delà du quota —
              relevé n° {invoice.usage.seq} de l'appliance {invoice.usage.applianceId}, reçu le {frenchDateTime(invoice.usage.receivedAt)}.
            </p>
            <p class="hint">
              Empreinte SHA-256 du relevé signé : <code>{invoice.usage.jwsSha256}</code>
            </p>
            <p>
              <a href={`${invoiceHref(invoice.number)}/preuve`} download>
                Télécharger la preuve signée (relevé JWS et clé publique de l'appliance)
              </a>
            </p>
          </>
        ) : (
          <p class="empty">Aucun relevé d'usage reçu pour ce mois : pas de dépassement facturé.</p>
        )}
      </Panel>
      <Panel title="Avoirs" id="avoirs">
        {creditNotes.length === 0 ? <p class="empty">Aucun avoir sur cette facture.</p> : <CreditNoteTable notes={creditNotes} />}
        {form && draft ? (
          <CreditNoteConfirm
            draft={draft}
            values={form.values}
            csrf={chrome.csrf}
            action={`${invoiceHref(invoice.number)}/avoir/confirmer`}
          />
        ) : null}
        {form ? (
          invoice.balanceInclVatCents > 0 ? (
            <form method="post" action={`${invoiceHref(invoice.number)}/avoir`}>
              <h3>Émettre un avoir</h3>
              <CsrfField token={chrome.csrf} />
              <FormErrors messages={form.errors} />
              <div class="field">
                <label for="f-reason">Motif</label>
                <input id="f-reason" name="reason" type="text" required maxLength={500} value={form.values.reason} />
              </div>
              <div class="field">
                <label for="f-amount">Montant HT en euros</label>
                <input
                  id="f-amount"
                  name="amount"
                  type="text"
                  class="short"
                  inputMode="decimal"
                  value={form.values.amount}
                  aria-describedby="f-amount-hint"
                />
                <p class="hint" id="f-amount-hint">
                  Vide : annule tout ce qui reste dû ({frenchEuros(invoice.balanceInclVatCents)} TTC). La TVA est calculée sur le montant.
                </p>
              </div>
              <button type="submit" class={draft ? 'button secondary' : 'button'}>
                {draft ? 'Recalculer le brouillon' : "Préparer l'avoir"}
              </button>
            </form>
          ) : (
            <p class="hint">Cette facture est entièrement annulée par ses avoirs.</p>
          )
        ) : null}
      </Panel>
    </Layout>
  );
}
