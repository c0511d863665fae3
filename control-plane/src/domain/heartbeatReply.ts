/**
 * What the control plane answers to an accepted heartbeat: the interval, the latest appliance
 * version, and a license when the appliance is not running the current one — after a plan,
 * override or status change, when half the validity has run (renewal), or when an earlier answer
 * carrying it was lost (a v2 heartbeat names the license in use; v1 reports its `licenseExpiresAt`).
 * Every answer carries a receipt: the control plane's signed time and the appliance's audit anchors.
 */
import type { HeartbeatPayload, HeartbeatResponse } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import type { Config } from '../config.js';
import type { ApplianceRecord } from '../storage/records.js';
import type { ApplianceStore } from '../storage/stores.js';
import type { CabinetRegistry } from './cabinets.js';
import { replaceLicense, runsLicense } from './licenseConformity.js';
import { issueLicense, licenseIsStale, type IssuedLicense, type LicenseIssuer } from './licenses.js';
import { receiptFor } from './vendorReceipt.js';

export interface ReplyContext extends LicenseIssuer {
  config: LicenseIssuer['config'] & Pick<Config, 'heartbeatIntervalSeconds' | 'latestApplianceVersion' | 'latestApplianceNotes'>;
  cabinets: CabinetRegistry;
  /** Where the answer's changes go (the license renewed, the offers counted): under the appliance's lock. */
  appliances: Pick<ApplianceStore, 'update'>;
  log: Logger;
}

export async function replyToHeartbeat(
  ctx: ReplyContext,
  appliance: ApplianceRecord,
  payload: HeartbeatPayload,
  now: Date,
  options: { readsOffers?: boolean } = {},
): Promise<HeartbeatResponse> {
  const reply: HeartbeatResponse = { accepted: true, heartbeatIntervalSeconds: ctx.config.heartbeatIntervalSeconds };
  if (ctx.config.latestApplianceVersion) reply.latestVersion = ctx.config.latestApplianceVersion;
  if (ctx.config.latestApplianceNotes) reply.latestVersionNotes = ctx.config.latestApplianceNotes;
  // Its signed time becomes the appliance's clock floor; its anchors what `audit verify` checks.
  try {
    reply.receipt = await receiptFor(ctx, appliance, now);
  } catch (err) {
    // The heartbeat is durable and accepted: the next answer carries a receipt.
    ctx.log.error({ err, applianceId: appliance.id }, 'could not sign a receipt');
  }
  const cabinet = await ctx.cabinets.find(appliance.cabinetId);
  if (!cabinet) return reply;
  // An appliance updated to read the contact and offers claims says so on each heartbeat; its
  // license is then issued again with them (and without them, should it stop saying it).
  const readsOffers = options.readsOffers === true;
  // What the new license replaces, read before the signing's await: the record the ingest returned
  // may be changed meanwhile (on the files it is the live one).
  const basedOn = appliance.license.jti;
  let fresh: IssuedLicense | undefined;
  try {
    if (licenseIsStale(appliance.license, cabinet, ctx.config.licenseValidityDays, now) || appliance.license.withOffers !== readsOffers)
      fresh = await issueLicense(ctx, cabinet, appliance.id, now, appliance.license, { withOffers: readsOffers });
  } catch (err) {
    // The heartbeat itself is durable and accepted; the license will be offered again next time.
    ctx.log.error({ err, applianceId: appliance.id }, 'could not issue a new license');
    return reply;
  }
  // Nothing to record (the usual heartbeat, and one not running its license: the offer was
  // counted with the heartbeat, licenseConformity.judgeHeartbeat): no write.
  if (!fresh && readsOffers === appliance.readsOffers) {
    if (!runsLicense(appliance, payload)) reply.license = appliance.license.jws;
    return reply;
  }
  let current: ApplianceRecord;
  try {
    // Under the appliance's lock, on its latest record: a heartbeat recorded meanwhile (on another
    // node too) keeps its effect, and so does this change.
    current = await ctx.appliances.update(appliance.id, (record) => {
      record.readsOffers = readsOffers;
      // Renewed meanwhile by another answer (another node): that license stands, this one is dropped.
      if (fresh && record.license.jti === basedOn) {
        replaceLicense(record, fresh);
        // This answer is the new license's first offer: an appliance that keeps refusing it is in
        // mismatch (licenseConformity.ts).
        if (!runsLicense(record, payload)) record.licenseOffers = 1;
      }
    });
  } catch (err) {
    ctx.log.error({ err, applianceId: appliance.id }, 'could not issue a new license');
    return reply;
  }
  if (!runsLicense(current, payload)) reply.license = current.license.jws;
  return reply;
}
