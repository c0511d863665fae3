/**
 * Closing deadlines in the pages (docs/deadlines.md): « Pris en charge », the closing page and its
 * form, the receipt's upload, « Confirmer » / « Refuser », an admin's reopening, the proof of
 * diligence (PDF and .jws), the daily register (PDF) and the cabinet's rule (/echeances/regles).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError, ValidationError } from '@iamanager/protocol';
import { sendDownload } from '@iamanager/kernel/web';
import { requirePermission, uploaderOf, type Caller } from '../../auth/authenticate.js';
import { uploadToCase } from '../../domain/documents/caseUpload.js';
import { registerOf } from '../../domain/deadlines/register.js';
import { parisDayOf } from '../../domain/deadlines/parisDay.js';
import { registerQuerySchema } from '../../domain/deadlines/register.js';
import { ApplianceError } from '../../errors.js';
import { deadlineActionsViewOf } from '../deadlineActionsView.js';
import { DEADLINE_CATALOGUES, type DeadlineMessages } from '../deadlineMessages.js';
import { DeadlineClosePage, DeadlineRulesPage } from '../pages/deadlineClose.js';
import { procedureLabel } from '../procedureLabels.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, readForm, text } from '../pageContext.js';
import type { FieldError } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { redirectToForm, replayedForm } from '../formReplay.js';

export const deadlinePages: AppliancePage = { mount: mountDeadlinePages };

const actorOf = (c: Caller) => ({ id: c.user.id, email: c.user.email });
const fileNamePart = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** The form's fields and the label each is named by in an error. */
function fieldLabel(t: DeadlineMessages, field: string): string {
  const labels: Record<string, string> = {
    kind: t.kindLegend,
    filedOn: t.filedOn,
    receiptNumber: t.receiptNumber,
    receiptDocumentId: t.receiptDocument,
    reason: t.reason,
    user: t.confirm,
    remedy: t.due,
    file: t.uploadFile,
  };
  return labels[field] ?? field;
}

/**
 * A refusal as field errors: "field: problem" lines (the schema's, or the domain's own check)
 * become "<the field's French label> : problem"; a refusal of another kind has no field.
 */
function fieldErrorsOf(err: DomainError, t: DeadlineMessages): FieldError[] {
  const lines = err instanceof ValidationError ? err.issues : [err.message];
  return lines.map((line) => {
    const match = /^([A-Za-z]\w*): (.*)$/s.exec(line);
    if (!match) return { field: '', message: line };
    const problem = match[2] === 'is required' ? 'obligatoire' : match[2]!;
    return { field: match[1]!, message: `${fieldLabel(t, match[1]!)} : ${problem}` };
  });
}

function mountDeadlinePages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const router = new Router({ prefix: '/dossiers/:id/echeances/:remedy' });
  const ids = (ctx: Context) => ({ caseId: ctx.params.id ?? '', remedy: ctx.params.remedy ?? '' });
  const caseHref = (caseId: string) => `/dossiers/${encodeURIComponent(caseId)}#deadline-actions`;

  const closePage = async (ctx: Context, caller: Caller, errors: FieldError[] = [], values: Record<string, string> = {}) => {
    const { caseId, remedy } = ids(ctx);
    const c = await appliance.cases.readCase(caseId, actorOf(caller));
    const item = deadlineActionsViewOf(appliance, c, caller).items.find((d) => d.remedy === remedy);
    if (!item) throw new ApplianceError('deadline_not_found', `remedy: le dossier ${c.reference} n'a pas d'échéance « ${remedy} »`);
    const uploaded = typeof ctx.query.recu === 'string' ? ctx.query.recu : '';
    sendPage(
      ctx,
      <DeadlineClosePage
        chrome={chromeOf(appliance, ctx)}
        view={{
          caseId: c.id,
          reference: c.reference,
          deadline: item,
          documents: c.documents.map((d) => ({ id: d.id, name: d.name })),
          secondConfirmation: appliance.deadlines.rules.secondConfirmation,
          can: {
            close: caller.permissions.has('cases.write'),
            reopen: caller.permissions.has('users.manage'),
            upload: caller.permissions.has('documents.write'),
          },
          errors,
          values: uploaded && !values.receiptDocumentId ? { ...values, receiptDocumentId: uploaded } : values,
          uploaded: uploaded !== '',
        }}
      />,
    );
  };

  /** Where a refused form lands: the closing page again, its errors named by field, what was typed kept. */
  const refused = (ctx: Context, err: unknown, values: Record<string, string>) => {
    if (!(err instanceof DomainError) || err.code === 'csrf_failed' || err.code === 'forbidden' || err.code === 'not_found') throw err;
    const t = DEADLINE_CATALOGUES[localeOf(ctx)];
    // Back to the closing page (redirect after post): its errors shown once, what was typed kept.
    const { caseId, remedy } = ids(ctx);
    redirectToForm(
      ctx,
      deps,
      { values, errors: fieldErrorsOf(err, t) },
      `/dossiers/${encodeURIComponent(caseId)}/echeances/${encodeURIComponent(remedy)}/cloturer`,
    );
  };

  router.post('/prise-en-charge', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.read');
    const { caseId, remedy } = ids(ctx);
    const record = await appliance.cases.readCase(caseId, actorOf(caller), 'deadline.acknowledge');
    await appliance.reminders.acknowledge(record, remedy, caller.user.email);
    ctx.redirect(caseHref(caseId));
  });

  router.get('/cloturer', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.read');
    const refusedForm = replayedForm(ctx, deps);
    await closePage(ctx, caller, refusedForm?.errors ?? [], refusedForm?.values ?? {});
  });

  router.post('/cloturer', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const { caseId, remedy } = ids(ctx);
    const form = await readForm(ctx);
    const values = {
      kind: text(form, 'kind', 20),
      filedOn: text(form, 'filedOn', 20),
      receiptNumber: text(form, 'receiptNumber', 100),
      receiptDocumentId: text(form, 'receiptDocumentId', 60),
      reason: text(form, 'reason', 2000),
    };
    // Only the fields of the kind chosen go to the domain: a reason typed before switching to
    // "recours déposé" is not an error.
    const input =
      values.kind === 'filed'
        ? {
            kind: values.kind,
            filedOn: values.filedOn,
            ...(values.receiptNumber ? { receiptNumber: values.receiptNumber } : {}),
            ...(values.receiptDocumentId ? { receiptDocumentId: values.receiptDocumentId } : {}),
          }
        : { kind: values.kind, reason: values.reason };
    try {
      await appliance.deadlines.requestClose(caseId, remedy, input, actorOf(caller));
    } catch (err) {
      return refused(ctx, err, values);
    }
    ctx.redirect(caseHref(caseId));
  });

  router.post('/accuse', async (ctx) => {
    const { caller, bodyCsrf } = uploaderOf(ctx, 'documents.write');
    const { caseId, remedy } = ids(ctx);
    appliance.cases.get(caseId); // an unknown case is a 404 page, not the form
    let docId: string;
    try {
      docId = (await uploadToCase(ctx, appliance, caseId, actorOf(caller), bodyCsrf)).id;
      ctx.state.caller = caller;
    } catch (err) {
      ctx.state.caller = caller;
      return refused(ctx, err, {});
    }
    ctx.redirect(
      `/dossiers/${encodeURIComponent(caseId)}/echeances/${encodeURIComponent(remedy)}/cloturer?recu=${encodeURIComponent(docId)}`,
    );
  });

  router.post('/confirmer', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const { caseId, remedy } = ids(ctx);
    try {
      await appliance.deadlines.confirm(caseId, remedy, actorOf(caller));
    } catch (err) {
      return refused(ctx, err, {});
    }
    ctx.redirect(caseHref(caseId));
  });

  router.post('/refuser', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const { caseId, remedy } = ids(ctx);
    try {
      await appliance.deadlines.refuse(caseId, remedy, {}, actorOf(caller));
    } catch (err) {
      return refused(ctx, err, {});
    }
    ctx.redirect(caseHref(caseId));
  });

  router.post('/rouvrir', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const { caseId, remedy } = ids(ctx);
    const form = await readForm(ctx);
    const values = { reason: text(form, 'reason', 2000) };
    try {
      await appliance.deadlines.reopen(caseId, remedy, values, actorOf(caller));
    } catch (err) {
      return refused(ctx, err, values);
    }
    ctx.redirect(caseHref(caseId));
  });

  router.get('/preuve', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    const { caseId, remedy } = ids(ctx);
    const { jws, claims, case: c } = await appliance.proofs.issue(caseId, remedy, actorOf(caller));
    const locale = localeOf(ctx);
    // pdfkit and its fonts are loaded on the first PDF, not at start-up (restart time matters).
    const { buildProofPdf } = await import('../deadlinePdfs.js');
    const pdf = await buildProofPdf({
      locale,
      cabinetName: appliance.config.identity.name ?? appliance.license.cabinetId ?? 'IAManager',
      now: appliance.clock(),
      jws,
      claims,
      procedureLabel: procedureLabel(c.procedure, locale),
    });
    sendDownload(ctx, {
      filename: `preuve-${fileNamePart(c.reference)}-${fileNamePart(remedy)}.pdf`,
      contentType: 'application/pdf',
      content: pdf,
    });
  });

  router.get('/preuve.jws', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    const { caseId, remedy } = ids(ctx);
    const { jws, case: c } = await appliance.proofs.issue(caseId, remedy, actorOf(caller));
    sendDownload(ctx, {
      filename: `preuve-${fileNamePart(c.reference)}-${fileNamePart(remedy)}.jws`,
      contentType: 'application/jose',
      content: `${jws}\n`,
    });
  });

  pages.use(router.routes());

  const other = new Router();
  other.get('/registre', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    const q = registerQuerySchema.safeParse({ day: typeof ctx.query.jour === 'string' ? ctx.query.jour : undefined });
    if (!q.success) throw new ValidationError(q.error.issues.map((i) => `jour: ${i.message}`));
    const day = q.data.day ?? parisDayOf(appliance.clock());
    await appliance.audit.append({ actor: caller.user.email, action: 'deadline.register', detail: day });
    const { buildRegisterPdf } = await import('../deadlinePdfs.js');
    const pdf = await buildRegisterPdf({
      locale: localeOf(ctx),
      cabinetName: appliance.config.identity.name ?? appliance.license.cabinetId ?? 'IAManager',
      now: appliance.clock(),
      day,
      rows: registerOf(appliance.cases.index.all(), appliance.deadlines, day),
    });
    sendDownload(ctx, { filename: `registre-echeances-${day}.pdf`, contentType: 'application/pdf', content: pdf });
  });

  other.get('/echeances/regles', (ctx) => {
    requirePermission(ctx, 'users.manage');
    const t = DEADLINE_CATALOGUES[localeOf(ctx)];
    const flash = ctx.query.ok === '1' ? { kind: 'ok' as const, text: t.rulesSaved } : undefined;
    sendPage(
      ctx,
      <DeadlineRulesPage chrome={{ ...chromeOf(appliance, ctx), ...(flash ? { flash } : {}) }} view={appliance.deadlines.rules} />,
    );
  });

  other.post('/echeances/regles', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    await appliance.deadlines.setRules({ secondConfirmation: form.get('secondConfirmation') === 'on' }, actorOf(caller));
    ctx.redirect('/echeances/regles?ok=1');
  });

  pages.use(other.routes());
}
