/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * How a case records when and how its decision was notified, over HTTP against real processes:
 * a Paris local time (the web form's), the hour that never happened refused, a registered letter
 * whose dates give the legal notification date (CE 24 avril 2012 n° 341146) stored in
 * `decisionNotifiedAt` and explained by the analysis, and incoherent dates refused by field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyer: Browser;

const client = { lastName: 'Diallo', firstName: 'Aïssatou', nationality: 'GN', birthDate: '1992-04-11' };
// One client for every case of these tests: confirmed as intended (domain/cases/duplicates.ts).
const createCase = (body: Record<string, unknown>) => lawyer.call('POST', '/api/cases', { client, confirmDuplicate: true, ...body });

beforeAll(async () => {
  const cpDir = tempDir('cp-notification-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'diallo',
    '--name',
    'Cabinet Diallo',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('diallo-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'diallo' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@diallo.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@diallo.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocat@diallo.fr', name: 'Maître Diallo', role: 'avocat', password: PASSWORD }))
      .status,
  ).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@diallo.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('how the decision was notified', () => {
  it('accepts a Paris local time, and refuses the hour skipped when the clocks go forward, naming the fix', async () => {
    const local = await createCase({ procedure: 'oqtf_retention', decisionNotifiedAt: '2026-10-25T02:30' });
    expect(local.status).toBe(201);
    expect(local.body.case.decisionNotifiedAt).toBe('2026-10-25T02:30');
    const skipped = await createCase({ procedure: 'oqtf_retention', decisionNotifiedAt: '2026-03-29T02:30' });
    expect(skipped.status).toBe(400);
    expect(skipped.body.issues).toEqual([
      'decisionNotifiedAt: 2026-03-29T02:30 did not exist in Paris (the clocks went forward from 02:00 to 03:00 that night); give the time with the offset shown on the notification, e.g. 2026-03-29T01:30:00+01:00 or 2026-03-29T03:30:00+02:00',
    ]);
    const impossible = await createCase({ procedure: 'oqtf_retention', decisionNotifiedAt: '2026-02-30T10:00' });
    expect(impossible.body.issues).toEqual(['decisionNotifiedAt: is not a real calendar date']);
  });

  it('stores the legal notification date a registered letter gives, and the analysis explains it', async () => {
    // Presented Monday 2 March 2026, collected Thursday 12 March, within the 15-day holding period
    // (until 17 March): notified 12 March. L. 911-1: 12 April (Sunday), franc → Monday 13 April.
    const facts = {
      notificationMode: 'registered_letter',
      decisionTakenOn: '2026-02-20',
      letterFirstPresentedOn: '2026-03-02',
      letterCollectedOn: '2026-03-12',
    };
    const res = await createCase({ procedure: 'oqtf', facts });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.case.decisionNotifiedAt).toBe('2026-03-12');
    const run = await lawyer.call('POST', `/api/cases/${res.body.case.id}/analyses`);
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const recours = run.body.analysis.result.deadlines.find((d: any) => d.remedy === 'recours_contentieux');
    expect(recours.due).toBe('2026-04-13');
    expect(recours.regime.applied).toBe('loi_2024');
    expect(recours.computation[0]).toMatch(/^Pli recommandé présenté le lundi 2 mars 2026 et retiré le jeudi 12 mars 2026/);

    // Facts changed to "never collected": the stored date becomes the first presentation.
    const patched = await lawyer.call('PATCH', `/api/cases/${res.body.case.id}`, {
      facts: { notificationMode: 'registered_letter', letterFirstPresentedOn: '2026-03-02', letterNeverCollected: true },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.case.decisionNotifiedAt).toBe('2026-03-02');
  });

  it('refuses incoherent notification facts, naming each field', async () => {
    const before = await createCase({
      procedure: 'oqtf',
      facts: { notificationMode: 'registered_letter', letterFirstPresentedOn: '2026-03-12', letterCollectedOn: '2026-03-02' },
    });
    expect(before.status).toBe(400);
    expect(before.body.issues).toEqual([
      'facts.letterCollectedOn: (2026-03-02) is before letterFirstPresentedOn (2026-03-12): a letter is collected on or after its first presentation; check both dates on the avis de réception',
    ]);
    const both = await createCase({
      procedure: 'oqtf',
      facts: {
        notificationMode: 'registered_letter',
        letterFirstPresentedOn: '2026-03-02',
        letterCollectedOn: '2026-03-05',
        letterNeverCollected: true,
      },
    });
    expect(both.body.issues).toEqual([
      'facts.letterNeverCollected: is true but letterCollectedOn is given: a letter collected was not returned uncollected; remove one of the two',
    ]);
    const missing = await createCase({ procedure: 'oqtf', facts: { notificationMode: 'in_person' } });
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([
      'decisionNotifiedAt: is required: the date the decision was notified (or, for a registered letter, facts.notificationMode registered_letter with facts.letterFirstPresentedOn or facts.letterCollectedOn)',
    ]);
    const takenAfter = await createCase({ procedure: 'oqtf', decisionNotifiedAt: '2026-03-02', facts: { decisionTakenOn: '2026-03-05' } });
    expect(takenAfter.body.issues).toEqual([
      'facts.decisionTakenOn: (2026-03-05) is after the notification (2026-03-02): a decision is notified after it is taken; check the date signed on the decision',
    ]);
  });
});
