/**
 * `/cabinets` and `/cabinets/:id`, with the cabinet's two forms: the plan change (admins only)
 * and a new enrollment code (admins only, shown once on the page that answers the POST).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { cabinetIdSchema, DomainError, parseWith } from '@iamanager/protocol';
import { readForm } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize, can } from '../../auth/policies.js';
import { cabinetPatchSchema, type CabinetPatch } from '../../domain/cabinetFields.js';
import { presentInvoiceSummary } from '../../presenters/invoice.js';
import { cabinetView, type CabinetPageState } from '../cabinetView.js';
import { chromeOf } from '../chrome.js';
import { parseForm, type FormField } from '../formIssues.js';
import type { DashboardDeps, DashboardPage } from '../dashboardPage.js';
import { CabinetPage } from '../pages/cabinet.js';
import { CabinetsPage } from '../pages/cabinets.js';
import { sendPage } from '../render.js';
import { ControlPlaneError } from '../../errors.js';

const LIMIT_FIELDS = {
  maxUsers: "Nombre d'utilisateurs",
  maxCases: 'Nombre de dossiers',
  maxAnalysesMonthly: "Nombre d'analyses par mois",
} as const;
const MAX_LIMIT = 1_000_000_000;

/**
 * The plan change form, checked by the API's `cabinetPatchSchema` with French sentences: a blank
 * limit removes the override (`null`).
 */
function readPlanChange(
  form: URLSearchParams,
  plans: readonly string[],
): { patch: CabinetPatch; errors: string[]; values: Record<string, string> } {
  const values: Record<string, string> = { plan: (form.get('plan') ?? '').trim() };
  const overrides: Record<string, unknown> = {};
  const planSentence = `Formule : choisissez l'une de ${plans.join(', ')}.`;
  const fields: FormField[] = [{ path: 'plan', sentence: planSentence }];
  for (const [field, label] of Object.entries(LIMIT_FIELDS)) {
    const raw = (form.get(field) ?? '').trim();
    values[field] = raw.slice(0, 20);
    // Digits become a number; anything else goes to the schema as typed, which refuses it.
    overrides[field] = raw === '' ? null : /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
    fields.push({
      path: `overrides.${field}`,
      sentence: `${label} : un nombre entier de 0 à ${MAX_LIMIT.toLocaleString('fr-FR')}, ou vide pour la limite de la formule.`,
    });
  }
  const parsed = parseForm(cabinetPatchSchema, { plan: values.plan, overrides }, fields);
  const errors = parsed.ok ? [] : parsed.errors;
  // Which plans exist is data, not a schema's rule (the domain refuses an unknown one too, in English).
  if (values.plan && !plans.includes(values.plan) && !errors.includes(planSentence)) errors.unshift(planSentence);
  return { patch: parsed.ok ? parsed.data : {}, errors, values };
}

async function showCabinet(deps: DashboardDeps, ctx: Context, id: string, state: CabinetPageState = {}, flash?: string): Promise<void> {
  const admin = currentAdmin(ctx);
  // The cabinet's invoices are read here (closed months load on demand), for the roles that see money.
  const invoices = can(admin, 'seeMoney')
    ? (await deps.cp.billing.invoicesOfCabinet(id)).map((i) => presentInvoiceSummary(i, deps.cp.billing.creditNotesOf(i.number)))
    : undefined;
  const view = {
    ...cabinetView(deps.cp, deps.cp.cabinets.get(id), admin, { ...state, invoices }),
    supportBundles: await deps.cp.supportBundles.list(id, deps.cp.clock()),
  };
  sendPage(ctx, <CabinetPage chrome={chromeOf(deps, ctx, flash ? { kind: 'ok', text: flash } : undefined)} view={view} />);
}

export const cabinetPages: DashboardPage = {
  nav: { href: '/cabinets', label: 'Cabinets', action: 'read' },
  mount(router: Router, deps) {
    const { cp } = deps;
    const idOf = (ctx: Context) => parseWith(cabinetIdSchema, ctx.params.id, 'id');

    router.get('/cabinets', (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      const rows = cp.cabinets
        .list()
        .map((c) => ({ id: c.id, name: c.name, plan: c.plan, status: c.status, enrolled: c.applianceId !== null }));
      sendPage(ctx, <CabinetsPage chrome={chromeOf(deps, ctx)} rows={rows} />);
    });

    router.get('/cabinets/:id', async (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      await showCabinet(
        deps,
        ctx,
        idOf(ctx),
        {},
        ctx.query.modifie === '1' ? 'Formule enregistrée : la nouvelle licence part au prochain signal de l’appliance.' : undefined,
      );
    });

    router.post('/cabinets/:id/formule', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'managePlans');
      const id = idOf(ctx);
      cp.cabinets.get(id);
      const change = readPlanChange(
        await readForm(ctx),
        cp.plans.list().map((p) => p.id),
      );
      if (change.errors.length > 0)
        return await showCabinet(deps, ctx, id, { planChange: { errors: change.errors, values: change.values } });
      await cp.cabinets.updateCabinet(id, change.patch, admin.email, cp.clock());
      cp.log.info({ cabinetId: id, by: admin.email, plan: change.patch.plan }, 'plan changed from the dashboard');
      ctx.redirect(`/cabinets/${encodeURIComponent(id)}?modifie=1`);
    });

    router.post('/cabinets/:id/code', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageCabinets');
      const id = idOf(ctx);
      const issued = await cp.cabinets.issueEnrollmentCode(id, cp.clock()).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === 'cabinet_not_active')
          throw new ControlPlaneError(err.code, "Ce cabinet n'est pas actif : réactivez-le avant d'émettre un code d'enrôlement.");
        throw err;
      });
      cp.log.info({ cabinetId: id, by: admin.email }, 'enrollment code issued from the dashboard');
      await showCabinet(deps, ctx, id, { newCode: { code: issued.enrollmentCode, expiresAt: issued.expiresAt } });
    });
  },
};
