/**
 * The cabinet as it goes out: enrollment code hashes never do; only whether a code is pending
 * and until when. Prices only to roles that see money.
 */
import type { EffectiveTerms } from '../domain/planCatalog.js';
import type { CabinetRecord } from '../storage/records.js';

export function presentCabinet(cabinet: CabinetRecord, terms: EffectiveTerms | undefined, options: { seeMoney: boolean; now: Date }) {
  const pending = cabinet.enrollmentCodes.find((c) => !c.usedAt && !c.supersededAt && Date.parse(c.expiresAt) > options.now.getTime());
  return {
    id: cabinet.id,
    name: cabinet.name,
    siret: cabinet.siret,
    address: cabinet.address,
    phone: cabinet.phone,
    email: cabinet.email,
    vatNumber: cabinet.vatNumber,
    plan: cabinet.plan,
    overrides: { ...cabinet.overrides },
    status: cabinet.status,
    effective: terms
      ? {
          limits: { ...terms.limits },
          aiModel: terms.aiModel,
          advancedFeatures: terms.advancedFeatures,
          overageAllowed: terms.overage.allowed,
          ...(options.seeMoney ? { priceCents: terms.priceCents, overagePricePerAnalysisCents: terms.overage.pricePerAnalysisCents } : {}),
        }
      : null,
    applianceId: cabinet.applianceId,
    enrollmentCodeExpiresAt: pending?.expiresAt ?? null,
    createdAt: cabinet.createdAt,
    updatedAt: cabinet.updatedAt,
    planHistory: cabinet.planHistory.map((h) => ({
      effectiveAt: h.effectiveAt,
      plan: h.plan,
      overrides: { ...h.overrides },
      status: h.status,
      by: h.by,
    })),
  };
}

export function presentCabinetSummary(cabinet: CabinetRecord) {
  return {
    id: cabinet.id,
    name: cabinet.name,
    plan: cabinet.plan,
    status: cabinet.status,
    applianceId: cabinet.applianceId,
    siret: cabinet.siret,
    email: cabinet.email,
  };
}
