/**
 * The passkey ceremonies of domain/passkeys/ against a software authenticator (no browser): a
 * passkey registered and used, then every refusal a network peer can provoke — no challenge, an
 * expired one (the clock moved), a replayed answer, an unknown credential, another origin, a host
 * that is an IP address or not the appliance's, and a counter that went back (a cloned key).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { Passkeys } from '../../../appliance/src/domain/passkeys/passkeys.js';
import { CHALLENGE_TTL_MS } from '../../../appliance/src/domain/passkeys/challenges.js';
import { passkeyHostNames, relyingPartyOf } from '../../../appliance/src/domain/passkeys/relyingParty.js';
import { openPasskeyStore, PASSKEYS_FILE } from '../../../appliance/src/storage/passkeyStore.js';
import { SoftAuthenticator } from '../../support/softAuthenticator.js';

const ORIGIN = 'https://iamanager.cabinet.lan';
const RP = { id: 'iamanager.cabinet.lan', origin: ORIGIN, name: 'Cabinet Dupont' };
const USER = { id: 'u-1', email: 'avocat@dupont.fr', name: 'Maître Dupont' };

let dir: string;
let now: Date;
let audit: Array<{ actor: string; action: string; detail?: string }>;
let passkeys: Passkeys;

async function open(mustKeepOne?: (userId: string) => boolean): Promise<Passkeys> {
  const doc = await openPasskeyStore(dir, createLogger('test', 'silent'));
  return new Passkeys({
    doc,
    audit: { append: (e) => Promise.resolve(void audit.push(e)) },
    clock: () => now,
    log: createLogger('test', 'silent'),
    ...(mustKeepOne ? { mustKeepOne } : {}),
  });
}

async function registered(key = new SoftAuthenticator(ORIGIN), name = 'Clé USB du bureau'): Promise<SoftAuthenticator> {
  const options = await passkeys.registrationOptions(USER, RP);
  await passkeys.register(USER, RP, JSON.stringify(key.register(options)), name);
  return key;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passkeys-'));
  now = new Date('2026-03-02T09:00:00Z');
  audit = [];
  passkeys = await open();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('passkey registration', () => {
  it('keeps the passkey durably with its name, key, counter, transports and host, and audits it', async () => {
    const key = await registered();
    const reopened = await open();
    expect(reopened.list(USER.id)).toEqual([
      expect.objectContaining({
        id: key.id,
        userId: USER.id,
        name: 'Clé USB du bureau',
        counter: 0,
        transports: ['usb'],
        rpId: RP.id,
        createdAt: '2026-03-02T09:00:00.000Z',
        lastUsedAt: null,
      }),
    ]);
    expect(reopened.has(USER.id)).toBe(true);
    expect(audit).toEqual([{ actor: USER.email, action: 'user.passkey_added', detail: 'Clé USB du bureau' }]);
    expect(fs.statSync(path.join(dir, PASSKEYS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses an answer signed for another origin (a phishing page relaying the ceremony)', async () => {
    const options = await passkeys.registrationOptions(USER, RP);
    const answer = new SoftAuthenticator(ORIGIN).register(options, { origin: 'https://iamanager-cabinet.example' });
    await expect(passkeys.register(USER, RP, JSON.stringify(answer), 'Clé')).rejects.toMatchObject({
      code: 'passkey_refused',
      message: expect.stringContaining('origin'),
    });
    expect(passkeys.list(USER.id)).toEqual([]);
  });

  it('refuses an answer with no challenge issued, and a name left empty, naming the field', async () => {
    const answer = new SoftAuthenticator(ORIGIN).register({ challenge: 'bm90LWlzc3VlZA', rp: { id: RP.id } });
    await expect(passkeys.register(USER, RP, JSON.stringify(answer), 'Clé')).rejects.toMatchObject({ code: 'passkey_challenge_missing' });
    await expect(passkeys.register(USER, RP, JSON.stringify(answer), '  ')).rejects.toMatchObject({
      code: 'invalid_input',
      details: { field: 'name' },
    });
    await expect(passkeys.register(USER, RP, '{"id":"x"}', 'Clé')).rejects.toMatchObject({
      code: 'passkey_refused',
      message: expect.stringMatching(/^response\.rawId: /),
    });
  });
});

describe('passkey login (second factor)', () => {
  it('accepts a signature by the registered key and records its counter and last use', async () => {
    const key = await registered();
    now = new Date('2026-03-03T08:30:00Z');
    const options = await passkeys.authenticationOptions(USER, RP);
    expect(options.allowCredentials).toEqual([{ id: key.id, type: 'public-key', transports: ['usb'] }]);
    const used = await passkeys.authenticate(USER, RP, JSON.stringify(key.authenticate(options)));
    expect(used).toMatchObject({ id: key.id, counter: 1, lastUsedAt: '2026-03-03T08:30:00.000Z' });
  });

  it('refuses a replayed answer: the challenge was used once', async () => {
    const key = await registered();
    const options = await passkeys.authenticationOptions(USER, RP);
    const answer = JSON.stringify(key.authenticate(options));
    await passkeys.authenticate(USER, RP, answer);
    await expect(passkeys.authenticate(USER, RP, answer)).rejects.toMatchObject({ code: 'passkey_challenge_missing' });
  });

  it('refuses an answer after the challenge expired', async () => {
    const key = await registered();
    const options = await passkeys.authenticationOptions(USER, RP);
    // Issued at 09:00:00; it lives CHALLENGE_TTL_MS (5 minutes): 09:05:01 is past it.
    expect(CHALLENGE_TTL_MS).toBe(5 * 60_000);
    now = new Date('2026-03-02T09:05:01Z');
    await expect(passkeys.authenticate(USER, RP, JSON.stringify(key.authenticate(options)))).rejects.toMatchObject({
      code: 'passkey_challenge_expired',
    });
  });

  it('accepts an answer just inside the challenge lifetime', async () => {
    const key = await registered();
    const options = await passkeys.authenticationOptions(USER, RP);
    // Issued at 09:00:00, 5 minutes of life: 09:05:00 is still inside.
    now = new Date('2026-03-02T09:05:00Z');
    await expect(passkeys.authenticate(USER, RP, JSON.stringify(key.authenticate(options)))).resolves.toMatchObject({ id: key.id });
  });

  it('refuses a credential the user does not have', async () => {
    await registered();
    const options = await passkeys.authenticationOptions(USER, RP);
    const stranger = new SoftAuthenticator(ORIGIN);
    await expect(passkeys.authenticate(USER, RP, JSON.stringify(stranger.authenticate(options)))).rejects.toMatchObject({
      code: 'passkey_unknown',
    });
  });

  it('refuses an answer signed for another origin', async () => {
    const key = await registered();
    const options = await passkeys.authenticationOptions(USER, RP);
    const answer = key.authenticate(options, { origin: 'http://iamanager.cabinet.lan:8080' });
    await expect(passkeys.authenticate(USER, RP, JSON.stringify(answer))).rejects.toMatchObject({
      code: 'passkey_refused',
      message: expect.stringContaining('origin'),
    });
  });

  it('refuses a counter that did not move forward (a cloned key), says so and audits it', async () => {
    const key = await registered();
    const first = await passkeys.authenticationOptions(USER, RP);
    await passkeys.authenticate(USER, RP, JSON.stringify(key.authenticate(first, { counter: 7 })));
    const second = await passkeys.authenticationOptions(USER, RP);
    await expect(passkeys.authenticate(USER, RP, JSON.stringify(key.authenticate(second, { counter: 7 })))).rejects.toMatchObject({
      code: 'passkey_counter_regression',
      message: expect.stringContaining('« Clé USB du bureau »'),
    });
    expect(audit.at(-1)).toEqual({ actor: USER.email, action: 'user.passkey_counter_regression', detail: 'Clé USB du bureau' });
    expect(passkeys.list(USER.id)[0]?.counter).toBe(7);
  });

  it('accepts keys that keep no counter (always 0)', async () => {
    const key = await registered();
    for (let i = 0; i < 2; i++) {
      const options = await passkeys.authenticationOptions(USER, RP);
      await passkeys.authenticate(USER, RP, JSON.stringify(key.authenticate(options, { counter: 0 })));
    }
    expect(passkeys.list(USER.id)[0]?.counter).toBe(0);
  });

  it('says on which name the passkeys work when opened by another', async () => {
    await registered();
    const other = { ...RP, id: 'localhost', origin: 'http://localhost:8080' };
    await expect(passkeys.authenticationOptions(USER, other)).rejects.toMatchObject({
      code: 'passkey_host_unsupported',
      message: expect.stringContaining('iamanager.cabinet.lan'),
    });
    await expect(passkeys.authenticationOptions({ ...USER, id: 'u-2' }, RP)).rejects.toMatchObject({ code: 'passkey_unknown' });
  });
});

describe('managing passkeys', () => {
  it('renames and removes only the user’s own, audited', async () => {
    const key = await registered();
    await passkeys.rename(USER, key.id, '  Clé   bleue ');
    expect(passkeys.list(USER.id)[0]?.name).toBe('Clé bleue');
    await expect(passkeys.remove({ ...USER, id: 'u-2' }, key.id)).rejects.toMatchObject({ code: 'not_found' });
    await passkeys.remove(USER, key.id);
    expect(passkeys.has(USER.id)).toBe(false);
    expect(audit.map((e) => e.action)).toEqual(['user.passkey_added', 'user.passkey_renamed', 'user.passkey_removed']);
  });
});

describe('the cabinet’s second-factor rule and an admin’s reset', () => {
  it('keeps a user’s last passkey while the rule holds and it is their only factor', async () => {
    passkeys = await open((userId) => userId === USER.id);
    const first = await registered();
    const second = await registered(new SoftAuthenticator(ORIGIN), 'Téléphone');
    await passkeys.remove(USER, first.id);
    await expect(passkeys.remove(USER, second.id)).rejects.toMatchObject({ code: 'second_factor_kept_by_policy' });
    expect(passkeys.list(USER.id).map((p) => p.name)).toEqual(['Téléphone']);
  });

  it('removes every passkey of a user on a reset, audited, and only theirs', async () => {
    await registered();
    await registered(new SoftAuthenticator(ORIGIN), 'Téléphone');
    const other = { ...USER, id: 'u-2', email: 'juriste@dupont.fr' };
    const options = await passkeys.registrationOptions(other, RP);
    await passkeys.register(other, RP, JSON.stringify(new SoftAuthenticator(ORIGIN).register(options)), 'Clé du juriste');
    expect(await passkeys.removeAll(USER.id, 'admin@dupont.fr')).toBe(2);
    expect(passkeys.has(USER.id)).toBe(false);
    expect(passkeys.has(other.id)).toBe(true);
    expect(audit.at(-1)).toEqual({ actor: 'admin@dupont.fr', action: 'user.passkey_removed', detail: '2 (reset of u-1)' });
    expect(await passkeys.removeAll(USER.id, 'admin@dupont.fr')).toBe(0);
  });
});

describe('the relying party of a request', () => {
  const names = passkeyHostNames(['iamanager.cabinet.lan', '192.168.1.20'], 'NAS-Cabinet');

  it('is the host name the browser used, among the appliance’s names (IP addresses left out)', () => {
    expect(names).toEqual(['iamanager.cabinet.lan', 'nas-cabinet', 'localhost']);
    expect(
      relyingPartyOf({ protocol: 'https', host: 'IAManager.cabinet.lan:8443', hostname: 'IAManager.cabinet.lan' }, names, 'C'),
    ).toEqual({
      id: 'iamanager.cabinet.lan',
      origin: 'https://iamanager.cabinet.lan:8443',
      name: 'C',
    });
  });

  it('refuses an IP address, naming the host names to use instead', () => {
    expect(() => relyingPartyOf({ protocol: 'https', host: '192.168.1.20', hostname: '192.168.1.20' }, names, 'C')).toThrow(
      /opened by its IP address \(192\.168\.1\.20\).*https:\/\/iamanager\.cabinet\.lan/,
    );
  });

  it('refuses a name the appliance was not given (a forged Host header)', () => {
    expect(() => relyingPartyOf({ protocol: 'https', host: 'evil.example', hostname: 'evil.example' }, names, 'C')).toThrow(
      expect.objectContaining({ code: 'passkey_host_unsupported', message: expect.stringContaining('TLS_NAMES') }),
    );
  });
});
