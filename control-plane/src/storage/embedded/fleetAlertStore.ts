/**
 * Fleet alerts over today's file, DATA_DIR/fleet-alerts.json (same path, same format, the kernel's
 * durable document, written only when a check changed something). One process holds DATA_DIR and
 * a check's decision and its change are one synchronous step, so two checks at once are decided one
 * after the other. The file is derived state: one that cannot be read and has no last good copy is
 * handed to the quarantine and started afresh (the next check records every status again).
 */
import path from 'node:path';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, StorageError, type Document } from '@iamanager/kernel/storage';
import {
  fleetAlertsFileSchema,
  MAX_TRANSITIONS,
  type FleetAlertState,
  type FleetAlertsFile,
  type StatusTransition,
} from '../fleetAlertRecords.js';
import type { FleetAlertChange, FleetAlertStore, TransitionQuery } from '../stores.js';

export class EmbeddedFleetAlertStore implements FleetAlertStore {
  private constructor(private readonly doc: Document<FleetAlertsFile>) {}

  /** `onUnreadable` takes the file when it cannot be read (the record quarantine). */
  static async open(
    dataDir: string,
    options: { log: Logger; onUnreadable: (file: string, err: StorageError) => Promise<void> },
  ): Promise<EmbeddedFleetAlertStore> {
    const file = path.join(dataDir, 'fleet-alerts.json');
    const open = () =>
      openDocument<FleetAlertsFile>(file, { current: {}, transitions: [] }, { schema: fleetAlertsFileSchema, log: options.log });
    try {
      return new EmbeddedFleetAlertStore(await open());
    } catch (err) {
      if (!(err instanceof StorageError) || err.code !== 'storage_corrupt') throw err;
      await options.onUnreadable(file, err);
      return new EmbeddedFleetAlertStore(await open());
    }
  }

  current(): Promise<Map<string, FleetAlertState>> {
    return Promise.resolve(new Map(Object.entries(this.doc.data.current).map(([id, s]) => [id, structuredClone(s)])));
  }

  async record(decide: (current: ReadonlyMap<string, FleetAlertState>) => FleetAlertChange): Promise<FleetAlertChange> {
    const data = this.doc.data;
    const change = decide(new Map(Object.entries(data.current)));
    if (change.set.size === 0 && change.forget.length === 0 && change.transitions.length === 0) return change;
    // Applied before the first await: a second check started meanwhile decides on this one's result.
    for (const [id, state] of change.set) data.current[id] = structuredClone(state);
    for (const id of change.forget) delete data.current[id];
    data.transitions.push(...structuredClone(change.transitions));
    if (data.transitions.length > MAX_TRANSITIONS) data.transitions.splice(0, data.transitions.length - MAX_TRANSITIONS);
    // A failed write puts back what the file holds (the document's rollback): all or nothing.
    await this.doc.write();
    return change;
  }

  transitions(query: TransitionQuery): Promise<StatusTransition[]> {
    const out: StatusTransition[] = [];
    const all = this.doc.data.transitions;
    for (let i = all.length - 1; i >= 0 && out.length < query.limit; i--) {
      const t = all[i]!;
      if (query.applianceId && t.applianceId !== query.applianceId) continue;
      if (query.cabinetId && t.cabinetId !== query.cabinetId) continue;
      if (query.status && t.to !== query.status) continue;
      out.push(structuredClone(t));
    }
    return Promise.resolve(out);
  }
}
