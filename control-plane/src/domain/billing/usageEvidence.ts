/**
 * The signed usage behind an invoice. For each cabinet, the month's final counters are those of
 * the last heartbeat (or uploaded usage report) received for that month from any of its
 * appliances — after a re-enrollment the new appliance carries the month on. The JWS is kept
 * with the invoice, so a disputed overage can be proven with the appliance's own signature
 * long after the appliance has moved on.
 */
import { createHash } from 'node:crypto';
import { type Ed25519PublicJwk } from '@iamanager/protocol';
import type { ApplianceStore } from '../../storage/stores.js';
import type { InvoiceRecord, UsageRecord } from '../../storage/billingRecords.js';
import { ControlPlaneError } from '../../errors.js';
import { decodeJwt } from 'jose';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every cabinet's final signed usage for `month`, in one pass over the appliances (one listing). */
export async function monthUsageByCabinet(appliances: Pick<ApplianceStore, 'list'>, month: string): Promise<Map<string, UsageRecord>> {
  const best = new Map<string, UsageRecord>();
  for (const appliance of await appliances.list()) {
    const m = appliance.months[month];
    if (!m) continue;
    const current = best.get(appliance.cabinetId);
    if (current && current.receivedAt >= m.receivedAt) continue;
    best.set(appliance.cabinetId, {
      applianceId: appliance.id,
      seq: m.seq,
      receivedAt: m.receivedAt,
      jwsSha256: sha256Hex(m.jws),
      jws: m.jws,
      analysesUsed: m.usage.analysesUsed,
      analysesOverage: m.usage.analysesOverage,
    });
  }
  return best;
}

export interface InvoiceEvidence {
  invoiceNumber: string;
  cabinetId: string;
  month: string;
  applianceId: string;
  seq: number;
  receivedAt: string;
  /** Hex SHA-256 of the JWS text, as printed on the invoice. */
  jwsSha256: string;
  /** The compact JWS (`typ: heartbeat+jwt`), signed with the appliance's Ed25519 key. */
  jws: string;
  /** The key the appliance registered at enrollment: verify the JWS with it (alg EdDSA). */
  publicKey: Ed25519PublicJwk;
  /** The decoded payload, for reading; the JWS is what proves it. */
  payload: unknown;
}

/** The evidence of an invoice's usage lines, with what a third party needs to verify it. */
export async function invoiceEvidence(invoice: InvoiceRecord, appliances: Pick<ApplianceStore, 'get'>): Promise<InvoiceEvidence> {
  const usage = invoice.usage;
  if (!usage)
    throw new ControlPlaneError(
      'no_usage_evidence',
      `invoice ${invoice.number} has no signed usage (no heartbeat or usage report was received for ${invoice.month})`,
    );
  const appliance = await appliances.get(usage.applianceId);
  if (!appliance)
    throw new ControlPlaneError(
      'no_usage_evidence',
      `appliance ${usage.applianceId} that signed the usage of ${invoice.number} is unknown`,
    );
  return {
    invoiceNumber: invoice.number,
    cabinetId: invoice.cabinetId,
    month: invoice.month,
    applianceId: usage.applianceId,
    seq: usage.seq,
    receivedAt: usage.receivedAt,
    jwsSha256: usage.jwsSha256,
    jws: usage.jws,
    publicKey: appliance.publicKey,
    payload: decodeJwt(usage.jws) as unknown,
  };
}
