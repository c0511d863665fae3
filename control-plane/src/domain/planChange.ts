/**
 * A plan change, shown before it is made: the new limits next to the current ones and to what the
 * cabinet's appliance last reported using, what becomes of each override, and the proration the
 * next invoice will carry. Overrides were carried over silently before — Martin moved to
 * professional kept "users max 1" while 3 users were active — so now:
 *
 * - a change of plan while overrides are in force must say whether they are kept or dropped
 *   (`plan_change_overrides_undecided` otherwise, naming each override);
 * - a change that lowers a limit, or leaves one below what the appliance uses, must be confirmed
 *   (`plan_change_lowers_limits` otherwise, naming the limit, its figures and the usage).
 *
 * The CLI (`cabinet update ID --plan P [--keep-overrides | --drop-overrides] [--accept-lower-limits]`),
 * the vendor API (`PATCH /api/v1/cabinets/:id` with `overridesOnPlanChange`, `acceptLowerLimits`;
 * `POST /api/v1/cabinets/:id/plan-change` for the preview alone) and the dashboard (a preview
 * step, then confirm) all go through `changeCabinet`.
 */
import { ValidationError } from '@iamanager/protocol';
import type { Clock } from '../clock.js';
import type { ApplianceStore } from '../storage/stores.js';
import type { CabinetRegistry } from './cabinets.js';
import type { CabinetPatch, OverridesPatch } from './cabinetFields.js';
import { planLookup, termsOn, type PlanCatalog } from './planCatalog.js';
import { draftInvoice } from './billing/draftInvoice.js';
import { parisMonth } from './billing/calendar.js';
import type { CabinetRecord, Overrides } from '../storage/records.js';
import { ControlPlaneError } from '../errors.js';

export interface PlanChangeContext {
  clock: Clock;
  cabinets: CabinetRegistry;
  plans: PlanCatalog;
  appliances: Pick<ApplianceStore, 'get'>;
}

export const LIMITS = ['maxUsers', 'maxCases', 'maxAnalysesMonthly'] as const;
export type LimitField = (typeof LIMITS)[number];

/** What the appliance reports against each limit. */
const USAGE_OF: Record<LimitField, { key: 'usersActive' | 'casesOpen' | 'analysesUsed'; noun: string }> = {
  maxUsers: { key: 'usersActive', noun: 'active users' },
  maxCases: { key: 'casesOpen', noun: 'open cases' },
  maxAnalysesMonthly: { key: 'analysesUsed', noun: 'analyses this month' },
};

export type OverrideFate = 'kept' | 'dropped' | 'set' | 'removed' | 'undecided';

export interface LimitPreview {
  field: LimitField;
  current: number;
  /** The new plan's own figure. */
  planValue: number;
  /** The override in force after the change (null: the plan's figure applies). */
  override: number | null;
  next: number;
  /** What the appliance last reported (null: no report yet). */
  usage: number | null;
  lowered: boolean;
  belowUsage: boolean;
}

export interface PlanChangePreview {
  cabinetId: string;
  fromPlan: string;
  toPlan: string;
  effectiveAt: string;
  priceCents: { from: number; to: number };
  limits: LimitPreview[];
  /** Every override in force before the change, and what the change does with it. */
  overrides: Array<{ field: keyof Overrides; value: unknown; fate: OverrideFate; next: unknown }>;
  /** The current month's subscription as the next invoice will carry it, against the same month without the change. */
  proration: {
    month: string;
    lines: Array<{ description: string; amountCents: number }>;
    totalExclVatCents: number;
    unchangedExclVatCents: number;
    differenceExclVatCents: number;
  };
  /** What must be said before the change is made (empty: it can be made as is). */
  needs: Array<'overrides_decision' | 'accept_lower_limits'>;
}

/** Current usage from the cabinet's appliance: users and cases as last reported, analyses of the current month. */
async function currentUsage(cp: PlanChangeContext, cabinet: CabinetRecord): Promise<Record<LimitField, number | null>> {
  const none = { maxUsers: null, maxCases: null, maxAnalysesMonthly: null };
  const appliance = cabinet.applianceId ? await cp.appliances.get(cabinet.applianceId) : undefined;
  if (!appliance) return none;
  const months = Object.keys(appliance.months).sort();
  const latest = months.at(-1);
  if (!latest) return none;
  const usage = appliance.months[latest]!.usage;
  const thisMonth = appliance.months[parisMonth(cp.clock())]?.usage;
  return { maxUsers: usage.usersActive, maxCases: usage.casesOpen, maxAnalysesMonthly: thisMonth?.analysesUsed ?? 0 };
}

/** The overrides after the change: those the patch sets, then the others kept or dropped as decided. */
function nextOverrides(
  current: Overrides,
  patch: OverridesPatch | undefined,
  decision: 'keep' | 'drop' | undefined,
): { overrides: Overrides; fates: PlanChangePreview['overrides'] } {
  const next: Record<string, unknown> = {};
  const fates: PlanChangePreview['overrides'] = [];
  for (const [field, value] of Object.entries(current) as [keyof Overrides, unknown][]) {
    if (value === undefined) continue;
    const patched = patch?.[field];
    if (patched === null) fates.push({ field, value, fate: 'removed', next: null });
    else if (patched !== undefined) fates.push({ field, value, fate: 'set', next: patched });
    else if (decision === 'keep') fates.push({ field, value, fate: 'kept', next: value });
    else if (decision === 'drop') fates.push({ field, value, fate: 'dropped', next: null });
    else fates.push({ field, value, fate: 'undecided', next: value });
  }
  for (const [field, value] of Object.entries(current)) if (value !== undefined && decision !== 'drop') next[field] = value;
  for (const [field, value] of Object.entries(patch ?? {})) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return { overrides: next as Overrides, fates };
}

/** The preview of `patch` on cabinet `id`; `undefined` when the patch changes no plan. */
export async function previewPlanChange(cp: PlanChangeContext, id: string, patch: CabinetPatch): Promise<PlanChangePreview | undefined> {
  // Read first: what follows is synchronous, so the preview is of one state of the cabinet.
  const cabinet = await cp.cabinets.get(id); // an unknown cabinet is `not_found` before anything else
  if (patch.plan === undefined || patch.plan === cabinet.plan) return undefined;
  const plans = await cp.plans.list();
  const planOf = planLookup(plans);
  const toPlan = plans.find((p) => p.id === patch.plan);
  if (!toPlan) throw new ValidationError([`plan: unknown plan "${patch.plan}": choose one of ${plans.map((p) => p.id).join(', ')}`]);
  const now = cp.clock();
  const { overrides, fates } = nextOverrides(cabinet.overrides, patch.overrides, patch.overridesOnPlanChange);
  const before = termsOn(planOf(cabinet.plan), cabinet.overrides).limits;
  const after = termsOn(toPlan, overrides).limits;
  const usage = await currentUsage(cp, cabinet);
  const limits = LIMITS.map((field): LimitPreview => {
    const u = usage[field];
    return {
      field,
      current: before[field],
      planValue: toPlan.limits[field],
      override: overrides[field] ?? null,
      next: after[field],
      usage: u,
      lowered: after[field] < before[field],
      belowUsage: u !== null && after[field] < u,
    };
  });

  // The next invoice: this month's draft with the change dated now, against the same month without it.
  const month = parisMonth(now);
  const status = patch.status ?? cabinet.status;
  const changed: CabinetRecord = {
    ...cabinet,
    planHistory: [...cabinet.planHistory, { effectiveAt: now.toISOString(), plan: toPlan.id, overrides, status, by: 'preview' }],
  };
  const subscription = (c: CabinetRecord) =>
    (draftInvoice(c, month, planOf, undefined)?.lines ?? []).filter((l) => l.kind === 'subscription');
  const lines = subscription(changed).map((l) => ({ description: l.description, amountCents: l.amountCents }));
  const total = lines.reduce((s, l) => s + l.amountCents, 0);
  const unchanged = subscription(cabinet).reduce((s, l) => s + l.amountCents, 0);

  const needs: PlanChangePreview['needs'] = [];
  if (fates.some((f) => f.fate === 'undecided')) needs.push('overrides_decision');
  if (limits.some((l) => l.lowered || l.belowUsage) && patch.acceptLowerLimits !== true) needs.push('accept_lower_limits');
  return {
    cabinetId: cabinet.id,
    fromPlan: cabinet.plan,
    toPlan: toPlan.id,
    effectiveAt: now.toISOString(),
    priceCents: { from: planOf(cabinet.plan).priceCents, to: toPlan.priceCents },
    limits,
    overrides: fates,
    proration: { month, lines, totalExclVatCents: total, unchangedExclVatCents: unchanged, differenceExclVatCents: total - unchanged },
    needs,
  };
}

function describeLimit(l: LimitPreview): string {
  const source = l.override !== null ? `override ${l.override} on plan figure ${l.planValue}` : `plan figure`;
  const usage = l.usage === null ? '' : `, ${l.usage} ${USAGE_OF[l.field].noun}`;
  return `${l.field} ${l.current} → ${l.next} (${source}${usage})`;
}

const euros = (cents: number) => `${(cents / 100).toFixed(2)} €`;

/** The preview in one sentence, for a refusal to show what the change would do. */
export function summarizePlanChange(p: PlanChangePreview): string {
  const limits = p.limits.map(describeLimit).join('; ');
  const invoice = `next invoice (${p.proration.month}): ${euros(p.proration.totalExclVatCents)} excl. VAT for the subscription, ${p.proration.differenceExclVatCents >= 0 ? '+' : '-'}${euros(Math.abs(p.proration.differenceExclVatCents))} against no change`;
  return `${p.fromPlan} → ${p.toPlan}: ${limits}; ${invoice}`;
}

/** Refuses a plan change that has not said what it does with overrides or lower limits; the refusal carries the preview. */
export function assertPlanChangeDecided(preview: PlanChangePreview): void {
  if (preview.needs.includes('overrides_decision')) {
    const undecided = preview.overrides.filter((o) => o.fate === 'undecided');
    throw new ControlPlaneError(
      'plan_change_overrides_undecided',
      `cabinet "${preview.cabinetId}" has overrides in force (${undecided.map((o) => `${o.field} ${JSON.stringify(o.value)}`).join(', ')}): say whether the change to ${preview.toPlan} keeps or drops them (--keep-overrides or --drop-overrides; API overridesOnPlanChange "keep" or "drop"). Preview, overrides kept: ${summarizePlanChange(preview)}`,
      { cabinetId: preview.cabinetId, overrides: undecided.map((o) => ({ field: o.field, value: o.value })), preview },
    );
  }
  if (preview.needs.includes('accept_lower_limits')) {
    const lower = preview.limits.filter((l) => l.lowered || l.belowUsage);
    throw new ControlPlaneError(
      'plan_change_lowers_limits',
      `the change of cabinet "${preview.cabinetId}" to ${preview.toPlan} leaves ${lower.map(describeLimit).join('; ')}: lower than before or than what is used. Confirm it with --accept-lower-limits (API acceptLowerLimits true), or keep a higher override. Preview: ${summarizePlanChange(preview)}`,
      {
        cabinetId: preview.cabinetId,
        limits: lower.map((l) => ({ field: l.field, current: l.current, next: l.next, usage: l.usage })),
        preview,
      },
    );
  }
}

/**
 * Changes a cabinet as `patch` says; a plan change first passes its preview's checks and applies
 * the overrides decision. Returns the cabinet and, for a plan change, the preview it was made on.
 */
export async function changeCabinet(
  cp: PlanChangeContext,
  id: string,
  patch: CabinetPatch,
  by: string,
): Promise<{ cabinet: CabinetRecord; planChange: PlanChangePreview | undefined }> {
  const preview = await previewPlanChange(cp, id, patch);
  let applied = patch;
  if (preview) {
    assertPlanChangeDecided(preview);
    // Dropped overrides go back to the new plan's figures: removed like a `null` in the patch.
    const dropped = Object.fromEntries(preview.overrides.filter((o) => o.fate === 'dropped').map((o) => [o.field, null]));
    applied = { ...patch, overrides: { ...dropped, ...patch.overrides } };
  }
  const cabinet = await cp.cabinets.updateCabinet(id, applied, by, cp.clock());
  return { cabinet, planChange: preview };
}
