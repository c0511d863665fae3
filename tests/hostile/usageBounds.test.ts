/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies and files are untyped JSON asserted field by field */
/**
 * The hostile cabinet's counters: the machine's owner holds the appliance key, so its heartbeats
 * are correctly signed whatever they claim. One cabinet must never hurt the others nor the
 * vendor's books: counters beyond any plan, overage above the analyses, a month counter going
 * back, invented months (each of which used to keep a signed copy in the appliance file) and a
 * made-up version that put every other appliance "behind" are refused or ignored; each refusal is
 * counted in `/metrics` under its reason. The control plane's clock is set to mid-June 2026
 * (CLOCK_OFFSET_SECONDS), so no month boundary falls inside the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatPayload, HeartbeatUsage } from '@iamanager/protocol';
import { SHIPPED_APPLIANCE_VERSION } from '../../control-plane/src/domain/applianceRelease.js';
import {
  FakeAppliance,
  api,
  createAdminToken,
  databaseRows,
  metricValue,
  onPostgres,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

const AT = '2026-06-15T12:00:00Z';
const CURRENT = '2026-06';
const PREVIOUS = '2026-05';
const OFFSET_SECONDS = Math.round((Date.parse(AT) - Date.now()) / 1000);
const ENV = { CLOCK_OFFSET_SECONDS: String(OFFSET_SECONDS) };
/** The professional plan allows 10 users, 2 000 cases, 500 analyses a month: ten times that is the ceiling. */
const BASE: HeartbeatUsage = { analysesUsed: 10, analysesOverage: 0, usersActive: 2, casesOpen: 10, storageBytes: 1_000_000 };

let dataDir: string;
let cp: TestControlPlane;
let vendor: string;
/** The honest cabinet, whose fleet entry and bill the hostile one must not disturb. */
let honest: FakeAppliance;
let hostile: FakeAppliance;

/** What the control plane's clock reads now, in seconds: heartbeats are signed at that time. */
const cpNow = () => Math.floor(Date.now() / 1000) + OFFSET_SECONDS;

function payload(a: FakeAppliance, usage: Partial<HeartbeatUsage> = {}, extra: Partial<HeartbeatPayload> = {}): HeartbeatPayload {
  const base = a.payload({ iat: cpNow(), month: CURRENT });
  return { ...base, usage: { ...BASE, ...usage }, ...extra };
}

async function post(route: string, jws: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cp.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
  return { status: res.status, body: await res.json() };
}

const beat = async (a: FakeAppliance, usage: Partial<HeartbeatUsage> = {}, extra: Partial<HeartbeatPayload> = {}) =>
  post('/v1/heartbeats', await a.sign(payload(a, usage, extra)));
const report = async (a: FakeAppliance, usage: Partial<HeartbeatUsage> = {}, extra: Partial<HeartbeatPayload> = {}) =>
  post('/v1/usage-reports', await a.sign(payload(a, usage, extra)));

async function enrolled(id: string): Promise<FakeAppliance> {
  const created = await api(cp.url, vendor, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan: 'professional' });
  expect(created.status).toBe(201);
  const appliance = new FakeAppliance(cp.url);
  expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
  return appliance;
}

async function fleetEntry(a: FakeAppliance): Promise<any> {
  const fleet = await api(cp.url, vendor, 'GET', '/api/v1/fleet');
  return { latestVersion: fleet.body.latestVersion, ...fleet.body.appliances.find((e: any) => e.applianceId === a.applianceId) };
}

const applianceFile = (a: FakeAppliance) => path.join(dataDir, 'appliances', `${a.applianceId}.json`);
/** The appliance's record as stored, and its size: its file, or its row's jsonb on PostgreSQL. */
async function storedRecord(a: FakeAppliance): Promise<{ record: any; bytes: number }> {
  if (!onPostgres()) return { record: JSON.parse(fs.readFileSync(applianceFile(a), 'utf8')), bytes: fs.statSync(applianceFile(a)).size };
  const [row] = await databaseRows<{ record: any; bytes: number }>(
    dataDir,
    'SELECT record, octet_length(record::text) AS bytes FROM appliances WHERE id = $1',
    [a.applianceId],
  );
  return row!;
}
/** Writes the record behind the control plane's back (it is stopped), as old data would have it. */
async function writeRecord(a: FakeAppliance, record: unknown): Promise<void> {
  if (!onPostgres()) fs.writeFileSync(applianceFile(a), JSON.stringify(record));
  else await databaseRows(dataDir, 'UPDATE appliances SET record = $2::jsonb WHERE id = $1', [a.applianceId, JSON.stringify(record)]);
}

beforeAll(async () => {
  dataDir = tempDir('cp-hostile-usage-');
  cp = await startControlPlane(dataDir, ENV);
  vendor = await createAdminToken(dataDir, 'vendor@iamanager.fr');
  honest = await enrolled('honnete');
  hostile = await enrolled('hostile');
  expect((await beat(honest, { analysesUsed: 600, analysesOverage: 100 })).status).toBe(202);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
});

/** Each refused claim: the counters sent, and the start of the message that names the field. */
const IMPLAUSIBLE: Array<[name: string, usage: Partial<HeartbeatUsage>, message: string]> = [
  [
    'overage of 2^53 - 1 (the largest safe integer)',
    { analysesOverage: Number.MAX_SAFE_INTEGER },
    `usage.analysesOverage: ${Number.MAX_SAFE_INTEGER} is above usage.analysesUsed (10)`,
  ],
  [
    '2^53 - 1 analyses, all overage',
    { analysesUsed: Number.MAX_SAFE_INTEGER, analysesOverage: Number.MAX_SAFE_INTEGER },
    `usage.analysesUsed: ${Number.MAX_SAFE_INTEGER} is above 5000`,
  ],
  ['one analysis past ten times the plan', { analysesUsed: 5001, analysesOverage: 4501 }, 'usage.analysesUsed: 5001 is above 5000'],
  [
    'more overage than analyses',
    { analysesUsed: 600, analysesOverage: 601 },
    'usage.analysesOverage: 601 is above usage.analysesUsed (600)',
  ],
  ['101 active users on a 10-user plan', { usersActive: 101 }, 'usage.usersActive: 101 is above 100'],
  ['20 001 open cases on a 2 000-case plan', { casesOpen: 20_001 }, 'usage.casesOpen: 20001 is above 20000'],
  [
    'over a pebibyte stored',
    { storageBytes: 2 ** 50 + 1 },
    `usage.storageBytes: ${2 ** 50 + 1} is above ${2 ** 50} (the absolute ceiling)`,
  ],
];

const OUT_OF_RANGE = ['2026-04', '2026-07', '9999-12', '1970-01'];

describe('the hostile cabinet: usage counters and months', () => {
  it.each(IMPLAUSIBLE.map(([name, usage, message]) => ({ name, usage, message })))(
    'refuses a correctly signed heartbeat with $name: 422 implausible_usage',
    async ({ usage, message }) => {
      const res = await beat(hostile, usage);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('implausible_usage');
      expect(res.body.message).toContain(message);
    },
  );

  it('takes the ceiling from the largest limit the cabinet has had: an override raises it, a downgrade mid-month does not lower it', async () => {
    expect((await api(cp.url, vendor, 'PATCH', '/api/v1/cabinets/hostile', { overrides: { maxAnalysesMonthly: 800 } })).status).toBe(200);
    expect((await beat(hostile, { analysesUsed: 8000, analysesOverage: 7200 })).status).toBe(202);
    expect((await beat(hostile, { analysesUsed: 8001, analysesOverage: 7201 })).body.error).toBe('implausible_usage');
    // Downgraded to starter (100 analyses, ceiling 1 000): the month's figures stay plausible, the
    // override's ceiling (8 000) still holds.
    expect(
      (
        await api(cp.url, vendor, 'PATCH', '/api/v1/cabinets/hostile', {
          plan: 'starter',
          overrides: { maxAnalysesMonthly: null },
          // A downgrade lowers every limit: confirmed explicitly since issue 18.
          acceptLowerLimits: true,
        })
      ).status,
    ).toBe(200);
    expect((await beat(hostile, { analysesUsed: 8000, analysesOverage: 7200 })).status).toBe(202);
  });

  it('refuses a month counter lower than the one accepted for the month, and keeps the billed figure', async () => {
    const lower = await beat(honest, { analysesUsed: 599, analysesOverage: 99 });
    expect(lower).toMatchObject({ status: 422, body: { error: 'implausible_usage' } });
    expect(lower.body.message).toMatch(
      /^usage\.analysesUsed: 599 is below 600, already accepted for 2026-06 \(seq \d+\); month counters only grow/,
    );
    const lessOverage = await beat(honest, { analysesUsed: 650, analysesOverage: 99 });
    expect(lessOverage.body.message).toMatch(/^usage\.analysesOverage: 99 is below 100, already accepted for 2026-06/);
    expect((await report(honest, { analysesUsed: 0, analysesOverage: 0 })).body.error).toBe('implausible_usage');
    expect((await fleetEntry(honest)).usage).toMatchObject({ analysesUsed: 600, analysesOverage: 100 });
    // Counted per month: the month before has counters of its own, and the current one still grows.
    expect((await beat(honest, { analysesUsed: 450 }, { month: PREVIOUS })).status).toBe(202);
    expect((await beat(honest, { analysesUsed: 600, analysesOverage: 100 })).status).toBe(202);
    expect((await beat(honest, { analysesUsed: 610, analysesOverage: 110 })).status).toBe(202);
    expect((await fleetEntry(honest)).usage).toMatchObject({ analysesUsed: 610, analysesOverage: 110 });
  });

  it.each(OUT_OF_RANGE)('refuses a heartbeat for %s: 422 month_out_of_range', async (month) => {
    const res = await beat(hostile, {}, { month });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: 'month_out_of_range',
      message: `month: ${month} is not accepted: only the current month and the one before (2026-05 to 2026-06, Europe/Paris, by the control plane's clock); set the appliance clock (NTP)`,
    });
  });

  it('bounds air-gap usage reports the same way', async () => {
    expect((await report(hostile, {}, { month: '2026-03' })).body.error).toBe('month_out_of_range');
    expect((await report(hostile, { analysesOverage: Number.MAX_SAFE_INTEGER })).body.error).toBe('implausible_usage');
    const accepted = await report(hostile, { analysesUsed: 8000, analysesOverage: 7200 });
    expect(accepted).toMatchObject({ status: 202, body: { month: CURRENT, usage: { analysesUsed: 8000 } } });
  });

  it('takes the latest version from the vendor, not from what an appliance reports', async () => {
    const base = payload(hostile, { analysesUsed: 8000, analysesOverage: 7200 });
    expect((await post('/v1/heartbeats', await hostile.sign({ ...base, health: { ...base.health, version: '99999.0.0' } }))).status).toBe(
      202,
    );
    const entry = await fleetEntry(honest);
    expect(entry.latestVersion).toBe(SHIPPED_APPLIANCE_VERSION);
    expect(entry.reasons.map((r: any) => r.code)).not.toContain('version_behind');
  });

  it('counts every refusal under its reason in /metrics', async () => {
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    // The table, the override's one past the ceiling, and the two lower counters of the honest cabinet.
    expect(metricValue(text, 'controlplane_heartbeats_rejected_total{reason="implausible_usage"}')).toBe(IMPLAUSIBLE.length + 1 + 2);
    expect(metricValue(text, 'controlplane_heartbeats_rejected_total{reason="month_out_of_range"}')).toBe(OUT_OF_RANGE.length);
    expect(metricValue(text, 'controlplane_usage_reports_rejected_total{reason="implausible_usage"}')).toBe(2);
    expect(metricValue(text, 'controlplane_usage_reports_rejected_total{reason="month_out_of_range"}')).toBe(1);
  });

  it('logs which cabinet each of them came from, for the vendor', () => {
    const lines = cp.service
      .output()
      .split('\n')
      .filter((l) => l.includes('heartbeat refused for what it claims'))
      .map((l) => JSON.parse(l));
    const count = (cabinetId: string, code: string) => lines.filter((l) => l.cabinetId === cabinetId && l.code === code).length;
    // Heartbeats and usage reports alike: the table, the one past the override, a report; the honest cabinet's two lower counters and its report.
    expect({
      hostile: count('hostile', 'implausible_usage'),
      hostileMonths: count('hostile', 'month_out_of_range'),
      honest: count('honnete', 'implausible_usage'),
    }).toEqual({ hostile: IMPLAUSIBLE.length + 1 + 1, hostileMonths: OUT_OF_RANGE.length + 1, honest: 3 });
  });

  it('keeps at most the months it accepts in the appliance record, and prunes one filled with invented months', async () => {
    expect(await cp.stop()).toBe(0);
    expect(Object.keys((await storedRecord(honest)).record.months).sort()).toEqual([PREVIOUS, CURRENT]);
    // A record from before the months were checked: 3 000 invented months, each with its signed copy.
    const { record } = await storedRecord(hostile);
    for (let i = 0; i < 3000; i++) record.months[`${3000 + i}-01`] = record.months[CURRENT];
    await writeRecord(hostile, record);
    const bloated = (await storedRecord(hostile)).bytes;
    cp = await startControlPlane(dataDir, ENV);
    expect((await beat(hostile, { analysesUsed: 8000, analysesOverage: 7200 })).status).toBe(202);
    expect(await cp.stop()).toBe(0);
    const pruned = await storedRecord(hostile);
    expect(Object.keys(pruned.record.months)).toEqual([CURRENT]);
    expect(pruned.bytes).toBeLessThan(bloated / 100);
    cp = await startControlPlane(dataDir, ENV);
  }, 60_000);
});
