/**
 * Heartbeat ingest (docs/protocol.md): verify the signed heartbeat with the appliance's enrolled
 * key, then hand it to the heartbeat store with the decision to run on the appliance's current
 * record (domain/heartbeatAdmission.ts: revoked, sequence, month and usage bounds, then the
 * change). The store counts a sequence once and resolves only once the heartbeat is durable —
 * the embedded journal's fsync or PostgreSQL's commit (storage/stores.ts `HeartbeatStore`) — so
 * the appliance is answered only for what survives a crash.
 */
import {
  DomainError,
  ProtocolError,
  verifyHeartbeat,
  type HeartbeatPayload,
  type KnownAppliance,
  type PlanLimits,
} from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import type { ApplianceRecord } from '../storage/records.js';
import type { HeartbeatEntry, HeartbeatStore } from '../storage/stores.js';
import { admitHeartbeat, replayHeartbeat } from './heartbeatAdmission.js';

/** Where verification finds an appliance's public key and state (the appliance registry). */
export interface ApplianceKeys {
  known(id: string): Promise<KnownAppliance | undefined>;
}

export interface IngestOptions {
  maxSkewSeconds: number;
  /** The largest limits a cabinet has had (usageBounds.largestLimits): what its counters are bounded by. */
  cabinetLimits: (cabinetId: string) => PlanLimits | Promise<PlanLimits>;
}

export class HeartbeatIngest {
  constructor(
    private readonly store: HeartbeatStore,
    private readonly keys: ApplianceKeys,
    private readonly options: IngestOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Verifies and records a heartbeat; resolves once it is durable. Throws a `DomainError` with
   * the rejection code otherwise.
   */
  async accept(
    jws: string,
    now: Date,
    options: { usageReport?: boolean } = {},
  ): Promise<{ payload: HeartbeatPayload; appliance: ApplianceRecord }> {
    const { payload, appliance } = await verifyHeartbeat(jws, {
      findAppliance: (id) => this.keys.known(id),
      now,
      maxSkewSeconds: this.options.maxSkewSeconds,
      // An air-gapped cabinet's usage report was signed days before the vendor uploads it.
      skipSkewCheck: options.usageReport === true,
    });
    const limits = await this.options.cabinetLimits(appliance.cabinetId);
    const entry: HeartbeatEntry = {
      applianceId: payload.iss,
      seq: payload.seq,
      receivedAt: now.toISOString(),
      jws,
      usageReport: options.usageReport === true,
    };
    const admission = { maxSkewSeconds: this.options.maxSkewSeconds, limits };
    try {
      const record = await this.store.record(entry, (current) => admitHeartbeat(current, payload, jws, now, admission, this.log));
      return { payload, appliance: record };
    } catch (err) {
      // Gone between verification and recording (its file quarantined): as if never enrolled.
      if (err instanceof DomainError && err.code === 'not_found') {
        throw new ProtocolError('unknown_appliance', `no appliance "${payload.iss}" is enrolled`);
      }
      throw err;
    }
  }
}

/** What the embedded store's journal replay runs on each record it kept (storage/embedded/heartbeatStore.ts). */
export function journalReplay(maxSkewSeconds: number, log: Logger): (record: ApplianceRecord, receivedAt: string, jws: string) => boolean {
  return (record, receivedAt, jws) => replayHeartbeat(record, receivedAt, jws, maxSkewSeconds, log);
}
