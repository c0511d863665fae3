/**
 * The vendor's side of the upgrade path, over HTTP (docs/protocol.md "Upgrade request",
 * docs/billing.md "Changements de formule demandés"): licenses carry the sales contact and the
 * plans above only for appliances that say they read them; the fleet flags cabinets near (≥ 80 %)
 * and at (100 %) their limits beside a healthy status, sortable; the cabinet page shows the backup
 * age; a signed upgrade request is recorded once and refused when replayed, tampered with or from
 * an unknown appliance, and appears on the dashboard to act on.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LICENSE_OFFERS_HEADER,
  LICENSE_OFFERS_VALUE,
  generateSigningKey,
  publicJwk,
  signUpgradeRequest,
  verifyLicense,
  type Jwks,
  type UpgradeRequestPayload,
} from '@iamanager/protocol';
import {
  FakeAppliance,
  api,
  createAdminToken,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;

/** The month a cabinet's analyses count in: Europe/Paris, as the appliance and the fleet count it. */
function parisMonth(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(at).slice(0, 7);
}

class Visitor {
  cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
  async csrf(path: string): Promise<string> {
    const page = await this.request('GET', path);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return match[1]!;
  }
  async login(email: string) {
    const token = await this.csrf('/connexion');
    return this.request('POST', '/connexion', { _csrf: token, email, password: PASSWORD });
  }
}

/** An appliance of this version: it says it reads the contact and offers claims. */
async function enrollReadingOffers(url: string, code: string, appliance: FakeAppliance) {
  const res = await fetch(`${url}/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [LICENSE_OFFERS_HEADER]: LICENSE_OFFERS_VALUE },
    body: JSON.stringify({ code, publicKey: publicJwk(appliance.key.publicKey), instanceName: 'test-prod', version: '1.0.0' }),
  });
  const body = (await res.json()) as { applianceId: string; cabinetId: string; license: string; vendorKeys: Jwks };
  appliance.applianceId = body.applianceId;
  appliance.cabinetId = body.cabinetId;
  appliance.license = body.license;
  return body;
}

describe('upgrade path: licenses, fleet flags, upgrade requests', () => {
  const dataDir = `${tempDir('cp-upgrade-')}/data`;
  let cp: TestControlPlane;
  let token: string;
  const appliances = new Map<string, FakeAppliance>();
  let vendorKeys: Jwks;
  const month = parisMonth(new Date());

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    token = await createAdminToken(dataDir, 'admin@vendor.test');
    expect(
      (await runCli(dataDir, ['admin', 'create', '--email', 'support@vendor.test', '--role', 'support'], { input: `${PASSWORD}\n` })).code,
    ).toBe(0);
    expect(
      (await runCli(dataDir, ['admin', 'create', '--email', 'boss@vendor.test', '--role', 'admin'], { input: `${PASSWORD}\n` })).code,
    ).toBe(0);
    cp = await startControlPlane(dataDir, {
      SALES_CONTACT_NAME: 'IA Manager — service commercial',
      SALES_CONTACT_EMAIL: 'commercial@iamanager.test',
      SALES_CONTACT_PHONE: '+33 1 23 45 67 89',
    });
    for (const [id, plan] of [
      ['dupont', 'professional'],
      ['martin', 'starter'],
      ['bernard', 'starter'],
      ['durand', 'starter'],
    ] as const) {
      const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', {
        id,
        name: `Cabinet ${id[0]!.toUpperCase()}${id.slice(1)}`,
        plan,
      });
      expect(created.status).toBe(201);
      const appliance = new FakeAppliance(cp.url);
      if (id === 'martin') expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
      else vendorKeys = (await enrollReadingOffers(cp.url, created.body.enrollmentCode, appliance)).vendorKeys;
      appliances.set(id, appliance);
    }
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs the sales contact, the plan price and the plans above into the license of an appliance that reads them', async () => {
    const dupont = appliances.get('dupont')!;
    const { claims } = await verifyLicense(dupont.license, {
      keys: vendorKeys,
      issuer: 'iamanager-control-plane',
      audience: dupont.applianceId,
    });
    expect(claims.vendorContact).toEqual({
      name: 'IA Manager — service commercial',
      email: 'commercial@iamanager.test',
      phone: '+33 1 23 45 67 89',
    });
    expect(claims.planPriceCents).toBe(29_900);
    expect(claims.offers?.map((o) => [o.plan, o.priceCents, o.limits.maxUsers])).toEqual([['enterprise', 59_900, 50]]);
  });

  it('leaves them out for an appliance that does not say it reads them, and adds them once it does', async () => {
    const martin = appliances.get('martin')!;
    const { claims } = await verifyLicense(martin.license, {
      keys: vendorKeys,
      issuer: 'iamanager-control-plane',
      audience: martin.applianceId,
    });
    expect(claims.offers).toBeUndefined();
    expect(claims.vendorContact).toBeUndefined();
    // Updated, the appliance says so on its next heartbeat: the answer carries a license with them.
    const res = await fetch(`${cp.url}/v1/heartbeats`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose', [LICENSE_OFFERS_HEADER]: LICENSE_OFFERS_VALUE },
      body: await martin.sign(
        martin.payload({ month, usage: { analysesUsed: 100, analysesOverage: 0, usersActive: 1, casesOpen: 40, storageBytes: 1 } }),
      ),
    });
    expect(res.status).toBe(202);
    const reply = (await res.json()) as { license?: string };
    const renewed = await verifyLicense(reply.license!, {
      keys: vendorKeys,
      issuer: 'iamanager-control-plane',
      audience: martin.applianceId,
    });
    expect(renewed.claims.offers?.map((o) => o.plan)).toEqual(['professional', 'enterprise']);
    expect(renewed.claims.vendorContact?.email).toBe('commercial@iamanager.test');
    martin.license = reply.license!;
  });

  it('flags near-limit (80 %) and at-limit (100 %) cabinets beside a healthy status, 79 % not at all, sorted by limits', async () => {
    const usage = (users: number, analyses: number) => ({
      analysesUsed: analyses,
      analysesOverage: 0,
      usersActive: users,
      casesOpen: 10,
      storageBytes: 1,
    });
    const now = Date.now();
    const beat = async (id: string, u: ReturnType<typeof usage>, lastBackupAt: string | null = null) => {
      const a = appliances.get(id)!;
      const p = a.payload({ month, usage: u });
      expect((await a.send(await a.sign({ ...p, health: { ...p.health, lastBackupAt } }))).status).toBe(202);
    };
    // Dupont: professional, 10 of 10 users. Bernard: starter, 80 of 100 analyses. Durand: 79 of 100.
    // Martin: starter, 100 of 100 analyses (the heartbeat above).
    await beat('dupont', usage(10, 12), new Date(now - 3 * HOUR - 60_000).toISOString());
    await beat('bernard', usage(1, 80));
    await beat('durand', usage(1, 79));

    const fleet = await api(cp.url, token, 'GET', '/api/v1/fleet?sort=limits');
    expect(fleet.status).toBe(200);
    const rows = fleet.body.appliances as Array<{ cabinetId: string; status: string; commercial: { flag: string } }>;
    expect(rows.map((r) => [r.cabinetId, r.commercial.flag])).toEqual([
      ['dupont', 'at_limit'],
      ['martin', 'at_limit'],
      ['bernard', 'near_limit'],
      ['durand', 'ok'],
    ]);
    // A commercial flag, not a health alert: every one of them is healthy.
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['healthy']));

    const support = new Visitor(cp.url);
    expect((await support.login('support@vendor.test')).status).toBe(302);
    const page = await support.request('GET', '/?sort=limits');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Limite atteinte');
    expect(page.text).toContain('Utilisateurs 10/10 (100 %)');
    expect(page.text).toContain('Analyses du mois 100/100 (100 %)');
    expect(page.text).toContain('Proche de la limite (≥ 80 %)');
    expect(page.text).toContain('Analyses du mois 80/100 (80 %)');
    expect(page.text).not.toContain('79/100 (79 %)');
    expect(page.text.indexOf('Cabinet Dupont')).toBeLessThan(page.text.indexOf('Cabinet Bernard'));
    expect(page.text.indexOf('Cabinet Bernard')).toBeLessThan(page.text.indexOf('Cabinet Durand'));

    // The backup age, on the cabinet page (the heartbeat said 3 h 1 min ago).
    const cabinet = await support.request('GET', '/cabinets/dupont');
    expect(cabinet.text).toContain('Dernière sauvegarde');
    expect(cabinet.text).toMatch(/class="backup-age"><time[^>]*>il y a 3 h</);
    const bernard = await support.request('GET', '/cabinets/bernard');
    expect(bernard.text).toMatch(/class="backup-age">aucune/);
  });

  describe('upgrade requests', () => {
    const request = (a: FakeAppliance, overrides: Partial<UpgradeRequestPayload> = {}): UpgradeRequestPayload => ({
      v: 1,
      iss: a.applianceId,
      sub: a.cabinetId,
      jti: 'bWFydGluLXJlcXVlc3QtMDAwMQ',
      iat: Math.floor(Date.now() / 1000),
      licenseId: 'any-license',
      currentPlan: 'starter',
      wantedPlan: 'professional',
      limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
      usage: { month, usersActive: 1, casesOpen: 40, analysesUsed: 100 },
      message: 'Nos 100 analyses sont épuisées le 20 : appelez-nous.',
      ...overrides,
    });
    const post = async (jws: string) => {
      const res = await fetch(`${cp.url}/v1/upgrade-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
      });
      return { status: res.status, body: (await res.json()) as { error?: string; accepted?: boolean; id?: string } };
    };
    let accepted: string;

    it('accepts a request signed by the appliance key, once', async () => {
      const martin = appliances.get('martin')!;
      accepted = await signUpgradeRequest(request(martin), martin.key.privateKey);
      const first = await post(accepted);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ accepted: true, id: 'bWFydGluLXJlcXVlc3QtMDAwMQ' });
      const again = await post(accepted);
      expect(again.status).toBe(409);
      expect(again.body.error).toBe('replayed_request');
      // Signed again (the appliance's queue re-signs with a fresh iat), the same nonce is still one request.
      const resigned = await signUpgradeRequest(request(martin, { iat: Math.floor(Date.now() / 1000) - 1 }), martin.key.privateKey);
      expect((await post(resigned)).body.error).toBe('replayed_request');
    });

    it('refuses a tampered request, one from an unknown appliance and one signed with another key', async () => {
      const martin = appliances.get('martin')!;
      const jws = await signUpgradeRequest(request(martin, { jti: 'bWFydGluLXJlcXVlc3QtMDAwMg' }), martin.key.privateKey);
      const [h, p, s] = jws.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as UpgradeRequestPayload;
      claims.wantedPlan = 'enterprise';
      const tampered = await post(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
      expect([tampered.status, tampered.body.error]).toEqual([401, 'bad_signature']);

      const stranger = generateSigningKey();
      const unknown = await post(
        await signUpgradeRequest(request(martin, { iss: 'nobody-000000', jti: 'bWFydGluLXJlcXVlc3QtMDAwMw' }), stranger.privateKey),
      );
      expect([unknown.status, unknown.body.error]).toEqual([401, 'unknown_appliance']);

      const forged = await post(await signUpgradeRequest(request(martin, { jti: 'bWFydGluLXJlcXVlc3QtMDAwNA' }), stranger.privateKey));
      expect([forged.status, forged.body.error]).toEqual([401, 'bad_signature']);

      const listed = await api(cp.url, token, 'GET', '/api/v1/upgrade-requests');
      expect(listed.body.upgradeRequests.map((r: { id: string }) => r.id)).toEqual(['bWFydGluLXJlcXVlc3QtMDAwMQ']);
    });

    it('shows the request on the dashboard to act on, and an admin marks it handled', async () => {
      const support = new Visitor(cp.url);
      await support.login('support@vendor.test');
      const page = await support.request('GET', '/demandes');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Cabinet Martin');
      expect(page.text).toContain('starter → <strong>professional</strong>');
      expect(page.text).toContain('Nos 100 analyses sont épuisées le 20 : appelez-nous.');
      expect(page.text).toContain('Analyses du mois : 100 / 100');
      // Support reads; only an admin changes plans, so only an admin closes the request.
      expect(page.text).not.toContain('Marquer comme traitée');

      const boss = new Visitor(cp.url);
      await boss.login('boss@vendor.test');
      const csrf = await boss.csrf('/demandes');
      const done = await boss.request('POST', '/demandes/bWFydGluLXJlcXVlc3QtMDAwMQ/traitee', { _csrf: csrf });
      expect(done.status).toBe(302);
      expect((await boss.request('GET', '/demandes')).text).toContain('Aucune demande à traiter.');
      const handled = await api(cp.url, token, 'GET', '/api/v1/upgrade-requests?status=handled');
      expect(handled.body.upgradeRequests[0]).toMatchObject({ status: 'handled', handledBy: 'boss@vendor.test', cabinetId: 'martin' });
    });
  });
});
