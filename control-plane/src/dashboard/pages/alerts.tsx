/** Fleet alerts: each change of an appliance's status or of its reasons, newest first. */
import { FLEET_STATUSES, type FleetStatus } from '../../domain/fleetStatus.js';
import type { Chrome } from '../chrome.js';
import { Select } from '../components.js';
import { frenchDate } from '../format.js';
import { STATUS_LABELS } from '../labels.js';
import { Layout } from '../layout.js';
import { StatusBadge } from './fleet.js';

export interface AlertRow {
  at: string;
  cabinetId: string;
  cabinetName: string;
  applianceId: string;
  from: FleetStatus | null;
  to: FleetStatus;
  what: string;
  reasons: Array<{ text: string; since: string | null }>;
}

export function AlertsPage({ chrome, rows, status, limit }: { chrome: Chrome; rows: readonly AlertRow[]; status: FleetStatus | ''; limit: number }) {
  return (
    <Layout chrome={chrome} title="Alertes">
      <h1>Alertes</h1>
      <p class="hint">Chaque changement de statut d'une appliance, ou des raisons de ce statut, avec le moment où il a été constaté.</p>
      <form method="get" action="/alertes" class="filters" aria-label="Filtrer">
        <Select name="status" label="Nouveau statut" value={status} options={[{ value: '', label: 'Tous' }, ...FLEET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]} />
        <button type="submit" class="button secondary">Filtrer</button>
      </form>
      {rows.length === 0 ? (
        <p class="empty">Aucune alerte enregistrée.</p>
      ) : (
        <table>
          <caption class="sr-only">Les {limit} dernières alertes au plus</caption>
          <thead>
            <tr><th scope="col">Constaté le</th><th scope="col">Cabinet</th><th scope="col">Changement</th><th scope="col">Raisons (depuis)</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td><time datetime={r.at}>{frenchDate(r.at)}</time></td>
                <td><a href={`/cabinets/${encodeURIComponent(r.cabinetId)}`}>{r.cabinetName}</a><div class="hint">{r.applianceId}</div></td>
                <td>{r.from ? <><StatusBadge status={r.from} /> → </> : null}<StatusBadge status={r.to} /><div class="hint">{r.what}</div></td>
                <td>
                  {r.reasons.length === 0 ? '—' : (
                    <ul class="plain">{r.reasons.map((x) => <li>{x.text}{x.since ? ` (depuis le ${frenchDate(x.since)})` : ''}</li>)}</ul>
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
