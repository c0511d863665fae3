/**
 * Enrolled appliances, one file each in DATA_DIR/appliances: the public key registered at
 * enrollment, the current license, and the heartbeat state (last sequence, latest health, and per
 * month the counters of the highest-sequence heartbeat with the signed JWS that carried them).
 * Heartbeat state reaches these files through the ingest journal's checkpoints.
 */
import path from 'node:path';
import { NotFoundError, verificationKey, type KnownAppliance } from '@iamanager/protocol';
import { DocumentCollection, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { applianceRecordSchema, type ApplianceRecord } from '../storage/records.js';
import type { RecordQuarantine } from './quarantine.js';

export class ApplianceRegistry {
  /** Parsed public keys, so the hot path never re-imports a JWK. */
  private readonly keys = new Map<string, KnownAppliance['publicKey']>();

  private constructor(private readonly docs: DocumentCollection<ApplianceRecord>) {}

  static async open(dataDir: string, log: Logger, quarantine: RecordQuarantine): Promise<ApplianceRegistry> {
    // No rollback on a failed write: heartbeat state is journaled first and stays ahead of these
    // files in memory until a checkpoint succeeds (a rollback would let a counted seq in again).
    const docs = await DocumentCollection.open<ApplianceRecord>(path.join(dataDir, 'appliances'), {
      schema: applianceRecordSchema,
      log,
      rollbackOnFailure: false,
      // Its heartbeats are then refused as from an unknown appliance; its journal records are skipped.
      onUnreadable: quarantine.take,
    });
    return new ApplianceRegistry(docs);
  }

  list(): ApplianceRecord[] {
    return [...this.docs.values()];
  }

  find(id: string): ApplianceRecord | undefined {
    return this.docs.get(id)?.data;
  }

  private doc(id: string): Document<ApplianceRecord> {
    const doc = this.docs.get(id);
    if (!doc) throw new NotFoundError('appliance', id);
    return doc;
  }

  /** What heartbeat verification needs to know about an appliance (its key imported once, then cached). */
  async known(id: string): Promise<KnownAppliance | undefined> {
    if (!this.docs.get(id)) return undefined;
    let publicKey = this.keys.get(id);
    if (!publicKey) {
      publicKey = await verificationKey(this.docs.get(id)!.data.publicKey);
      this.keys.set(id, publicKey);
    }
    const record = this.docs.get(id)!.data;
    return { publicKey, cabinetId: record.cabinetId, revoked: record.revokedAt !== null, lastSeq: record.lastSeq };
  }

  async create(record: ApplianceRecord): Promise<void> {
    await this.docs.create(record.id, record);
  }

  /** Revokes an appliance key: its heartbeats are refused from now on (`revoked_appliance`). */
  async revoke(id: string, now: Date): Promise<void> {
    const doc = this.doc(id);
    if (doc.data.revokedAt) return;
    doc.data.revokedAt = now.toISOString();
    await doc.write();
  }

  /**
   * Changes an appliance (ApplianceStore.update) on the one record the heartbeat journal also
   * changes and checkpoints, so there is one writer per appliance file: the change runs on a copy
   * (a refusal, thrown half-way, leaves nothing changed), is copied into the live record in the
   * same synchronous step — no heartbeat can come between, and a heartbeat's undo still holds the
   * object it changed — and the file is written with everything the record holds by then (the
   * document's writes are queued and coalesced, so a checkpoint's write and this one cannot undo
   * each other). A failed write leaves the change in memory, like a heartbeat's before its
   * checkpoint: the next write of the file (a checkpoint, another update) carries it.
   */
  async update(id: string, change: (record: ApplianceRecord) => void): Promise<ApplianceRecord> {
    const doc = this.doc(id);
    const draft = structuredClone(doc.data);
    change(draft);
    if (draft.id !== id) throw new Error(`appliance update: the change moved the record's id from ${id} to ${draft.id}`);
    const live = doc.data as unknown as Record<string, unknown>;
    for (const key of Object.keys(live)) if (!(key in draft)) delete live[key];
    Object.assign(live, draft);
    await doc.write();
    return doc.data;
  }

  /** Makes the appliance's in-memory state durable (heartbeat checkpoints). */
  async save(id: string): Promise<void> {
    await this.doc(id).write();
  }
}
