/** Fleet alerts: each change of an appliance's status or of its reasons, newest first. */
import { FLEET_STATUSES, type FleetStatus } from '../../domain/fleetStatus.js';
import type { StorageAlert } from '../../domain/quarantine.js';
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

/** Record files moved to DATA_DIR/quarantine because they could not be read: critical until restored. */
function StorageAlerts({ alerts }: { alerts: readonly StorageAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <section class="flash error" role="alert" aria-labelledby="quarantaine">
      <h2 id="quarantaine">
        Critique : {alerts.length === 1 ? 'un fichier mis en quarantaine' : `${alerts.length} fichiers mis en quarantaine`}
      </h2>
      <p>
        Illisibles et sans dernière copie valide, ces fichiers ont été mis de côté pour que la console démarre ; le reste fonctionne.
        Restaurez-les depuis une sauvegarde (console arrêtée), puis supprimez leur dossier de quarantaine.
        {alerts.some((a) => a.file.startsWith('billing/'))
          ? ' La facturation n’émet plus rien tant qu’un fichier de facturation est en quarantaine.'
          : ''}
      </p>
      <ul>
        {alerts.map((a) => (
          <li>
            <code>{a.file}</code> → <code>{a.movedTo}</code> (<time datetime={a.at}>{frenchDate(a.at)}</time>)
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AlertsPage({
  chrome,
  rows,
  storage,
  status,
  limit,
}: {
  chrome: Chrome;
  rows: readonly AlertRow[];
  storage: readonly StorageAlert[];
  status: FleetStatus | '';
  limit: number;
}) {
  return (
    <Layout chrome={chrome} title="Alertes">
      <h1>Alertes</h1>
      <StorageAlerts alerts={storage} />
      <p class="hint">Chaque changement de statut d'une appliance, ou des raisons de ce statut, avec le moment où il a été constaté.</p>
      <form method="get" action="/alertes" class="filters" aria-label="Filtrer">
        <Select
          name="status"
          label="Nouveau statut"
          value={status}
          options={[{ value: '', label: 'Tous' }, ...FLEET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]}
        />
        <button type="submit" class="button secondary">
          Filtrer
        </button>
      </form>
      {rows.length === 0 ? (
        <p class="empty">Aucune alerte enregistrée.</p>
      ) : (
        <table>
          <caption class="sr-only">Les {limit} dernières alertes au plus</caption>
          <thead>
            <tr>
              <th scope="col">Constaté le</th>
              <th scope="col">Cabinet</th>
              <th scope="col">Changement</th>
              <th scope="col">Raisons (depuis)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <time datetime={r.at}>{frenchDate(r.at)}</time>
                </td>
                <td>
                  <a href={`/cabinets/${encodeURIComponent(r.cabinetId)}`}>{r.cabinetName}</a>
                  <div class="hint">{r.applianceId}</div>
                </td>
                <td>
                  {r.from ? (
                    <>
                      <StatusBadge status={r.from} /> →{' '}
                    </>
                  ) : null}
                  <StatusBadge status={r.to} />
                  <div class="hint">{r.what}</div>
                </td>
                <td>
                  {r.reasons.length === 0 ? (
                    '—'
                  ) : (
                    <ul class="plain">
                      {r.reasons.map((x) => (
                        <li>
                          {x.text}
                          {x.since ? ` (depuis le ${frenchDate(x.since)})` : ''}
                        </li>
                      ))}
                    </ul>
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
