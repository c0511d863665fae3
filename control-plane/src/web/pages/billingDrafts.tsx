/**
 * A month's drafts ("Brouillons"), before the irreversible close: every invoice the close would
 * issue with its lines and totals, its warnings, the mandatory mentions it lacks (with a link to the
 * cabinet's details to fill them), and those above the review amount that an admin will approve.
 * The finalize form is there only when nothing is missing; it carries the digest of the drafts
 * shown, so a close never issues drafts that changed since the page was read.
 */
import { frenchDate, frenchMonth } from '../../domain/billing/calendar.js';
import type { presentDrafts } from '../../domain/billing/billingPreview.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, Panel } from '../components.js';
import { frenchEuros } from '../format.js';
import { Layout } from '../layout.js';
import { mentionText, warningText } from '../billingLabels.js';
import { monthHref } from '../billingHrefs.js';

export type DraftsView = ReturnType<typeof presentDrafts>;

const cabinetHref = (id: string) => `/cabinets/${encodeURIComponent(id)}`;

function DraftCard({ d, reviewAmountCents }: { d: DraftsView['drafts'][number]; reviewAmountCents: number }) {
  const c = d.customer;
  return (
    <article class="draft" id={`brouillon-${d.cabinetId}`} aria-labelledby={`brouillon-${d.cabinetId}-titre`}>
      <h3 id={`brouillon-${d.cabinetId}-titre`}>
        <a href={cabinetHref(d.cabinetId)}>{c.name}</a> — {frenchEuros(d.totalInclVatCents)} TTC
        {d.missing.length > 0 ? (
          <>
            {' '}
            <span class="status critical">incomplet</span>
          </>
        ) : null}
        {d.needsApproval ? (
          <>
            {' '}
            <span class="status warning">à valider</span>
          </>
        ) : null}
      </h3>
      <p class="hint">
        {c.address ?? 'adresse non renseignée'} · SIRET {c.siret ?? 'non renseigné'}
        {c.vatNumber ? ` · TVA ${c.vatNumber}` : ''}
      </p>
      {d.missing.length > 0 ? (
        <div class="errors" role="alert">
          <p>Cette facture ne peut pas être émise :</p>
          <ul>
            {d.missing.map((m) => (
              <li>{mentionText(m)}</li>
            ))}
          </ul>
          {d.missing.some((m) => m.party === 'customer') ? (
            <p>
              <a href={`${cabinetHref(d.cabinetId)}#coordonnees`}>Compléter la fiche de {c.name}</a>
            </p>
          ) : null}
        </div>
      ) : null}
      <table>
        <caption class="sr-only">Lignes du brouillon de {c.name}</caption>
        <thead>
          <tr>
            <th scope="col">Désignation</th>
            <th scope="col" class="num">
              Montant HT
            </th>
          </tr>
        </thead>
        <tbody>
          {d.lines.map((l) => (
            <tr>
              <td>{l.description}</td>
              <td class="num">{frenchEuros(l.amountCents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" class="num">
              Total HT · TVA {d.vatRatePercent} % · TTC
            </th>
            <td class="num">
              {frenchEuros(d.totalExclVatCents)} · {frenchEuros(d.vatCents)} · <strong>{frenchEuros(d.totalInclVatCents)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {d.needsApproval ? (
        <p class="hint">
          Au-dessus du seuil de revue ({frenchEuros(reviewAmountCents)} TTC) : à la clôture, elle sera mise en attente, sans numéro, jusqu'à
          sa validation par un administrateur.
        </p>
      ) : null}
      {d.warnings.length > 0 ? (
        <ul class="warnings">
          {d.warnings.map((w) => (
            <li>Avertissement : {warningText(w)}</li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

export function BillingDraftsPage({ chrome, drafts, canClose }: { chrome: Chrome; drafts: DraftsView; canClose: boolean }) {
  const title = `Brouillons — ${frenchMonth(drafts.month)}`;
  const incomplete = new Set(drafts.missing.map((m) => m.cabinetId)).size;
  return (
    <Layout chrome={chrome} title={title}>
      <p>
        <a href="/facturation">← Tous les mois</a>
      </p>
      <h1>{title}</h1>
      <Panel title="Synthèse" id="synthese">
        <dl class="facts">
          <dt>Factures</dt>
          <dd>{drafts.drafts.length}</dd>
          <dt>Total HT</dt>
          <dd>{frenchEuros(drafts.totalExclVatCents)}</dd>
          <dt>Total TTC</dt>
          <dd>{frenchEuros(drafts.totalInclVatCents)}</dd>
          <dt>Date d'émission et échéance</dt>
          <dd>
            {frenchDate(drafts.issueDate)}, à régler le {frenchDate(drafts.dueDate)} (si la clôture a lieu aujourd'hui)
          </dd>
        </dl>
        <p class="hint">
          Rien n'est encore émis ni numéroté. À la clôture, chaque brouillon devient une facture numérotée (F-AAAA-NNNNNN) qui ne se corrige
          plus que par avoir. Chaque facture porte les mentions obligatoires : identités, adresses et SIREN des deux parties, numéro de TVA
          du vendeur (art. 242 nonies A annexe II CGI), date d'échéance, pénalités de retard et indemnité forfaitaire de 40 € pour frais de
          recouvrement (art. L. 441-9, L. 441-10 et D. 441-5 C. com.).
        </p>
        {!drafts.monthOver ? (
          <p class="empty">Ce mois n'est pas terminé : il pourra être clôturé à partir du 1er du mois suivant.</p>
        ) : incomplete > 0 ? (
          <p class="errors" role="alert">
            Clôture impossible : {incomplete === 1 ? 'un brouillon est incomplet' : `${incomplete} brouillons sont incomplets`}. Complétez
            les fiches signalées ci-dessous, puis revenez sur cette page.
          </p>
        ) : canClose ? (
          <form method="post" action={`${monthHref(drafts.month)}/cloture`} class="close-month">
            <CsrfField token={chrome.csrf} />
            <input type="hidden" name="empreinte" value={drafts.digest} />
            <input type="checkbox" id="confirmer" name="confirmer" value="1" required />
            <label for="confirmer" class="inline-label">
              Je confirme : les factures émises ne pourront être corrigées que par avoir.
            </label>
            <button type="submit" class="button">
              Clôturer {frenchMonth(drafts.month)} et émettre les factures
            </button>
          </form>
        ) : (
          <p class="hint">Seuls les rôles administrateur et facturation peuvent clôturer un mois.</p>
        )}
      </Panel>
      <Panel title="Brouillons" id="brouillons">
        {drafts.drafts.length === 0 ? (
          <p class="empty">Aucun cabinet n'avait de jour actif ce mois-là : la clôture n'émettra aucune facture.</p>
        ) : (
          drafts.drafts.map((d) => <DraftCard d={d} reviewAmountCents={drafts.reviewAmountCents} />)
        )}
      </Panel>
    </Layout>
  );
}
