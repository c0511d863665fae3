/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Analyses over HTTP against the real control plane and appliance processes: each plan runs its
 * license's model, results are stored with the case, the monthly quota refuses starter and bills
 * professional/enterprise as overage (usage, /api/billing/usage, the heartbeat), viewing counts nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, freePort, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cpDir: string;
let cp: TestControlPlane;
let vendorToken: string;
const running: TestAppliance[] = [];
const cabinets: Record<string, { admin: Browser; dir: string }> = {};

async function setUp(id: string, plan: string, extra: string[] = []): Promise<void> {
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', id, '--name', `Cabinet ${id}`, '--plan', plan, ...extra, '--json']);
  expect(created.code, created.stderr).toBe(0);
  const dir = tempDir(`${id}-`);
  const appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: id, PREDICTION_THRESHOLD: '0.6' });
  running.push(appliance);
  const admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: `admin@${id}.fr`, name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await admin.login(`admin@${id}.fr`, PASSWORD)).status).toBe(200);
  cabinets[id] = { admin, dir };
}

const CLIENT = { lastName: 'Diallo', firstName: 'Awa', nationality: 'SN', birthDate: '1990-05-17' };
const FACTS = {
  libertyStatus: 'free',
  marriedToFrenchNational: true,
  communityOfLifeOngoing: true,
  spouseStillFrench: true,
  marriedInFrance: true,
  longStayVisa: true,
  publicOrderThreat: false,
  polygamy: false,
  proceduralDefectIdentified: true,
};

async function newCase(admin: Browser, body: Record<string, unknown>): Promise<string> {
  // One client for every case of these tests: confirmed as intended (domain/cases/duplicates.ts).
  const res = await admin.call('POST', '/api/cases', { client: CLIENT, confirmDuplicate: true, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.case.id as string;
}

beforeAll(async () => {
  cpDir = tempDir('cp-');
  cp = await startControlPlane(cpDir, { PORT: String(await freePort()) });
  vendorToken = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  await Promise.all([
    setUp('martin', 'starter'),
    setUp('bernard', 'professional', ['--max-analyses', '2']),
    setUp('petit', 'enterprise', ['--max-analyses', '2']),
  ]);
}, 180_000);

afterAll(async () => {
  for (const a of running) await a.stop();
  await cp?.stop();
});

describe('POST /api/cases/:id/analyses', () => {
  it('runs the basic model on starter: an hour deadline over a weekend, stored with the case, no pro output', async () => {
    const { admin } = cabinets.martin!;
    const id = await newCase(admin, { procedure: 'oqtf_retention', decisionNotifiedAt: '2026-11-20T16:30:00+01:00', facts: FACTS });
    const run = await admin.call('POST', `/api/cases/${id}/analyses`, {});
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const a = run.body.analysis;
    expect(a).toMatchObject({ model: 'ceseda-basic-v1', rulesVersion: '2026-12-05', overage: false, facts: { libertyStatus: 'free' } });
    expect(a.result.deadlines[0]).toMatchObject({
      remedy: 'recours_contentieux',
      due: '2026-11-22T16:30:00+01:00',
      legalBasis: expect.stringMatching(/L\. 921-2/),
    });
    // What the lawyer reads, in French, as the API returns it.
    expect(a.result.deadlines[0].computation).toEqual([
      'Décision notifiée le vendredi 20 novembre 2026 à 16 h 30 (heure de Paris).',
      'Délai de 48 heures décompté d’heure à heure : il expire le dimanche 22 novembre 2026 à 16 h 30. Un délai exprimé en heures n’est pas franc et n’est jamais prorogé en raison d’un samedi, d’un dimanche ou d’un jour férié.',
    ]);
    expect(a.result).not.toHaveProperty('eligibility');
    expect(a.result).not.toHaveProperty('estimate');
    const list = await admin.call('GET', `/api/cases/${id}/analyses`);
    expect(list.status).toBe(200);
    expect(list.body.analyses.map((x: any) => x.id)).toEqual([a.id]);
    expect((await admin.call('GET', `/api/cases/${id}`)).body.case.analysesCount).toBe(1);
  });

  it('refuses starter past its 100 analyses a month, naming the professional plan; viewing still works and counts nothing', async () => {
    const { admin } = cabinets.martin!;
    const id = await newCase(admin, { procedure: 'refus_titre_sejour', decisionNotifiedAt: '2026-03-13' });
    const used = (await admin.call('GET', '/api/billing/usage')).body.analyses_used as number;
    for (let i = used; i < 100; i += 1) expect((await admin.call('POST', `/api/cases/${id}/analyses`, {})).status).toBe(201);
    const refused = await admin.call('POST', `/api/cases/${id}/analyses`, {});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      ok: false,
      error: 'quota_exceeded',
      message: expect.stringMatching(/professional plan allows 500/),
    });
    for (let i = 0; i < 3; i += 1) expect((await admin.call('GET', `/api/cases/${id}/analyses`)).status).toBe(200);
    expect((await admin.call('GET', '/api/billing/usage')).body).toMatchObject({
      analyses_used: 100,
      analyses_overage: 0,
      analyses_limit: 100,
      overage_fees: 0,
    });
  });

  it('runs the pro model on professional and bills runs past the quota as overage, in usage and in the heartbeat', async () => {
    const { admin, dir } = cabinets.bernard!;
    const id = await newCase(admin, { procedure: 'oqtf', decisionNotifiedAt: '2026-01-05', facts: FACTS });
    const runs = [];
    for (let i = 0; i < 3; i += 1) {
      const r = await admin.call('POST', `/api/cases/${id}/analyses`, {});
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      runs.push(r.body.analysis);
    }
    expect(runs.map((r) => r.overage)).toEqual([false, false, true]);
    const a = runs[0];
    expect(a.model).toBe('ceseda-pro-v1');
    expect(a.result.deadlines[0]).toMatchObject({ due: '2026-02-06' });
    expect(a.result.eligibility.find((t: any) => t.titre === 'conjoint_francais').outcome).toBe('eligible');
    expect(a.result.estimate).toMatchObject({
      model: 'ceseda-pro-v1',
      threshold: 0.6,
      range: { low: expect.any(Number), high: expect.any(Number) },
    });
    expect(a.result.estimate.verdict).toMatch(/^(Dossier solide : |Issue incertaine : |Dossier en deçà du seuil du cabinet \(60 %\) : )/);
    expect(a.result).not.toHaveProperty('similarCases');
    expect((await admin.call('GET', '/api/billing/usage')).body).toMatchObject({
      analyses_used: 3,
      analyses_overage: 1,
      analyses_limit: 2,
      overage_fees_cents: 50,
    });
    const sent = await runApplianceCli(dir, ['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const fleet = await api(cp.url, vendorToken, 'GET', '/api/v1/fleet');
    const entry =
      fleet.body.appliances?.find?.((x: any) => x.cabinetId === 'bernard') ??
      fleet.body.fleet?.find?.((x: any) => x.cabinetId === 'bernard');
    expect(entry.usage).toMatchObject({ analysesUsed: 3, analysesOverage: 1 });
  });

  it('runs the enterprise model with the cabinet’s other cases as similar cases, and goes on past the quota', async () => {
    const { admin } = cabinets.petit!;
    const closed = await newCase(admin, { procedure: 'oqtf', decisionNotifiedAt: '2025-06-02', facts: FACTS });
    expect((await admin.call('PATCH', `/api/cases/${closed}`, { status: 'closed', outcome: 'won' })).status).toBe(200);
    const id = await newCase(admin, { procedure: 'oqtf', decisionNotifiedAt: '2026-11-20', facts: FACTS });
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push((await admin.call('POST', `/api/cases/${id}/analyses`, {})).body.analysis);
    expect(runs.map((r) => [r.model, r.overage])).toEqual([
      ['ceseda-enterprise-v1', false],
      ['ceseda-enterprise-v1', false],
      ['ceseda-enterprise-v1', true],
    ]);
    expect(runs[0].result.similarCases).toEqual([expect.objectContaining({ id: closed, outcome: 'won', similarity: 1 })]);
    expect(runs[0].result.calibration).toMatchObject({
      used: false,
      closedCases: 1,
      reason:
        'Trop peu de dossiers clos dont l’issue est connue (1, dont 1 gagné ; il en faut 40, dont au moins 8 gagnés et 8 perdus) : l’estimation du modèle standard (ceseda-pro-v1) est conservée.',
    });
  });

  it('refuses facts outside the schema (a judge’s name is never stored) and names the field', async () => {
    const { admin } = cabinets.bernard!;
    const res = await admin.call('POST', '/api/cases', {
      client: CLIENT,
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-01-05',
      facts: { judgeName: 'X' },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/facts/);
    const bad = await admin.call('POST', '/api/cases', {
      client: CLIENT,
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-01-05',
      facts: { yearsOfResidence: 'ten' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/facts\.yearsOfResidence/);
  });

  it('answers 404 for an unknown case, without counting a run', async () => {
    const { admin } = cabinets.bernard!;
    const before = (await admin.call('GET', '/api/billing/usage')).body.analyses_used;
    expect((await admin.call('POST', '/api/cases/00000000-0000-4000-8000-000000000000/analyses', {})).status).toBe(404);
    expect((await admin.call('GET', '/api/billing/usage')).body.analyses_used).toBe(before);
  });
});
