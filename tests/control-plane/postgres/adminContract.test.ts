/**
 * One contract, two implementations (issue 20): the same cases run through `AdminDirectory` — the
 * domain the dashboard, the vendor API and the CLI use — over DATA_DIR's files and over PostgreSQL.
 * "Another node" is a second pool on the same database for PostgreSQL, and for the files the same
 * DATA_DIR opened again from disk (one process owns a DATA_DIR: what the next process reads is what
 * the first one made durable). What one node changes — a token revoked, a password changed, an
 * admin disabled, a second-factor code spent — must hold at the next call on the other.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { LoginGuard } from '@iamanager/kernel/web';
import { AdminDirectory, LAST_USED_RESOLUTION_MS } from '../../../control-plane/src/domain/admins.js';
import { AdminSecondFactors } from '../../../control-plane/src/domain/adminSecondFactor.js';
import { SecondFactorSeal } from '../../../control-plane/src/domain/secondFactorSeal.js';
import { EmbeddedAdminStore } from '../../../control-plane/src/storage/embedded/adminStore.js';
import { PostgresAdminStore } from '../../../control-plane/src/storage/postgres/adminStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { AdminStore } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { usePostgres } from '../../support/postgresPools.js';
import { totpCode } from '../../support/totp.js';

const log = createLogger('test', 'silent');
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const T0 = new Date('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * MINUTE);

const pg = usePostgres();

/** Counts the store's writes: `lastUsedAt` must not turn every API call into one. */
function counting(store: AdminStore): AdminStore & { updates: number } {
  const counted = Object.create(store) as AdminStore & { updates: number };
  counted.updates = 0;
  counted.update = (id, change) => {
    counted.updates += 1;
    return store.update(id, change);
  };
  return counted;
}

interface Nodes {
  /** The store as node 0 or 1 sees it now (for the files: DATA_DIR opened again from disk). */
  store(node: 0 | 1): Promise<AdminStore>;
  /** Two stores to use at the same moment: two pools, or the files' one process. */
  together(): Promise<[AdminStore, AdminStore]>;
  /** Where the second factor's sealing key lives: shared by the nodes, as DATA_DIR/keys is. */
  sealDir: string;
}

const backends: [string, () => Promise<Nodes>][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-admin-contract-');
      return {
        store: () => EmbeddedAdminStore.open(dir, log),
        together: async () => {
          const one = await EmbeddedAdminStore.open(dir, log);
          return [one, one];
        },
        sealDir: dir,
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.cluster.createDatabase('admins');
      const pools = [0, 1].map(() => pg.pool(url, 4));
      await migrate(pools[0]!);
      const store = (node: 0 | 1) => Promise.resolve<AdminStore>(new PostgresAdminStore(pools[node]!));
      return {
        store,
        together: async () => [await store(0), await store(1)],
        sealDir: tempDir('cp-admin-contract-seal-'),
      };
    },
  ],
];

const directory = (store: AdminStore) => new AdminDirectory(store, log);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (err: unknown) => (err instanceof DomainError ? err.code : String(err)),
  );
}

describe.each(backends)('vendor admins (%s)', (_name, start) => {
  it('creates an admin once per e-mail, whatever its case, even when two nodes create it at once', async () => {
    const nodes = await start();
    const [a, b] = (await nodes.together()).map(directory) as [AdminDirectory, AdminDirectory];
    const results = await Promise.allSettled([
      a.createAdmin({ email: 'Ops@Vendor.example', role: 'admin', password: PASSWORD }, T0),
      b.createAdmin({ email: 'ops@VENDOR.example ', role: 'support', password: PASSWORD }, T0),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as DomainError).code] : []))).toEqual(['already_exists']);
    const later = directory(await nodes.store(1));
    expect((await later.list()).map((x) => x.email)).toEqual(['ops@vendor.example']);
    expect(await codeOf(later.createAdmin({ email: 'OPS@vendor.example', role: 'billing', password: PASSWORD }, T0))).toBe(
      'already_exists',
    );
    expect(await codeOf(later.createAdmin({ email: 'short@vendor.example', role: 'billing', password: 'too short' }, T0))).toBe(
      'invalid_input',
    );
  });

  it('signs in with the right password on any node, and locks the account for an address after repeated wrong ones', async () => {
    const nodes = await start();
    await directory(await nodes.store(0)).createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, T0);
    const b = directory(await nodes.store(1));
    expect(await b.authenticatePassword('OPS@vendor.example', PASSWORD)).toMatchObject({ email: 'ops@vendor.example', role: 'admin' });
    expect(await b.authenticatePassword('ops@vendor.example', 'not the password')).toBeUndefined();
    expect(await b.authenticatePassword('nobody@vendor.example', PASSWORD)).toBeUndefined();
    // The login guard (in memory on each node this round): 3 wrong passwords, then even the right one waits.
    let clock = 0;
    const guard = new LoginGuard({ maxFailures: 3, lockSeconds: 900, now: () => clock });
    for (let i = 0; i < 3; i++)
      expect(
        await guard.check('ops@vendor.example', '10.0.0.9', () => b.authenticatePassword('ops@vendor.example', 'wrong')),
      ).toBeUndefined();
    expect(await codeOf(guard.check('ops@vendor.example', '10.0.0.9', () => b.authenticatePassword('ops@vendor.example', PASSWORD)))).toBe(
      'rate_limited',
    );
    // The first lock is one minute (loginLimiter.ts): past it, the right password opens.
    clock += MINUTE + 1;
    expect(await guard.check('ops@vendor.example', '10.0.0.9', () => b.authenticatePassword('ops@vendor.example', PASSWORD))).toMatchObject(
      {
        email: 'ops@vendor.example',
      },
    );
  });

  it('ends every session and token when the password changes on one node: the other refuses them at once', async () => {
    const nodes = await start();
    const a = directory(await nodes.store(0));
    const { id } = await a.createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, T0);
    const { token } = await a.createApiToken('ops@vendor.example', at(60 * 24), T0);
    const epoch = await a.sessionEpoch(id);
    expect(await directory(await nodes.store(1)).sessionIdentity(id, epoch)).toMatchObject({ id });

    expect(await codeOf(directory(await nodes.store(1)).changePassword('ops@vendor.example', PASSWORD, at(1)))).toBe('invalid_input');
    const b = directory(await nodes.store(1));
    expect(await b.changePassword('ops@vendor.example', NEW_PASSWORD, at(1))).toMatchObject({ passwordChangedAt: at(1).toISOString() });

    const c = directory(await nodes.store(0));
    expect(await c.sessionIdentity(id, epoch)).toBeUndefined();
    expect(await c.sessionIdentity(id, await c.sessionEpoch(id))).toMatchObject({ id });
    expect(await c.sessionEpoch(id)).toBe(epoch + 1);
    expect(await c.authenticatePassword('ops@vendor.example', PASSWORD)).toBeUndefined();
    expect(await c.authenticatePassword('ops@vendor.example', NEW_PASSWORD)).toMatchObject({ id });
    expect(await codeOf(c.authenticateToken(token, at(2)))).toBe('token_revoked');
    // Logout of every session ("Fermer toutes mes sessions") moves the epoch on the same way.
    await c.endSessions(id);
    expect(await directory(await nodes.store(1)).sessionEpoch(id)).toBe(epoch + 2);
  });

  it('disables an admin on one node: no login, session or token on the other; never the last admin', async () => {
    const nodes = await start();
    const a = directory(await nodes.store(0));
    const ops = await a.createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, T0);
    const leaver = await a.createAdmin({ email: 'leaver@vendor.example', role: 'admin', password: PASSWORD }, T0);
    const { token } = await a.createApiToken('leaver@vendor.example', at(60 * 24), T0);
    const epoch = await a.sessionEpoch(leaver.id);

    expect(await directory(await nodes.store(1)).disableAdmin('Leaver@vendor.example', at(5))).toMatchObject({
      disabledAt: at(5).toISOString(),
    });
    const c = directory(await nodes.store(0));
    expect(await codeOf(c.authenticatePassword('leaver@vendor.example', PASSWORD))).toBe('admin_disabled');
    expect(await codeOf(c.authenticateToken(token, at(6)))).toBe('admin_disabled');
    expect(await c.sessionIdentity(leaver.id, epoch)).toBeUndefined();
    expect(await c.sessionIdentity(leaver.id, await c.sessionEpoch(leaver.id))).toBeUndefined();
    expect(await codeOf(c.createApiToken('leaver@vendor.example', at(60 * 24), at(6)))).toBe('admin_disabled');
    expect(await codeOf(c.changePassword('leaver@vendor.example', NEW_PASSWORD, at(6)))).toBe('admin_disabled');
    // Disabling again changes nothing; the last active admin stays.
    expect(await c.disableAdmin('leaver@vendor.example', at(7))).toMatchObject({ disabledAt: at(5).toISOString() });
    expect(await codeOf(directory(await nodes.store(1)).disableAdmin('ops@vendor.example', at(8)))).toBe('last_admin');
    expect((await directory(await nodes.store(0)).get(ops.id)).disabledAt).toBeNull();
  });

  it('keeps one active admin when two nodes disable the last two at the same instant', async () => {
    const nodes = await start();
    const a = directory(await nodes.store(0));
    await a.createAdmin({ email: 'one@vendor.example', role: 'admin', password: PASSWORD }, T0);
    await a.createAdmin({ email: 'two@vendor.example', role: 'admin', password: PASSWORD }, T0);
    await a.createAdmin({ email: 'help@vendor.example', role: 'support', password: PASSWORD }, T0);
    const [x, y] = (await nodes.together()).map(directory) as [AdminDirectory, AdminDirectory];
    const results = await Promise.allSettled([x.disableAdmin('one@vendor.example', at(1)), y.disableAdmin('two@vendor.example', at(1))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as DomainError).code] : []))).toEqual(['last_admin']);
    const active = (await directory(await nodes.store(1)).list()).filter((s) => s.role === 'admin' && !s.disabledAt);
    expect(active).toHaveLength(1);
  });

  it('authenticates on one node a token made on the other, and refuses it there from the request after its revocation', async () => {
    const nodes = await start();
    const a = directory(await nodes.store(0));
    await a.createAdmin({ email: 'compta@vendor.example', role: 'billing', password: PASSWORD }, T0);
    const { token, summary } = await a.createApiToken('compta@vendor.example', at(60 * 24 * 90), T0);
    expect(token).toMatch(/^cpat_/);

    const b = directory(await nodes.store(1));
    expect(await b.authenticateToken(token, at(1))).toMatchObject({ email: 'compta@vendor.example', role: 'billing' });
    expect(await b.authenticateToken('cpat_never-issued', at(1))).toBeUndefined();
    expect(await b.revokeToken(summary.id, at(2))).toMatchObject({ status: 'revoked', revokedAt: at(2).toISOString() });

    const c = directory(await nodes.store(0));
    expect(await codeOf(c.authenticateToken(token, at(3)))).toBe('token_revoked');
    // Revoking it again keeps the first date; someone else's or an unknown id is "does not exist".
    expect(await c.revokeToken(summary.id, at(4))).toMatchObject({ revokedAt: at(2).toISOString() });
    expect(await codeOf(c.revokeToken(summary.id, at(4), 'another-admin-id'))).toBe('not_found');
    expect(await codeOf(c.revokeToken('no-such-token', at(4)))).toBe('not_found');
    expect((await c.listTokens({ email: 'compta@vendor.example' }, at(4))).map((t) => [t.id, t.status])).toEqual([[summary.id, 'revoked']]);
  });

  it('refuses a token from the instant it expires', async () => {
    const nodes = await start();
    const a = directory(await nodes.store(0));
    await a.createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, T0);
    // Expires one day after T0: 2026-03-03T09:00:00.000Z. A millisecond before it works; at it, expired.
    const expiresAt = new Date('2026-03-03T09:00:00.000Z');
    const { token } = await a.createApiToken('ops@vendor.example', expiresAt, T0);
    const b = directory(await nodes.store(1));
    expect(await b.authenticateToken(token, new Date('2026-03-03T08:59:59.999Z'))).toMatchObject({ email: 'ops@vendor.example' });
    expect(await codeOf(b.authenticateToken(token, expiresAt))).toBe('token_expired');
    expect((await b.listTokens({}, expiresAt))[0]).toMatchObject({ status: 'expired', expiresAt: '2026-03-03T09:00:00.000Z' });
  });

  it('writes a token’s lastUsedAt at most once an hour, whichever node serves the calls', async () => {
    const nodes = await start();
    const a = directory(await nodes.store(0));
    await a.createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, T0);
    const { token, summary } = await a.createApiToken('ops@vendor.example', at(60 * 24 * 30), T0);
    const stored = async () => (await directory(await nodes.store(1)).listTokens({}, T0)).find((t) => t.id === summary.id)!.lastUsedAt;

    const first = counting(await nodes.store(0));
    await directory(first).authenticateToken(token, at(10));
    expect(first.updates).toBe(1);
    expect(await stored()).toBe(at(10).toISOString());

    // 59 more calls within the hour (T0 + 11 … 69 minutes), on the other node: no write at all.
    const second = counting(await nodes.store(1));
    const busy = directory(second);
    for (let m = 11; m < 10 + 60; m++) await busy.authenticateToken(token, at(m));
    expect(second.updates).toBe(0);
    expect(await stored()).toBe(at(10).toISOString());
    // The node that served them still lists the latest use it saw.
    expect((await busy.listTokens({}, at(69))).find((t) => t.id === summary.id)!.lastUsedAt).toBe(at(69).toISOString());

    // An hour after the stored use (LAST_USED_RESOLUTION_MS = 60 minutes: T0 + 70 minutes), written again.
    expect(LAST_USED_RESOLUTION_MS).toBe(60 * MINUTE);
    const third = counting(await nodes.store(0));
    await directory(third).authenticateToken(token, at(70));
    expect(third.updates).toBe(1);
    expect(await stored()).toBe(at(70).toISOString());
  });

  it('keeps the second factor through every other change, and spends a code once across nodes', async () => {
    const nodes = await start();
    const seal = await SecondFactorSeal.open(nodes.sealDir, T0, log);
    const factorsOn = (admins: AdminDirectory) => new AdminSecondFactors(admins, seal, { requiredFor: ['admin'], issuer: 'Vendor', log });
    const a = directory(await nodes.store(0));
    const { id } = await a.createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, T0);
    expect(await factorsOn(a).loginStep({ id, email: 'ops@vendor.example', role: 'admin' })).toBe('enrol');

    const { secret } = await factorsOn(a).startEnrolment(id, T0);
    // Confirmed on the other node with the code of T0's step (30 s steps: 09:00:00–09:00:29).
    const enrolled = await factorsOn(directory(await nodes.store(1))).confirmEnrolment(id, totpCode(secret, T0), T0);
    expect(enrolled?.recoveryCodes).toHaveLength(10);

    // A token, a password change, a revocation, a logout: the factor is still there, untouched.
    const b = directory(await nodes.store(1));
    const before = (await b.recordOf(id)).secondFactor;
    const { summary } = await b.createApiToken('ops@vendor.example', at(60 * 24), at(1));
    await b.changePassword('ops@vendor.example', NEW_PASSWORD, at(2));
    await directory(await nodes.store(0)).revokeToken(summary.id, at(3));
    await directory(await nodes.store(0)).endSessions(id);
    const c = directory(await nodes.store(1));
    expect((await c.recordOf(id)).secondFactor).toEqual(before);
    expect(await factorsOn(c).status(id)).toEqual({ enrolledAt: T0.toISOString(), recoveryCodesLeft: 10, required: true });
    expect(await factorsOn(c).loginStep({ id, email: 'ops@vendor.example', role: 'admin' })).toBe('verify');

    // A code of a later step (T0 + 1 minute: a step after the one the enrolment spent) works once.
    const code = totpCode(secret, at(1));
    const results = await Promise.all((await nodes.together()).map((s) => factorsOn(directory(s)).checkCode(id, code, at(1))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'replayed' }]);
    expect(await factorsOn(directory(await nodes.store(0))).checkCode(id, code, at(1))).toEqual({ ok: false, reason: 'replayed' });
    // A recovery code likewise, and it is gone afterwards.
    const recovery = enrolled!.recoveryCodes[0]!;
    expect(await factorsOn(directory(await nodes.store(1))).checkCode(id, recovery, at(2))).toMatchObject({
      ok: true,
      kind: 'recovery',
      recoveryCodesLeft: 9,
    });
    expect(await factorsOn(directory(await nodes.store(0))).checkCode(id, recovery, at(2))).toEqual({ ok: false, reason: 'invalid' });

    // A reset from the other node clears it and ends the sessions.
    const epoch = await directory(await nodes.store(0)).sessionEpoch(id);
    await factorsOn(directory(await nodes.store(1))).reset('ops@vendor.example', 'cli', at(3));
    const d = directory(await nodes.store(0));
    expect(await factorsOn(d).status(id)).toMatchObject({ enrolledAt: null });
    expect(await d.sessionEpoch(id)).toBe(epoch + 1);
    expect((await d.get(id)).secondFactorReset).toEqual({ at: at(3).toISOString(), by: 'cli' });
  });

  it('gives every node the same dashboard session secret, the first one made', async () => {
    const nodes = await start();
    const [a, b] = (await nodes.together()).map(directory) as [AdminDirectory, AdminDirectory];
    const secrets = await Promise.all([a.dashboardSessionSecret(T0), b.dashboardSessionSecret(T0), a.dashboardSessionSecret(T0)]);
    secrets.push(await directory(await nodes.store(1)).dashboardSessionSecret(at(60)));
    expect(new Set(secrets).size).toBe(1);
    // 32 random bytes in base64url.
    expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
