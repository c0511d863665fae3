/**
 * Cabinets: the vendor's customers, one file each in DATA_DIR/cabinets. Every change to what a
 * license says (plan, overrides, status) is appended to `planHistory` with its date — billing
 * prorates from it — and bumps `licenseRevision`, so the cabinet's appliance gets a new license
 * in its next heartbeat response.
 */
import path from 'node:path';
import { NotFoundError, ValidationError } from '@iamanager/protocol';
import { DocumentCollection, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { cabinetRecordSchema, type CabinetRecord, type Overrides } from '../storage/records.js';
import type { CabinetPatch, NewCabinet, OverridesPatch } from './cabinetFields.js';
import { ENROLLMENT_CODE_TTL_DAYS, generateEnrollmentCode, hashEnrollmentCode } from './enrollmentCodes.js';
import type { PlanCatalog } from './planCatalog.js';
import type { RecordQuarantine } from './quarantine.js';
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
  /** Enrollment code hash → cabinet id, for every code ever issued (used ones answer "already used"). */
  private readonly codeIndex = new Map<string, string>();

  private constructor(
    private readonly docs: DocumentCollection<CabinetRecord>,
    private readonly plans: PlanCatalog,
  ) {
    for (const cabinet of docs.values()) for (const code of cabinet.enrollmentCodes) this.codeIndex.set(code.hash, cabinet.id);
  }

  static async open(dataDir: string, plans: PlanCatalog, log: Logger, quarantine: RecordQuarantine): Promise<CabinetRegistry> {
    const docs = await DocumentCollection.open<CabinetRecord>(path.join(dataDir, 'cabinets'), {
      schema: cabinetRecordSchema,
      log,
      onUnreadable: quarantine.take,
    });
    return new CabinetRegistry(docs, plans);
  }

  list(): CabinetRecord[] {
    return [...this.docs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  find(id: string): CabinetRecord | undefined {
    return this.docs.get(id)?.data;
  }

  private doc(id: string): Document<CabinetRecord> {
    const doc = this.docs.get(id);
    if (!doc) throw new NotFoundError('cabinet', id);
    return doc;
  }

  get(id: string): CabinetRecord {
    return this.doc(id).data;
  }

  private async checkPlan(planId: string): Promise<void> {
    if (!(await this.plans.find(planId))) {
      throw new ValidationError([`plan: unknown plan "${planId}": choose one of ${(await this.plans.list()).map((p) => p.id).join(', ')}`]);
    }
  }

  /** Creates a cabinet and its first enrollment code (shown once). */
  async createCabinet(input: NewCabinet, by: string, now: Date): Promise<{ cabinet: CabinetRecord; enrollmentCode: string }> {
    await this.checkPlan(input.plan);
    if (this.docs.has(input.id))
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
    const enrollmentCode = this.addEnrollmentCode(cabinet, now);
    await this.docs.create(cabinet.id, cabinet);
    return { cabinet, enrollmentCode };
  }

  /** Changes a cabinet. A change of plan, overrides or status is dated and issues a new license. */
  async updateCabinet(id: string, patch: CabinetPatch, by: string, now: Date): Promise<CabinetRecord> {
    const doc = this.doc(id);
    if (patch.plan !== undefined) await this.checkPlan(patch.plan);
    const cabinet = doc.data;
    const at = now.toISOString();
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
    const licensed = plan !== cabinet.plan || status !== cabinet.status || JSON.stringify(overrides) !== JSON.stringify(cabinet.overrides);
    if (licensed) {
      cabinet.plan = plan;
      cabinet.overrides = overrides;
      cabinet.status = status;
      cabinet.licenseRevision += 1;
      cabinet.planHistory.push({ effectiveAt: at, plan, overrides, status, by });
    }
    cabinet.updatedAt = at;
    await doc.write();
    return cabinet;
  }

  /** Issues a new enrollment code; earlier unused codes of the cabinet stop working. */
  async issueEnrollmentCode(id: string, now: Date): Promise<{ enrollmentCode: string; expiresAt: string }> {
    const doc = this.doc(id);
    if (doc.data.status !== 'active') {
      throw new ControlPlaneError(
        'cabinet_not_active',
        `cabinet "${id}" is ${doc.data.status}: reactivate it (cabinet update ${id} --status active) before enrolling`,
      );
    }
    const enrollmentCode = this.addEnrollmentCode(doc.data, now);
    await doc.write();
    return { enrollmentCode, expiresAt: doc.data.enrollmentCodes.at(-1)!.expiresAt };
  }

  private addEnrollmentCode(cabinet: CabinetRecord, now: Date): string {
    const at = now.toISOString();
    for (const code of cabinet.enrollmentCodes) if (!code.usedAt && !code.supersededAt) code.supersededAt = at;
    const enrollmentCode = generateEnrollmentCode();
    const hash = hashEnrollmentCode(enrollmentCode);
    cabinet.enrollmentCodes.push({
      hash,
      issuedAt: at,
      expiresAt: new Date(now.getTime() + ENROLLMENT_CODE_TTL_DAYS * DAY_MS).toISOString(),
      usedAt: null,
      applianceId: null,
      supersededAt: null,
    });
    this.codeIndex.set(hash, cabinet.id);
    return enrollmentCode;
  }

  /**
   * Claims an enrollment code for `applianceId` — in one synchronous step, so two enrollments
   * racing with the same code cannot both pass. Returns an undo for when enrollment fails later.
   */
  claimEnrollmentCode(
    code: string,
    applianceIdFor: (cabinetId: string) => string,
    now: Date,
  ): { cabinet: CabinetRecord; applianceId: string; undo: () => void } {
    const hash = hashEnrollmentCode(code);
    const cabinetId = this.codeIndex.get(hash);
    const cabinet = cabinetId ? this.find(cabinetId) : undefined;
    const record = cabinet?.enrollmentCodes.find((c) => c.hash === hash);
    if (!cabinet || !record)
      throw new ControlPlaneError('invalid_enrollment_code', 'this enrollment code is unknown: check it, or ask your vendor for a new one');
    if (record.usedAt)
      throw new ControlPlaneError('enrollment_code_used', 'this enrollment code was already used: ask your vendor for a new one');
    if (record.supersededAt)
      throw new ControlPlaneError(
        'enrollment_code_used',
        'this enrollment code was replaced by a newer one: use the latest code your vendor gave you',
      );
    if (Date.parse(record.expiresAt) <= now.getTime()) {
      throw new ControlPlaneError(
        'enrollment_code_expired',
        `this enrollment code expired on ${record.expiresAt}: ask your vendor for a new one`,
      );
    }
    if (cabinet.status !== 'active')
      throw new ControlPlaneError('cabinet_not_active', `cabinet "${cabinet.id}" is ${cabinet.status}: contact your vendor`);
    const applianceId = applianceIdFor(cabinet.id);
    record.usedAt = now.toISOString();
    record.applianceId = applianceId;
    return {
      cabinet,
      applianceId,
      undo: () => {
        record.usedAt = null;
        record.applianceId = null;
      },
    };
  }

  /** Makes the cabinet's in-memory changes durable (used by enrollment). */
  async save(id: string): Promise<void> {
    await this.doc(id).write();
  }
}
