/**
 * The decision on one verified heartbeat, the same whichever store records it (embedded journal or
 * PostgreSQL, storage/stores.ts `HeartbeatStore.record`): the store hands over the appliance's
 * current record — under its lock, after its own "sequence counted once" rule — and this refuses
 * or applies, synchronously, so the checks and the change cannot drift between the backends and
 * nothing can come between the check and the change.
 *
 * Refusals: a revoked key, a sequence not above the last accepted one, then what the appliance
 * claims (domain/usageBounds.ts: the month, the counters against the cabinet's limits and the
 * month's counters already accepted). Applying moves `lastSeq`, the latest health, the month's
 * signed counters, the history rings and the license judgement, and prunes old months.
 */
import { ProtocolError, heartbeatPayloadSchema, type HeartbeatPayload, type PlanLimits } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { decodeJwt } from 'jose';
import type { ApplianceRecord } from '../storage/records.js';
import { recordInHistory } from './applianceHistory.js';
import { judgeHeartbeat } from './licenseConformity.js';
import { acceptedMonths, checkMonth, checkUsage, pruneMonths, type UsageRefusal } from './usageBounds.js';

export interface AdmissionOptions {
  maxSkewSeconds: number;
  /** The largest limits the cabinet has had (usageBounds.largestLimits): what its counters are bounded by. */
  limits: PlanLimits;
}

/**
 * Applies an accepted heartbeat to the record (on accept and on journal replay alike, so the
 * history rings rebuild from the journal after a crash), keeping only the months `newestMonth`
 * allows (usageBounds.pruneMonths). Returns an undo for a store that could not make it durable.
 */
export function applyHeartbeat(
  record: ApplianceRecord,
  payload: HeartbeatPayload,
  receivedAt: string,
  jws: string,
  newestMonth: string,
): () => void {
  const before = {
    lastSeq: record.lastSeq,
    lastHeartbeatAt: record.lastHeartbeatAt,
    health: record.health,
    previousErrors24h: record.previousErrors24h,
    month: record.months[payload.month],
  };
  record.lastSeq = payload.seq;
  record.lastHeartbeatAt = receivedAt;
  record.previousErrors24h = record.health?.errors24h ?? null;
  record.health = payload.health;
  const month = record.months[payload.month];
  if (!month || month.seq < payload.seq) record.months[payload.month] = { seq: payload.seq, usage: payload.usage, receivedAt, jws };
  const pruned = pruneMonths(record.months, newestMonth);
  const undoHistory = recordInHistory(record.history, payload);
  const undoJudgement = judgeHeartbeat(record, payload, receivedAt);
  return () => {
    // Only while no later heartbeat has moved the record on.
    if (record.lastSeq !== payload.seq) return;
    undoJudgement();
    undoHistory();
    record.lastSeq = before.lastSeq;
    record.lastHeartbeatAt = before.lastHeartbeatAt;
    record.health = before.health;
    record.previousErrors24h = before.previousErrors24h;
    Object.assign(record.months, pruned);
    if (before.month) record.months[payload.month] = before.month;
    else delete record.months[payload.month];
  };
}

/**
 * Decides on a verified heartbeat received at `now`: throws the refusal (a `ProtocolError` or a
 * `UsageRefusal`, with its stable code) or applies it and returns the undo.
 */
export function admitHeartbeat(
  record: ApplianceRecord,
  payload: HeartbeatPayload,
  jws: string,
  now: Date,
  options: AdmissionOptions,
  log: Logger,
): () => void {
  // Verification was awaited: what it saw of the record may have changed since.
  if (record.revokedAt) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');
  if (payload.seq <= record.lastSeq) {
    throw new ProtocolError('replayed_sequence', `seq ${payload.seq} is not above the last accepted ${record.lastSeq}`, {
      lastSeq: record.lastSeq,
    });
  }
  // Signed by the appliance, but its owner holds that key: bound what it claims before it counts.
  try {
    checkMonth(payload.month, now, options.maxSkewSeconds);
    checkUsage(payload.usage, options.limits, record.months[payload.month], payload.month);
  } catch (err) {
    // `/metrics` counts refusals by reason only: the log tells the vendor which cabinet.
    log.warn(
      {
        applianceId: record.id,
        cabinetId: record.cabinetId,
        seq: payload.seq,
        code: (err as UsageRefusal).code,
        reason: (err as Error).message,
      },
      'heartbeat refused for what it claims',
    );
    throw err;
  }
  return applyHeartbeat(record, payload, now.toISOString(), jws, acceptedMonths(now, options.maxSkewSeconds).newest);
}

/** The payload of a journaled heartbeat (verified before it was journaled), or undefined if damaged. */
function journaledPayload(jws: string): HeartbeatPayload | undefined {
  try {
    const parsed = heartbeatPayloadSchema.safeParse(decodeJwt(jws));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replays a heartbeat the embedded journal kept (accepted once, so not checked again) if its
 * sequence is above the record's — what a checkpoint already wrote is not counted twice. Only the
 * months kept follow the receipt time. True when it was applied.
 */
export function replayHeartbeat(record: ApplianceRecord, receivedAt: string, jws: string, maxSkewSeconds: number, log: Logger): boolean {
  const payload = journaledPayload(jws);
  if (!payload) {
    log.error({ applianceId: record.id }, 'heartbeat journal: skipped a record whose payload does not parse');
    return false;
  }
  if (payload.seq <= record.lastSeq) return false;
  applyHeartbeat(record, payload, receivedAt, jws, acceptedMonths(new Date(receivedAt), maxSkewSeconds).newest);
  return true;
}
