/**
 * The cabinet store over today's files: DATA_DIR/cabinets, one JSON file per cabinet with its plan
 * history and enrollment codes inside (the format is unchanged, so an existing DATA_DIR keeps
 * working, and an unreadable file is handed to the caller's quarantine as before). One process
 * holds the DATA_DIR lock, so the files may stay in memory: every change is made in one
 * synchronous step on a copy, then written durably; readers get copies, as they would from
 * PostgreSQL, so nothing they change reaches the files behind the store's back.
 */
import path from 'node:path';
import { DomainError, NotFoundError } from '@iamanager/protocol';
import { DocumentCollection, type CollectionOptions, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../../errors.js';
import { cabinetRecordSchema, type ApplianceRecord, type CabinetRecord, type EnrollmentCodeRecord } from '../records.js';
import type { ApplianceStore, CabinetStore } from '../stores.js';

export class EmbeddedCabinetStore implements CabinetStore {
  /** Enrollment code hash → cabinet id, for every code ever issued (used ones answer "already used"). */
  private readonly codeIndex = new Map<string, string>();

  private constructor(
    private readonly docs: DocumentCollection<CabinetRecord>,
    private readonly appliances: ApplianceStore,
  ) {
    for (const cabinet of docs.values()) this.index(cabinet);
  }

  /**
   * Opens DATA_DIR/cabinets. `appliances` is where enrollment creates the new appliance and
   * revokes the previous one; `onUnreadable` takes a file that cannot be read (the quarantine).
   */
  static async open(
    dataDir: string,
    appliances: ApplianceStore,
    options: { log: Logger; onUnreadable: CollectionOptions<CabinetRecord>['onUnreadable'] },
  ): Promise<EmbeddedCabinetStore> {
    const docs = await DocumentCollection.open<CabinetRecord>(path.join(dataDir, 'cabinets'), {
      schema: cabinetRecordSchema,
      log: options.log,
      ...(options.onUnreadable ? { onUnreadable: options.onUnreadable } : {}),
    });
    return new EmbeddedCabinetStore(docs, appliances);
  }

  private index(cabinet: CabinetRecord): void {
    for (const code of cabinet.enrollmentCodes) this.codeIndex.set(code.hash, cabinet.id);
  }

  private doc(id: string): Document<CabinetRecord> {
    const doc = this.docs.get(id);
    if (!doc) throw new NotFoundError('cabinet', id);
    return doc;
  }

  get(id: string): Promise<CabinetRecord | undefined> {
    const doc = this.docs.get(id);
    return Promise.resolve(doc && structuredClone(doc.data));
  }

  // The live record: `update` replaces it whole (it changes a copy), so what a reader holds never
  // changes under it but for enrollment's claim, which touches neither the plan nor its history.
  peek(id: string): Promise<Readonly<CabinetRecord> | undefined> {
    return Promise.resolve(this.docs.get(id)?.data);
  }

  list(): Promise<CabinetRecord[]> {
    return Promise.resolve([...this.docs.values()].map((c) => structuredClone(c)).sort((a, b) => a.id.localeCompare(b.id)));
  }

  async create(record: CabinetRecord): Promise<void> {
    const valid = cabinetRecordSchema.parse(structuredClone(record));
    if (this.docs.has(valid.id)) throw alreadyExists(valid.id);
    try {
      await this.docs.create(valid.id, valid);
    } catch (err) {
      // The collection also refuses an id whose creation is still being written: the same refusal.
      if (err instanceof DomainError && err.code === 'already_exists') throw alreadyExists(valid.id);
      throw err;
    }
    this.index(valid);
  }

  async update(id: string, change: (cabinet: CabinetRecord) => void): Promise<CabinetRecord> {
    const doc = this.doc(id);
    // Changed on a copy, so a change that throws (a refusal) leaves the cabinet as it was.
    const next = structuredClone(doc.data);
    change(next);
    const valid = cabinetRecordSchema.parse(next);
    assertHistoryGrows(id, doc.data.planHistory.length, valid.planHistory.length);
    doc.data = valid;
    this.index(valid);
    // A failed write puts the file's content back in memory (the kernel's rollback) and throws.
    await doc.write();
    return structuredClone(valid);
  }

  async enroll(
    codeHash: string,
    now: Date,
    applianceIdFor: (cabinetId: string) => string,
    build: (cabinet: CabinetRecord, applianceId: string) => Promise<ApplianceRecord>,
  ): Promise<{ cabinet: CabinetRecord; appliance: ApplianceRecord }> {
    const cabinetId = this.codeIndex.get(codeHash);
    const doc = cabinetId ? this.docs.get(cabinetId) : undefined;
    const code = doc?.data.enrollmentCodes.find((c) => c.hash === codeHash);
    if (!doc || !code) throw unknownCode();
    const refused = refusal(code, now);
    if (refused) throw refused;
    if (doc.data.status !== 'active') {
      throw new ControlPlaneError('cabinet_not_active', `cabinet "${doc.data.id}" is ${doc.data.status}: contact your vendor`);
    }
    // The claim, in the same synchronous step as the checks: a second enrollment with this code,
    // arriving while this one signs its license, finds it used.
    const applianceId = applianceIdFor(doc.data.id);
    code.usedAt = now.toISOString();
    code.applianceId = applianceId;
    try {
      const appliance = await build(structuredClone(doc.data), applianceId);
      await this.appliances.create(appliance);
      const previous = doc.data.applianceId;
      if (previous && previous !== applianceId) {
        const old = await this.appliances.get(previous);
        if (old && !old.revokedAt) await this.appliances.revoke(previous, now);
      }
      doc.data.applianceId = applianceId;
      await doc.write();
      return { cabinet: structuredClone(doc.data), appliance };
    } catch (err) {
      // Looked up again: a change made meanwhile replaced the record (update works on a copy).
      const claimed = doc.data.enrollmentCodes.find((c) => c.hash === codeHash);
      if (claimed && claimed.applianceId === applianceId) {
        claimed.usedAt = null;
        claimed.applianceId = null;
      }
      throw err;
    }
  }
}

function assertHistoryGrows(id: string, before: number, after: number): void {
  if (after < before)
    throw new Error(`cabinet store: the plan history of ${id} only grows (it had ${before} entries, the change left ${after})`);
}

function alreadyExists(id: string): ControlPlaneError {
  return new ControlPlaneError('already_exists', `cabinet "${id}" already exists: choose another id`, { id });
}

function unknownCode(): ControlPlaneError {
  return new ControlPlaneError('invalid_enrollment_code', 'this enrollment code is unknown: check it, or ask your vendor for a new one');
}

/** Why a known code cannot be used now, or nothing when it can (the same messages as PostgreSQL's store). */
function refusal(code: EnrollmentCodeRecord, now: Date): ControlPlaneError | undefined {
  if (code.usedAt)
    return new ControlPlaneError('enrollment_code_used', 'this enrollment code was already used: ask your vendor for a new one');
  if (code.supersededAt)
    return new ControlPlaneError(
      'enrollment_code_used',
      'this enrollment code was replaced by a newer one: use the latest code your vendor gave you',
    );
  if (Date.parse(code.expiresAt) <= now.getTime())
    return new ControlPlaneError(
      'enrollment_code_expired',
      `this enrollment code expired on ${code.expiresAt}: ask your vendor for a new one`,
    );
  return undefined;
}
