/**
 * GET /api/v1/revenue against the real server: the seed's check (10 starter + 5 professional +
 * 2 enterprise active = 3,683 €/month MRR, 44,196 €/year ARR), suspended and cancelled cabinets
 * left out, overrides not changing a price, and new and churned cabinets per month.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { clockAt } from '../../support/billing.js';

const root = tempDir('cp-revenue-');
const dataDir = path.join(root, 'data');
let cp: TestControlPlane | undefined;
let admin = '';

async function serveAt(at: string) {
  await cp?.stop();
  cp = await startControlPlane(dataDir, clockAt(at));
}

async function create(id: string, plan: string, overrides?: Record<string, number>) {
  const res = await api(cp!.url, admin, 'POST', '/api/v1/cabinets', {
    id,
    name: `Cabinet ${id}`,
    plan,
    ...(overrides ? { overrides } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  admin = await createAdminToken(dataDir, 'ops@vendor.test', 'admin');
  await serveAt('2026-09-10T09:00:00Z');
  for (let i = 1; i <= 10; i++) await create(`starter-${i}`, 'starter', i === 1 ? { maxUsers: 8, maxAnalysesMonthly: 400 } : undefined);
  for (let i = 1; i <= 3; i++) await create(`pro-${i}`, 'professional');
  await serveAt('2026-10-05T09:00:00Z');
  for (const id of ['pro-4', 'pro-5', 'pro-suspended']) await create(id, 'professional');
  for (const id of ['ent-1', 'ent-2', 'ent-cancelled']) await create(id, 'enterprise');
  await serveAt('2026-11-03T09:00:00Z');
  expect((await api(cp!.url, admin, 'PATCH', '/api/v1/cabinets/pro-suspended', { status: 'suspended' })).status).toBe(200);
  expect((await api(cp!.url, admin, 'PATCH', '/api/v1/cabinets/ent-cancelled', { status: 'cancelled' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('revenue', () => {
  it("meets the seed's check: 10 starter, 5 professional, 2 enterprise = 368,300 cents MRR, 4,419,600 ARR", async () => {
    const billing = await createAdminToken(dataDir, 'money@vendor.test', 'billing');
    const res = await api(cp!.url, billing, 'GET', '/api/v1/revenue?months=3');
    expect(res.status).toBe(200);
    expect(res.body.mrrCents).toBe(368_300);
    expect(res.body.arrCents).toBe(4_419_600);
    expect(res.body.byPlan).toEqual({
      starter: { cabinets: 10, mrrCents: 99_000 },
      professional: { cabinets: 5, mrrCents: 149_500 },
      enterprise: { cabinets: 2, mrrCents: 119_800 },
    });
  });

  it('gives per month the MRR at its end, and the new and churned cabinets', async () => {
    const res = await api(cp!.url, admin, 'GET', '/api/v1/revenue?months=3');
    expect(res.body.months).toEqual([
      // September: 10 starter + 3 professional = 99 000 + 89 700
      {
        month: '2026-09',
        mrrCents: 188_700,
        byPlan: { starter: 99_000, professional: 89_700, enterprise: 0 },
        newCabinets: 13,
        churnedCabinets: 0,
      },
      // October: + 3 professional + 3 enterprise
      {
        month: '2026-10',
        mrrCents: 458_100,
        byPlan: { starter: 99_000, professional: 179_400, enterprise: 179_700 },
        newCabinets: 6,
        churnedCabinets: 0,
      },
      // November: one professional suspended (not churn), one enterprise cancelled (churn)
      {
        month: '2026-11',
        mrrCents: 368_300,
        byPlan: { starter: 99_000, professional: 149_500, enterprise: 119_800 },
        newCabinets: 0,
        churnedCabinets: 1,
      },
    ]);
  });

  it('names the field of a bad query', async () => {
    const res = await api(cp!.url, admin, 'GET', '/api/v1/revenue?months=0');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('query.months: must be a whole number of months from 1 to 60');
  });
});
