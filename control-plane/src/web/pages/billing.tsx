/**
 * Facturation: the months (closed, and the recent open ones with the close form for the roles
 * that may close), and one month's invoices and credit notes with their PDFs and the CSV for the
 * accountant. Closing is irreversible: an open month leads to its drafts (billingDrafts.tsx), whose
 * finalize form asks for an explicit confirmation.
 */
import { frenchDate, frenchMonth } from '../../domain/billing/calendar.js';
import { FlashMessage } from '@iamanager/kernel/ui';
import type { Chrome } from '../chrome.js';
import { CsrfField, Panel } from '../components.js';
import { frenchEuros } from '../format.js';
import { Layout } from '../layout.js';
import { PastDuePanel, type PastDueRow } from './payments.js';
import { warningText } from '../billingLabels.js';
import { draftsHref, heldHref, invoiceHref, monthHref } from '../billingHrefs.js';

export interface MonthRow {
  month: string;
  status: 'open' | 'closed';
  closable: boolean;
  issueDate: string | null;
  invoiceCount: number;
  firstNumber: string | null;
  lastNumber: string | null;
  totalExclVatCents: number;
  totalInclVatCents: number;
}

export interface InvoiceRow {
  number: string;
  cabinetId: string;
  customerName: string;
  month: string;
  issueDate: string;
  totalExclVatCents: number;
  vatCents: number;
  totalInclVatCents: number;
  balanceInclVatCents: number;
  creditNotes: string[];
}

export interface CreditNoteRow {
  number: string;
  invoiceNumber: string;
  cabinetId: string;
  issueDate: string;
  totalInclVatCents: number;
  reason: string;
}

export interface HeldRow {
  month: string;
  cabinetId: string;
  customerName: string;
  status: 'pending' | 'approved' | 'rejected';
  reviewAmountCents: number;
  totalInclVatCents: number;
  usage: { analysesOverage: number; applianceId: string; seq: number } | null;
  invoiceNumber: string | null;
  decidedBy: string | null;
  rejectionReason: string | null;
}

/** An open month's way to its drafts: reviewed there, then finalized (pages/billingDrafts.tsx). */
function DraftsLink({ month, closable }: { month: string; closable: boolean }) {
  return (
    <a href={draftsHref(month)} class={closable ? 'button' : undefined}>
      {closable ? 'Voir les brouillons et clôturer' : 'Aperçu des brouillons'}
      <span class="sr-only"> ({frenchMonth(month)})</span>
    </a>
  );
}

export function BillingMonthsPage({
  chrome,
  months,
  canClose,
  configured,
  pastDue,
  graceDays,
}: {
  chrome: Chrome;
  months: readonly MonthRow[];
  canClose: boolean;
  configured: boolean;
  /** The past-due invoices (docs/billing.md "Getting paid"); left out, the panel is not shown. */
  pastDue?: readonly PastDueRow[] | undefined;
  graceDays?: number;
}) {
  return (
    <Layout chrome={chrome} title="Facturation">
      <h1>Facturation</h1>
      {configured ? null : (
        <FlashMessage
          flash={{
            kind: 'error',
            text: "La facturation n'est pas configurée : renseignez VENDOR_NAME, VENDOR_ADDRESS, VENDOR_SIRET et VENDOR_VAT_NUMBER, puis redémarrez la console.",
          }}
        />
      )}
      <p class="hint">
        Une facture par cabinet et par mois, émise à la clôture du mois (une fois le mois terminé, heure de Paris) : ses brouillons se
        relisent d'abord, puis la clôture les numérote et les émet. Numérotation continue par année : F-AAAA-NNNNNN pour les factures,
        A-AAAA-NNNNNN pour les avoirs.
      </p>
      {pastDue ? <PastDuePanel invoices={pastDue} graceDays={graceDays ?? 0} showCabinet /> : null}
      {months.length === 0 ? (
        <p class="empty">Aucun mois à facturer : aucun cabinet n'a encore été créé.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Mois</th>
              <th scope="col">État</th>
              <th scope="col" class="num">
                Factures
              </th>
              <th scope="col" class="num">
                Total HT
              </th>
              <th scope="col" class="num">
                Total TTC
              </th>
              <th scope="col">Numéros</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr>
                <td>{m.status === 'closed' ? <a href={monthHref(m.month)}>{frenchMonth(m.month)}</a> : frenchMonth(m.month)}</td>
                <td>{m.status === 'closed' ? `clôturé le ${frenchDate(m.issueDate!)}` : m.closable ? 'à clôturer' : 'en cours'}</td>
                <td class="num">{m.status === 'closed' ? m.invoiceCount : '—'}</td>
                <td class="num">{m.status === 'closed' ? frenchEuros(m.totalExclVatCents) : '—'}</td>
                <td class="num">{m.status === 'closed' ? frenchEuros(m.totalInclVatCents) : '—'}</td>
                <td>{m.firstNumber ? `${m.firstNumber} à ${m.lastNumber}` : '—'}</td>
                <td>
                  {m.status === 'closed' ? (
                    <a href={`${monthHref(m.month)}/factures.csv`} download>
                      CSV pour le comptable<span class="sr-only"> ({frenchMonth(m.month)})</span>
                    </a>
                  ) : configured ? (
                    <DraftsLink month={m.month} closable={m.closable && canClose} />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function InvoiceTable({ invoices, caption }: { invoices: readonly InvoiceRow[]; caption: string }) {
  return (
    <table>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Numéro</th>
          <th scope="col">Cabinet</th>
          <th scope="col">Mois</th>
          <th scope="col" class="num">
            HT
          </th>
          <th scope="col" class="num">
            TVA
          </th>
          <th scope="col" class="num">
            TTC
          </th>
          <th scope="col" class="num">
            Reste dû
          </th>
          <th scope="col">PDF</th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((i) => (
          <tr>
            <td>
              <a href={invoiceHref(i.number)}>{i.number}</a>
            </td>
            <td>
              <a href={`/cabinets/${encodeURIComponent(i.cabinetId)}`}>{i.customerName}</a>
            </td>
            <td>{frenchMonth(i.month)}</td>
            <td class="num">{frenchEuros(i.totalExclVatCents)}</td>
            <td class="num">{frenchEuros(i.vatCents)}</td>
            <td class="num">{frenchEuros(i.totalInclVatCents)}</td>
            <td class="num">
              {frenchEuros(i.balanceInclVatCents)}
              {i.creditNotes.length > 0 ? <div class="hint">avoir : {i.creditNotes.join(', ')}</div> : null}
            </td>
            <td>
              <a href={`${invoiceHref(i.number)}/pdf`} download>
                PDF<span class="sr-only"> de {i.number}</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CreditNoteTable({ notes }: { notes: readonly CreditNoteRow[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Avoir</th>
          <th scope="col">Facture</th>
          <th scope="col">Cabinet</th>
          <th scope="col">Émis le</th>
          <th scope="col" class="num">
            TTC
          </th>
          <th scope="col">Motif</th>
          <th scope="col">PDF</th>
        </tr>
      </thead>
      <tbody>
        {notes.map((c) => (
          <tr>
            <td>{c.number}</td>
            <td>
              <a href={invoiceHref(c.invoiceNumber)}>{c.invoiceNumber}</a>
            </td>
            <td>{c.cabinetId}</td>
            <td>{frenchDate(c.issueDate)}</td>
            <td class="num">-{frenchEuros(c.totalInclVatCents)}</td>
            <td>{c.reason}</td>
            <td>
              <a href={`/facturation/avoirs/${c.number}/pdf`} download>
                PDF<span class="sr-only"> de {c.number}</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HeldDecision({ h, canReview, csrf }: { h: HeldRow; canReview: boolean; csrf: string | null }) {
  if (h.status === 'approved')
    return (
      <>
        émise : <a href={invoiceHref(h.invoiceNumber!)}>{h.invoiceNumber}</a> (par {h.decidedBy})
      </>
    );
  if (h.status === 'rejected')
    return (
      <>
        rejetée par {h.decidedBy} : {h.rejectionReason}
      </>
    );
  if (!canReview) return <>en attente d'un administrateur</>;
  const id = `motif-${h.cabinetId}`;
  return (
    <>
      <form method="post" action={`${heldHref(h.month, h.cabinetId)}/valider`} class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class="button">
          Valider et émettre<span class="sr-only"> la facture de {h.customerName}</span>
        </button>
      </form>
      <form method="post" action={`${heldHref(h.month, h.cabinetId)}/rejeter`} class="inline">
        <CsrfField token={csrf} />
        <label for={id}>Motif du rejet</label>
        <input id={id} name="reason" required minlength={3} maxlength={500} />
        <button type="submit" class="button secondary">
          Rejeter<span class="sr-only"> la facture de {h.customerName}</span>
        </button>
      </form>
    </>
  );
}

export function HeldTable({ held, canReview, csrf }: { held: readonly HeldRow[]; canReview: boolean; csrf: string | null }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Cabinet</th>
          <th scope="col" class="num">
            TTC
          </th>
          <th scope="col">Relevé signé</th>
          <th scope="col">Décision</th>
        </tr>
      </thead>
      <tbody>
        {held.map((h) => (
          <tr>
            <td>
              <a href={`/cabinets/${encodeURIComponent(h.cabinetId)}`}>{h.customerName}</a>
            </td>
            <td class="num">
              {frenchEuros(h.totalInclVatCents)}
              <div class="hint">seuil {frenchEuros(h.reviewAmountCents)}</div>
            </td>
            <td>{h.usage ? `${h.usage.analysesOverage} analyses hors quota (relevé n° ${h.usage.seq} de ${h.usage.applianceId})` : '—'}</td>
            <td>
              <HeldDecision h={h} canReview={canReview} csrf={csrf} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BillingMonthPage({
  chrome,
  month,
  invoices,
  held,
  canReview,
  creditNotes,
  warnings = [],
}: {
  chrome: Chrome;
  month: MonthRow;
  invoices: readonly InvoiceRow[];
  held: readonly HeldRow[];
  canReview: boolean;
  creditNotes: readonly CreditNoteRow[];
  /** What the drafts said at the close, kept with the month. */
  warnings?: ReadonlyArray<{ cabinetId: string; code: string; message: string }>;
}) {
  const title = `Facturation — ${frenchMonth(month.month)}`;
  return (
    <Layout chrome={chrome} title={title}>
      <p>
        <a href="/facturation">← Tous les mois</a>
      </p>
      <h1>{title}</h1>
      {month.status === 'open' ? (
        <p class="empty">
          Ce mois n'est pas encore clôturé : <a href={draftsHref(month.month)}>voir ses brouillons</a>.
        </p>
      ) : (
        <>
          <Panel title="Synthèse" id="synthese">
            <dl class="facts">
              <dt>Clôturé le</dt>
              <dd>{frenchDate(month.issueDate!)}</dd>
              <dt>Factures</dt>
              <dd>
                {month.invoiceCount}
                {month.firstNumber ? ` (${month.firstNumber} à ${month.lastNumber})` : ''}
              </dd>
              <dt>Total HT</dt>
              <dd>{frenchEuros(month.totalExclVatCents)}</dd>
              <dt>Total TTC</dt>
              <dd>{frenchEuros(month.totalInclVatCents)}</dd>
            </dl>
            <p>
              <a class="button secondary" href={`${monthHref(month.month)}/factures.csv`} download>
                Télécharger le CSV pour le comptable
              </a>
            </p>
            <p class="hint">
              Séparateur « ; », UTF-8 avec BOM, montants en euros avec virgule : s'ouvre tel quel dans Excel. Les avoirs émis sur ces
              factures y figurent, en négatif.
            </p>
          </Panel>
          <Panel title="Factures" id="factures">
            {invoices.length === 0 ? (
              <p class="empty">Aucun cabinet n'avait de jour actif ce mois-là.</p>
            ) : (
              <InvoiceTable invoices={invoices} caption={`Factures de ${frenchMonth(month.month)}`} />
            )}
          </Panel>
          {held.length === 0 ? null : (
            <Panel title="Factures en attente de validation" id="attente">
              <p class="hint">
                Leur montant TTC dépassait le seuil de revue (BILLING_REVIEW_AMOUNT_CENTS) : elles n'ont pas été émises. Validée, une
                facture reçoit le numéro suivant et la date du jour ; rejetée, elle n'est jamais émise.
              </p>
              <HeldTable held={held} canReview={canReview} csrf={chrome.csrf} />
            </Panel>
          )}
          {warnings.length === 0 ? null : (
            <Panel title="Avertissements de la clôture" id="avertissements">
              <ul class="warnings">
                {warnings.map((w) => (
                  <li>
                    <a href={`/cabinets/${encodeURIComponent(w.cabinetId)}`}>{w.cabinetId}</a> : {warningText(w)}
                  </li>
                ))}
              </ul>
            </Panel>
          )}
          <Panel title="Avoirs" id="avoirs">
            {creditNotes.length === 0 ? (
              <p class="empty">Aucun avoir sur les factures de ce mois.</p>
            ) : (
              <CreditNoteTable notes={creditNotes} />
            )}
          </Panel>
        </>
      )}
    </Layout>
  );
}
