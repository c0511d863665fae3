/**
 * The dashboard's logged-out sessions in PostgreSQL (`revoked_sessions`, migration v2), for every
 * node: a session logged out on one node is refused by the others.
 *
 * Each node keeps the live list in memory, so checking a session on every dashboard request costs a
 * lookup, not a query: it LISTENs on `dashboard_revoked_sessions` (one connection of its pool held
 * for it), and a logout inserts its row and notifies in one statement — the others hear it when it
 * commits, before the logout's answer reaches the browser. While that connection is lost, the node
 * does not know what it missed: `has` asks the table (a query per request, exact) and the
 * connection is opened again (LISTEN first, then the list read whole, so nothing falls between).
 *
 * Bounded like the file: at most MAX_REVOKED live entries (a logout finding it full ends every
 * session of the admin instead, browserSession.ts); expired rows are deleted by each logout.
 */
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from '@iamanager/kernel/log';
import { MAX_REVOKED, SESSION_CLOCK_TOLERANCE_SECONDS, type SessionRevocations } from '@iamanager/kernel/web';
import { unavailable, type Database } from './pool.js';

const CHANNEL = 'dashboard_revoked_sessions';

/**
 * Emits `revoked` (jti) for each logout it learns of (this node's, or heard from another), and
 * `listening` (false when the connection is lost, true once it listens again).
 */
export class PostgresSessionRevocations extends EventEmitter implements SessionRevocations {
  /** jti → the time (ms) after which its token is refused anyway. */
  private readonly known = new Map<string, number>();
  private listener: pg.PoolClient | undefined;
  /** Ends the listening connection (destroyed, never handed back to the pool still listening). */
  private stopListening: (() => void) | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Listens and reads the live list; throws `database_unavailable` when the database cannot be reached. */
  static async open(db: Database, clock: () => Date, log: Logger): Promise<PostgresSessionRevocations> {
    const revocations = new PostgresSessionRevocations(db, clock, log);
    await revocations.listen();
    return revocations;
  }

  /** From memory while this node listens; from the table while it does not. */
  has(jti: string): boolean | Promise<boolean> {
    if (this.known.has(jti)) return true;
    if (this.listener) return false;
    return this.ask(jti);
  }

  async revoke(jti: string, exp: number): Promise<boolean> {
    const now = this.clock();
    const until = (exp + SESSION_CLOCK_TOLERANCE_SECONDS) * 1000;
    if (until <= now.getTime() || this.known.has(jti)) return true;
    // The live count decides "full" without a lock: two logouts at once may both pass at the cap,
    // one entry over it — a size bound, not a rule that must hold exactly.
    const { rows } = await this.db.query<{ kept: boolean }>(
      `WITH pruned AS (DELETE FROM revoked_sessions WHERE until <= $3),
            live AS (SELECT count(*) AS n, coalesce(bool_or(jti = $1), false) AS present FROM revoked_sessions WHERE until > $3),
            added AS (INSERT INTO revoked_sessions (jti, until) SELECT $1, $2 FROM live WHERE n < $4 AND NOT present
                      ON CONFLICT (jti) DO NOTHING RETURNING jti),
            told AS (SELECT pg_notify('${CHANNEL}', jti || ' ' || $5::text) FROM added)
       SELECT (SELECT n < $4 OR present FROM live) AS kept, (SELECT count(*) FROM told) AS told`,
      [jti, new Date(until), now, MAX_REVOKED, String(until)],
    );
    if (!rows[0]!.kept) return false;
    this.remember(jti, until);
    return true;
  }

  /** Gives the listening connection back (shutdown; before the pool is closed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    this.stopListening?.();
  }

  private async ask(jti: string): Promise<boolean> {
    if (!this.connecting && !this.closed) {
      this.connecting = this.listen()
        .catch((err: unknown) =>
          this.log.warn({ err: (err as Error).message }, 'dashboard logouts: cannot listen again yet; the table answers'),
        )
        .finally(() => (this.connecting = undefined));
    }
    const { rowCount } = await this.db.query('SELECT 1 FROM revoked_sessions WHERE jti = $1 AND until > $2', [jti, this.clock()]);
    return rowCount === 1;
  }

  private async listen(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.db.pool.connect();
    } catch (err) {
      throw unavailable(err, this.db.where);
    }
    let lost = false;
    const lose = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      client.release(err ?? true);
      if (this.closed) return;
      this.log.warn({ err: err?.message }, 'dashboard logouts: the listening connection ended; the table answers until it is back');
      this.emit('listening', false);
    };
    client.on('error', lose);
    client.on('end', () => lose());
    client.on('notification', (message) => {
      const [jti, until] = (message.payload ?? '').split(' ');
      if (jti && until) this.remember(jti, Number(until));
    });
    try {
      await client.query(`LISTEN ${CHANNEL}`);
      const { rows } = await client.query<{ jti: string; until: Date }>('SELECT jti, until FROM revoked_sessions WHERE until > $1', [
        this.clock(),
      ]);
      for (const row of rows) this.remember(row.jti, row.until.getTime());
    } catch (err) {
      lose(err as Error);
      throw unavailable(err, this.db.where);
    }
    if (this.closed) lose();
    else if (!lost) {
      this.listener = client;
      this.stopListening = lose;
      this.emit('listening', true);
    }
  }

  private remember(jti: string, until: number): void {
    if (!this.known.has(jti)) {
      this.known.set(jti, until);
      this.emit('revoked', jti);
    }
    // Expired entries answer nothing (their tokens are refused anyway): dropped once the map is twice the cap.
    if (this.known.size > 2 * MAX_REVOKED) {
      const now = this.clock().getTime();
      for (const [id, end] of this.known) if (end <= now) this.known.delete(id);
    }
  }
}
