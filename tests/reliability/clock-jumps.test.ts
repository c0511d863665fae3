/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Clock jumps on either side, as the protocol says (docs/protocol.md): a heartbeat whose `iat` is
 * more than MAX_CLOCK_SKEW_SECONDS from the control plane's clock is refused `clock_skew`; the
 * appliance keeps it in its outbox and sends it again — signed with the time of sending — once the
 * clocks agree, and it is counted once. A clock set back never makes a license valid again.
 * (Jumps while a process runs are covered in tests/appliance/clockGuard.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, metricValue, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, freePort, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600;
const DAY = 86_400;
const CLIENT = { lastName: 'Horloge', firstName: 'Test', nationality: 'FR', birthDate: '1980-01-01' };

let cpDir: string;
let cpPort: number;
let cp: TestControlPlane;
let vendor: string;
let dir: string;
let appliance: TestAppliance;
const admin = new Browser('');

async function restartAppliance(offsetSeconds: number): Promise<void> {
  await appliance?.stop();
  appliance = await startAppliance(dir, {
    CONTROL_PLANE_URL: `http://127.0.0.1:${cpPort}`,
    CLIENT_ID: 'horloge',
    CLOCK_OFFSET_SECONDS: String(offsetSeconds),
  });
  admin.url = appliance.url;
  expect((await admin.login('admin@horloge.fr', PASSWORD)).status).toBe(200);
}

async function restartControlPlane(offsetSeconds: number): Promise<void> {
  await cp?.stop();
  cp = await startControlPlane(cpDir, { PORT: String(cpPort), CLOCK_OFFSET_SECONDS: String(offsetSeconds) });
}

/** The control plane's view: the highest sequence number counted (the fake-free way: its file after a checkpoint). */
async function countedSeq(): Promise<number> {
  const fleet = (await api(cp.url, vendor, 'GET', '/api/v1/fleet')).body.appliances as any[];
  expect(fleet).toHaveLength(1);
  await cp.stop();
  const seq = JSON.parse(fs.readFileSync(path.join(cpDir, 'appliances', `${fleet[0].applianceId}.json`), 'utf8')).lastSeq as number;
  cp = await startControlPlane(cpDir, { PORT: String(cpPort) });
  return seq;
}

beforeAll(async () => {
  cpDir = path.join(tempDir('cp-clock-'), 'data');
  fs.mkdirSync(cpDir);
  vendor = await createAdminToken(cpDir, 'ops@vendor.test');
  cpPort = await freePort();
  await restartControlPlane(0);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'horloge', '--name', 'Horloge', '--plan', 'professional', '--json']);
  dir = path.join(tempDir('clock-'), 'data');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'horloge' });
  admin.url = appliance.url;
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@horloge.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await admin.login('admin@horloge.fr', PASSWORD)).status).toBe(200);
  expect((await admin.call('POST', '/api/admin/heartbeat')).body).toMatchObject({ queued: 0, error: null });
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('clock jumps', () => {
  it('appliance clock two hours ahead, then set right: heartbeats wait as clock_skew, then arrive, each counted once', async () => {
    await restartAppliance(2 * HOUR);
    for (let i = 0; i < 3; i++) {
      const beat = (await admin.call('POST', '/api/admin/heartbeat')).body;
      expect(beat.error).toMatch(/refused heartbeat \d+ \(422 clock_skew\): iat is 7[12]\d\d s from the control plane's clock/);
      expect(beat.queued).toBe(i + 1);
    }
    // The lawyers are not held up by it.
    expect((await admin.call('POST', '/api/cases', { client: CLIENT, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' })).status).toBe(
      201,
    );
    expect(
      metricValue((await api(cp.url, undefined, 'GET', '/metrics')).body, 'controlplane_heartbeats_rejected_total{reason="clock_skew"}'),
    ).toBeGreaterThanOrEqual(3);

    await restartAppliance(0); // NTP sets the clock back two hours
    const license = (await admin.call('GET', '/api/license')).body;
    expect(license.clockSetBack).toBe(true);
    expect(license.warnings.join('\n')).toContain('the system clock is behind a time this appliance already saw');
    const sent = (await admin.call('POST', '/api/admin/heartbeat')).body;
    expect(sent).toMatchObject({ delivered: 4, queued: 0, error: null });
    expect(await countedSeq()).toBe(sent.seq);
  });

  it('control plane clock an hour ahead, then an hour behind: refused as clock_skew, kept, delivered once the clock is right', async () => {
    for (const offset of [HOUR, -HOUR]) {
      await restartControlPlane(offset);
      const beat = (await admin.call('POST', '/api/admin/heartbeat')).body;
      expect(beat.error).toMatch(/\(422 clock_skew\)/);
      expect(metricValue((await api(cp.url, undefined, 'GET', '/metrics')).body, 'controlplane_heartbeats_accepted_total')).toBe(0);
    }
    expect((await admin.call('GET', '/api/admin/heartbeat')).body.queued).toBe(2);
    await restartControlPlane(0);
    const sent = (await admin.call('POST', '/api/admin/heartbeat')).body;
    expect(sent).toMatchObject({ delivered: 3, queued: 0, error: null });
    expect(metricValue((await api(cp.url, undefined, 'GET', '/metrics')).body, 'controlplane_heartbeats_accepted_total')).toBe(3);
    expect(await countedSeq()).toBe(sent.seq);
  });

  it('never makes an expired license valid again by setting the clock back', async () => {
    await restartAppliance(60 * DAY); // 30 days of validity and 14 of grace are over
    const expired = await admin.call('POST', '/api/cases', { client: CLIENT, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' });
    expect(expired.status).toBe(403);
    expect(expired.body.error).toBe('license_expired');
    const caseId = (await admin.call('GET', '/api/cases')).body.cases[0].id as string;
    expect((await admin.call('PATCH', `/api/cases/${caseId}`, { notes: 'sixty days on' })).status).toBe(200); // audited in that month's file

    await restartAppliance(0); // the clock set back to when the license was valid
    const license = (await admin.call('GET', '/api/license')).body;
    expect(license).toMatchObject({ state: 'expired', clockSetBack: true });
    const still = await admin.call('POST', '/api/cases', { client: CLIENT, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' });
    expect(still.status).toBe(403);
    expect(still.body.error).toBe('license_expired');
    // Reading and editing what exists still works.
    expect((await admin.call('GET', '/api/cases')).body.total).toBe(1);
    expect((await admin.call('PATCH', `/api/cases/${caseId}`, { notes: 'back to today' })).status).toBe(200);
    // And the audit trail, written sixty days ahead and then back, still verifies: an entry is
    // never put in an older month's file (the files are read in name order).
    await appliance.stop();
    const audit = await runApplianceCli(dir, ['audit', 'verify', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'audit')).length).toBeGreaterThan(1);
  });
});
