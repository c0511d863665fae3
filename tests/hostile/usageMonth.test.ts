/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Billing dodged with one file: `DATA_DIR/usage/9999-12.json`, made by hand, used to draw every
 * analysis and every heartbeat into December 9999 — a month the vendor never bills — because the
 * month counted in was the latest file name found on disk. The month now comes from the guarded
 * clock only: the file is ignored (not counted in, not reported), and named by the start-up log
 * and by `appliance doctor`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUTURE_MONTHS_WARNING, monthOf } from '../../appliance/src/domain/usage/usageCounters.js';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let vendor: string;
let dir: string;
let appliance: TestAppliance;
let admin: Browser;
let caseId: string;

beforeAll(async () => {
  const cpDir = tempDir('cp-month-');
  cp = await startControlPlane(cpDir);
  vendor = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'month',
    '--name',
    'Cabinet Month',
    '--plan',
    'professional',
    '--json',
  ]);
  dir = tempDir('month-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'month' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@month.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@month.fr', PASSWORD);
  const kase = await admin.call('POST', '/api/cases', {
    client: { lastName: 'Diallo', firstName: 'Awa', nationality: 'SN', birthDate: '1990-05-17' },
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-11-02',
  });
  expect(kase.status, JSON.stringify(kase.body)).toBe(201);
  caseId = kase.body.case.id;
  // The attack: one file for a far month, then a restart.
  await appliance.stop();
  fs.writeFileSync(path.join(dir, 'usage', '9999-12.json'), JSON.stringify({ month: '9999-12', analysesUsed: 0, analysesOverage: 0 }));
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'month' });
  admin.url = appliance.url;
  await admin.login('admin@month.fr', PASSWORD);
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('a usage file for a future month', () => {
  it('counts analyses in the month of the guarded clock, not in the file made by hand', async () => {
    const current = monthOf(new Date());
    const run = await admin.call('POST', `/api/cases/${caseId}/analyses`, {});
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect((await admin.call('GET', '/api/billing/usage')).body).toMatchObject({ month: current, analyses_used: 1 });
    // The file made by hand is left as it was: nothing counted in it.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'usage', '9999-12.json'), 'utf8'))).toMatchObject({ analysesUsed: 0 });
  });

  it('reports the current month to the vendor, who bills it', async () => {
    const sent = await runApplianceCli(dir, ['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const entry = (await api(cp.url, vendor, 'GET', '/api/v1/fleet')).body.appliances.find((x: any) => x.cabinetId === 'month');
    expect(entry).toMatchObject({ month: monthOf(new Date()), usage: { analysesUsed: 1 } });
  });

  it('names the file in the start-up log and in doctor', async () => {
    expect(appliance.service.output()).toContain(FUTURE_MONTHS_WARNING);
    expect(appliance.service.output()).toContain('9999-12');
    const doctor = await runApplianceCli(dir, ['doctor', '--json']);
    const usage = doctor.json.checks.find((c: any) => c.check === 'usage');
    expect(usage).toMatchObject({ ok: false, detail: expect.stringContaining(path.join(dir, 'usage', '9999-12.json')) });
    expect(usage.detail).toContain(`counting in ${monthOf(new Date())}`);
  });

  it('refuses to export a usage report for a month that has not begun', async () => {
    const exported = await runApplianceCli(dir, ['usage', 'export', '--month', '9999-12', '--json']);
    expect(exported.code).not.toBe(0);
    expect(exported.stderr).toContain('--month 9999-12 is after the current month');
  });
});
