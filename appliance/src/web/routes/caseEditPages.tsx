/**
 * The case edit page (GET/POST /dossiers/:id/modifier): every field of a case (caseEditForm.ts),
 * saved through `Cases.updateCase` — history with former and new values, audit — like the API's
 * PATCH. The form carries the `updatedAt` it was opened with: a save after a colleague's is refused
 * (409) with the form kept as typed. Archiving a case without its outcome ends here too.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { requirePermission, type Caller } from '../../auth/authenticate.js';
import { assertMayChangeFields, LAWYER_DECISION_PERMISSION } from '../../auth/caseFieldPermissions.js';
import { letterNotification } from '../../domain/ceseda/registeredLetter.js';
import type { CaseRecord } from '../../domain/cases/caseSchema.js';
import { changeEntriesOf } from '../caseChangesView.js';
import { CASE_EDIT_CATALOGUES, OUTCOME_LABELS, STATUS_LABELS } from '../caseEditMessages.js';
import {
  caseEditFields,
  editableFields,
  maxLengthOf,
  OUTCOME_CODES,
  parseCaseEditForm,
  STATUS_CODES,
  type EditContext,
} from '../caseEditForm.js';
import { clientNameOf } from '../caseViews.js';
import { fill } from '../messages.js';
import { formatDate } from '../format.js';
import { chromeOf, localeOf, messagesOf, readForm } from '../pageContext.js';
import { CaseEditPage } from '../pages/caseEdit.js';
import { procedureOptions } from '../procedureLabels.js';
import { sendPage } from '../render.js';
import { describeError } from '../webErrors.js';
import type { FieldError } from '../viewModels.js';
import { nationalityName } from '../countries.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { redirectToForm, replayedForm } from '../formReplay.js';

export const caseEditPages: AppliancePage = { mount: mountCaseEditPages };

const actorOf = (c: Caller) => ({ id: c.user.id, email: c.user.email });

/** The registered letter's dates give the notification date (CE 24 avril 2012 n° 341146): edited in the questionnaire. */
function letterSetsNotification(c: CaseRecord): boolean {
  try {
    return c.facts.notificationMode === 'registered_letter' && letterNotification(c.facts as never) !== null;
  } catch {
    return false;
  }
}

function mountCaseEditPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const router = new Router({ prefix: '/dossiers' });
  const userName = (id: string) => appliance.users.byId(id)?.name ?? '';
  const names = { user: userName, byEmail: (email: string) => appliance.users.byEmail(email)?.name ?? '' };

  const editContext = (caller: Caller, c: CaseRecord): EditContext => ({
    mayDecide: caller.permissions.has(LAWYER_DECISION_PERMISSION),
    letterSetsNotification: letterSetsNotification(c),
    today: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(appliance.clock()),
  });

  const editForm = (
    ctx: Context,
    caller: Caller,
    c: CaseRecord,
    form: { values: Record<string, string>; errors?: FieldError[]; updatedAt?: string; notice?: { kind: 'ok' | 'error'; text: string } },
  ) => {
    const locale = localeOf(ctx);
    const m = messagesOf(ctx);
    const e = CASE_EDIT_CATALOGUES[locale];
    const ec = editContext(caller, c);
    const all = caseEditFields(m, e);
    const editable = new Set(editableFields(all, ec).map((f) => f.name));
    const shown = (name: string, stored: string) => {
      if (name === 'assignedTo' || name === 'backupAssignedTo') return userName(stored) || e.noLawyer;
      if (name === 'nationality') return nationalityName(stored, locale);
      if (name === 'status') return STATUS_LABELS[locale][stored] ?? stored;
      if (name === 'outcome') return OUTCOME_LABELS[locale][stored] ?? '—';
      if (name === 'notificationDate' || name === 'notificationTime')
        return stored ? (name === 'notificationDate' ? formatDate(`${stored}T12:00:00Z`, locale) : stored) : '—';
      return stored;
    };
    const lawyers = appliance.users
      .all()
      .filter((u) => (u.active && u.role !== 'secretariat') || u.id === c.assignedTo || u.id === c.backupAssignedTo)
      .map((u) => ({ value: u.id, label: u.name }));
    sendPage(
      ctx,
      <CaseEditPage
        chrome={chromeOf(appliance, ctx)}
        view={{
          caseId: c.id,
          reference: c.reference,
          clientName: clientNameOf(c),
          updatedAt: form.updatedAt ?? c.updatedAt,
          fields: all.map((f) => ({
            name: f.name,
            label: f.label,
            section: f.section,
            input: f.input,
            help: f.help,
            required: f.required,
            readOnly: editable.has(f.name) ? undefined : shown(f.name, f.read(c)),
          })),
          values: form.values,
          errors: form.errors ?? [],
          options: {
            procedure: procedureOptions(locale).map((p) => ({ value: p.code, label: p.label })),
            lawyer: lawyers,
            status: STATUS_CODES.map((s) => ({ value: s, label: STATUS_LABELS[locale][s] ?? s })),
            outcome: OUTCOME_CODES.map((o) => ({ value: o, label: OUTCOME_LABELS[locale][o] ?? o })),
          },
          notice: form.notice,
          notes: [...(ec.letterSetsNotification ? [e.letterDateNote] : []), ...(ec.mayDecide ? [e.outcomeHint] : [e.restricted])],
          changes: changeEntriesOf(c, locale, names),
          canEditFacts: true,
        }}
      />,
    );
  };

  const storedValues = (c: CaseRecord, m: ReturnType<typeof messagesOf>, locale: ReturnType<typeof localeOf>) =>
    Object.fromEntries(caseEditFields(m, CASE_EDIT_CATALOGUES[locale]).map((f) => [f.name, f.read(c)]));

  router.get('/:id/modifier', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const c = await appliance.cases.readCase(ctx.params.id ?? '', actorOf(caller));
    const locale = localeOf(ctx);
    const e = CASE_EDIT_CATALOGUES[locale];
    const notice =
      ctx.query.cloture === '1'
        ? { kind: 'error' as const, text: e.outcomeRequiredToArchive }
        : ctx.query.enregistre === '0'
          ? { kind: 'ok' as const, text: e.nothingChanged }
          : undefined;
    // A refused save comes back here once (redirect after post), with what was typed and why.
    const refused = replayedForm(ctx, deps);
    if (refused) {
      const { updatedAt, ...typed } = refused.values;
      const message = refused.message ? { notice: { kind: 'error' as const, text: refused.message } } : {};
      return editForm(ctx, caller, c, {
        values: { ...storedValues(c, messagesOf(ctx), locale), ...typed },
        errors: refused.errors,
        ...(updatedAt ? { updatedAt } : {}),
        ...message,
      });
    }
    editForm(ctx, caller, c, { values: storedValues(c, messagesOf(ctx), locale), ...(notice ? { notice } : {}) });
  });

  /** Back to the edit page with what was typed, the errors and the case version the form is based on. */
  const refuse = (ctx: Context, c: CaseRecord, values: Record<string, string>, updatedAt: string, errors: FieldError[], message?: string) =>
    redirectToForm(
      ctx,
      deps,
      { values: { ...values, updatedAt }, errors, ...(message ? { message } : {}) },
      `/dossiers/${encodeURIComponent(c.id)}/modifier`,
    );

  router.post('/:id/modifier', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const form = await readForm(ctx);
    const c = appliance.cases.get(ctx.params.id ?? '');
    const m = messagesOf(ctx);
    const locale = localeOf(ctx);
    const e = CASE_EDIT_CATALOGUES[locale];
    const ec = editContext(caller, c);
    const v: Record<string, string> = {};
    for (const f of editableFields(caseEditFields(m, e), ec)) v[f.name] = (form.get(f.name) ?? '').slice(0, maxLengthOf(f));
    // What the person may not change here is shown as stored, never as posted.
    const values = { ...storedValues(c, m, locale), ...v };
    const openedAt = (form.get('updatedAt') ?? '').slice(0, 40);
    const parsed = parseCaseEditForm(m, e, v, ec);
    if (!parsed.ok) return refuse(ctx, c, values, openedAt, parsed.errors);
    try {
      assertMayChangeFields(parsed.patch, caller.permissions);
      const before = c.updatedAt;
      const saved = await appliance.cases.updateCase(c.id, { ...parsed.patch, expectedUpdatedAt: openedAt || undefined }, actorOf(caller));
      ctx.status = 303;
      ctx.redirect(`/dossiers/${c.id}${saved.updatedAt === before ? '/modifier?enregistre=0' : '?modifie=1#case-changes-title'}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'case_changed') {
        // A colleague saved first: their version is the base now (its updatedAt), the person's entries stay.
        const last = c.history.at(-1);
        const text = fill(e.stale, { by: (last && (names.byEmail(last.by) || last.by)) || '—', at: formatDate(c.updatedAt, locale, true) });
        return refuse(ctx, c, values, c.updatedAt, [], text);
      }
      if (err.code === 'outcome_required') return refuse(ctx, c, values, openedAt, [{ field: 'outcome', message: e.outcomeRequired }]);
      const d = describeError(err, m, { 'client.birthDate': m.birthDate, 'assignedTo': m.assignedTo, 'backupAssignedTo': e.backupLawyer });
      const fields = d.fields.map((x) => ({ ...x, field: x.field === 'client.birthDate' ? 'birthDate' : x.field }));
      return refuse(ctx, c, values, openedAt, fields.length ? fields : [{ field: '', message: d.text }]);
    }
  });

  pages.use(router.routes());
}
