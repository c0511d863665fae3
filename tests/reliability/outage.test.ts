/**
 * A week without the control plane. Day after day (the appliance restarted each morning with its
 * clock a day further on) the control plane refuses connections, hangs, or answers 500, while a
 * day's worth of heartbeats — 96 at the default 15-minute interval — piles up in the outbox, the
 * real agent retrying in the background. The lawyers notice nothing: they sign in, open cases and
 * run analyses; the license, three days valid, goes into its grace period and keeps working.
 * Then the control plane is back (its clock a week on too) and loses a few answers on the way:
 * every heartbeat arrives, in order, each counted once, and the appliance gets a new license.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, metricValue, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { FlakyProxy, type ProxyMode } from '../support/flakyProxy.js';
import { waitFor } from '../support/waitFor.js';

const DAY = 86_400;
const PER_DAY = 96; // 24 h at the default 900 s interval
const WEEK: ProxyMode[] = ['refuse', 'error500', 'hang', 'refuse', 'error500', 'refuse', 'error500'];
const PASSWORD = 'correct horse battery staple';
const CLIENT = { lastName: 'Semaine', firstName: 'Panne', nationality: 'FR', birthDate: '1980-01-01' };
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
const CP_ENV = { LICENSE_VALIDITY_DAYS: '3', LICENSE_GRACE_DAYS: '14', CHECKPOINT_INTERVAL_SECONDS: '1' };

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

describe('a week-long control plane outage', () => {
  it('leaves the appliance fully usable, then delivers every queued heartbeat in order, each counted once', async () => {
    const cpDir = path.join(tempDir('cp-week-'), 'data');
    fs.mkdirSync(cpDir);
    let cp: TestControlPlane = await startControlPlane(cpDir, CP_ENV);
    cleanup.push(() => cp.stop());
    const proxy = new FlakyProxy(cp.url);
    await proxy.listen();
    cleanup.push(() => proxy.close());

    const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'semaine', '--name', 'Semaine', '--plan', 'professional', '--json']);
    const dir = path.join(tempDir('week-'), 'data');
    const env = (day: number) => ({
      CONTROL_PLANE_URL: proxy.url,
      CLIENT_ID: 'semaine',
      HEARTBEAT_ENABLED: 'true',
      CLOCK_OFFSET_SECONDS: String(day * DAY),
    });
    let appliance: TestAppliance = await startAppliance(dir, env(0));
    cleanup.push(() => appliance.stop());
    const admin = new Browser(appliance.url);
    expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
    expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@semaine.fr', name: 'Admin', password: PASSWORD })).status).toBe(
      201,
    );
    expect((await admin.login('admin@semaine.fr', PASSWORD)).status).toBe(200);
    const firstLicense = (await admin.call('GET', '/api/license')).body;
    // Whatever was sent before the outage is delivered: the week starts from an empty outbox.
    expect((await admin.call('POST', '/api/admin/heartbeat')).body).toMatchObject({ queued: 0, error: null });
    const acceptedBefore = proxy.forwarded.filter((f) => f.status === 202).length;

    const seqs = new Set<number>();
    let peak = 0;
    for (const [day, mode] of WEEK.entries()) {
      await appliance.stop();
      await proxy.setMode(mode);
      appliance = await startAppliance(dir, env(day));
      admin.url = appliance.url;

      // The lawyers' day: sign in, open a case, run an analysis — none of it waits on the control plane.
      expect((await admin.login('admin@semaine.fr', PASSWORD)).status).toBe(200);
      const c = await admin.call('POST', '/api/cases', {
        client: CLIENT,
        // One client, a case a day: the same name and birth date each time, on purpose (domain/cases/duplicates.ts).
        confirmDuplicate: true,
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-02',
        facts: FACTS,
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      expect((await admin.call('POST', `/api/cases/${c.body.case.id}/analyses`, {})).status).toBe(201);
      const license = (await admin.call('GET', '/api/license')).body;
      // Three days of validity: valid, then (within a couple of minutes of tolerance) in grace.
      if (day !== 3) expect(license.state, `day ${day}`).toBe(day < 3 ? 'valid' : 'grace');
      expect(['valid', 'grace']).toContain(license.state);

      // A day of heartbeats, queued as the agent does at each interval (here all at once).
      const beats = await Promise.all(Array.from({ length: PER_DAY }, () => admin.call('POST', '/api/admin/heartbeat')));
      for (const beat of beats) {
        expect(beat.status, JSON.stringify(beat.body)).toBe(200);
        expect(beat.body.error, `day ${day} (${mode})`).toMatch(
          mode === 'error500'
            ? /refused heartbeat \d+ \(500/
            : mode === 'hang'
              ? /cannot reach the control plane \(ETIMEDOUT\)/
              : /cannot reach the control plane \(ECONNREFUSED\)/,
        );
        seqs.add(beat.body.seq);
      }
      const status = (await admin.call('GET', '/api/admin/heartbeat')).body;
      expect(status.queued).toBeGreaterThanOrEqual(seqs.size);
      peak = status.queued;
    }
    // Two heartbeats queued at once never share a sequence number.
    expect(seqs.size).toBe(WEEK.length * PER_DAY);
    expect(proxy.forwarded.filter((f) => f.status === 202)).toHaveLength(acceptedBefore);

    // A week later the control plane is back, its clock a week on too, and it loses a few answers.
    await appliance.stop();
    await cp.stop();
    cp = await startControlPlane(cpDir, { ...CP_ENV, CLOCK_OFFSET_SECONDS: String(WEEK.length * DAY) });
    proxy.target = cp.url;
    proxy.loseEvery = 97;
    await proxy.setMode('pass');
    appliance = await startAppliance(dir, env(WEEK.length));
    admin.url = appliance.url;
    expect((await admin.login('admin@semaine.fr', PASSWORD)).status).toBe(200);
    const drainStarted = Date.now();
    // Each call sends what is queued until one fails: call until the outbox is empty, however long.
    const drained = await waitFor(
      async () => (await admin.call('POST', '/api/admin/heartbeat')).body,
      (body) => body.queued === 0,
      { what: 'the outbox to drain' },
    );
    expect(drained).toMatchObject({ queued: 0, error: null });
    const drainSeconds = Math.round((Date.now() - drainStarted) / 1000);

    // In order, each sequence number accepted exactly once; an answer lost on the way is answered
    // `replayed_sequence` when sent again, and never counted twice. No clock_skew although the
    // oldest heartbeats were queued a week before.
    const week = proxy.forwarded.slice(acceptedBefore);
    const accepted = week.filter((f) => f.status === 202).map((f) => f.seq);
    expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
    expect(new Set(accepted).size).toBe(accepted.length);
    const outbox = (await admin.call('GET', '/api/admin/heartbeat')).body;
    expect(accepted.at(-1)).toBe(outbox.lastAcknowledgedSeq);
    expect(accepted).toEqual(Array.from({ length: accepted.length }, (_, i) => accepted[0]! + i));
    for (const seq of seqs) expect(accepted).toContain(seq);
    const lost = week.filter((f) => f.answerLost).map((f) => f.seq);
    expect(lost.length).toBeGreaterThanOrEqual(Math.floor(seqs.size / 97));
    expect(week.filter((f) => f.status === 409).map((f) => f.seq)).toEqual(lost);
    expect(week.filter((f) => f.status !== 202 && f.status !== 409)).toEqual([]);
    const metrics = (await api(cp.url, undefined, 'GET', '/metrics')).body as string;
    expect(metricValue(metrics, 'controlplane_heartbeats_accepted_total')).toBe(accepted.length);
    expect(metricValue(metrics, 'controlplane_heartbeats_rejected_total{reason="replayed_sequence"}')).toBe(lost.length);

    // A new license came with the answers: valid again, for longer than the first.
    const license = (await admin.call('GET', '/api/license')).body;
    expect(license.state).toBe('valid');
    expect(Date.parse(license.expiresAt)).toBeGreaterThan(Date.parse(firstLicense.expiresAt));

    // A slow control plane holds up nobody either: a case is created while a heartbeat waits.
    proxy.slowMs = 2_000;
    await proxy.setMode('slow');
    const order: string[] = [];
    const beat = admin.call('POST', '/api/admin/heartbeat').then((r) => order.push(`heartbeat ${r.body.error}`));
    const c = await admin.call('POST', '/api/cases', {
      client: CLIENT,
      confirmDuplicate: true,
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
    });
    order.push(`case ${c.status}`);
    await beat;
    expect(order).toEqual(['case 201', 'heartbeat null']);

    // The control plane holds, for each month of the week, the counters the appliance holds.
    await appliance.stop();
    expect(await cp.stop()).toBe(0);
    const applianceId = (await runCli(cpDir, ['fleet', 'list', '--json'])).json.appliances[0].applianceId as string;
    const record = JSON.parse(fs.readFileSync(path.join(cpDir, 'appliances', `${applianceId}.json`), 'utf8'));
    for (const file of fs.readdirSync(path.join(dir, 'usage')).filter((n) => n.endsWith('.json'))) {
      const usage = JSON.parse(fs.readFileSync(path.join(dir, 'usage', file), 'utf8'));
      expect(record.months[usage.month]?.usage.analysesUsed, usage.month).toBe(usage.analysesUsed);
    }
    expect(record.lastSeq).toBe(outbox.lastAcknowledgedSeq + 1); // and the one sent while it was slow
    console.log(
      `outage: ${WEEK.length} days (${WEEK.join(', ')}), ${seqs.size} heartbeats queued by hand plus the agent's own, ${peak} in the outbox at the peak; ${accepted.length} delivered in order, ${lost.length} answers lost and re-sent, counted once; the backlog drained in ${drainSeconds} s`,
    );
  }, 600_000);
});
