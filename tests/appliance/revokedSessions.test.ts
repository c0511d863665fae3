/**
 * The list of sessions ended by a logout, in process with a clock the test moves: an entry lasts
 * as long as its token (and no longer), survives a reopen, and the file never grows past its cap.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REVOKED, RevokedSessions } from '../../protocol/kernel/src/web/revokedSessions.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-24T10:00:00Z');
/** A token's `exp` (seconds) `hours` after T0, as a session issued at T0 would carry. */
const expAfter = (hours: number) => (T0 + hours * HOUR) / 1000;

let dir: string;
let now: number;
const clock = () => new Date(now);
const onDisk = async () =>
  JSON.parse(await fs.readFile(path.join(dir, 'revoked-sessions.json'), 'utf8')) as { sessions: Array<{ jti: string; until: string }> };

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'revoked-'));
  now = T0;
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('revoked sessions', () => {
  it('refuses a revoked session after a reopen (a restart), and no other', async () => {
    const revoked = await RevokedSessions.open(dir, clock);
    expect(await revoked.revoke('session-a', expAfter(12))).toBe(true);
    expect(revoked.has('session-a')).toBe(true);
    expect(revoked.has('session-b')).toBe(false);
    const reopened = await RevokedSessions.open(dir, clock);
    expect(reopened.has('session-a')).toBe(true);
    expect(reopened.has('session-b')).toBe(false);
  });

  it('keeps an entry until its token expires (with the verification tolerance), then drops it at the next write', async () => {
    const revoked = await RevokedSessions.open(dir, clock);
    await revoked.revoke('early', expAfter(1));
    await revoked.revoke('late', expAfter(12));
    expect((await onDisk()).sessions).toEqual([
      { jti: 'early', until: new Date(T0 + HOUR + 30_000).toISOString() },
      { jti: 'late', until: new Date(T0 + 12 * HOUR + 30_000).toISOString() },
    ]);
    now = T0 + 2 * HOUR;
    await revoked.revoke('later', expAfter(14));
    expect((await onDisk()).sessions.map((s) => s.jti)).toEqual(['late', 'later']);
    expect(revoked.has('early')).toBe(false);
    expect(revoked.has('late')).toBe(true);
  });

  it('writes nothing for a token already expired or already revoked', async () => {
    const revoked = await RevokedSessions.open(dir, clock);
    expect(await revoked.revoke('gone', expAfter(-1))).toBe(true);
    await expect(fs.access(path.join(dir, 'revoked-sessions.json'))).rejects.toThrow();
    await revoked.revoke('twice', expAfter(12));
    const before = await fs.stat(path.join(dir, 'revoked-sessions.json'));
    expect(await revoked.revoke('twice', expAfter(12))).toBe(true);
    expect((await fs.stat(path.join(dir, 'revoked-sessions.json'))).mtimeMs).toBe(before.mtimeMs);
    expect((await onDisk()).sessions).toHaveLength(1);
  });

  it(`holds at most ${MAX_REVOKED} live entries: one more is declined, unwritten, until older ones expire`, async () => {
    const revoked = await RevokedSessions.open(dir, clock);
    // Ids as long as real ones (16 random bytes, base64url: 22 characters).
    const results = await Promise.all(
      Array.from({ length: MAX_REVOKED }, (_, i) => revoked.revoke(`s${i}`.padEnd(22, '-'), expAfter(i < 10 ? 1 : 12))),
    );
    expect(results.every(Boolean)).toBe(true);
    expect((await onDisk()).sessions).toHaveLength(MAX_REVOKED);
    const size = (await fs.stat(path.join(dir, 'revoked-sessions.json'))).size;
    expect(size).toBeLessThanOrEqual(MAX_REVOKED * 68 + 20);

    expect(await revoked.revoke('one-too-many', expAfter(12))).toBe(false);
    expect(revoked.has('one-too-many')).toBe(false);
    expect((await onDisk()).sessions).toHaveLength(MAX_REVOKED);

    now = T0 + 2 * HOUR; // the ten one-hour tokens have expired: room again
    expect(await revoked.revoke('one-too-many', expAfter(12))).toBe(true);
    expect((await onDisk()).sessions).toHaveLength(MAX_REVOKED - 10 + 1);
  });
});
