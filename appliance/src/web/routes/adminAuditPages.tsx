/**
 * `/admin/journal` (audit.read, admin.view): the audit log filtered and paged. The log is read
 * newest first and at most AUDIT_SCAN entries per request (AuditLog.search), skipping months
 * before « du »; case ids become their references through the case index, emails their users' names.
 */
import type Router from '@koa/router';
import { requirePermission } from '../../auth/authenticate.js';
import { normalise } from '../../domain/cases/caseIndex.js';
import { fill } from '../messages.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import { actionLabel, auditActions } from '../actionLabels.js';
import { readAuditFilters } from '../auditFilters.js';
import { AdminAuditPage, type AdminAuditView } from '../pages/adminAudit.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf } from '../pageContext.js';
import type { WebDeps } from '../webPage.js';

/** Entries read at most per request: about 20 days of a busy cabinet, a few MB of JSON lines. */
export const AUDIT_SCAN = 20_000;
export const AUDIT_PAGE_SIZE = 50;

export function mountAdminAuditPages(pages: Router, { appliance }: WebDeps): void {
  pages.get('/admin/journal', async (ctx) => {
    requirePermission(ctx, 'admin.view');
    requirePermission(ctx, 'audit.read');
    const locale = localeOf(ctx);
    const t = ADMIN_TEXTS[locale];
    const filters = readAuditFilters(ctx.query, t);
    // Case id → reference, for every case the index holds (a deleted case is no longer there).
    const references = new Map<string, string>();
    for (const c of appliance.cases.index.all()) references.set(c.id, c.reference);
    let caseIds: Set<string> | null = null;
    let notice: string | null = null;
    if (filters.values.dossier) {
      const wanted = normalise(filters.values.dossier);
      caseIds = new Set([...references].filter(([, ref]) => normalise(ref) === wanted).map(([id]) => id));
      if (caseIds.size === 0) notice = fill(t.unknownCase, { reference: filters.values.dossier });
    }
    const { values } = filters;
    const result =
      filters.errors.length > 0 || caseIds?.size === 0
        ? { matches: [], complete: true }
        : await appliance.audit.search({
            ...(filters.from ? { from: filters.from } : {}),
            ...(filters.to ? { to: filters.to } : {}),
            scan: AUDIT_SCAN,
            test: (e) =>
              (!values.utilisateur || e.actor === values.utilisateur) &&
              (!values.action || e.action === values.action) &&
              (!caseIds || (e.caseId !== undefined && caseIds.has(e.caseId))),
          });
    const total = result.matches.length;
    const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
    // A page past the end (an old bookmark, a hand-typed address) shows the last one.
    const page = Math.min(filters.page, pages);
    const names = new Map(appliance.users.all().map((u) => [u.email, u.name]));
    const view: AdminAuditView = {
      values,
      errors: filters.errors,
      users: appliance.users.all().map((u) => ({ value: u.email, label: `${u.name} (${u.email})` })),
      actions: auditActions().map((a) => ({ value: a, label: actionLabel(a, locale) })),
      rows: result.matches.slice((page - 1) * AUDIT_PAGE_SIZE, page * AUDIT_PAGE_SIZE).map((e) => ({
        at: e.at,
        who: names.get(e.actor) ?? e.actor,
        whoEmail: e.actor,
        action: actionLabel(e.action, locale),
        case: e.caseId ? { id: e.caseId, reference: references.get(e.caseId) ?? null } : null,
        detail: auditDetail(e.detail ?? '', locale),
      })),
      total,
      page,
      pages,
      scanLimit: result.complete ? null : AUDIT_SCAN,
      notice,
    };
    sendPage(ctx, <AdminAuditPage chrome={chromeOf(appliance, ctx)} view={view} />);
  });
}

/**
 * An entry's detail in the page's language where the domain wrote a count in English (a search's
 * « 12 results »: the log is hash-chained, so old entries keep their words and are said here).
 */
function auditDetail(detail: string, locale: 'fr' | 'en'): string {
  const count = /^(\d+) results?$/.exec(detail);
  if (!count) return detail;
  const n = Number(count[1]);
  if (locale === 'en') return `${n} ${n === 1 ? 'result' : 'results'}`;
  return `${n} ${n > 1 ? 'résultats' : 'résultat'}`;
}
