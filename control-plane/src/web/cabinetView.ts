/** Builds the cabinet page's view from the domain: nothing the caller's role may not see goes in. */
import { can } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { termsOn } from '../domain/planCatalog.js';
import type { AdminIdentity } from '../domain/admins.js';
import { historySeries } from '../domain/applianceHistory.js';
import { latestApplianceVersion, listFleet } from '../domain/fleet.js';
import type { CabinetRecord } from '../storage/records.js';
import { cabinetCharts } from './cabinetCharts.js';
import { fleetRow, limitDetails, usageFigures } from './fleetRows.js';
import { changeText } from './labels.js';
import type { InvoiceRow } from './pages/billing.js';
import type { CabinetView, LimitRow } from './pages/cabinet.js';
import { frenchEuros } from './format.js';
import type { ContactFormState } from './pages/cabinetContact.js';
import type { PlanChangeState } from './pages/planChangePreview.js';

const LIMIT_LABELS: ReadonlyArray<[LimitRow['field'], string]> = [
  ['maxUsers', 'Utilisateurs max'],
  ['maxCases', 'Dossiers max'],
  ['maxAnalysesMonthly', 'Analyses par mois'],
];

export interface CabinetPageState {
  /** An enrollment code just issued: shown this once. */
  newCode?: { code: string; expiresAt: string };
  /** A plan change form sent back with its errors and what was typed. */
  planChange?: { errors: string[]; values: Record<string, string> };
  /** The details form sent back with its errors and what was typed. */
  contact?: ContactFormState;
  /** A plan change previewed, waiting for its confirmation. */
  planPreview?: Omit<PlanChangeState, 'seeMoney'>;
  /** The cabinet's invoices (read by the route: closed months load on demand); kept only for roles that see money. */
  invoices?: InvoiceRow[] | undefined;
}

export async function cabinetView(
  cp: ControlPlane,
  cabinet: CabinetRecord,
  admin: AdminIdentity,
  extra: CabinetPageState = {},
): Promise<CabinetView> {
  const seeMoney = can(admin, 'seeMoney');
  const plans = await cp.plans.list();
  const plan = await cp.plans.get(cabinet.plan);
  const terms = termsOn(plan, cabinet.overrides);
  const now = cp.clock();
  const entries = await listFleet(cp, { includeRevoked: true, cabinetId: cabinet.id });
  const latest = latestApplianceVersion(cp);
  const current = cabinet.applianceId ? await cp.appliances.get(cabinet.applianceId) : undefined;
  // Revocation dates of the cabinet's appliances (a handful), read from their store in one round.
  const revokedAt = new Map(
    await Promise.all(entries.map(async (e) => [e.applianceId, (await cp.appliances.get(e.applianceId))?.revokedAt ?? null] as const)),
  );
  const pending = cabinet.enrollmentCodes.find((c) => !c.usedAt && !c.supersededAt && Date.parse(c.expiresAt) > now.getTime());
  return {
    id: cabinet.id,
    name: cabinet.name,
    siret: cabinet.siret,
    address: cabinet.address,
    phone: cabinet.phone,
    email: cabinet.email,
    vatNumber: cabinet.vatNumber,
    status: cabinet.status,
    createdAt: cabinet.createdAt,
    plan: {
      id: plan.id,
      name: plan.name,
      aiModel: terms.aiModel,
      advancedFeatures: terms.advancedFeatures,
      overageAllowed: terms.overage.allowed,
      ...(seeMoney ? { priceCents: terms.priceCents, overagePricePerAnalysisCents: terms.overage.pricePerAnalysisCents } : {}),
    },
    limits: LIMIT_LABELS.map(([field, label]) => ({
      field,
      label,
      planValue: plan.limits[field],
      override: cabinet.overrides[field] ?? null,
    })),
    contact: can(admin, 'manageCabinets')
      ? (extra.contact ?? {
          errors: [],
          values: {
            name: cabinet.name,
            address: cabinet.address ?? '',
            siret: cabinet.siret ?? '',
            vatNumber: cabinet.vatNumber ?? '',
            email: cabinet.email ?? '',
            phone: cabinet.phone ?? '',
          },
        })
      : undefined,
    planPreview: extra.planPreview && can(admin, 'managePlans') ? { ...extra.planPreview, seeMoney } : undefined,
    planChange: can(admin, 'managePlans')
      ? {
          plans: plans.map((p) => ({ id: p.id, label: seeMoney ? `${p.name} — ${frenchEuros(p.priceCents)} HT / mois` : p.name })),
          errors: extra.planChange?.errors ?? [],
          values: extra.planChange?.values,
        }
      : undefined,
    enrollment: {
      pendingUntil: pending?.expiresAt ?? null,
      newCode: extra.newCode,
      canIssue: can(admin, 'manageCabinets') && cabinet.status === 'active',
    },
    appliances: entries
      .sort((a, b) => (a.enrolledAt < b.enrolledAt ? 1 : -1))
      .map((e) => {
        const row = fleetRow(e, cp.config.fleet, latest);
        return {
          applianceId: e.applianceId,
          instanceName: e.instanceName,
          version: e.version,
          enrolledAt: e.enrolledAt,
          revokedAt: revokedAt.get(e.applianceId) ?? null,
          lastHeartbeatAt: e.lastHeartbeatAt,
          status: e.revoked ? null : e.status,
          reasons: e.revoked ? [] : row.reasons,
          usage: usageFigures(e),
          limitFlag: e.commercial.flag,
          limitDetails: limitDetails(e),
          backupKnown: e.health !== null,
          lastBackupAt: e.health?.lastBackupAt ?? null,
          lastOffsiteBackupAt: e.health?.lastOffsiteBackupAt ?? null,
          offsiteReported: e.health?.lastOffsiteBackupAt !== undefined,
        };
      }),
    charts: current ? cabinetCharts(historySeries(current.history, now), terms.limits) : [],
    planHistory: [...cabinet.planHistory].reverse().map((h) => ({ effectiveAt: h.effectiveAt, plan: h.plan, status: h.status, by: h.by })),
    invoices: seeMoney ? extra.invoices : undefined,
    alerts: (await cp.monitor.alerts({ cabinetId: cabinet.id, limit: 10 })).map((a) => ({
      at: a.at,
      from: a.from,
      to: a.to,
      what: changeText(a.raised, a.cleared),
    })),
    now,
  };
}
