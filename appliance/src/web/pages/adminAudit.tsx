/**
 * `/admin/journal`: the audit log with case references (not ids), user names, actions in words,
 * filters (a GET form: the address can be bookmarked) and pages of 50 entries.
 */
import { CATALOGUES, fill } from '../messages.js';
import { ErrorSummary, Field, SelectField } from '../components.js';
import { formatDate } from '../format.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { AuditFilterValues } from '../auditFilters.js';
import type { Chrome, FieldError } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';

export interface AuditRowView {
  at: string;
  who: string;
  whoEmail: string;
  action: string;
  /** The case, by its reference; `deleted` when no case has that id any more (its id is shown). */
  case: { id: string; reference: string | null } | null;
  detail: string;
}

export interface AdminAuditView {
  values: AuditFilterValues;
  errors: readonly FieldError[];
  users: ReadonlyArray<{ value: string; label: string }>;
  actions: ReadonlyArray<{ value: string; label: string }>;
  rows: readonly AuditRowView[];
  total: number;
  page: number;
  pages: number;
  /** The scan stopped at its bound (AuditLog.search): older entries were not read. */
  scanLimit: number | null;
  notice: string | null;
}

export function AdminAuditPage({ chrome, view }: { chrome: Chrome; view: AdminAuditView }) {
  const m = CATALOGUES[chrome.locale];
  const t = ADMIN_TEXTS[chrome.locale];
  const pageHref = (page: number) => {
    const q = new URLSearchParams({ ...view.values, page: String(page) });
    for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
    return `/admin/journal?${q.toString()}`;
  };
  return (
    <AdminLayout chrome={chrome} title={t.audit}>
      <section class="card" aria-labelledby="filters-title">
        <h2 id="filters-title">{t.auditFilters}</h2>
        <ErrorSummary errors={view.errors} m={m} />
        <form method="get" action="/admin/journal" class="filters" novalidate>
          <SelectField
            name="utilisateur"
            label={t.filterUser}
            value={view.values.utilisateur}
            errors={view.errors}
            options={view.users}
            blank={t.allUsers}
          />
          <SelectField
            name="action"
            label={t.filterAction}
            value={view.values.action}
            errors={view.errors}
            options={view.actions}
            blank={t.allActions}
          />
          <Field name="dossier" label={t.filterCase} value={view.values.dossier} errors={view.errors} />
          <Field name="du" label={t.filterFrom} type="date" value={view.values.du} errors={view.errors} />
          <Field name="au" label={t.filterTo} type="date" value={view.values.au} errors={view.errors} />
          <div>
            <button type="submit" class="button primary">
              {t.filter}
            </button>{' '}
            <a href="/admin/journal">{t.clear}</a>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="entries-title" id="audit">
        <h2 id="entries-title">{fill(t.entries, { count: String(view.total) })}</h2>
        {view.notice ? <p class="warning">{view.notice}</p> : null}
        {view.scanLimit !== null ? <p class="hint">{fill(t.scanLimited, { count: String(view.scanLimit) })}</p> : null}
        {view.rows.length === 0 ? (
          <p>{t.noEntries}</p>
        ) : (
          <div class="table-scroll" tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.when}</th>
                  <th scope="col">{t.who}</th>
                  <th scope="col">{t.what}</th>
                  <th scope="col">{t.onWhat}</th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr>
                    <td>
                      <time datetime={r.at}>{formatDate(r.at, chrome.locale, true)}</time>
                    </td>
                    <td title={r.whoEmail}>{r.who}</td>
                    <td>{r.action}</td>
                    <td>
                      {r.case ? (
                        r.case.reference !== null ? (
                          <a href={`/dossiers/${encodeURIComponent(r.case.id)}`}>{r.case.reference}</a>
                        ) : (
                          <span class="deleted-case">
                            {r.case.id} « {t.deletedCase} »
                          </span>
                        )
                      ) : (
                        r.detail
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label={fill(t.pageOf, { page: String(view.page), pages: String(view.pages) })}>
          {view.page > 1 ? <a href={pageHref(view.page - 1)}>{t.previous}</a> : null}
          <span id="page-of">{fill(t.pageOf, { page: String(view.page), pages: String(view.pages) })}</span>
          {view.page < view.pages ? <a href={pageHref(view.page + 1)}>{t.next}</a> : null}
        </nav>
      </section>
    </AdminLayout>
  );
}
