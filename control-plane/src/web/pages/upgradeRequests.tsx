/**
 * Upgrade requests: what cabinets asked for from their appliance (the plan they have, the plan
 * they want, where they stand against their limits, their message), newest first, each with a
 * button to mark it handled once the vendor has acted (changed the plan, called the cabinet).
 */
import type { UpgradeRequestStatus } from '../../storage/upgradeRequestRecords.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, Select } from '../components.js';
import { frenchDate, frenchEuros } from '../format.js';
import { Layout } from '../layout.js';
import { UsageList, type UsageFigure } from './fleet.js';

export interface UpgradeRequestRow {
  id: string;
  cabinetId: string;
  cabinetName: string;
  cabinetEmail: string | null;
  cabinetPhone: string | null;
  receivedAt: string;
  currentPlan: string;
  wantedPlan: string;
  /** The wanted plan's catalog price per month excl. VAT, for roles that see money. */
  wantedPriceCents?: number | undefined;
  usage: UsageFigure[];
  month: string;
  message: string | null;
  status: UpgradeRequestStatus;
  handledAt: string | null;
  handledBy: string | null;
}

export interface UpgradeRequestsView {
  rows: UpgradeRequestRow[];
  filter: UpgradeRequestStatus | 'all';
  canHandle: boolean;
}

const FILTERS: ReadonlyArray<{ value: UpgradeRequestStatus | 'all'; label: string }> = [
  { value: 'open', label: 'À traiter' },
  { value: 'handled', label: 'Traitées' },
  { value: 'all', label: 'Toutes' },
];

export function UpgradeRequestsPage({ chrome, view }: { chrome: Chrome; view: UpgradeRequestsView }) {
  return (
    <Layout chrome={chrome} title="Demandes de formule">
      <h1>Demandes de changement de formule</h1>
      <p class="hint">
        Envoyées par les cabinets depuis leur appliance (signées par sa clé) : la formule actuelle, la formule voulue, l'usage au moment de
        la demande et le message de l'administrateur du cabinet.
      </p>
      <form method="get" action="/demandes" class="filters" aria-label="Filtrer">
        <Select name="statut" label="Demandes" value={view.filter} options={FILTERS} />
        <button type="submit" class="button secondary">
          Filtrer
        </button>
      </form>
      {view.rows.length === 0 ? (
        <p class="empty">{view.filter === 'open' ? 'Aucune demande à traiter.' : 'Aucune demande.'}</p>
      ) : (
        <table>
          <caption class="sr-only">Demandes de changement de formule</caption>
          <thead>
            <tr>
              <th scope="col">Reçue</th>
              <th scope="col">Cabinet</th>
              <th scope="col">Demande</th>
              <th scope="col">Usage / limites</th>
              <th scope="col">Message</th>
              <th scope="col">Suite</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((r) => (
              <tr id={`demande-${r.id}`}>
                <td>
                  <time datetime={r.receivedAt}>{frenchDate(r.receivedAt)}</time>
                </td>
                <td>
                  <a href={`/cabinets/${encodeURIComponent(r.cabinetId)}`}>{r.cabinetName}</a>
                  {r.cabinetEmail ? <div class="hint">{r.cabinetEmail}</div> : null}
                  {r.cabinetPhone ? <div class="hint">{r.cabinetPhone}</div> : null}
                </td>
                <td>
                  {r.currentPlan} → <strong>{r.wantedPlan}</strong>
                  {r.wantedPriceCents !== undefined ? <div class="hint">{frenchEuros(r.wantedPriceCents)} HT / mois</div> : null}
                </td>
                <td>
                  <UsageList usage={r.usage} />
                  <div class="hint">Analyses du mois {r.month}</div>
                </td>
                <td>{r.message ? <blockquote class="message">{r.message}</blockquote> : '—'}</td>
                <td>
                  {r.status === 'handled' ? (
                    <span>
                      Traitée le {frenchDate(r.handledAt)}
                      {r.handledBy ? ` par ${r.handledBy}` : ''}
                    </span>
                  ) : view.canHandle ? (
                    <form method="post" action={`/demandes/${encodeURIComponent(r.id)}/traitee`}>
                      <CsrfField token={chrome.csrf} />
                      <button type="submit" class="button secondary">
                        Marquer comme traitée
                      </button>
                    </form>
                  ) : (
                    'À traiter'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
