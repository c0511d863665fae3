/**
 * The single sign-on's rules without a server (domain/oidc/): which issuers are accepted, the flow
 * cookie's seal and its 10 minutes (the clock moved, never waited for), who an ID token lets in,
 * and the settings' checks — the break-glass account an active admin, the secret kept or asked again.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { DomainError } from '@iamanager/protocol';
import { issuerSchema } from '../../../appliance/src/domain/oidc/issuerUrl.js';
import { openFlow, sealFlow } from '../../../appliance/src/domain/oidc/flowCookie.js';
import { accountFor } from '../../../appliance/src/domain/oidc/oidcAccounts.js';
import { OidcSettings, oidcSettingsInput } from '../../../appliance/src/domain/oidc/oidcSettings.js';
import { publicOriginOf } from '../../../appliance/src/domain/oidc/redirectUri.js';
import { Users } from '../../../appliance/src/domain/users/users.js';
import type { LicenseStore } from '../../../appliance/src/domain/license/licenseStore.js';
import type { AuditInput } from '../../../appliance/src/domain/audit/auditLog.js';
import { openUserStore } from '../../../appliance/src/storage/userStore.js';
import { openOidcSettingsStore } from '../../../appliance/src/storage/oidcSettingsStore.js';
import { tempDir } from '../../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';
const SECRET_KEY = 'a-secret-key-of-the-appliance-at-least-32-characters';
const quiet = () => createLogger('test', 'silent');

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'resolved';
  } catch (err) {
    return err instanceof DomainError ? `${err.code}${err.details?.reason ? `:${String(err.details.reason)}` : ''}` : String(err);
  }
}

/** Users with a license allowing `maxUsers` active users (the starter plan's 3 by default). */
async function directory(maxUsers = 3) {
  const dir = tempDir('oidc-domain-');
  const license = { assertCanCreate: () => ({ maxUsers, plan: 'starter' }), limits: () => undefined } as unknown as LicenseStore;
  const users = new Users(await openUserStore(dir, quiet()), license, () => new Date('2026-03-02T09:00:00.000Z'));
  const admin = await users.createUser(
    { email: 'admin@cabinet.fr', name: 'Admin', role: 'admin', password: PASSWORD },
    { firstAdmin: true },
  );
  const audit: AuditInput[] = [];
  return { dir, users, admin, audit, deps: { users, audit: { append: async (e: AuditInput) => void audit.push(e) } } };
}

describe('the issuer', () => {
  it('must be https, but for a provider on this machine', () => {
    const ok = (v: string) => issuerSchema.safeParse(v).success;
    expect(ok('https://login.microsoftonline.com/0b7a3c55-2d2e-4d54-a3b6-6a7b0a8a9c1d/v2.0')).toBe(true);
    expect(ok('https://accounts.google.com')).toBe(true);
    expect(ok('http://127.0.0.1:4400')).toBe(true);
    expect(ok('http://localhost:4400')).toBe(true);
    expect(ok('http://[::1]:4400')).toBe(true);
    expect(ok('http://idp.cabinet.lan')).toBe(false);
    expect(ok('http://127.0.0.2')).toBe(false);
    expect(ok('https://idp.example.com/?tenant=1')).toBe(false);
    expect(ok('idp.example.com')).toBe(false);
    expect(issuerSchema.safeParse('http://idp.cabinet.lan').error?.issues[0]?.message).toMatch(/must start with https:\/\//);
  });
});

describe('the flow cookie', () => {
  const flow = { state: 's'.repeat(43), nonce: 'n'.repeat(43), verifier: 'v'.repeat(43), next: '/dossiers' };

  it('opens for 10 minutes, then no more', async () => {
    const sealed = await sealFlow(SECRET_KEY, flow, new Date('2026-03-02T09:00:00.000Z'));
    // Sealed at 09:00:00, valid 10 minutes: until 09:10:00 (jose refuses from `exp` on).
    expect(await openFlow(SECRET_KEY, sealed, new Date('2026-03-02T09:09:59.000Z'))).toEqual(flow);
    expect(await openFlow(SECRET_KEY, sealed, new Date('2026-03-02T09:10:01.000Z'))).toBeUndefined();
  });

  it('cannot be read, altered, nor opened with another appliance’s key', async () => {
    const at = new Date('2026-03-02T09:00:00.000Z');
    const sealed = await sealFlow(SECRET_KEY, flow, at);
    expect(sealed).not.toContain(flow.verifier);
    expect(Buffer.from(sealed.split('.')[3] ?? '', 'base64url').toString('latin1')).not.toContain('vvvv');
    const parts = sealed.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await openFlow(SECRET_KEY, parts.join('.'), at)).toBeUndefined();
    expect(await openFlow(`${SECRET_KEY}-other`, sealed, at)).toBeUndefined();
    expect(await openFlow(SECRET_KEY, undefined, at)).toBeUndefined();
    expect(await openFlow(SECRET_KEY, 'not a cookie', at)).toBeUndefined();
  });
});

describe('who an ID token lets in', () => {
  const provider = { allowedDomains: ['cabinet.fr'], createUsers: true, newUserRole: 'avocat', displayName: 'Google' };

  it('accepts email_verified sent as the string "true", and no claim at all (Entra ID)', async () => {
    const { deps, users } = await directory(10);
    await users.createUser({ email: 'marie@cabinet.fr', name: 'Marie', role: 'avocat', password: PASSWORD });
    expect((await accountFor(deps, provider, { email: 'MARIE@cabinet.fr', email_verified: 'true' })).created).toBe(false);
    expect((await accountFor(deps, provider, { email: 'marie@cabinet.fr' })).user.email).toBe('marie@cabinet.fr');
    expect(await codeOf(accountFor(deps, provider, { email: 'marie@cabinet.fr', email_verified: 'false' }))).toBe(
      'oidc_refused:email_unverified',
    );
    expect(await codeOf(accountFor(deps, provider, { email: 42 }))).toBe('oidc_refused:no_email');
    expect(await codeOf(accountFor(deps, provider, { email: 'not an address' }))).toBe('oidc_refused:no_email');
  });

  it('gives a created account the provider’s name, shortened to 120 characters, or its address', async () => {
    const { deps, audit } = await directory(10);
    const long = await accountFor(deps, provider, { email: 'long@cabinet.fr', name: `  Jean\n${'x'.repeat(200)}` });
    // "Jean x…x": its spaces made one, then cut at 120 characters.
    expect(long.user.name).toBe(`Jean ${'x'.repeat(115)}`);
    expect(long.user.role).toBe('avocat');
    expect((await accountFor(deps, provider, { email: 'anon@cabinet.fr' })).user.name).toBe('anon@cabinet.fr');
    expect(audit.map((e) => e.action)).toEqual(['user.created_oidc', 'user.created_oidc']);
  });

  it('holds the plan’s limit: a first login past it is refused as « plan full », and nobody is created', async () => {
    const { deps, users } = await directory(2);
    expect((await accountFor(deps, provider, { email: 'second@cabinet.fr' })).created).toBe(true);
    expect(await codeOf(accountFor(deps, provider, { email: 'third@cabinet.fr' }))).toBe('oidc_refused:plan_full');
    expect(users.byEmail('third@cabinet.fr')).toBeUndefined();
    expect(await codeOf(accountFor(deps, { ...provider, createUsers: false }, { email: 'fourth@cabinet.fr' }))).toBe(
      'oidc_refused:unknown_user',
    );
  });
});

describe('the settings', () => {
  async function settingsWith(maxUsers = 10) {
    const d = await directory(maxUsers);
    const settings = new OidcSettings(await openOidcSettingsStore(d.dir, quiet()), d.users, () => new Date('2026-03-02T09:00:00.000Z'));
    return { ...d, settings };
  }
  const input = (over: Record<string, unknown> = {}) =>
    oidcSettingsInput.parse({
      issuer: 'https://accounts.google.com',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      displayName: 'Google',
      allowedDomains: 'Cabinet.fr, @cabinet-lyon.fr',
      createUsers: false,
      newUserRole: 'avocat',
      localLoginOff: false,
      breakGlassEmail: '',
      ...over,
    });

  it('keep the secret when none is typed for the same client, and ask it again for another', async () => {
    const { settings } = await settingsWith();
    const view = await settings.save(input(), 'admin@cabinet.fr');
    expect(view).toMatchObject({ hasClientSecret: true, allowedDomains: ['cabinet.fr', 'cabinet-lyon.fr'] });
    expect(JSON.stringify(view)).not.toContain('secret-1');
    await settings.save(input({ clientSecret: undefined, displayName: 'Google Workspace' }), 'admin@cabinet.fr');
    expect(settings.provider()?.clientSecret).toBe('secret-1');
    expect(await codeOf(settings.save(input({ clientSecret: undefined, clientId: 'client-2' }), 'admin@cabinet.fr'))).toBe('invalid_input');
  });

  it('turn password login off only with an active admin as the break-glass account, and back on', async () => {
    const { settings, users, admin } = await settingsWith();
    const lawyer = await users.createUser({ email: 'marie@cabinet.fr', name: 'Marie', role: 'avocat', password: PASSWORD });
    expect(await codeOf(settings.save(input({ localLoginOff: true }), 'a'))).toBe('invalid_input');
    expect(await codeOf(settings.save(input({ localLoginOff: true, breakGlassEmail: 'marie@cabinet.fr' }), 'a'))).toBe('invalid_input');
    expect(await codeOf(settings.save(input({ localLoginOff: true, breakGlassEmail: 'nobody@cabinet.fr' }), 'a'))).toBe('invalid_input');
    await settings.save(input({ localLoginOff: true, breakGlassEmail: 'Admin@Cabinet.fr' }), 'a');
    expect(settings.view().breakGlassEmail).toBe('admin@cabinet.fr');
    expect(settings.passwordLoginAllowed(admin)).toBe(true);
    expect(settings.passwordLoginAllowed(lawyer)).toBe(false);
    expect(await codeOf(() => settings.assertPasswordLogin(lawyer))).toBe('local_login_disabled');
    expect(await settings.allowLocalLogin('appliance CLI')).toBe(true);
    expect(settings.passwordLoginAllowed(lawyer)).toBe(true);
    expect(await settings.allowLocalLogin('appliance CLI')).toBe(false);
  });

  it('say when the break-glass account has since stopped being an active admin', async () => {
    const { settings, users, admin } = await settingsWith();
    const second = await users.createUser({ email: 'second@cabinet.fr', name: 'Second', role: 'admin', password: PASSWORD });
    await settings.save(input({ localLoginOff: true, breakGlassEmail: 'second@cabinet.fr' }), 'a');
    expect(settings.breakGlassProblem()).toBeNull();
    await users.updateUser(second.id, { role: 'avocat' }, admin.id);
    expect(settings.breakGlassProblem()).toMatch(/break-glass account \(second@cabinet.fr\) is no longer an active admin/);
    expect(settings.view().breakGlassProblem).not.toBeNull();
    await settings.allowLocalLogin('appliance CLI');
    expect(settings.breakGlassProblem()).toBeNull();
  });

  it('never create administrators from the provider', async () => {
    const { settings } = await settingsWith();
    expect(await codeOf(settings.save(input({ createUsers: true, newUserRole: 'admin' }), 'a'))).toBe('invalid_input');
    expect(await codeOf(settings.save(input({ createUsers: true, newUserRole: 'stagiaire' }), 'a'))).toBe('invalid_input');
    expect((await settings.save(input({ createUsers: true, newUserRole: 'juriste' }), 'a')).newUserRole).toBe('juriste');
  });
});

describe('the redirect URI’s origin', () => {
  it('is PUBLIC_URL when set, else the first TLS name on the public HTTPS port, else plain HTTP on PORT', () => {
    const base = { publicUrl: undefined, tls: true, tlsNames: ['iamanager.cabinet.lan'], tlsPublicPort: 443, port: 8080 };
    expect(publicOriginOf(base)).toBe('https://iamanager.cabinet.lan');
    expect(publicOriginOf({ ...base, tlsPublicPort: 8443 })).toBe('https://iamanager.cabinet.lan:8443');
    expect(publicOriginOf({ ...base, publicUrl: 'https://sso.cabinet.fr' })).toBe('https://sso.cabinet.fr');
    expect(publicOriginOf({ ...base, tls: false })).toBe('http://iamanager.cabinet.lan:8080');
  });
});
