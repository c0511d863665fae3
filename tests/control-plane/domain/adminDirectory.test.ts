/**
 * The admin directory on its own, with the clock passed in: tokens stored before expiries existed,
 * the hourly `lastUsedAt` write, the cap on live tokens, and the token lifetime flags.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { AdminDirectory, MAX_ACTIVE_TOKENS } from '../../../control-plane/src/domain/admins.js';
import { EmbeddedAdminStore } from '../../../control-plane/src/storage/embedded/adminStore.js';
import { tokenExpiry } from '../../../control-plane/src/domain/tokenLifetime.js';
import { tempDir } from '../../support/controlPlane.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const DAY_MS = 86_400_000;
const log = createLogger('admins-test', 'silent');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const openDirectory = async (dir: string) => new AdminDirectory(await EmbeddedAdminStore.open(dir, log), log);

function codeOf(fn: () => unknown): Promise<string> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => 'no error',
      (err: unknown) => (err instanceof DomainError ? err.code : String(err)),
    );
}

/** An admins.json as the version before token expiries wrote it. */
function legacyDir(tokens: Array<{ token: string; createdAt: string }>): string {
  const dir = tempDir('cp-admins-');
  const admin = {
    id: 'a1',
    email: 'ops@vendor.test',
    role: 'admin',
    passwordHash: 'scrypt$unused',
    createdAt: '2025-01-01T00:00:00.000Z',
    sessionEpoch: 0,
    tokens: tokens.map((t, i) => ({ id: `t${i}`, hash: sha256(t.token), createdAt: t.createdAt })),
  };
  fs.writeFileSync(path.join(dir, 'admins.json'), JSON.stringify({ admins: [admin] }));
  return dir;
}

describe('tokens stored before they had an expiry', () => {
  it('get one of 365 days from their creation: an old one stops, a recent one goes on', async () => {
    const dir = legacyDir([
      { token: 'cpat_old', createdAt: new Date(NOW.getTime() - 400 * DAY_MS).toISOString() },
      { token: 'cpat_recent', createdAt: new Date(NOW.getTime() - 10 * DAY_MS).toISOString() },
    ]);
    const admins = await openDirectory(dir);
    expect(await codeOf(() => admins.authenticateToken('cpat_old', NOW))).toBe('token_expired');
    expect(await admins.authenticateToken('cpat_recent', NOW)).toMatchObject({ email: 'ops@vendor.test' });
    expect((await admins.listTokens({}, NOW)).map((t) => [t.id, t.status, t.expiresAt])).toEqual([
      ['t1', 'active', new Date(NOW.getTime() + 355 * DAY_MS).toISOString()],
      ['t0', 'expired', new Date(NOW.getTime() - 35 * DAY_MS).toISOString()],
    ]);
  });
});

describe('lastUsedAt', () => {
  it('is written at the first use, not again within the hour, and again once the hour is past', async () => {
    const dir = legacyDir([{ token: 'cpat_busy', createdAt: NOW.toISOString() }]);
    const file = path.join(dir, 'admins.json');
    const admins = await openDirectory(dir);
    const storedUse = () => JSON.parse(fs.readFileSync(file, 'utf8')).admins[0].tokens[0].lastUsedAt as string | null;
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

    await admins.authenticateToken('cpat_busy', at(0));
    expect(storedUse()).toBe(at(0).toISOString());
    await admins.authenticateToken('cpat_busy', at(59));
    expect(storedUse()).toBe(at(0).toISOString());
    expect((await admins.listTokens({}, at(59)))[0]!.lastUsedAt).toBe(at(59).toISOString());
    await admins.authenticateToken('cpat_busy', at(61));
    expect(storedUse()).toBe(at(61).toISOString());
  });
});

describe('live tokens per admin', () => {
  it(`are at most ${MAX_ACTIVE_TOKENS}; a revoked one frees its place`, async () => {
    const admins = await openDirectory(legacyDir([]));
    const expires = new Date(NOW.getTime() + DAY_MS);
    const made = [];
    for (let i = 0; i < MAX_ACTIVE_TOKENS; i++) made.push(await admins.createApiToken('ops@vendor.test', expires, NOW));
    expect(await codeOf(() => admins.createApiToken('ops@vendor.test', expires, NOW))).toBe('too_many_tokens');
    await admins.revokeToken(made[0]!.summary.id, NOW);
    expect(await codeOf(() => admins.createApiToken('ops@vendor.test', expires, NOW))).toBe('no error');
  });
});

describe('tokenExpiry', () => {
  it('reads --expires-in in days and --expires as a whole UTC day, within 365 days', () => {
    expect(tokenExpiry({}, NOW).toISOString()).toBe('2027-03-05T12:00:00.000Z');
    expect(tokenExpiry({ expiresIn: '1d' }, NOW).toISOString()).toBe('2026-12-06T12:00:00.000Z');
    expect(tokenExpiry({ expiresIn: '365d' }, NOW).toISOString()).toBe('2027-12-05T12:00:00.000Z');
    expect(tokenExpiry({ expires: '2026-12-05' }, NOW).toISOString()).toBe('2026-12-06T00:00:00.000Z');
    // The last day allowed ends at the 365-day mark, not at its midnight.
    expect(tokenExpiry({ expires: '2027-12-05' }, NOW).toISOString()).toBe('2027-12-05T12:00:00.000Z');
    expect(() => tokenExpiry({ expires: '2027-12-06' }, NOW)).toThrow('expires: at most 365 days ahead, so 2027-12-05 at the latest');
    expect(() => tokenExpiry({ expires: '2026-12-04' }, NOW)).toThrow('expires: 2026-12-04 is already over: give a later date');
    expect(() => tokenExpiry({ expiresIn: '0d' }, NOW)).toThrow(
      'expires-in: must be a number of days from 1 to 365, e.g. --expires-in 90d',
    );
    expect(() => tokenExpiry({ expiresIn: '366d' }, NOW)).toThrow('expires-in: must be a number of days from 1 to 365');
  });
});
