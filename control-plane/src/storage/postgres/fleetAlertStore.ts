/**
 * Fleet alerts in PostgreSQL (schema v1): `fleet_alerts_current`, one row per tracked appliance, and
 * `fleet_alert_transitions`, oldest first by id, the newest MAX_TRANSITIONS kept — each record jsonb
 * in the file's shape, checked by the same schemas. A check takes the table lock on
 * `fleet_alerts_current` (SHARE ROW EXCLUSIVE: it excludes another check, not the readers), reads
 * the statuses as committed, decides and writes in the same transaction: two nodes checking at once
 * run one after the other, and the second records no transition the first did.
 */
import {
  MAX_TRANSITIONS,
  fleetAlertStateSchema,
  statusTransitionSchema,
  type FleetAlertState,
  type StatusTransition,
} from '../fleetAlertRecords.js';
import type { FleetAlertChange, FleetAlertStore, TransitionQuery } from '../stores.js';
import type { Database } from './pool.js';
import { rowRecord } from './rowCheck.js';

type CurrentRow = { appliance_id: string; record: unknown };

function stateOf(row: CurrentRow): FleetAlertState {
  return rowRecord(fleetAlertStateSchema, 'fleet_alerts_current', row.appliance_id, row.record);
}

export class PostgresFleetAlertStore implements FleetAlertStore {
  constructor(private readonly db: Database) {}

  async current(): Promise<Map<string, FleetAlertState>> {
    const { rows } = await this.db.query<CurrentRow>('SELECT appliance_id, record FROM fleet_alerts_current');
    return new Map(rows.map((r) => [r.appliance_id, stateOf(r)]));
  }

  record(decide: (current: ReadonlyMap<string, FleetAlertState>) => FleetAlertChange): Promise<FleetAlertChange> {
    return this.db.transaction(async (client) => {
      await client.query('LOCK TABLE fleet_alerts_current IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await client.query<CurrentRow>('SELECT appliance_id, record FROM fleet_alerts_current');
      const change = decide(new Map(rows.map((r) => [r.appliance_id, stateOf(r)])));
      if (change.set.size > 0) {
        const set = Object.fromEntries([...change.set].map(([id, s]) => [id, fleetAlertStateSchema.parse(s)]));
        await client.query(
          `INSERT INTO fleet_alerts_current (appliance_id, record) SELECT key, value FROM jsonb_each($1::jsonb)
           ON CONFLICT (appliance_id) DO UPDATE SET record = EXCLUDED.record`,
          [JSON.stringify(set)],
        );
      }
      if (change.forget.length > 0)
        await client.query('DELETE FROM fleet_alerts_current WHERE appliance_id = ANY($1::text[])', [change.forget]);
      if (change.transitions.length > 0) {
        const added = change.transitions.map((t) => statusTransitionSchema.parse(t));
        // In the order given (WITH ORDINALITY): ids follow it, and the listing is by id.
        await client.query(
          `INSERT INTO fleet_alert_transitions (appliance_id, cabinet_id, at, record)
           SELECT e->>'applianceId', e->>'cabinetId', (e->>'at')::timestamptz, e
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n`,
          [JSON.stringify(added)],
        );
        await client.query(
          `DELETE FROM fleet_alert_transitions
           WHERE id <= (SELECT id FROM fleet_alert_transitions ORDER BY id DESC OFFSET $1 LIMIT 1)`,
          [MAX_TRANSITIONS],
        );
      }
      return change;
    });
  }

  async transitions(query: TransitionQuery): Promise<StatusTransition[]> {
    const { rows } = await this.db.query<{ id: string; record: unknown }>(
      `SELECT id, record FROM fleet_alert_transitions
       WHERE ($1::text IS NULL OR appliance_id = $1) AND ($2::text IS NULL OR cabinet_id = $2) AND ($3::text IS NULL OR record->>'to' = $3)
       ORDER BY id DESC LIMIT $4`,
      [query.applianceId ?? null, query.cabinetId ?? null, query.status ?? null, query.limit],
    );
    return rows.map((r) => rowRecord(statusTransitionSchema, 'fleet_alert_transitions', r.id, r.record));
  }
}
