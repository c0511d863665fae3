/**
 * `/admin/formule`: the cabinet's plan, its usage and quota reset date, the vendor's contact, the
 * plans above with their prices, and the signed upgrade request (admins with `license.manage`).
 * POST answers with a redirect that says how the request went (sent, queued, refused).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { ValidationError } from '@iamanager/protocol';
import type { Appliance } from '../../appliance.js';
import { requirePermission, type Caller } from '../../auth/authenticate.js';
import { fill } from '../messages.js';
import { PlanPage } from '../pages/plan.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm } from '../pageContext.js';
import { UPGRADE_CATALOGUES } from '../upgradeLabels.js';
import { planPageView } from '../upgradeView.js';
import type { FieldError } from '../viewModels.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { describeError } from '../webErrors.js';
import { parseForm } from '../formIssues.js';
import { upgradeRequestInputSchema } from '../../domain/license/upgradeRequest.js';

export const planPages: AppliancePage = { mount: mountPlanPages };

const OUTCOMES = ['sent', 'queued', 'refused'] as const;

function render(
  appliance: Appliance,
  ctx: Context,
  caller: Caller,
  errors: FieldError[] = [],
  values: Record<string, string> = {},
  flash?: { kind: 'ok' | 'error'; text: string },
): void {
  const view = planPageView(appliance, messagesOf(ctx), caller.permissions.has('license.manage'), errors, values);
  const chrome = { ...chromeOf(appliance, ctx), ...(flash ? { flash } : {}) };
  // Only GETs render the page (a refused POST redirects here), so always 200.
  sendPage(ctx, <PlanPage chrome={chrome} view={view} />);
}

function mountPlanPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const router = new Router({ prefix: '/admin/formule' });

  router.get('/', (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const u = UPGRADE_CATALOGUES[localeOf(ctx)];
    const outcome = OUTCOMES.find((o) => o === ctx.query.demande);
    const latest = appliance.upgradeRequests.list()[0];
    const flash =
      outcome === 'sent'
        ? { kind: 'ok' as const, text: u.requestSent }
        : outcome === 'queued'
          ? { kind: 'ok' as const, text: u.requestQueued }
          : outcome === 'refused'
            ? { kind: 'error' as const, text: fill(u.requestRefused, { reason: latest?.lastError ?? '' }) }
            : undefined;
    // A refused request comes back with what was typed and why, once (redirect after post).
    const refused = replayedForm(ctx, deps);
    if (refused)
      return render(
        appliance,
        ctx,
        caller,
        refused.errors,
        refused.values,
        refused.message ? { kind: 'error', text: refused.message } : undefined,
      );
    render(appliance, ctx, caller, [], {}, flash);
  });

  router.post('/', async (ctx) => {
    requirePermission(ctx, 'license.manage');
    const form = await readForm(ctx);
    const values = { wantedPlan: (form.get('wantedPlan') ?? '').slice(0, 64), message: (form.get('message') ?? '').slice(0, 2_000) };
    const u = UPGRADE_CATALOGUES[localeOf(ctx)];
    const m = messagesOf(ctx);
    // The request's fields are checked by the schema the domain reads them with, in French beside each field.
    const input = { wantedPlan: values.wantedPlan, message: values.message || undefined };
    const fields = [
      { name: 'wantedPlan', path: 'wantedPlan', label: u.requestWanted },
      { name: 'message', path: 'message', label: u.requestMessage },
    ];
    const parsed = parseForm(upgradeRequestInputSchema, input, fields, m);
    const refuse = (errors: FieldError[], message?: string) =>
      redirectToForm(ctx, deps, { values, errors, ...(message ? { message } : {}) }, '/admin/formule#demande');
    if (!parsed.ok) return refuse(parsed.errors);
    try {
      const request = await appliance.upgradeRequests.submit(parsed.data);
      ctx.status = 303;
      ctx.redirect(`/admin/formule?demande=${request.status}#demande`);
    } catch (err) {
      // A plan that is not offered (the page only lists offered ones: a forged post) is said beside its field.
      if (err instanceof ValidationError)
        return refuse(
          err.issues.map((line) => ({
            field: 'wantedPlan',
            message: fill(m.fieldFix, { field: u.requestWanted, fix: line.replace(/^wantedPlan: /, '') }),
          })),
        );
      return refuse([], describeError(err, m).text);
    }
  });

  /** Sends the queued requests now (the control plane is back): the page then says how it went. */
  router.post('/envoyer', async (ctx) => {
    requirePermission(ctx, 'license.manage');
    await appliance.upgradeRequests.deliver();
    const latest = appliance.upgradeRequests.list()[0];
    ctx.status = 303;
    ctx.redirect(`/admin/formule?demande=${latest?.status ?? 'queued'}#demande`);
  });

  pages.use(router.routes());
}
