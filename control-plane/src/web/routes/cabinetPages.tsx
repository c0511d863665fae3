/**
 * `/cabinets` and `/cabinets/:id`, with the cabinet's forms (admins only): the plan change — first
 * a preview of its limits, overrides and proration, then its confirmation (domain/planChange.ts) —,
 * the details its invoices print, and a new enrollment code (shown once on the page that answers).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { cabinetIdSchema, DomainError } from '@iamanager/protocol';
import { pathParam } from '../pathParam.js';
import { readForm } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize, can } from '../../auth/policies.js';
import { cabinetPatchSchema, type CabinetPatch } from '../../domain/cabinetFields.js';
import { changeCabinet, previewPlanChange } from '../../domain/planChange.js';
import type { Overrides } from '../../storage/records.js';
import { CONTACT_INPUTS, type ContactFormState, type ContactInput } from '../pages/cabinetContact.js';
import { cabinetInvoices } from '../../domain/billing/billingQueries.js';
import { pastDueInvoices } from '../../domain/billing/invoiceAccount.js';
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
  current: Overrides,
): { patch: CabinetPatch; errors: string[]; values: Record<string, string> } {
  const values: Record<string, string> = { plan: (form.get('plan') ?? '').trim() };
  const overrides: Record<string, unknown> = {};
  const decision = form.get('derogations');
  if (decision === 'keep' || decision === 'drop') values.derogations = decision;
  if (form.get('accepter') === '1') values.accepter = '1';
  const planSentence = `Formule : choisissez l'une de ${plans.join(', ')}.`;
  const fields: FormField[] = [{ path: 'plan', sentence: planSentence }];
  for (const [field, label] of Object.entries(LIMIT_FIELDS)) {
    const raw = (form.get(field) ?? '').trim();
    values[field] = raw.slice(0, 20);
    // Digits become a number; anything else goes to the schema as typed, which refuses it. A field
    // left as it was is no change: an override the form shows is not "set again" by a plan change,
    // whose preview asks what becomes of it.
    const value = raw === '' ? null : /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
    const was = current[field as keyof typeof LIMIT_FIELDS] ?? null;
    if (value !== was) overrides[field] = value;
    fields.push({
      path: `overrides.${field}`,
      sentence: `${label} : un nombre entier de 0 à ${MAX_LIMIT.toLocaleString('fr-FR')}, ou vide pour la limite de la formule.`,
    });
  }
  const parsed = parseForm(
    cabinetPatchSchema,
    {
      plan: values.plan,
      overrides,
      ...(values.derogations ? { overridesOnPlanChange: values.derogations } : {}),
      ...(values.accepter ? { acceptLowerLimits: true } : {}),
    },
    fields,
  );
  const errors = parsed.ok ? [] : parsed.errors;
  // Which plans exist is data, not a schema's rule (the domain refuses an unknown one too, in English).
  if (values.plan && !plans.includes(values.plan) && !errors.includes(planSentence)) errors.unshift(planSentence);
  return { patch: parsed.ok ? parsed.data : {}, errors, values };
}

const CONTACT_SENTENCES: Record<ContactInput, string> = {
  name: 'Raison sociale : indiquez le nom du cabinet (200 caractères au plus).',
  address: 'Adresse : 300 caractères au plus.',
  siret: 'SIRET : 14 chiffres dont la clé de contrôle est valide (par exemple 55501234000017).',
  vatNumber:
    'N° de TVA : FR, la clé à 2 chiffres et les 9 chiffres du SIREN, par exemple FR44732829320 ; la clé doit correspondre au SIREN.',
  email: 'E-mail : une adresse électronique, par exemple contact@cabinet-dupont.fr.',
  phone: 'Téléphone : un numéro, par exemple 01 23 45 67 89 ou +33 1 23 45 67 89.',
};

/** The details form, checked by the API's `cabinetPatchSchema`: an emptied field is erased (`null`), the name never. */
function readContact(form: URLSearchParams): { patch: CabinetPatch; errors: string[]; values: ContactFormState['values'] } {
  const values = Object.fromEntries(
    CONTACT_INPUTS.map((f) => [f.name, (form.get(f.name) ?? '').trim().slice(0, 320)]),
  ) as ContactFormState['values'];
  const input = Object.fromEntries(CONTACT_INPUTS.map((f) => [f.name, values[f.name] === '' && f.name !== 'name' ? null : values[f.name]]));
  const parsed = parseForm(
    cabinetPatchSchema,
    input,
    CONTACT_INPUTS.map((f) => ({ path: f.name, sentence: CONTACT_SENTENCES[f.name] })),
  );
  return { patch: parsed.ok ? parsed.data : {}, errors: parsed.ok ? [] : parsed.errors, values };
}

/** A plan change refused by the domain, in French, for the preview it came with. */
function frenchPlanChangeError(err: unknown): string | undefined {
  if (!(err instanceof DomainError)) return undefined;
  if (err.code === 'plan_change_overrides_undecided')
    return 'Dérogations : choisissez de les conserver ou de les supprimer avec le changement de formule.';
  if (err.code === 'plan_change_lowers_limits')
    return "Limites : le changement baisse une limite ou la laisse sous l'usage actuel ; cochez l'acceptation pour le confirmer, ou gardez une dérogation plus haute.";
  return undefined;
}

async function showCabinet(
  deps: DashboardDeps,
  ctx: Context,
  id: string,
  state: CabinetPageState = {},
  flash?: string,
  status = 200,
): Promise<void> {
  const admin = currentAdmin(ctx);
  // The cabinet's invoices are read here (closed months load on demand), for the roles that see money.
  const { records, invoices } = can(admin, 'seeMoney') ? await cabinetInvoices(deps.cp, id) : {};
  const view = {
    ...(await cabinetView(deps.cp, await deps.cp.cabinets.get(id), admin, { ...state, invoices })),
    supportBundles: await deps.cp.supportBundles.list(id, deps.cp.clock()),
  };
  // Its past-due invoices from the list just read, not a walk through every cabinet's.
  const pastDue = records
    ? { invoices: await pastDueInvoices(deps.cp, { invoices: records }), graceDays: deps.cp.config.licenseGraceDays }
    : undefined;
  sendPage(
    ctx,
    <CabinetPage chrome={chromeOf(deps, ctx, flash ? { kind: 'ok', text: flash } : undefined)} view={view} pastDue={pastDue} />,
    status,
  );
}

export const cabinetPages: DashboardPage = {
  nav: { href: '/cabinets', label: 'Cabinets', action: 'read' },
  mount(router: Router, deps) {
    const { cp } = deps;
    const idOf = (ctx: Context) =>
      pathParam(
        cabinetIdSchema,
        ctx.params.id,
        `Cabinet « ${String(ctx.params.id)} » : un identifiant de cabinet s'écrit en minuscules, chiffres et tirets, par exemple dupont.`,
      );

    router.get('/cabinets', async (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      const rows = (await cp.cabinets.list()).map((c) => ({
        id: c.id,
        name: c.name,
        plan: c.plan,
        status: c.status,
        enrolled: c.applianceId !== null,
      }));
      sendPage(ctx, <CabinetsPage chrome={chromeOf(deps, ctx)} rows={rows} />);
    });

    router.get('/cabinets/:id', async (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      await showCabinet(
        deps,
        ctx,
        idOf(ctx),
        {},
        ctx.query.modifie === '1'
          ? 'Formule enregistrée : la nouvelle licence part au prochain signal de l’appliance.'
          : ctx.query.coordonnees === '1'
            ? 'Coordonnées enregistrées : elles figureront sur les prochaines factures.'
            : undefined,
      );
    });

    router.post('/cabinets/:id/formule', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'managePlans');
      const id = idOf(ctx);
      const cabinet = await cp.cabinets.get(id);
      const form = await readForm(ctx);
      const change = readPlanChange(
        form,
        (await cp.plans.list()).map((p) => p.id),
        cabinet.overrides,
      );
      if (change.errors.length > 0)
        return await showCabinet(deps, ctx, id, { planChange: { errors: change.errors, values: change.values } });
      // A plan change is shown first (limits, overrides, proration), and made only once confirmed.
      const preview = await previewPlanChange(cp, id, change.patch);
      if (preview && form.get('confirmer') !== '1')
        return await showCabinet(deps, ctx, id, {
          planChange: { errors: [], values: change.values },
          planPreview: { preview, values: change.values, errors: [] },
        });
      try {
        await changeCabinet(cp, id, change.patch, admin.email);
      } catch (err) {
        const text = frenchPlanChangeError(err);
        if (!text || !preview) throw err;
        return await showCabinet(
          deps,
          ctx,
          id,
          { planChange: { errors: [], values: change.values }, planPreview: { preview, values: change.values, errors: [text] } },
          undefined,
          422,
        );
      }
      cp.log.info({ cabinetId: id, by: admin.email, plan: change.patch.plan }, 'plan changed from the dashboard');
      ctx.redirect(`/cabinets/${encodeURIComponent(id)}?modifie=1`);
    });

    router.post('/cabinets/:id/coordonnees', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageCabinets');
      const id = idOf(ctx);
      await cp.cabinets.get(id);
      const contact = readContact(await readForm(ctx));
      if (contact.errors.length > 0)
        return await showCabinet(deps, ctx, id, { contact: { errors: contact.errors, values: contact.values } }, undefined, 400);
      try {
        await cp.cabinets.updateCabinet(id, contact.patch, admin.email, cp.clock());
      } catch (err) {
        // The one rule no schema holds: the VAT number is built on the SIRET's SIREN.
        if (!(err instanceof DomainError) || err.code !== 'invalid_input') throw err;
        return await showCabinet(
          deps,
          ctx,
          id,
          { contact: { errors: [CONTACT_SENTENCES.vatNumber], values: contact.values } },
          undefined,
          400,
        );
      }
      cp.log.info({ cabinetId: id, by: admin.email, fields: Object.keys(contact.patch) }, 'cabinet details changed from the dashboard');
      ctx.redirect(`/cabinets/${encodeURIComponent(id)}?coordonnees=1`);
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
