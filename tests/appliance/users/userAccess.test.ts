/**
 * The users' access rules in the domain (domain/users/users.ts, invitations.ts), without a server:
 * the last active admin is never demoted nor disabled, whoever asks; a one-time link is single
 * use, ends after 72 hours and is stored as a hash only; a temporary password must be changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { DomainError } from '@iamanager/protocol';
import { Users } from '../../../appliance/src/domain/users/users.js';
import { acceptAccessLink, inviteUser, resetUserAccess, userOfAccessLink } from '../../../appliance/src/domain/users/invitations.js';
import type { LicenseStore } from '../../../appliance/src/domain/license/licenseStore.js';
import { openUserStore } from '../../../appliance/src/storage/userStore.js';
import type { AuditInput } from '../../../appliance/src/domain/audit/auditLog.js';
import { tempDir } from '../../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';

/** A license with room for 10 users (only invitations ask it: role changes never do). */
const LICENSE = { assertCanCreate: () => ({ maxUsers: 10, plan: 'professional' }), limits: () => undefined } as unknown as LicenseStore;

async function setup() {
  const dir = tempDir('users-access-');
  const doc = await openUserStore(dir, createLogger('test', 'silent'));
  let now = new Date('2026-03-02T09:00:00.000Z');
  const users = new Users(doc, LICENSE, () => now);
  const audit: AuditInput[] = [];
  const deps = { users, audit: { append: async (e: AuditInput) => void audit.push(e) }, clock: () => now };
  const admin = await users.createUser(
    { email: 'admin@cabinet.fr', name: 'Admin', role: 'admin', password: PASSWORD },
    { firstAdmin: true },
  );
  return { dir, users, deps, audit, admin, setNow: (d: Date) => (now = d) };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
};

describe('the last active admin', () => {
  it('cannot be demoted nor disabled by anyone, even through another account that may manage users', async () => {
    const { users, admin } = await setup();
    // Another account acting (e.g. a custom role with users.manage): the rule is the admin count, not who asks.
    expect(await codeOf(users.updateUser(admin.id, { role: 'avocat' }, 'someone-else'))).toBe('last_admin');
    expect(await codeOf(users.updateUser(admin.id, { active: false }, 'someone-else'))).toBe('last_admin');
    const second = await users.createUser({ email: 'b@cabinet.fr', name: 'B', role: 'admin', password: PASSWORD });
    expect(await codeOf(users.updateUser(admin.id, { role: 'avocat' }, second.id))).toBe('resolved');
    expect(await codeOf(users.updateUser(second.id, { active: false }, 'someone-else'))).toBe('last_admin');
  });
});

describe('one-time links', () => {
  it('are kept as a hash, used once, and end 72 hours after they were made', async () => {
    const { dir, deps, admin, audit, setNow } = await setup();
    const { access } = await inviteUser(deps, { email: 'Paul@Cabinet.fr', name: 'Paul', role: 'avocat', method: 'lien' }, admin);
    if (access.method !== 'lien') throw new Error('a link was asked for');
    // 2026-03-02 09:00 UTC + 72 h = 2026-03-05 09:00 UTC.
    expect(access.expiresAt).toBe('2026-03-05T09:00:00.000Z');
    expect(fs.readFileSync(path.join(dir, 'users.json'), 'utf8')).not.toContain(access.secret);
    setNow(new Date('2026-03-05T08:59:59.000Z'));
    expect(userOfAccessLink(deps, access.secret).email).toBe('paul@cabinet.fr');
    setNow(new Date('2026-03-05T09:00:00.000Z'));
    expect(await codeOf(acceptAccessLink(deps, access.secret, PASSWORD))).toBe('access_link_expired');
    // A reset gives a new link; the first one stays dead, the new one works once.
    const paul = deps.users.byEmail('paul@cabinet.fr')!;
    const reset = await resetUserAccess(deps, paul.id, { method: 'lien' }, admin);
    if (reset.access.method !== 'lien') throw new Error('a link was asked for');
    expect(await codeOf(acceptAccessLink(deps, access.secret, PASSWORD))).toBe('access_link_invalid');
    expect(await codeOf(acceptAccessLink(deps, reset.access.secret, 'short'))).toBe('invalid_input');
    const [first, second] = await Promise.all([
      codeOf(acceptAccessLink(deps, reset.access.secret, PASSWORD)),
      codeOf(acceptAccessLink(deps, reset.access.secret, `${PASSWORD}!`)),
    ]);
    expect([first, second]).toEqual(['resolved', 'access_link_invalid']);
    expect(await deps.users.checkPassword('paul@cabinet.fr', PASSWORD)).toBeDefined();
    expect(audit.map((e) => e.action)).toEqual(['user.invite', 'user.reset', 'user.link.used']);
  });

  it('a temporary password logs in but must be changed; the change clears it', async () => {
    const { deps, admin } = await setup();
    const { user, access } = await inviteUser(
      deps,
      { email: 'sofia@cabinet.fr', name: 'Sofia', role: 'juriste', method: 'mot-de-passe-provisoire' },
      admin,
    );
    if (access.method !== 'mot-de-passe-provisoire') throw new Error('a temporary password was asked for');
    expect((await deps.users.checkPassword('sofia@cabinet.fr', access.password))?.mustChangePassword).toBe(true);
    await deps.users.changePassword(user.id, access.password, PASSWORD);
    expect(deps.users.get(user.id).mustChangePassword).toBeUndefined();
    expect(await codeOf(resetUserAccess(deps, admin.id, { method: 'lien' }, admin))).toBe('invalid_input');
  });
});
