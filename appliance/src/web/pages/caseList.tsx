/**
 * The dossier list: next deadline first (with its weekday and what is left), open cases unless
 * asked, "mes dossiers", search and procedure; a page past the end says so and links to the last.
 * Below 40rem each row reads as a card (assets.ts): a lawyer in court reads it on a phone.
 */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { Field, SelectField } from '../components.js';
import { DASHBOARD_CATALOGUES } from '../dashboardMessages.js';
import { dueDate, relativeDue } from '../urgency.js';
import type { CaseListView, CaseRow, Chrome } from '../viewModels.js';

/** The list's address with the same filters, at `page`; the defaults are left out, so addresses stay short. */
export function listHref(q: CaseListView['query'], page: number): string {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.procedure) p.set('procedure', q.procedure);
  if (q.status !== 'open') p.set('status', q.status);
  if (q.sort !== 'echeance') p.set('tri', q.sort);
  if (q.mine) p.set('mes', '1');
  p.set('page', String(page));
  return `/dossiers?${p.toString()}`;
}

export function CaseListPage({ chrome, view }: { chrome: Chrome; view: CaseListView }) {
  const m = CATALOGUES[chrome.locale];
  const d = DASHBOARD_CATALOGUES[chrome.locale];
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const { query } = view;
  const pastTheEnd = view.rows.length === 0 && view.total > 0;
  return (
    <Layout chrome={chrome} title={m.casesTitle}>
      <div class="title-row">
        <h1>{m.casesTitle}</h1>
        {view.canCreate ? (
          <a class="button primary" href="/dossiers/nouveau">
            {m.newCase}
          </a>
        ) : null}
      </div>
      <form method="get" action="/dossiers" class="filters" role="search">
        <Field name="q" label={m.searchLabel} type="search" value={query.q} />
        <SelectField
          name="procedure"
          label={m.procedure}
          value={query.procedure}
          blank={m.allValues}
          options={view.procedures.map((p) => ({ value: p.code, label: p.label }))}
        />
        <SelectField
          name="status"
          label={m.status}
          value={query.status}
          options={[
            { value: 'open', label: d.statusOpen },
            { value: 'archived', label: d.statusArchived },
            { value: 'all', label: d.statusAll },
          ]}
        />
        <SelectField
          name="tri"
          label={d.sortLabel}
          value={query.sort}
          options={[
            { value: 'echeance', label: d.sortDeadline },
            { value: 'recent', label: d.sortRecent },
            { value: 'reference', label: d.sortReference },
          ]}
        />
        <div class="check">
          <label>
            <input type="checkbox" name="mes" value="1" checked={query.mine} /> {d.mineOnly}
          </label>
        </div>
        <button type="submit" class="button secondary">
          {m.search}
        </button>
      </form>
      {pastTheEnd ? (
        <p class="page-empty">
          {fill(d.pageEmpty, { pages })} <a href={listHref(query, pages)}>{d.lastPage}</a>
        </p>
      ) : view.rows.length === 0 ? (
        <p>{m.noCases}</p>
      ) : (
        <CaseTable rows={view.rows} chrome={chrome} now={new Date(view.now)} />
      )}
      {pastTheEnd ? null : (
        <nav class="pagination" aria-label={d.listPages}>
          {query.page > 1 ? (
            <a href={listHref(query, query.page - 1)} rel="prev">
              {m.previous}
            </a>
          ) : (
            <span />
          )}
          <span>{fill(d.pageOf, { page: query.page, pages, total: view.total })}</span>
          {query.page < pages ? (
            <a href={listHref(query, query.page + 1)} rel="next">
              {m.next}
            </a>
          ) : (
            <span />
          )}
        </nav>
      )}
    </Layout>
  );
}

function CaseTable({ rows, chrome, now }: { rows: readonly CaseRow[]; chrome: Chrome; now: Date }) {
  const m = CATALOGUES[chrome.locale];
  const d = DASHBOARD_CATALOGUES[chrome.locale];
  return (
    <table class="cases">
      <thead>
        <tr>
          <th scope="col">{m.reference}</th>
          <th scope="col">{m.client}</th>
          <th scope="col">{m.nationality}</th>
          <th scope="col">{m.procedure}</th>
          <th scope="col">{m.assignedTo}</th>
          <th scope="col">{m.nextDeadline}</th>
          <th scope="col">{m.status}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const next = r.nextDeadline !== null ? { dueAt: r.nextDeadline, hourly: r.nextDeadlineHourly ?? false } : null;
          return (
            <tr>
              <td data-label={m.reference}>
                <a href={`/dossiers/${encodeURIComponent(r.id)}`}>{r.reference}</a>
              </td>
              <td data-label={m.client}>{r.clientName}</td>
              <td data-label={m.nationality}>{r.nationality}</td>
              <td data-label={m.procedure}>{r.procedureLabel}</td>
              <td data-label={m.assignedTo}>{r.assignedTo || '—'}</td>
              <td data-label={m.nextDeadline}>
                {next ? (
                  <>
                    <time datetime={next.dueAt}>{dueDate(next, chrome.locale)}</time>{' '}
                    <strong class="left">{relativeDue(next, now, chrome.locale)}</strong>
                  </>
                ) : (
                  d.noDeadline
                )}
              </td>
              <td data-label={m.status}>{r.status === 'open' ? m.open : m.archived}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
