/**
 * Per-appliance history of usage and resources, kept compact so 10 000 appliances stay cheap: two
 * fixed-size rings stored in the appliance record — 24 hourly and 30 daily buckets (UTC). A
 * heartbeat updates the bucket of its hour and of its day in place; a slot still holding an older
 * hour (or day) is reset first, so the rings never grow and a gap reads as empty. Updated in
 * memory on ingest and on journal replay, made durable by the ingest checkpoints like the rest of
 * the record: no write of its own.
 */
import type { HeartbeatPayload } from '@iamanager/protocol';
import type { ApplianceHistory, HistoryBucket } from '../storage/applianceRecordParts.js';

export {
  DAILY_BUCKETS,
  HOURLY_BUCKETS,
  applianceHistorySchema,
  emptyHistory,
  historyBucketSchema,
  type ApplianceHistory,
  type HistoryBucket,
} from '../storage/applianceRecordParts.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function addTo(ring: Array<HistoryBucket | null>, index: number, payload: HeartbeatPayload): () => void {
  const slot = index % ring.length;
  const before = ring[slot] ?? null;
  // A slot holding a later hour than this heartbeat's: the heartbeat is too old for the ring.
  if (before && before.index > index) return () => {};
  const { usage, health } = payload;
  const base = before && before.index === index ? before : undefined;
  ring[slot] = {
    index,
    heartbeats: (base?.heartbeats ?? 0) + 1,
    cpuLoadSum: (base?.cpuLoadSum ?? 0) + health.cpuLoad,
    memoryUsedSum: (base?.memoryUsedSum ?? 0) + health.memoryUsedRatio,
    diskFreeRatioMin: Math.min(base?.diskFreeRatioMin ?? 1, health.diskFreeRatio),
    errors24hMax: Math.max(base?.errors24hMax ?? 0, health.errors24h),
    analysesUsed: usage.analysesUsed,
    usersActive: usage.usersActive,
    casesOpen: usage.casesOpen,
    storageBytes: usage.storageBytes,
  };
  return () => {
    ring[slot] = before;
  };
}

/**
 * Adds a heartbeat to the rings at the time it was signed (`iat`: an air-gapped usage report
 * lands on the day it describes). Returns an undo, for when the heartbeat cannot be made durable.
 */
export function recordInHistory(history: ApplianceHistory, payload: HeartbeatPayload): () => void {
  const at = payload.iat * 1000;
  const undoHour = addTo(history.hourly, Math.floor(at / HOUR_MS), payload);
  const undoDay = addTo(history.daily, Math.floor(at / DAY_MS), payload);
  return () => {
    undoDay();
    undoHour();
  };
}

/** One point of a chart: null figures where no heartbeat arrived in that hour (day). */
export interface HistoryPoint {
  start: string;
  heartbeats: number;
  cpuLoad: number | null;
  memoryUsedRatio: number | null;
  diskFreeRatio: number | null;
  errors24h: number | null;
  analysesUsed: number | null;
  usersActive: number | null;
  casesOpen: number | null;
  storageBytes: number | null;
}

function series(ring: ReadonlyArray<HistoryBucket | null>, current: number, unitMs: number): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (let index = current - ring.length + 1; index <= current; index++) {
    const b = ring[index % ring.length];
    const start = new Date(index * unitMs).toISOString();
    if (!b || b.index !== index) {
      points.push({
        start,
        heartbeats: 0,
        cpuLoad: null,
        memoryUsedRatio: null,
        diskFreeRatio: null,
        errors24h: null,
        analysesUsed: null,
        usersActive: null,
        casesOpen: null,
        storageBytes: null,
      });
      continue;
    }
    points.push({
      start,
      heartbeats: b.heartbeats,
      cpuLoad: b.cpuLoadSum / b.heartbeats,
      memoryUsedRatio: b.memoryUsedSum / b.heartbeats,
      diskFreeRatio: b.diskFreeRatioMin,
      errors24h: b.errors24hMax,
      analysesUsed: b.analysesUsed,
      usersActive: b.usersActive,
      casesOpen: b.casesOpen,
      storageBytes: b.storageBytes,
    });
  }
  return points;
}

/** The last 24 hours and the last 30 days ending now, oldest first, one point per hour (day). */
export function historySeries(history: ApplianceHistory, now: Date): { hourly: HistoryPoint[]; daily: HistoryPoint[] } {
  const t = now.getTime();
  return { hourly: series(history.hourly, Math.floor(t / HOUR_MS), HOUR_MS), daily: series(history.daily, Math.floor(t / DAY_MS), DAY_MS) };
}
