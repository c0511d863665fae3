/**
 * Dossiers: list with search, filters and pages; the new-case form; the case page with its
 * documents and deadlines; archive; the deadlines as ICS. Every page calls the `Cases` domain
 * module directly (so reads and changes are audited exactly as through the API).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError, NotFoundError } from '@iamanager/protocol';
import { sendDownload } from '@iamanager/kernel/web';
import type { Appliance } from '../../appliance.js';
import { requirePermission, uploaderOf, type Caller } from '../../auth/authenticate.js';
import { PROCEDURE_CODES } from '../../domain/ceseda/procedures.js';
import { uploadToCase } from '../../domain/documents/caseUpload.js';
import { runCaseAnalysis } from '../../domain/cases/caseAnalyses.js';
import type { CaseRecord } from '../../domain/cases/caseSchema.js';
import { actionLabel } from '../actionLabels.js';
import { formatDateValue } from '../format.js';
import { analysisViewOf, calendarItemsOf, caseRowOf, clientNameOf, deadlinesOf, latestAnalysis } from '../caseViews.js';
import { CaseListPage, CasePage, NewCasePage } from '../pages/cases.js';
import { caseDraftsViewOf } from '../caseDraftsView.js';
import { deadlineActionsViewOf } from '../deadlineActionsView.js';
import { procedureLabel, procedureOptions } from '../procedureLabels.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm, text } from '../pageContext.js';
import { describeError, isLimitRefusal } from '../webErrors.js';
import { derivationNotice, factsSavedNotice } from '../caseNotices.js';
import { caseEditSummaryOf } from '../caseEditSummary.js';
import { NEW_CASE_INPUTS, parseNewCaseForm } from '../newCaseForm.js';
import { nationalityName } from '../countries.js';
import { NATIONALITY_CATALOGUES } from '../nationalityMessages.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import { FACTS_CATALOGUES } from '../factsMessages.js';
import { factLabel, factValueLabel, type FactKey } from '../factLabels.js';
import { changesView, previousAnalysis } from '../analysisChanges.js';
import type { Locale } from '../messages.js';
import type { CaseListView, CaseView, FieldError, NewCaseView } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { REMINDERS_CATALOGUES } from '../remindersMessages.js';

export const CASES_PAGE_SIZE = 25;

/** The list's sort names in the address (French, as the lawyers read them) and the index's. */
const LIST_SORTS = { echeance: 'deadline', recent: 'updated', reference: 'reference' } as const;

/** The list's status, sort and "mes dossiers" from the address; anything unknown is the default. */
function listOptionsOf(query: Record<string, unknown>): Pick<CaseListView['query'], 'status' | 'sort' | 'mine'> {
  const status = query.status === 'archived' || query.status === 'all' ? query.status : 'open';
  const sort = query.tri === 'recent' || query.tri === 'reference' ? query.tri : 'echeance';
  return { status, sort, mine: query.mes === '1' };
}

const actorOf = (c: Caller) => ({ id: c.user.id, email: c.user.email });

export const casePages: AppliancePage = { mount: mountCasePages };

function mountCasePages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const router = new Router({ prefix: '/dossiers' });
  const userName = (id: string | null) => (id ? (appliance.users.byId(id)?.name ?? '') : '');
  const editNames = { user: userName, byEmail: (email: string) => appliance.users.byEmail(email)?.name ?? '' };
  const lawyers = () =>
    appliance.users
      .all()
      .filter((u) => u.active && u.role !== 'secretariat')
      .map((u) => ({ id: u.id, name: u.name }));

  router.get('/', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.read');
    const locale = localeOf(ctx);
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.slice(0, 200) : '';
    const procedure =
      typeof ctx.query.procedure === 'string' && (PROCEDURE_CODES as readonly string[]).includes(ctx.query.procedure)
        ? ctx.query.procedure
        : '';
    // Open cases unless asked (an archived case has no deadline left to watch); by next deadline unless asked.
    const { status, sort, mine } = listOptionsOf(ctx.query);
    const page = Math.min(100_000, Math.max(1, Number.parseInt(String(ctx.query.page ?? '1'), 10) || 1));
    const now = appliance.clock();
    const result = await appliance.cases.search(
      {
        ...(q ? { q } : {}),
        ...(procedure ? { procedure } : {}),
        ...(status !== 'all' ? { archived: status === 'archived' } : {}),
        ...(mine ? { assignedTo: caller.user.id } : {}),
        sort: LIST_SORTS[sort],
        now,
        page,
        pageSize: CASES_PAGE_SIZE,
      },
      actorOf(caller),
    );
    const view = {
      rows: result.cases.map((c) => caseRowOf(c, locale, userName, appliance.cases.index.nextDeadline(c.id, now))),
      query: { q, procedure, status, sort, mine, page },
      total: result.total,
      pageSize: CASES_PAGE_SIZE,
      procedures: procedureOptions(locale),
      canCreate: caller.permissions.has('cases.write'),
      now: now.toISOString(),
    };
    sendPage(ctx, <CaseListPage chrome={chromeOf(appliance, ctx)} view={view} />);
  });

  const newCaseForm = (
    ctx: Context,
    errors: FieldError[] = [],
    values: Record<string, string> = {},
    duplicates?: NewCaseView['duplicates'],
  ) =>
    sendPage(
      ctx,
      <NewCasePage
        chrome={chromeOf(appliance, ctx)}
        view={{ procedures: procedureOptions(localeOf(ctx)), lawyers: lawyers(), errors, values, ...(duplicates ? { duplicates } : {}) }}
      />,
    );

  router.get('/nouveau', (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const refused = replayedForm(ctx, deps);
    newCaseForm(ctx, refused?.errors ?? [], refused?.values ?? { assignedTo: caller.user.id });
  });
  // A refused form goes back to its page with what was typed (redirect after post: a reload never re-posts it).
  const refuseNewCase = (ctx: Context, errors: FieldError[], values: Record<string, string>) =>
    redirectToForm(ctx, deps, { values, errors }, '/dossiers/nouveau');

  router.post('/nouveau', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const v: Record<string, string> = {};
    for (const f of NEW_CASE_INPUTS) v[f] = f === 'notes' ? (form.get(f) ?? '').slice(0, 20_000) : text(form, f, 200);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(appliance.clock());
    const parsed = parseNewCaseForm(m, FACTS_CATALOGUES[localeOf(ctx)], v, today, NATIONALITY_CATALOGUES[localeOf(ctx)]);
    if (!parsed.ok) return refuseNewCase(ctx, parsed.errors, v);
    let record: CaseRecord;
    try {
      record = await appliance.cases.createCase(
        { ...parsed.data, confirmDuplicate: form.get('confirmDuplicate') === '1' },
        actorOf(caller),
      );
    } catch (err) {
      // A likely duplicate (same name and birth date): the form again, with the existing case(s) and « Créer quand même ».
      if (err instanceof DomainError && err.code === 'likely_duplicate') return newCaseForm(ctx, [], v, duplicatesOf(appliance, err));
      // The plan's limit ends on the upgrade path's page (pageErrors.tsx); what else the schema cannot
      // know — the license, a lawyer who is not (or no longer) a user — is said on the form.
      if (isLimitRefusal(err)) throw err;
      const d = describeError(err, m, {
        assignedTo: m.assignedTo,
        backupAssignedTo: REMINDERS_CATALOGUES[localeOf(ctx)].backupAssignedTo,
      });
      return refuseNewCase(ctx, d.fields.length ? d.fields : [{ field: '', message: d.text }], v);
    }
    // A procedure derived from the answers is said on the case page (its reason re-derived there from the stored facts).
    const derived = parsed.derivation ? `?derivee=${parsed.derivation.chosen ?? 'aucune'}` : '';
    ctx.status = 303;
    ctx.redirect(`/dossiers/${record.id}${derived}`);
  });

  const analysisWithChanges = (c: CaseRecord, stored: Record<string, unknown>, locale: Locale) => {
    const view = analysisViewOf(stored, appliance.config.predictionThreshold);
    const previous = previousAnalysis(c.analyses, String(stored.id));
    return previous === undefined ? view : { ...view, changes: changesView(previous, stored, locale) };
  };

  const casePage = async (ctx: Context, caller: Caller, error?: string) => {
    const m = messagesOf(ctx);
    const locale = localeOf(ctx);
    const c = await appliance.cases.readCase(ctx.params.id ?? '', actorOf(caller));
    const stored = latestAnalysis(c);
    const can = (p: Parameters<Caller['permissions']['has']>[0]) => caller.permissions.has(p);
    const view: CaseView = {
      id: c.id,
      reference: c.reference,
      clientName: clientNameOf(c),
      status: c.archived ? 'archived' : 'open',
      procedureLabel: procedureLabel(c.procedure, locale),
      facts: [
        { label: m.nationality, value: nationalityName(c.client.nationality, locale) },
        { label: m.birthDate, value: formatDateValue(c.client.birthDate, locale) },
        ...(c.client.agdrefNumber ? [{ label: m.agdref, value: c.client.agdrefNumber }] : []),
        { label: m.notificationDate, value: formatDateValue(c.decisionNotifiedAt, locale) },
        ...deadlineFactsOf(c.facts, locale),
        { label: m.assignedTo, value: userName(c.assignedTo) || '—' },
        ...(c.notes ? [{ label: m.notes, value: c.notes }] : []),
      ],
      documents: c.documents.map((d) => ({
        id: d.id,
        name: d.name,
        size: d.size,
        uploadedAt: d.uploadedAt,
        contentType: d.contentType,
        ...(d.label ? { label: d.label } : {}),
      })),
      history: [...c.history]
        .reverse()
        .slice(0, 50)
        .map((h) => ({ at: h.at, who: h.by, what: actionLabel(h.action, locale) + (h.note ? ` — ${h.note}` : '') })),
      deadlines: deadlinesOf(c),
      analysis: stored ? analysisWithChanges(c, stored, locale) : null,
      calendarUrl: null,
      can: {
        write: can('documents.write'),
        archive: can('cases.archive'),
        analyse: can('analyses.run'),
        export: can('cases.export'),
        editFacts: can('cases.write'),
      },
      error,
      notice: derivationNotice(c, ctx.query.derivee, locale, m) ?? factsSavedNotice(c, ctx.query.faits, locale),
      now: appliance.clock().toISOString(),
      edit: caseEditSummaryOf(c, locale, editNames, can('cases.write'), ctx.query.modifie),
      drafts: caseDraftsViewOf(c, can('documents.write'), ctx.query.brouillon),
      deadlineActions: deadlineActionsViewOf(appliance, c, caller),
    };
    sendPage(ctx, <CasePage chrome={chromeOf(appliance, ctx)} view={view} />);
  };

  router.get('/:id', async (ctx) => {
    await casePage(ctx, requirePermission(ctx, 'cases.read'));
  });

  for (const [verb, archived] of [
    ['archiver', true],
    ['desarchiver', false],
  ] as const) {
    router.post(`/:id/${verb}`, async (ctx) => {
      const caller = requirePermission(ctx, 'cases.archive');
      try {
        await appliance.cases.setArchived(ctx.params.id ?? '', archived, actorOf(caller));
      } catch (err) {
        // Archiving closes the file: without its outcome, the edit page asks for it (caseEditPages.tsx).
        if (err instanceof DomainError && err.code === 'outcome_required')
          return ctx.redirect(`/dossiers/${ctx.params.id ?? ''}/modifier?cloture=1#f-outcome`);
        throw err;
      }
      ctx.redirect(`/dossiers/${ctx.params.id ?? ''}`);
    });
  }

  router.post('/:id/pieces', async (ctx) => {
    const { caller, bodyCsrf } = uploaderOf(ctx, 'documents.write');
    const caseId = ctx.params.id ?? '';
    appliance.cases.get(caseId); // an unknown case is a 404 page, not the case page
    try {
      await uploadToCase(ctx, appliance, caseId, actorOf(caller), bodyCsrf);
    } catch (err) {
      // A forged upload gets the error page (403), not the case page: nothing was read or kept.
      if (err instanceof DomainError && err.code === 'csrf_failed') throw err;
      ctx.state.caller = caller;
      const m = messagesOf(ctx);
      return casePage(ctx, caller, describeError(err, m, { file: m.chooseFile }, 'upload').text);
    }
    ctx.redirect(`/dossiers/${caseId}#docs-title`);
  });

  router.get('/:id/pieces/:docId', async (ctx) => {
    const caller = requirePermission(ctx, 'documents.read');
    const caseId = ctx.params.id ?? '';
    const doc = appliance.cases.get(caseId).documents.find((d) => d.id === ctx.params.docId);
    if (!doc) throw new NotFoundError('document', ctx.params.docId ?? '');
    await appliance.audit.append({ actor: caller.user.email, action: 'document.download', caseId, detail: doc.id });
    sendDownload(ctx, { filename: doc.name, contentType: doc.contentType, content: appliance.documents.open(caseId, doc.id) });
    ctx.set('Content-Length', String(doc.size));
  });

  router.post('/:id/analyses', async (ctx) => {
    const caller = requirePermission(ctx, 'analyses.run');
    try {
      await runCaseAnalysis(appliance.analysisDeps, ctx.params.id ?? '', actorOf(caller));
    } catch (err) {
      // Over the quota (starter): the upgrade path's page (pageErrors.tsx); an expired license…: said on the case page.
      if (isLimitRefusal(err)) throw err;
      return casePage(ctx, caller, describeError(err, messagesOf(ctx)).text);
    }
    ctx.redirect(`/dossiers/${ctx.params.id ?? ''}#analysis-title`);
  });

  router.get('/:id/analyses/:file', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    const analysisId = /^(.+)\.pdf$/.exec(ctx.params.file ?? '')?.[1] ?? '';
    const c = await appliance.cases.readCase(ctx.params.id ?? '', actorOf(caller), 'case.export');
    const stored = c.analyses.find((a) => (a as { id?: unknown }).id === analysisId);
    if (!stored) throw new NotFoundError('analysis', analysisId);
    const locale = localeOf(ctx);
    const id = appliance.config.identity;
    // pdfkit and its fonts are loaded on the first PDF, not at start-up (restart time matters).
    const { buildAnalysisPdf } = await import('../analysisPdf.js');
    const pdf = await buildAnalysisPdf({
      locale,
      cabinet: { name: id.name ?? appliance.license.cabinetId ?? 'IAManager', siret: id.siret ?? null, address: id.address ?? null },
      caseReference: c.reference,
      clientName: clientNameOf(c),
      procedureLabel: procedureLabel(c.procedure, locale),
      analysis: analysisWithChanges(c, stored as Record<string, unknown>, locale),
      now: appliance.clock(),
    });
    sendDownload(ctx, {
      filename: `analyse-${c.reference.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`,
      contentType: 'application/pdf',
      content: pdf,
    });
  });

  router.get('/:id/echeances.ics', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    const c = await appliance.cases.readCase(ctx.params.id ?? '', actorOf(caller), 'case.export');
    const { buildDeadlinesIcs } = await import('../calendarIcs.js');
    const ics = buildDeadlinesIcs(calendarItemsOf(c), `${appliance.config.identity.name ?? 'IAManager'} — ${c.reference}`);
    sendDownload(ctx, {
      filename: `echeances-${c.reference.replace(/[^A-Za-z0-9._-]/g, '_')}.ics`,
      contentType: 'text/calendar; charset=utf-8',
      content: ics,
    });
  });

  pages.use(router.routes());
}

/** The cases a `likely_duplicate` refusal names, as the new-case form links to them. */
function duplicatesOf(appliance: Appliance, err: DomainError): NonNullable<NewCaseView['duplicates']> {
  const named = Array.isArray(err.details?.cases) ? (err.details.cases as Array<{ id: string }>) : [];
  return named.flatMap(({ id }) => {
    const c = appliance.cases.index.get(id);
    return c ? [{ id: c.id, reference: c.reference, clientName: clientNameOf(c), archived: c.archived }] : [];
  });
}

/** The dashboard's view of the case files: deadlines of open cases, open cases by procedure. */
export function caseSourceOf(appliance: Appliance) {
  return {
    upcomingDeadlines: () => {
      const out = [];
      // With its lawyer: the dashboard puts the caller's own cases first ("mes échéances").
      for (const c of appliance.cases.index.all())
        if (!c.archived) out.push(...deadlinesOf(c).map((d) => ({ ...d, assignedTo: c.assignedTo })));
      return out;
    },
    openByProcedure: () => {
      const counts = new Map<string, number>();
      for (const c of appliance.cases.index.all()) if (!c.archived) counts.set(c.procedure, (counts.get(c.procedure) ?? 0) + 1);
      return [...counts].map(([procedure, count]) => ({ procedure, count }));
    },
  };
}

/** The deadline-setting facts asked at creation, as the case page lists them. */
function deadlineFactsOf(facts: Readonly<Record<string, unknown>>, locale: Locale): Array<{ label: string; value: string }> {
  const keys: FactKey[] = [
    'oqtfAccompanies',
    'libertyStatus',
    'territory',
    'competentCourt',
    'decisionTakenOn',
    'notificationMode',
    'letterFirstPresentedOn',
    'letterCollectedOn',
    'letterNeverCollected',
  ];
  return keys
    .filter((k) => facts[k] !== undefined)
    .map((k) => ({
      label: factLabel(k, locale),
      value:
        typeof facts[k] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(facts[k])
          ? formatDateValue(facts[k], locale)
          : factValueLabel(k, facts[k], locale),
    }));
}
