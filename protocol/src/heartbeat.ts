/**
 * Signed usage heartbeats: the appliance signs with its own key; the control plane verifies the
 * signature against the key registered at enrollment, then the schema, the cabinet, the clock and
 * the sequence. Each failure is one stable code, counted by reason in `/metrics`.
 */
import type { KeyObject } from 'node:crypto';
import { signApplianceJws, verifyApplianceJws, type FindAppliance, type KnownAppliance } from './applianceJws.js';
import { ProtocolError } from './errors.js';
import { HEARTBEAT_TYP, heartbeatPayloadSchema, type HeartbeatPayload } from './schemas.js';

export { DEFAULT_MAX_SKEW_SECONDS, type KnownAppliance } from './applianceJws.js';

/** Larger than any honest heartbeat (≈1 KiB) by far; anything bigger is refused unread. */
export const MAX_HEARTBEAT_BYTES = 8 * 1024;

export async function signHeartbeat(payload: HeartbeatPayload, privateKey: KeyObject): Promise<string> {
  return signApplianceJws(HEARTBEAT_TYP, heartbeatPayloadSchema.parse(payload), privateKey);
}

export interface VerifyHeartbeatOptions {
  findAppliance: FindAppliance;
  now?: Date;
  maxSkewSeconds?: number;
  /** Air-gap usage reports are verified like heartbeats, but were signed days earlier. */
  skipSkewCheck?: boolean;
}

export interface VerifiedHeartbeat {
  payload: HeartbeatPayload;
  appliance: KnownAppliance;
}

/**
 * Verifies a heartbeat (`verifyApplianceJws`), then its sequence. The sequence check here reads
 * `lastSeq`; the caller must record the new sequence in the same synchronous step as it accepts
 * the heartbeat, so two copies racing in cannot both pass.
 */
export async function verifyHeartbeat(jws: string, options: VerifyHeartbeatOptions): Promise<VerifiedHeartbeat> {
  const { payload, appliance } = await verifyApplianceJws(jws, {
    ...options,
    typ: HEARTBEAT_TYP,
    schema: heartbeatPayloadSchema,
    label: 'heartbeat',
    maxBytes: MAX_HEARTBEAT_BYTES,
  });
  if (payload.seq <= appliance.lastSeq) {
    throw new ProtocolError('replayed_sequence', `seq ${payload.seq} is not above the last accepted ${appliance.lastSeq}`, {
      lastSeq: appliance.lastSeq,
    });
  }
  return { payload, appliance };
}
