/**
 * Upgrade requests over today's file, DATA_DIR/upgrade-requests.json (same path, same format, the
 * kernel's durable document). One process holds DATA_DIR, and between the checks and the change
 * nothing awaits, so two copies of a request racing in cannot both be recorded.
 */
import path from 'node:path';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import type { UpgradeRequestStore } from '../stores.js';
import {
  upgradeRequestsFileSchema,
  type UpgradeRequestRecord,
  type UpgradeRequestStatus,
  type UpgradeRequestsFile,
} from '../upgradeRequestRecords.js';

export class EmbeddedUpgradeRequestStore implements UpgradeRequestStore {
  private constructor(private readonly doc: Document<UpgradeRequestsFile>) {}

  static async open(dataDir: string, log: Logger): Promise<EmbeddedUpgradeRequestStore> {
    const doc = await openDocument<UpgradeRequestsFile>(
      path.join(dataDir, 'upgrade-requests.json'),
      { requests: [] },
      { schema: upgradeRequestsFileSchema, log },
    );
    return new EmbeddedUpgradeRequestStore(doc);
  }

  async add(record: UpgradeRequestRecord, admit: (openOfAppliance: number) => void): Promise<'added' | 'replayed'> {
    const requests = this.doc.data.requests;
    if (requests.some((r) => r.id === record.id)) return 'replayed';
    admit(requests.filter((r) => r.applianceId === record.applianceId && r.status === 'open').length);
    // A copy: the caller keeping the record it gave must not change the file's state behind its back.
    requests.push(structuredClone(record));
    await this.doc.write();
    return 'added';
  }

  list(filter: { status: UpgradeRequestStatus | 'all'; cabinetId?: string }): Promise<UpgradeRequestRecord[]> {
    return Promise.resolve(
      this.doc.data.requests
        .filter((r) => (filter.status === 'all' || r.status === filter.status) && (!filter.cabinetId || r.cabinetId === filter.cabinetId))
        .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
        .map((r) => structuredClone(r)),
    );
  }

  async markHandled(id: string, by: string, now: Date): Promise<UpgradeRequestRecord | undefined> {
    const record = this.doc.data.requests.find((r) => r.id === id);
    if (!record) return undefined;
    if (record.status === 'open') {
      record.status = 'handled';
      record.handledAt = now.toISOString();
      record.handledBy = by;
      await this.doc.write();
    }
    return structuredClone(record);
  }
}
