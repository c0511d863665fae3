/** `/api/v1/cabinets`: list, create, show, update (a plan change previewed, then decided), new enrollment code. Only admins change them. */
import Router from '@koa/router';
import type { Context } from 'koa';
import { cabinetIdSchema, parseWith, ValidationError } from '@iamanager/protocol';
import { parseBody } from '@iamanager/kernel/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize, can } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { cabinetPatchSchema, newCabinetSchema } from '../domain/cabinetFields.js';
import { changeCabinet, previewPlanChange } from '../domain/planChange.js';
import { termsOn } from '../domain/planCatalog.js';
import type { CabinetRecord } from '../storage/records.js';
import { presentCabinet, presentCabinetSummary } from '../presenters/cabinet.js';

export function cabinetRoutes(cp: ControlPlane): Router {
  const router = new Router();

  const present = async (ctx: Context, cabinet: CabinetRecord) => {
    const plan = await cp.plans.find(cabinet.plan);
    const terms = plan ? termsOn(plan, cabinet.overrides) : undefined;
    return presentCabinet(cabinet, terms, { seeMoney: can(currentAdmin(ctx), 'seeMoney'), now: cp.clock() });
  };
  const idOf = (ctx: Context) => parseWith(cabinetIdSchema, ctx.params.id, 'id');

  router.get('/cabinets', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    ctx.body = { cabinets: (await cp.cabinets.list()).map(presentCabinetSummary) };
  });

  router.post('/cabinets', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageCabinets');
    const input = await parseBody(ctx, newCabinetSchema);
    const { cabinet, enrollmentCode } = await cp.cabinets.createCabinet(input, admin.email, cp.clock());
    cp.log.info({ cabinetId: cabinet.id, by: admin.email }, 'cabinet created');
    ctx.status = 201;
    ctx.body = { cabinet: await present(ctx, cabinet), enrollmentCode };
  });

  router.get('/cabinets/:id', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    ctx.body = { cabinet: await present(ctx, await cp.cabinets.get(idOf(ctx))) };
  });

  router.patch('/cabinets/:id', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageCabinets');
    const id = idOf(ctx);
    await cp.cabinets.get(id);
    const patch = await parseBody(ctx, cabinetPatchSchema);
    const { cabinet, planChange } = await changeCabinet(cp, id, patch, admin.email);
    cp.log.info({ cabinetId: id, by: admin.email, fields: Object.keys(patch) }, 'cabinet updated');
    ctx.body = { cabinet: await present(ctx, cabinet), ...(planChange ? { planChange } : {}) };
  });

  /** What a plan change would do (the PATCH body with a `plan`), changing nothing: limits, overrides, proration. */
  router.post('/cabinets/:id/plan-change', async (ctx) => {
    authorize(currentAdmin(ctx), 'manageCabinets');
    const id = idOf(ctx);
    await cp.cabinets.get(id);
    const patch = await parseBody(ctx, cabinetPatchSchema);
    if (patch.plan === undefined)
      throw new ValidationError(['plan: is required to preview a plan change, e.g. { "plan": "professional" }']);
    const preview = await previewPlanChange(cp, id, patch);
    if (!preview) throw new ValidationError([`plan: cabinet "${id}" is already on ${patch.plan}: choose another plan`]);
    ctx.body = { planChange: preview };
  });

  router.post('/cabinets/:id/enrollment-codes', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'manageCabinets');
    const result = await cp.cabinets.issueEnrollmentCode(idOf(ctx), cp.clock());
    ctx.status = 201;
    ctx.body = result;
  });
  return router;
}
