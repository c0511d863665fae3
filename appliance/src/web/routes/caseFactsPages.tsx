/**
 * The questionnaire of a case (GET/POST /dossiers/:id/faits): the facts that feed its analysis,
 * asked by section for its procedure (factsQuestionnaire.ts), checked with the API's facts schema
 * and saved on the case through `Cases.updateCase` (history and audit as any edit).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { requirePermission } from '../../auth/authenticate.js';
import { deriveProcedure } from '../../domain/ceseda/deriveProcedure.js';
import type { ProcedureCode } from '../../domain/ceseda/procedures.js';
import type { CaseRecord } from '../../domain/cases/caseSchema.js';
import { clientNameOf } from '../caseViews.js';
import { factLabel } from '../factLabels.js';
import { FACTS_CATALOGUES } from '../factsMessages.js';
import { answerOf, applyQuestionnaire, questionnaireFor, sectionTitle } from '../factsQuestionnaire.js';
import { chromeOf, localeOf, messagesOf, readForm, text } from '../pageContext.js';
import { FactsPage } from '../pages/facts.js';
import { procedureLabel } from '../procedureLabels.js';
import { sendPage } from '../render.js';
import type { FieldError } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { redirectToForm, replayedForm } from '../formReplay.js';

export const caseFactsPages: AppliancePage = { mount: mountCaseFactsPages };

function mountCaseFactsPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const router = new Router({ prefix: '/dossiers' });
  const actorOf = (c: { user: { id: string; email: string } }) => ({ id: c.user.id, email: c.user.email });

  const factsForm = (ctx: Context, c: CaseRecord, errors: FieldError[], values: Record<string, string>) => {
    const locale = localeOf(ctx);
    const procedure = c.procedure as ProcedureCode;
    sendPage(
      ctx,
      <FactsPage
        chrome={chromeOf(appliance, ctx)}
        view={{
          caseId: c.id,
          reference: c.reference,
          clientName: clientNameOf(c),
          procedureLabel: procedureLabel(c.procedure, locale),
          sections: questionnaireFor(procedure).map((s) => ({
            code: s.code,
            title: sectionTitle(s.code, locale),
            questions: s.questions.map((q) => ({ fact: q.fact, kind: q.kind, label: factLabel(q.fact, locale), min: q.min, max: q.max })),
          })),
          errors,
          values,
        }}
      />,
    );
  };

  router.get('/:id/faits', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const c = await appliance.cases.readCase(ctx.params.id ?? '', actorOf(caller));
    // A refused questionnaire comes back with what was typed and its errors, once (redirect after post).
    const refused = replayedForm(ctx, deps);
    if (refused) return factsForm(ctx, c, refused.errors, refused.values);
    const values: Record<string, string> = {};
    for (const s of questionnaireFor(c.procedure as ProcedureCode)) for (const q of s.questions) values[q.fact] = answerOf(c.facts, q.fact);
    factsForm(ctx, c, [], values);
  });

  router.post('/:id/faits', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.write');
    const form = await readForm(ctx);
    const c = appliance.cases.get(ctx.params.id ?? '');
    const locale = localeOf(ctx);
    const values: Record<string, string> = {};
    for (const s of questionnaireFor(c.procedure as ProcedureCode)) for (const q of s.questions) values[q.fact] = text(form, q.fact, 200);
    const result = applyQuestionnaire(messagesOf(ctx), FACTS_CATALOGUES[locale], locale, c.procedure as ProcedureCode, c.facts, values);
    if (!result.ok) return redirectToForm(ctx, deps, { values, errors: result.errors }, `/dossiers/${c.id}/faits`);
    // A new situation moves an OQTF case to the OQTF of that situation (L. 911-1 / L. 921-1 /
    // L. 921-2), as the new-case form does; nothing else in the questionnaire changes the procedure.
    const previous = c.procedure;
    const derived = deriveProcedure(previous as ProcedureCode, result.facts);
    const moved = derived.reason === 'liberty_status' && derived.procedure !== undefined ? derived.procedure : undefined;
    await appliance.cases.updateCase(c.id, { facts: result.facts, ...(moved ? { procedure: moved } : {}) }, actorOf(caller));
    ctx.status = 303;
    ctx.redirect(`/dossiers/${c.id}?faits=${moved ? previous : '1'}#facts-title`);
  });

  pages.use(router.routes());
}
