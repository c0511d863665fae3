/**
 * Upgrade requests from appliances (docs/protocol.md "Upgrade request", docs/billing.md): verified
 * like heartbeats against the key each appliance enrolled with, recorded once per nonce (`jti`) —
 * a copy sent again, by a replaying attacker or by the appliance's queue after a lost answer, is
 * refused `replayed_request` — and listed on the dashboard for the vendor to act on.
 */
import { z } from 'zod';
import { ProtocolError, verifyUpgradeRequest, type UpgradeRequestPayload } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../errors.js';
import type { UpgradeRequestStore } from '../storage/stores.js';
import { UPGRADE_REQUEST_STATUSES, type UpgradeRequestRecord, type UpgradeRequestStatus } from '../storage/upgradeRequestRecords.js';
import type { ApplianceKeys } from './heartbeatIngest.js';

/**
 * Open requests one appliance may have at once. A cabinet asks once and waits for the vendor's
 * call; the bound keeps an appliance's key (which its owner holds) from filling the file.
 */
export const MAX_OPEN_REQUESTS_PER_APPLIANCE = 5;

/** The list's filter, for the API (`status`) and the dashboard (`statut`) alike. */
export const upgradeRequestQuerySchema = z.strictObject({
  status: z.enum([...UPGRADE_REQUEST_STATUSES, 'all'], { error: 'must be open, handled or all' }).default('open'),
});
/** A request's id is its nonce (protocol/src/upgradeRequest.ts). */
export const upgradeRequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, { error: 'must be an upgrade request id' });

/** Reads the store on every call: with several nodes, another one may have recorded or handled a request. */
export class UpgradeRequestBook {
  constructor(
    private readonly store: UpgradeRequestStore,
    // Only the verification keys: the appliances' own store is another aggregate.
    private readonly appliances: ApplianceKeys,
    private readonly log: Logger,
  ) {}

  /**
   * Verifies and records a request; resolves once it is durable. Throws the protocol's rejection
   * codes, `replayed_request` for a nonce already recorded (by any node), `rate_limited` past the
   * open bound (counted under the appliance's lock in the store's transaction).
   */
  async accept(jws: string, now: Date, maxSkewSeconds: number): Promise<UpgradeRequestRecord> {
    const { payload } = await verifyUpgradeRequest(jws, { findAppliance: (id) => this.appliances.known(id), now, maxSkewSeconds });
    const record = toRecord(payload, jws, now);
    const outcome = await this.store.add(record, (open) => {
      if (open >= MAX_OPEN_REQUESTS_PER_APPLIANCE)
        throw new ControlPlaneError(
          'rate_limited',
          `this appliance already has ${open} upgrade requests waiting for the vendor: wait for the vendor's answer`,
          { open },
        );
    });
    if (outcome === 'replayed')
      throw new ProtocolError('replayed_request', `upgrade request ${payload.jti} was already received`, { id: payload.jti });
    this.log.info(
      { cabinetId: record.cabinetId, applianceId: record.applianceId, from: record.currentPlan, to: record.wantedPlan },
      'upgrade request received',
    );
    return record;
  }

  /** Newest first; open ones only unless `status` says otherwise. */
  list(options: { status?: UpgradeRequestStatus | 'all'; cabinetId?: string } = {}): Promise<UpgradeRequestRecord[]> {
    return this.store.list({ status: options.status ?? 'open', ...(options.cabinetId ? { cabinetId: options.cabinetId } : {}) });
  }

  /** The vendor acted on it (called the cabinet, changed the plan…): it leaves the list to act on. */
  async markHandled(id: string, by: string, now: Date): Promise<UpgradeRequestRecord> {
    const record = await this.store.markHandled(id, by, now);
    if (!record) throw new ControlPlaneError('not_found', `upgrade request "${id}" does not exist`, { what: 'upgrade request', id });
    return record;
  }
}

function toRecord(p: UpgradeRequestPayload, jws: string, now: Date): UpgradeRequestRecord {
  return {
    id: p.jti,
    applianceId: p.iss,
    cabinetId: p.sub,
    licenseId: p.licenseId,
    signedAt: new Date(p.iat * 1000).toISOString(),
    receivedAt: now.toISOString(),
    currentPlan: p.currentPlan,
    wantedPlan: p.wantedPlan,
    limits: p.limits,
    usage: p.usage,
    message: p.message ? p.message : null,
    jws,
    status: 'open',
    handledAt: null,
    handledBy: null,
  };
}
