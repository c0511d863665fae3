/**
 * The node-postgres pool one control-plane node keeps. Every failure to reach the server becomes a
 * `database_unavailable` error (HTTP 503) that says where the database is (never the password) and
 * why, so a client retries and the vendor knows what to fix; a pool survives the server going away
 * and coming back (node-postgres drops broken connections and opens new ones), so a node recovers
 * without a restart.
 */
import pg from 'pg';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../../errors.js';
import { describeDatabase, type DatabaseSettings } from './databaseConfig.js';

/** SQLSTATE classes and codes that mean "the server is not there now", not "this query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE', 'ENOENT']);

export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && (UNAVAILABLE_ERRNO.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true;
  // node-postgres' own words for a connection that ended or a connect that timed out.
  return (
    typeof e?.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(e.message)
  );
}

export interface Database {
  readonly pool: pg.Pool;
  /** host:port/database, for messages. */
  readonly where: string;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Runs one statement outside any explicit transaction. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  close(): Promise<void>;
}

/** Turns a connection failure into the 503 clients and the CLI show; other errors pass unchanged. */
export function unavailable(err: unknown, where: string): unknown {
  if (!isUnavailable(err)) return err;
  const e = err as { code?: string; message?: string };
  const message = e.message ?? '';
  const cause = e.code && !message.includes(e.code) ? `${e.code} ${message}`.trim() : message;
  const error = new ControlPlaneError(
    'database_unavailable',
    `the database (PostgreSQL at ${where}) cannot be reached: ${cause}` +
      ' — the request was all recorded or not at all; retry it in a moment (and check that PostgreSQL runs and DATABASE_URL is right)',
  );
  error.cause = err;
  return error;
}

export function openDatabase(settings: DatabaseSettings, log: Logger): Database {
  const where = describeDatabase(settings.url);
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    application_name: 'iamanager-control-plane',
    // A connection dropped server-side (restart, failover) is noticed on its next use, not kept.
    keepAlive: true,
  });
  // An idle connection that dies (PostgreSQL restarted) is reported here; without a listener it
  // would crash the process. The pool has already removed it.
  pool.on('error', (err) => log.warn({ err: err.message, database: where }, 'a pooled database connection ended'));
  const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw unavailable(err, where);
    }
  };
  return {
    pool,
    where,
    transaction: (work) =>
      guarded(async () => {
        const client = await pool.connect();
        let broken = false;
        // Checked out, a client is no longer heard by the pool's 'error' listener: a connection the
        // server ends between two of this transaction's queries (PostgreSQL stopping, 57P01) would
        // be an unhandled 'error' event and end the process. Heard here, the next query fails with
        // it (database_unavailable) and the connection is destroyed at release.
        const lost = (err: Error) => {
          broken = true;
          log.warn({ err: err.message, database: where }, 'a database connection ended during a transaction');
        };
        client.on('error', lost);
        try {
          await client.query('BEGIN');
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          broken ||= isUnavailable(err);
          if (!broken) await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          // A connection that failed mid-transaction is destroyed, never handed to the next request.
          client.off('error', lost);
          client.release(broken);
        }
      }),
    query: (text, values) => guarded(() => pool.query(text, values)),
    close: () => pool.end(),
  };
}
