import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';

describe('vendor API /api/v1', () => {
  const dataDir = `${tempDir('cp-api-')}/data`;
  let cp: TestControlPlane;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    for (const role of ['admin', 'billing', 'support']) tokens[role] = await createAdminToken(dataDir, `${role}@vendor.test`, role);
    cp = await startControlPlane(dataDir);
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  describe('authentication and roles', () => {
    it('asks for a Bearer token when none is sent', async () => {
      const res = await api(cp.url, undefined, 'GET', '/api/v1/cabinets');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.error).toBe('unauthorized');
    });

    it('refuses an unknown token', async () => {
      const res = await api(cp.url, 'cpat_not-a-real-token', 'GET', '/api/v1/cabinets');
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/^this API token is not valid/);
    });

    it('lets only an admin create a cabinet', async () => {
      for (const role of ['billing', 'support']) {
        const res = await api(cp.url, tokens[role], 'POST', '/api/v1/cabinets', { id: 'dupont', name: 'Cabinet Dupont', plan: 'starter' });
        expect(res.status, role).toBe(403);
        expect(res.body).toEqual({
          ok: false,
          error: 'forbidden',
          message: `the ${role} role cannot change cabinets: ask an admin`,
          details: { role, action: 'manageCabinets' },
        });
      }
      expect(
        (await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets', { id: 'dupont', name: 'Cabinet Dupont', plan: 'starter' })).status,
      ).toBe(201);
    });

    it('does not let support change a plan, but lets it read the cabinet', async () => {
      const res = await api(cp.url, tokens.support, 'PATCH', '/api/v1/cabinets/dupont', { plan: 'enterprise' });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
      const shown = await api(cp.url, tokens.support, 'GET', '/api/v1/cabinets/dupont');
      expect(shown.status).toBe(200);
      expect(shown.body.cabinet.plan).toBe('starter');
    });

    it('shows prices to billing and admin, not to support', async () => {
      const forSupport = await api(cp.url, tokens.support, 'GET', '/api/v1/plans');
      expect(forSupport.body.plans[0]).not.toHaveProperty('priceCents');
      const forBilling = await api(cp.url, tokens.billing, 'GET', '/api/v1/plans');
      expect(forBilling.body.plans.map((p: { id: string; priceCents: number }) => [p.id, p.priceCents])).toEqual([
        ['starter', 9900],
        ['professional', 29900],
        ['enterprise', 59900],
      ]);
      expect((await api(cp.url, tokens.support, 'GET', '/api/v1/cabinets/dupont')).body.cabinet.effective).not.toHaveProperty('priceCents');
      expect((await api(cp.url, tokens.billing, 'GET', '/api/v1/cabinets/dupont')).body.cabinet.effective.priceCents).toBe(9900);
    });
  });

  describe('cabinets', () => {
    it('refuses a SIRET with a bad checksum or length, naming the field', async () => {
      for (const siret of ['12345678901234', '1234', '7328293200007A']) {
        const res = await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets', { id: 'bad-siret', name: 'X', plan: 'starter', siret });
        expect(res.status, siret).toBe(400);
        expect(res.body).toMatchObject({ ok: false, error: 'invalid_input', message: 'siret: must be 14 digits with a valid checksum' });
      }
    });

    it('accepts a valid SIRET written with spaces and stores its digits', async () => {
      const res = await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets', {
        id: 'bernard',
        name: 'Cabinet Bernard',
        plan: 'enterprise',
        siret: '732 829 320 00074',
        email: 'contact@bernard.test',
      });
      expect(res.status).toBe(201);
      expect(res.body.cabinet.siret).toBe('73282932000074');
    });

    it("expresses the seed's premium example as professional with overrides", async () => {
      const res = await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets', {
        id: 'premium',
        name: 'Cabinet Premium',
        plan: 'professional',
        overrides: { maxCases: 5000, maxAnalysesMonthly: 1000 },
      });
      expect(res.status).toBe(201);
      expect(res.body.cabinet.effective).toMatchObject({
        limits: { maxUsers: 10, maxCases: 5000, maxAnalysesMonthly: 1000 },
        aiModel: 'ceseda-pro-v1',
        advancedFeatures: true,
        overageAllowed: true,
        overagePricePerAnalysisCents: 50,
      });
    });

    it('dates every plan change in the history and can drop an override', async () => {
      // Issue 18: the plan change says what becomes of the override it does not set (maxAnalysesMonthly).
      const res = await api(cp.url, tokens.admin, 'PATCH', '/api/v1/cabinets/premium', {
        plan: 'enterprise',
        overrides: { maxCases: null },
        overridesOnPlanChange: 'keep',
      });
      expect(res.status).toBe(200);
      const history = res.body.cabinet.planHistory;
      expect(history.map((h: { plan: string }) => h.plan)).toEqual(['professional', 'enterprise']);
      expect(history[1]).toMatchObject({ overrides: { maxAnalysesMonthly: 1000 }, status: 'active', by: 'admin@vendor.test' });
      expect(Date.parse(history[1].effectiveAt)).toBeGreaterThanOrEqual(Date.parse(history[0].effectiveAt));
      expect(res.body.cabinet.effective.limits).toEqual({ maxUsers: 50, maxCases: 10000, maxAnalysesMonthly: 1000 });
    });

    it('refuses an unknown plan, an unknown field and a duplicate id with clear messages', async () => {
      const unknownPlan = await api(cp.url, tokens.admin, 'PATCH', '/api/v1/cabinets/dupont', { plan: 'gold' });
      expect(unknownPlan.status).toBe(400);
      expect(unknownPlan.body.message).toBe('plan: unknown plan "gold": choose one of starter, professional, enterprise');
      const unknownField = await api(cp.url, tokens.admin, 'PATCH', '/api/v1/cabinets/dupont', { maxUsers: 3 });
      expect(unknownField.body.message).toBe('body: unknown field "maxUsers": remove it');
      const duplicate = await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets', { id: 'dupont', name: 'Again', plan: 'starter' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error).toBe('already_exists');
    });

    it('answers 404 for a cabinet that does not exist and 400 for an id that cannot be one', async () => {
      expect((await api(cp.url, tokens.admin, 'GET', '/api/v1/cabinets/nobody')).status).toBe(404);
      const bad = await api(cp.url, tokens.admin, 'GET', '/api/v1/cabinets/..%2Fadmins');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_input');
    });

    it('never answers 500 to broken JSON or a wrong content type', async () => {
      const broken = await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets', '{"id": "x",');
      expect(broken.status).toBe(400);
      expect(broken.body.error).toBe('invalid_json');
      const res = await fetch(`${cp.url}/api/v1/cabinets`, {
        method: 'POST',
        headers: { 'authorization': `Bearer ${tokens.admin}`, 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(res.status).toBe(415);
    });

    it('lists cabinets and issues a new enrollment code', async () => {
      const list = await api(cp.url, tokens.support, 'GET', '/api/v1/cabinets');
      expect(list.body.cabinets.map((c: { id: string }) => c.id)).toEqual(['bernard', 'dupont', 'premium']);
      const code = await api(cp.url, tokens.admin, 'POST', '/api/v1/cabinets/dupont/enrollment-codes');
      expect(code.status).toBe(201);
      expect(code.body.enrollmentCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
      expect(Date.parse(code.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    });
  });

  describe('plans', () => {
    it('adds a custom plan to the catalog (admins only)', async () => {
      const plan = {
        id: 'premium-plus',
        name: 'Premium+',
        priceCents: 39900,
        limits: { maxUsers: 15, maxCases: 5000, maxAnalysesMonthly: 1000 },
        aiModel: 'ceseda-pro-v1',
        advancedFeatures: true,
      };
      expect((await api(cp.url, tokens.billing, 'POST', '/api/v1/plans', plan)).status).toBe(403);
      const res = await api(cp.url, tokens.admin, 'POST', '/api/v1/plans', plan);
      expect(res.status).toBe(201);
      expect(res.body.plan).toMatchObject({
        id: 'premium-plus',
        priceCents: 39900,
        overageAllowed: true,
        overagePricePerAnalysisCents: 50,
        builtIn: false,
      });
    });
  });

  describe('health', () => {
    it('reports healthy storage, then 503 when the probe cannot be written', async () => {
      const ok = await api(cp.url, undefined, 'GET', '/healthz');
      expect(ok.status).toBe(200);
      expect(ok.body.ok).toBe(true);
      const probe = path.join(dataDir, 'healthz.json');
      fs.rmSync(probe, { force: true });
      fs.mkdirSync(probe); // a directory where the probe file goes: the durable write must fail
      try {
        const failing = await api(cp.url, undefined, 'GET', '/healthz');
        expect(failing.status).toBe(503);
        expect(failing.body).toMatchObject({ ok: false, error: 'storage_unwritable' });
      } finally {
        fs.rmdirSync(probe);
      }
      expect((await api(cp.url, undefined, 'GET', '/healthz')).status).toBe(200);
    });

    it('answers 404 in JSON for an unknown path', async () => {
      const res = await api(cp.url, undefined, 'GET', '/nope');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ ok: false, error: 'not_found' });
    });
  });
});
