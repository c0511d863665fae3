/**
 * The fleet overview: every appliance with its cabinet, plan, status (and why), version, last
 * heartbeat and usage against its limits. Filters, sort and pages are links and a GET form, so
 * the page works without script; the server does the filtering (10 000 appliances, 50 a page).
 */
import type { FleetSort } from '../../domain/fleet.js';
import type { LimitFlag } from '@iamanager/protocol';
import { FLEET_STATUSES, type FleetStatus } from '../../domain/fleetStatus.js';
import type { Chrome } from '../chrome.js';
import { Select } from '../components.js';
import { frenchAgo, frenchDate } from '../format.js';
import { STATUS_LABELS } from '../labels.js';
import { Layout } from '../layout.js';

export interface UsageFigure {
  label: string;
  used: number;
  limit: number | null;
}

export interface FleetRow {
  applianceId: string;
  cabinetId: string;
  cabinetName: string | null;
  instanceName: string;
  plan: string | null;
  status: FleetStatus;
  reasons: string[];
  version: string;
  versionBehind: boolean;
  lastHeartbeatAt: string | null;
  usage: UsageFigure[];
  /** The commercial flag (near or at a plan limit) and the limits behind it, e.g. "Utilisateurs 10/10". */
  limitFlag: LimitFlag;
  limitDetails: string[];
}

export interface FleetFilters {
  status: FleetStatus | '';
  plan: string;
  sort: FleetSort;
}

export interface FleetView {
  rows: FleetRow[];
  total: number;
  page: number;
  pages: number;
  counts: Record<FleetStatus, number>;
  filters: FleetFilters;
  plans: string[];
  latestVersion: string | null;
  now: Date;
}

const SORT_LABELS: Readonly<Record<FleetSort, string>> = {
  status: 'Statut (le plus grave d’abord)',
  cabinet: 'Cabinet',
  plan: 'Formule',
  version: 'Version',
  lastHeartbeat: 'Dernier signal (le plus ancien d’abord)',
  limits: 'Limites de la formule (atteintes d’abord)',
};

/** Commercial flags, shown beside the health status: a cabinet to offer a larger plan to. */
export const LIMIT_FLAG_LABELS: Readonly<Record<LimitFlag, string>> = {
  ok: 'Dans les limites',
  near_limit: 'Proche de la limite (≥ 80 %)',
  at_limit: 'Limite atteinte',
};

export function LimitBadge({ flag, details }: { flag: LimitFlag; details: readonly string[] }) {
  if (flag === 'ok') return null;
  return (
    <div class={`limit-flag ${flag}`}>
      <span class={`status ${flag === 'at_limit' ? 'critical' : 'warning'}`}>{LIMIT_FLAG_LABELS[flag]}</span>
      {details.length > 0 ? <div class="hint">{details.join(' · ')}</div> : null}
    </div>
  );
}

/** The overview's URL for these filters (defaults left out, so links stay short). */
export function fleetHref(filters: FleetFilters, page = 1): string {
  const q = new URLSearchParams();
  if (filters.status) q.set('status', filters.status);
  if (filters.plan) q.set('plan', filters.plan);
  if (filters.sort !== 'status') q.set('sort', filters.sort);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/?${s}` : '/';
}

export function UsageList({ usage }: { usage: readonly UsageFigure[] }) {
  return (
    <ul class="plain">
      {usage.map((u) => (
        <li class={u.limit !== null && u.used > u.limit ? 'over' : undefined}>
          {u.label} : {u.used}
          {u.limit !== null ? ` / ${u.limit}` : ''}
          {u.limit !== null && u.used > u.limit ? ' (dépassé)' : ''}
        </li>
      ))}
    </ul>
  );
}

export function StatusBadge({ status }: { status: FleetStatus }) {
  return <span class={`status ${status}`}>{STATUS_LABELS[status]}</span>;
}

function SortHeader({ view, sort, label }: { view: FleetView; sort: FleetSort; label: string }) {
  const current = view.filters.sort === sort;
  return (
    <th scope="col" aria-sort={current ? 'ascending' : undefined}>
      {current ? label : <a href={fleetHref({ ...view.filters, sort })}>{label}</a>}
    </th>
  );
}

export function FleetPage({
  chrome,
  view,
  pastDueCabinets,
}: {
  chrome: Chrome;
  view: FleetView;
  /** Cabinets with a past-due invoice (commercial risk), for the roles that see money. */
  pastDueCabinets?: ReadonlySet<string> | undefined;
}) {
  const all = FLEET_STATUSES.reduce((n, s) => n + view.counts[s], 0);
  return (
    <Layout chrome={chrome} title="Parc">
      <h1>Parc des appliances</h1>
      <nav aria-label="Par statut">
        <ul class="counts">
          <li>
            <a href={fleetHref({ ...view.filters, status: '' })} aria-current={view.filters.status === '' ? 'true' : undefined}>
              Tous : {all}
            </a>
          </li>
          {FLEET_STATUSES.map((s) => (
            <li>
              <a href={fleetHref({ ...view.filters, status: s })} aria-current={view.filters.status === s ? 'true' : undefined}>
                {STATUS_LABELS[s]} : {view.counts[s]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/" class="filters" aria-label="Filtrer et trier">
        <Select
          name="status"
          label="Statut"
          value={view.filters.status}
          options={[{ value: '', label: 'Tous' }, ...FLEET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]}
        />
        <Select
          name="plan"
          label="Formule"
          value={view.filters.plan}
          options={[{ value: '', label: 'Toutes' }, ...view.plans.map((p) => ({ value: p, label: p }))]}
        />
        <Select
          name="sort"
          label="Trier par"
          value={view.filters.sort}
          options={Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <button type="submit" class="button secondary">
          Appliquer
        </button>
      </form>
      <p role="status">
        {view.total} appliance{view.total > 1 ? 's' : ''}
        {view.latestVersion ? ` — dernière version : ${view.latestVersion}` : ''}
      </p>
      {view.rows.length === 0 ? (
        <p class="empty">Aucune appliance ne correspond à ces filtres.</p>
      ) : (
        <table>
          <caption class="sr-only">
            Appliances, page {view.page} sur {view.pages}
          </caption>
          <thead>
            <tr>
              <SortHeader view={view} sort="cabinet" label="Cabinet" />
              <SortHeader view={view} sort="plan" label="Formule" />
              <SortHeader view={view} sort="status" label="Statut" />
              <SortHeader view={view} sort="version" label="Version" />
              <SortHeader view={view} sort="lastHeartbeat" label="Dernier signal" />
              <SortHeader view={view} sort="limits" label="Usage / limites" />
            </tr>
          </thead>
          <tbody>
            {view.rows.map((r) => (
              <tr>
                <td>
                  <a href={`/cabinets/${encodeURIComponent(r.cabinetId)}`}>{r.cabinetName ?? r.cabinetId}</a>
                  {pastDueCabinets?.has(r.cabinetId) ? (
                    <>
                      {' '}
                      <a class="status critical" href={`/cabinets/${encodeURIComponent(r.cabinetId)}#impayes`}>
                        impayé
                      </a>
                    </>
                  ) : null}
                  <div class="hint">{r.instanceName}</div>
                </td>
                <td>{r.plan ?? '—'}</td>
                <td>
                  <StatusBadge status={r.status} />
                  <LimitBadge flag={r.limitFlag} details={r.limitDetails} />
                  {r.reasons.length > 0 ? (
                    <ul class="reasons">
                      {r.reasons.map((t) => (
                        <li>{t}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td>
                  {r.version}
                  {r.versionBehind ? <div class="hint">en retard</div> : null}
                </td>
                <td>
                  <time datetime={r.lastHeartbeatAt ?? undefined} title={frenchDate(r.lastHeartbeatAt)}>
                    {frenchAgo(r.lastHeartbeatAt, view.now)}
                  </time>
                </td>
                <td>
                  <UsageList usage={r.usage} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pagination">
        <span>
          {view.page > 1 ? (
            <a href={fleetHref(view.filters, view.page - 1)} rel="prev">
              ← Page précédente
            </a>
          ) : null}
        </span>
        <span>
          Page {view.page} sur {view.pages}
        </span>
        <span>
          {view.page < view.pages ? (
            <a href={fleetHref(view.filters, view.page + 1)} rel="next">
              Page suivante →
            </a>
          ) : null}
        </span>
      </nav>
    </Layout>
  );
}
