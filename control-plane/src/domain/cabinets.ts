/**
 * Cabinets: the vendor's customers, kept by a `CabinetStore` (DATA_DIR/cabinets, or PostgreSQL).
 * Every change to what a license says (plan, overrides, status) is appended to `planHistory` with
 * its date — billing prorates from it — and bumps `licenseRevision`, so the cabinet's appliance
 * gets a new license in its next heartbeat response.
 *
 * The registry keeps nothing in memory: with several nodes on one database another node may have
 * changed a cabinet since, so each call reads from the store, and each change is decided inside
 * `store.update` (under the cabinet's lock) or `store.enroll` (which claims the code once).
 */
import { NotFoundError, ValidationError } from '@iamanager/protocol';
import type { ApplianceRecord, CabinetRecord, Overrides } from '../storage/records.js';
import type { CabinetStore } from '../storage/stores.js';
import type { CabinetPatch, NewCabinet, OverridesPatch } from './cabinetFields.js';
import { ENROLLMENT_CODE_TTL_DAYS, generateEnrollmentCode, hashEnrollmentCode } from './enrollmentCodes.js';
import type { PlanCatalog } from './planCatalog.js';
import { ControlPlaneError } from '../errors.js';

const DAY_MS = 86_400_000;

function applyOverrides(current: Overrides, patch: OverridesPatch | undefined): Overrides {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as Overrides;
}

/**
 * The VAT number of a French business is built on its SIREN, the first nine digits of its SIRET:
 * one that names another business would be printed on its invoices as the customer's.
 */
function checkVatMatchesSiret(cabinet: { siret: string | null; vatNumber: string | null }): void {
  if (!cabinet.siret || !cabinet.vatNumber || cabinet.vatNumber.slice(4) === cabinet.siret.slice(0, 9)) return;
  throw new ValidationError([
    `vatNumber: ${cabinet.vatNumber} is the VAT number of SIREN ${cabinet.vatNumber.slice(4)}, but the SIRET ${cabinet.siret} is of SIREN ${cabinet.siret.slice(0, 9)}: give the VAT number of the same business (FR + key + ${cabinet.siret.slice(0, 9)})`,
  ]);
}

export class CabinetRegistry {
  constructor(
    private readonly store: CabinetStore,
    private readonly plans: PlanCatalog,
  ) {}

  /** Every cabinet, by id. */
  async list(): Promise<CabinetRecord[]> {
    return (await this.store.list()).sort((a, b) => a.id.localeCompare(b.id));
  }

  find(id: string): Promise<CabinetRecord | undefined> {
    return this.store.get(id);
  }

  /** `find` without a copy on the files: to read at once, never to change (CabinetStore.peek) — the heartbeat ingest's path. */
  peek(id: string): Promise<Readonly<CabinetRecord> | undefined> {
    return this.store.peek(id);
  }

  /** The cabinet `id`; `not_found` when there is none. */
  async get(id: string): Promise<CabinetRecord> {
    const cabinet = await this.store.get(id);
    if (!cabinet) throw new NotFoundError('cabinet', id);
    return cabinet;
  }

  private async checkPlan(planId: string): Promise<void> {
    if (!(await this.plans.find(planId))) {
      throw new ValidationError([`plan: unknown plan "${planId}": choose one of ${(await this.plans.list()).map((p) => p.id).join(', ')}`]);
    }
  }

  /** Creates a cabinet and its first enrollment code (shown once). */
  async createCabinet(input: NewCabinet, by: string, now: Date): Promise<{ cabinet: CabinetRecord; enrollmentCode: string }> {
    await this.checkPlan(input.plan);
    // Asked before the VAT check, so a taken id is what is reported first; the store refuses it
    // again (`already_exists`) should another node create the same id meanwhile.
    if (await this.store.get(input.id))
      throw new ControlPlaneError('already_exists', `cabinet "${input.id}" already exists: choose another id`, { id: input.id });
    const at = now.toISOString();
    const overrides = applyOverrides({}, input.overrides);
    const cabinet: CabinetRecord = {
      id: input.id,
      name: input.name,
      siret: input.siret ?? null,
      address: input.address ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      vatNumber: input.vatNumber ?? null,
      plan: input.plan,
      overrides,
      status: 'active',
      createdAt: at,
      updatedAt: at,
      licenseRevision: 1,
      planHistory: [{ effectiveAt: at, plan: input.plan, overrides, status: 'active', by }],
      enrollmentCodes: [],
      applianceId: null,
    };
    checkVatMatchesSiret(cabinet);
    const enrollmentCode = addEnrollmentCode(cabinet, now);
    await this.store.create(cabinet);
    return { cabinet, enrollmentCode };
  }

  /** Changes a cabinet. A change of plan, overrides or status is dated and issues a new license. */
  async updateCabinet(id: string, patch: CabinetPatch, by: string, now: Date): Promise<CabinetRecord> {
    if (patch.plan !== undefined) await this.checkPlan(patch.plan);
    const at = now.toISOString();
    // Decided on the cabinet as the store holds it under its lock, not on an earlier read.
    return this.store.update(id, (cabinet) => {
      const contact = ['name', 'siret', 'address', 'phone', 'email', 'vatNumber'] as const;
      checkVatMatchesSiret({
        siret: patch.siret === undefined ? cabinet.siret : patch.siret,
        vatNumber: patch.vatNumber === undefined ? cabinet.vatNumber : patch.vatNumber,
      });
      for (const field of contact) {
        const value = patch[field];
        if (value !== undefined) (cabinet as Record<string, unknown>)[field] = value;
      }
      const plan = patch.plan ?? cabinet.plan;
      const overrides = applyOverrides(cabinet.overrides, patch.overrides);
      const status = patch.status ?? cabinet.status;
      const licensed =
        plan !== cabinet.plan || status !== cabinet.status || JSON.stringify(overrides) !== JSON.stringify(cabinet.overrides);
      if (licensed) {
        cabinet.plan = plan;
        cabinet.overrides = overrides;
        cabinet.status = status;
        cabinet.licenseRevision += 1;
        cabinet.planHistory.push({ effectiveAt: at, plan, overrides, status, by });
      }
      cabinet.updatedAt = at;
    });
  }

  /** Issues a new enrollment code; earlier unused codes of the cabinet stop working. */
  async issueEnrollmentCode(id: string, now: Date): Promise<{ enrollmentCode: string; expiresAt: string }> {
    let enrollmentCode = '';
    const cabinet = await this.store.update(id, (c) => {
      if (c.status !== 'active') {
        throw new ControlPlaneError(
          'cabinet_not_active',
          `cabinet "${id}" is ${c.status}: reactivate it (cabinet update ${id} --status active) before enrolling`,
        );
      }
      enrollmentCode = addEnrollmentCode(c, now);
    });
    return { enrollmentCode, expiresAt: cabinet.enrollmentCodes.at(-1)!.expiresAt };
  }

  /**
   * Enrolls an appliance with a one-time code, once whatever the number of nodes: the store claims
   * the code (`invalid_enrollment_code`, `enrollment_code_used`, `enrollment_code_expired`,
   * `cabinet_not_active` otherwise, the code left unused), `build` makes the appliance's record for
   * the cabinet and its new id, and the store creates it, revokes the cabinet's previous appliance
   * and points the cabinet to the new one, all together.
   */
  enroll(
    code: string,
    now: Date,
    applianceIdFor: (cabinetId: string) => string,
    build: (cabinet: CabinetRecord, applianceId: string) => Promise<ApplianceRecord>,
  ): Promise<{ cabinet: CabinetRecord; appliance: ApplianceRecord }> {
    return this.store.enroll(hashEnrollmentCode(code), now, applianceIdFor, build);
  }
}

/** Adds a new code to `cabinet` (its earlier unused codes superseded) and returns it in clear, the only time it is seen. */
function addEnrollmentCode(cabinet: CabinetRecord, now: Date): string {
  const at = now.toISOString();
  for (const code of cabinet.enrollmentCodes) if (!code.usedAt && !code.supersededAt) code.supersededAt = at;
  const enrollmentCode = generateEnrollmentCode();
  cabinet.enrollmentCodes.push({
    hash: hashEnrollmentCode(enrollmentCode),
    issuedAt: at,
    expiresAt: new Date(now.getTime() + ENROLLMENT_CODE_TTL_DAYS * DAY_MS).toISOString(),
    usedAt: null,
    applianceId: null,
    supersededAt: null,
  });
  return enrollmentCode;
}
