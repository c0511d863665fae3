/**
 * Fleet alerts as the control plane keeps them (domain/fleetMonitor.ts): each appliance's status as
 * last recorded, and the transitions between statuses. On the files, one document,
 * DATA_DIR/fleet-alerts.json `{ current: { [applianceId]: state }, transitions: [...] }`, oldest
 * transition first; on PostgreSQL, `fleet_alerts_current` and `fleet_alert_transitions` rows holding
 * the same shapes as jsonb.
 */
import { z } from 'zod';

export const FLEET_STATUSES = ['healthy', 'pending', 'warning', 'critical', 'stale', 'offline'] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

/** How many transitions are kept, newest first: a bounded history, not an archive. */
export const MAX_TRANSITIONS = 10_000;

const statusSchema = z.enum(FLEET_STATUSES);
const reasonSchema = z.object({
  code: z.string(),
  level: z.string(),
  message: z.string(),
  since: z.string().nullable(),
  value: z.union([z.number(), z.string()]).nullable(),
});

export const statusTransitionSchema = z.object({
  applianceId: z.string(),
  cabinetId: z.string(),
  /** null: the first status recorded for this appliance (only recorded when it is not healthy). */
  from: statusSchema.nullable(),
  to: statusSchema,
  at: z.string(),
  /** Reason codes that appeared and that cleared with this change. */
  raised: z.array(z.string()),
  cleared: z.array(z.string()),
  /** Every reason that holds after the change. */
  reasons: z.array(reasonSchema),
});
export type StatusTransition = z.infer<typeof statusTransitionSchema>;

/** An appliance's status as last recorded, since when, and the reason codes behind it (sorted). */
export const fleetAlertStateSchema = z.object({ status: statusSchema, since: z.string(), codes: z.array(z.string()) });
export type FleetAlertState = z.infer<typeof fleetAlertStateSchema>;

export const fleetAlertsFileSchema = z.object({
  current: z.record(z.string(), fleetAlertStateSchema),
  transitions: z.array(statusTransitionSchema),
});
export type FleetAlertsFile = z.infer<typeof fleetAlertsFileSchema>;
