/**
 * `db import`'s transaction: an installation read from DATA_DIR moved into PostgreSQL whole or not
 * at all. Under a transaction-scoped advisory lock (two imports started at once run one after the
 * other), the database must hold no control-plane data — an import moves an installation once,
 * and never merges two; then every aggregate is inserted (importRows.ts), every table counted again
 * inside the same transaction and compared with what was read: any difference rolls everything
 * back with `database_import_mismatch`, naming the aggregate.
 */
import type pg from 'pg';
import { ControlPlaneError } from '../../errors.js';
import type { Database } from './pool.js';
import {
  insertAdmins,
  insertAppliances,
  insertBilling,
  insertCabinets,
  insertCatalog,
  insertFleetAlerts,
  type Installation,
  type ParseNumber,
} from './importRows.js';

/** pg_advisory_xact_lock key: "iam-cp-import" folded into a bigint. */
const IMPORT_LOCK = 0x69616d2d696d70n;

/** Each aggregate the import reports, its table, and how many rows the installation makes of it. */
const AGGREGATES = [
  ['plans', 'plans', (i) => i.plans.length],
  ['vendorKeys', 'vendor_keys', (i) => i.vendorKeys.length],
  ['admins', 'admins', (i) => i.admins.length],
  ['apiTokens', 'api_tokens', (i) => i.admins.reduce((n, a) => n + a.tokens.length, 0)],
  ['sessionSecret', 'dashboard_session_secret', (i) => (i.sessionSecret ? 1 : 0)],
  ['revokedSessions', 'revoked_sessions', (i) => i.revokedSessions.length],
  ['cabinets', 'cabinets', (i) => i.cabinets.length],
  ['planHistory', 'cabinet_plan_history', (i) => i.cabinets.reduce((n, c) => n + c.planHistory.length, 0)],
  ['enrollmentCodes', 'enrollment_codes', (i) => i.cabinets.reduce((n, c) => n + c.enrollmentCodes.length, 0)],
  ['appliances', 'appliances', (i) => i.appliances.length],
  ['upgradeRequests', 'upgrade_requests', (i) => i.upgradeRequests.length],
  ['supportBundles', 'support_bundles', (i) => i.supportBundles.length],
  ['billingMonths', 'billing_months', (i) => i.billingMonths.length],
  ['invoices', 'invoices', (i) => i.billingMonths.reduce((n, m) => n + m.invoices.length, 0) + i.approvedInvoices.length],
  ['heldInvoices', 'held_invoices', (i) => i.billingMonths.reduce((n, m) => n + m.held.length, 0)],
  ['rejections', 'rejections', (i) => i.rejections.length],
  ['creditNotes', 'credit_notes', (i) => i.creditNotes.length],
  ['payments', 'payments', (i) => i.payments.length],
  ['relances', 'relances', (i) => i.relances.length],
  ['documentSeries', 'document_numbers', (i) => i.documentNumbers.length],
  ['billingClock', 'billing_clock', (i) => (i.lastIssuedAt ? 1 : 0)],
  ['fleetAlerts', 'fleet_alerts_current', (i) => Object.keys(i.fleetCurrent).length],
  ['fleetAlertTransitions', 'fleet_alert_transitions', (i) => i.fleetTransitions.length],
] as const satisfies readonly (readonly [string, string, (i: Installation) => number])[];

export type ImportCounts = Record<(typeof AGGREGATES)[number][0], number>;

/** Rows per aggregate as the database holds them now (inside the caller's transaction). */
export async function countRows(client: Pick<pg.PoolClient, 'query'>): Promise<ImportCounts> {
  const { rows } = await client.query<Record<string, number>>(
    `SELECT ${AGGREGATES.map(([name, table]) => `(SELECT count(*)::int FROM ${table}) AS "${name}"`).join(', ')}`,
  );
  return rows[0] as ImportCounts;
}

export function expectedCounts(installation: Installation): ImportCounts {
  return Object.fromEntries(AGGREGATES.map(([name, , count]) => [name, count(installation)])) as ImportCounts;
}

export interface ImportOptions {
  parseNumber: ParseNumber;
  /** How the rows are counted after the inserts: `countRows`, replaceable by a test that must see a mismatch refused. */
  count?: (client: pg.PoolClient) => Promise<ImportCounts>;
}

/**
 * A row the schema refuses (SQLSTATE class 23, a constraint: an appliance of a cabinet DATA_DIR
 * does not hold, a number given twice…) says which and that nothing was imported; the rest passes.
 */
function refused(err: unknown): unknown {
  const e = err as { code?: unknown; message?: string; detail?: string; table?: string };
  if (typeof e?.code !== 'string' || !e.code.startsWith('23')) return err;
  const error = new ControlPlaneError(
    'database_import_refused',
    `DATA_DIR holds a record the database refuses (${e.table ?? 'a table'}: ${e.message}${e.detail ? `; ${e.detail}` : ''}): nothing was imported (rolled back); repair DATA_DIR (restore the record from a backup), then import again`,
    { table: e.table ?? null },
  );
  error.cause = err;
  return error;
}

/** Inserts the installation in one transaction and returns the counts checked against the database. */
export function importInstallation(db: Database, installation: Installation, options: ImportOptions): Promise<ImportCounts> {
  const expected = expectedCounts(installation);
  return db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK.toString()]);
    const held = Object.entries(await countRows(client)).filter(([, n]) => n > 0);
    if (held.length > 0) {
      throw new ControlPlaneError(
        'database_not_empty',
        `the database at ${db.where} already holds control-plane data (${held.map(([name, n]) => `${name}: ${n}`).join(', ')}): db import moves an installation once, into an empty database; import into a new database, or keep serving from this one`,
        { database: db.where, holds: Object.fromEntries(held) },
      );
    }
    try {
      await insertCatalog(client, installation);
      await insertAdmins(client, installation);
      await insertCabinets(client, installation);
      await insertAppliances(client, installation);
      await insertBilling(client, installation, options.parseNumber);
      await insertFleetAlerts(client, installation);
    } catch (err) {
      throw refused(err);
    }
    const found = await (options.count ?? countRows)(client);
    for (const [name, n] of Object.entries(expected) as [keyof ImportCounts, number][]) {
      if (found[name] !== n) {
        throw new ControlPlaneError(
          'database_import_mismatch',
          `db import read ${n} ${name} from DATA_DIR but the database holds ${found[name]} after inserting them: nothing was imported (rolled back); report this with the DATA_DIR's listing`,
          { aggregate: name, expected: n, found: found[name] },
        );
      }
    }
    return found;
  });
}
