/**
 * Leases on scheduled jobs in PostgreSQL: one conditional upsert takes a free or expired lease, or
 * renews the caller's own; the row lock makes two nodes' attempts one after the other, so at most
 * one holds it. Times come from the nodes' clocks (injectable in tests): keep the ttl far above
 * the nodes' clock difference (NTP keeps it under a second; the fleet check's ttl is minutes).
 */
import type { JobLeases } from '../stores.js';
import type { Database } from './pool.js';

export class PostgresJobLeases implements JobLeases {
  constructor(private readonly db: Database) {}

  async acquire(job: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (job) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE job_leases.holder = EXCLUDED.holder OR job_leases.expires_at <= $4`,
      [job, holder, new Date(now.getTime() + ttlMs), now],
    );
    return rowCount === 1;
  }

  async release(job: string, holder: string): Promise<void> {
    await this.db.query('DELETE FROM job_leases WHERE job = $1 AND holder = $2', [job, holder]);
  }
}
