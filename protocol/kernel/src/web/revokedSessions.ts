/**
 * Sessions ended by a logout before their token expired (`revoked-sessions.json`). A session token
 * is a signed JWT that stays valid for SESSION_HOURS: clearing the cookie ends it in that browser
 * only, and a copy (a shared computer, a cookie lifted from it) would go on working. So logout
 * records the token's `jti` here until the token's own expiry, and every request asks the set in
 * memory — one lookup, no disk.
 *
 * The file stays small: entries whose token has expired are dropped at every write, and it never
 * holds more than MAX_REVOKED live ones. A logout that finds it full is told so, and ends every
 * session of the user instead (see browserSession.ts): the session still ends, the file does not grow.
 * Each service keeps its own list in its DATA_DIR; the control plane on PostgreSQL keeps it in a table
 * instead (`SessionRevocations` below).
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { openDocument, type Document } from '../storage/index.js';
import { SESSION_CLOCK_TOLERANCE_SECONDS } from './sessionTokens.js';

/**
 * Live revocations kept at most: a cabinet of fifty users logging out five times a day each stays
 * far below it with 12-hour sessions, and a vendor's few admins further still (68 bytes an entry: 68 KB when full).
 */
export const MAX_REVOKED = 1000;

const revokedFileSchema = z.object({
  sessions: z.array(
    z.object({
      jti: z.string().min(1).max(64),
      /** The token's expiry (plus the clock tolerance it is verified with): the entry is useless after it. */
      until: z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO time' }),
    }),
  ),
});
type RevokedFile = z.infer<typeof revokedFileSchema>;

/**
 * What a session cookie asks on each request and what a logout writes: the file below (one
 * machine), or a table every node shares (the control plane on PostgreSQL). `has` may answer from
 * memory (synchronously) or ask a store.
 */
export interface SessionRevocations {
  /** True when a logout ended the session with this id. */
  has(jti: string): boolean | Promise<boolean>;
  /** Revokes `jti` until its token's expiry `exp` (seconds); false, writing nothing, when the list is full. */
  revoke(jti: string, exp: number): Promise<boolean>;
}

export class RevokedSessions implements SessionRevocations {
  private revoked = new Set<string>();

  private constructor(
    private readonly doc: Document<RevokedFile>,
    private readonly clock: () => Date,
  ) {
    this.index();
  }

  /** `file` is the list's name in `dataDir` (the appliance's `revoked-sessions.json`, the dashboard's own). */
  static async open(dataDir: string, clock: () => Date, log?: Logger, file = 'revoked-sessions.json'): Promise<RevokedSessions> {
    const doc = await openDocument<RevokedFile>(path.join(dataDir, file), { sessions: [] }, { schema: revokedFileSchema, log });
    return new RevokedSessions(doc, clock);
  }

  /** True when a logout ended the session with this id (checked on every request). */
  has(jti: string): boolean {
    return this.revoked.has(jti);
  }

  /**
   * Revokes the session `jti` whose token expires at `exp` (seconds since 1970), durably, before
   * resolving. Resolves false, writing nothing, when MAX_REVOKED live entries are already kept.
   */
  async revoke(jti: string, exp: number): Promise<boolean> {
    const now = this.clock().getTime();
    const until = (exp + SESSION_CLOCK_TOLERANCE_SECONDS) * 1000;
    // Already refused by its expiry, or already revoked (a second logout from a copy): nothing to keep.
    if (until <= now || this.revoked.has(jti)) return true;
    const live = this.doc.data.sessions.filter((s) => Date.parse(s.until) > now);
    if (live.length >= MAX_REVOKED) return false;
    this.doc.data.sessions = [...live, { jti, until: new Date(until).toISOString() }];
    this.index();
    try {
      await this.doc.write();
    } catch (err) {
      // A refused write (full disk) put the data back as the disk holds it: so does the set.
      this.index();
      throw err;
    }
    return true;
  }

  /** The logouts still in force at `now` (what `db import` moves to another store). */
  live(now: Date): { jti: string; until: string }[] {
    return this.doc.data.sessions.filter((s) => Date.parse(s.until) > now.getTime()).map((s) => ({ ...s }));
  }

  /** Resolves once no write is queued or in flight (shutdown). */
  flushed(): Promise<void> {
    return this.doc.adapter.flushed();
  }

  private index(): void {
    this.revoked = new Set(this.doc.data.sessions.map((s) => s.jti));
  }
}
