/**
 * The fleet overview: every appliance with its cabinet, plan, version, last heartbeat and usage
 * against its limits. Filters and sort are links and a GET form, so the page works without script.
 */
import type { Chrome } from '../chrome.js';
import { Select } from '../components.js';
import { frenchAgo } from '../format.js';
import { Layout } from '../layout.js';

export interface FleetRow {
  applianceId: string;
  cabinetId: string;
  cabinetName: string | null;
  instanceName: string;
  plan: string | null;
  version: string;
  lastHeartbeatAt: string | null;
  usage: Array<{ label: string; used: number; limit: number | null }>;
}

export interface FleetView {
  rows: FleetRow[];
  total: number;
  page: number;
  pages: number;
  plan: string;
  plans: string[];
  now: Date;
  /** The query string for another page, keeping the filters. */
  pageHref: (page: number) => string;
}

function Usage({ usage }: { usage: FleetRow['usage'] }) {
  return (
    <ul class="plain">
      {usage.map((u) => (
        <li class={u.limit !== null && u.used > u.limit ? 'over' : undefined}>
          {u.label} : {u.used}
          {u.limit !== null ? ` / ${u.limit}` : ''}
        </li>
      ))}
    </ul>
  );
}

export function FleetPage({ chrome, view }: { chrome: Chrome; view: FleetView }) {
  return (
    <Layout chrome={chrome} title="Parc">
      <h1>Parc des appliances</h1>
      <form method="get" action="/" class="filters" aria-label="Filtres">
        <Select name="plan" label="Formule" value={view.plan} options={[{ value: '', label: 'Toutes' }, ...view.plans.map((p) => ({ value: p, label: p }))]} />
        <button type="submit" class="button secondary">Filtrer</button>
      </form>
      <p>{view.total} appliance(s)</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Cabinet</th>
            <th scope="col">Formule</th>
            <th scope="col">Version</th>
            <th scope="col">Dernier signal</th>
            <th scope="col">Usage / limites</th>
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <tr>
              <td>
                <a href={`/cabinets/${encodeURIComponent(r.cabinetId)}`}>{r.cabinetName ?? r.cabinetId}</a>
                <div class="hint">{r.instanceName}</div>
              </td>
              <td>{r.plan ?? '—'}</td>
              <td>{r.version}</td>
              <td>{frenchAgo(r.lastHeartbeatAt, view.now)}</td>
              <td><Usage usage={r.usage} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pagination">
        {view.page > 1 ? <a href={view.pageHref(view.page - 1)}>Page précédente</a> : <span />}
        <span>Page {view.page} sur {view.pages}</span>
        {view.page < view.pages ? <a href={view.pageHref(view.page + 1)}>Page suivante</a> : <span />}
      </nav>
    </Layout>
  );
}
