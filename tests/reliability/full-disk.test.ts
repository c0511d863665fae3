/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * A full disk (a real ENOSPC, on a tmpfs in a private mount namespace) under each service: every
 * write is refused with `507 storage_full` and a message saying to free space; the change is not
 * visible afterwards either (nothing was changed); reading and logging in keep working; no file is
 * damaged, no temp file is left, the journals and the audit chain have no torn line; once space is
 * freed the same writes succeed, and a restart on the same files finds everything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTROL_PLANE_MAIN,
  FakeAppliance,
  api,
  createAdminToken,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';
import { APPLIANCE_MAIN, Browser, applianceEnv, runApplianceCli, startAppliance } from '../support/appliance.js';
import { unparsableJsonFiles } from '../support/killable.js';
import { startOnTinyDisk, tinyDiskUnavailable } from '../support/tinyDisk.js';
import { waitFor } from '../support/waitFor.js';

const unavailable = tinyDiskUnavailable();
const PASSWORD = 'correct horse battery staple';
const FULL = { status: 507, error: 'storage_full', message: /is full: free some space; nothing was changed$/ };

function expectFull(res: { status: number; body: any }): void {
  expect(res.status, JSON.stringify(res.body)).toBe(FULL.status);
  expect(res.body.error).toBe(FULL.error);
  expect(res.body.message).toMatch(FULL.message);
}

function leftovers(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));
}

describe.skipIf(unavailable !== null)(`a full disk${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cp: TestControlPlane;
  let cpDir: string;

  beforeAll(async () => {
    cpDir = tempDir('cp-full-');
    cp = await startControlPlane(cpDir);
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('under the appliance: 507 storage_full on every write, nothing changed or damaged, all fine once space is freed', async () => {
    // A cabinet prepared on a normal disk: enrolled, an admin, a case.
    const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'plein', '--name', 'Plein', '--plan', 'professional', '--json']);
    const seed = path.join(tempDir('plein-'), 'data');
    const env = { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'plein' };
    const prepared = await startAppliance(seed, env);
    const setup = new Browser(prepared.url);
    expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
    expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@plein.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
    expect((await setup.login('admin@plein.fr', PASSWORD)).status).toBe(200);
    const client = { lastName: 'Plein', firstName: 'Disque', nationality: 'FR', birthDate: '1980-01-01' };
    const caseId = (
      await setup.call('POST', '/api/cases', { client, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02', notes: 'before' })
    ).body.case.id as string;
    // Its outcome recorded, so that archiving it below meets the full disk, not the missing outcome.
    expect((await setup.call('PATCH', `/api/cases/${caseId}`, { outcome: 'lost' })).status).toBe(200);
    await prepared.stop();

    const tiny = await startOnTinyDisk(APPLIANCE_MAIN, seed, 8 * 2 ** 20, applianceEnv(seed, env));
    let loggedOut: string;
    try {
      const admin = new Browser(tiny.url);
      expect((await admin.login('admin@plein.fr', PASSWORD)).status).toBe(200);
      expect(tiny.fill()).toBeGreaterThan(1_000_000);

      // The same client again, confirmed (domain/cases/duplicates.ts): what is refused is the write to the full disk.
      expectFull(
        await admin.call('POST', '/api/cases', { client, confirmDuplicate: true, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' }),
      );
      expectFull(await admin.call('PATCH', `/api/cases/${caseId}`, { notes: 'during' }));
      expectFull(await admin.call('POST', '/api/users', { email: 'new@plein.fr', name: 'New', role: 'avocat', password: PASSWORD }));
      expectFull(await admin.call('POST', `/api/cases/${caseId}/analyses`, {}));
      expectFull(await admin.call('POST', '/api/admin/heartbeat'));
      // A logout that cannot be recorded is refused, and the session goes on (nothing was changed).
      const other = new Browser(tiny.url);
      expect((await other.login('admin@plein.fr', PASSWORD)).status).toBe(200);
      expectFull(await other.call('POST', '/api/auth/logout'));
      expect((await other.call('GET', '/api/auth/me')).status).toBe(200);
      loggedOut = other.cookie;
      const form = new FormData();
      form.append('file', new Blob(['x'.repeat(200_000)], { type: 'text/plain' }), 'gros.txt');
      const upload = await fetch(`${tiny.url}/api/cases/${caseId}/documents`, {
        method: 'POST',
        headers: { 'cookie': admin.cookie, 'x-csrf-token': admin.csrf },
        body: form,
      });
      expectFull({ status: upload.status, body: await upload.json() });
      const health = await admin.call('GET', '/healthz');
      expect(health.status).toBe(503);
      // The web page says it in the lawyer's language, with what to do.
      // The refused upload's rest was never read, so the server drops its socket; this request may
      // have been written to it (the keep-alive race the fuzzer also meets): sent again on a new one.
      const archive = () =>
        fetch(`${tiny.url}/dossiers/${caseId}/archiver`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'cookie': admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: admin.csrf }),
        });
      const page = await archive().catch((err: Error & { cause?: { code?: string } }) => {
        if (err.cause?.code !== 'ECONNRESET') throw err;
        return archive();
      });
      expect(page.status).toBe(507);
      expect(await page.text()).toContain('Le disque de l’appareil est plein : rien n’a été enregistré.');

      // Nothing was changed, and the lawyers can still read and sign in. Reads are logged in the
      // audit trail without waiting: read until the room left in its file is gone too.
      // The audit append is asynchronous: read until its failure is logged, however long that takes.
      let c = await admin.call('GET', `/api/cases/${caseId}`);
      await waitFor(
        async () => {
          if (tiny.service.output().includes('audit: an access could not be logged')) return true;
          c = await admin.call('GET', `/api/cases/${caseId}`);
          return false;
        },
        (logged) => logged,
        { what: 'the log line "audit: an access could not be logged"' },
      );
      expect(c.status).toBe(200);
      expect(c.body.case).toMatchObject({ notes: 'before', documents: [], analysesCount: 0 });
      expect((await admin.call('GET', '/api/cases')).body.total).toBe(1);
      expect((await admin.call('GET', '/api/users')).body.users.map((u: any) => u.email)).toEqual(['admin@plein.fr']);
      expect((await admin.call('GET', '/api/billing/usage')).body.analyses_used).toBe(0);
      expect((await admin.call('GET', '/api/admin/heartbeat')).body.queued).toBe(0);
      expect((await new Browser(tiny.url).login('admin@plein.fr', PASSWORD)).status).toBe(200);
      expect(unparsableJsonFiles(tiny.root).bad).toEqual([]);
      expect(leftovers(tiny.root)).toEqual([]);

      // Space freed: the same writes go through, without a restart.
      tiny.free();
      expect((await admin.call('GET', '/healthz')).status).toBe(200);
      expect((await admin.call('PATCH', `/api/cases/${caseId}`, { notes: 'after' })).status).toBe(200);
      expect(
        (await admin.call('POST', '/api/cases', { client, confirmDuplicate: true, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' }))
          .status,
      ).toBe(201);
      expect(
        (await admin.call('POST', '/api/users', { email: 'new@plein.fr', name: 'New', role: 'avocat', password: PASSWORD })).status,
      ).toBe(201);
      expect((await admin.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
      expect((await admin.call('POST', '/api/admin/heartbeat')).status).toBe(200);
      expect((await other.call('POST', '/api/auth/logout')).status).toBe(200);
      expect((await fetch(`${tiny.url}/api/auth/me`, { headers: { cookie: loggedOut } })).status).toBe(401);
      tiny.copyOut(path.join(seed, '..', 'after'));
    } finally {
      await tiny.service.kill('SIGTERM');
    }
    expect(tiny.service.child.exitCode, tiny.service.output().slice(-2000)).toBe(0);

    // The files the full disk left behind start cleanly, hold exactly what was acknowledged, and
    // the audit chain (whose appends failed while the disk was full) verifies.
    const after = path.join(seed, '..', 'after');
    const restarted = await startAppliance(after, env);
    try {
      const admin = new Browser(restarted.url);
      expect((await admin.login('admin@plein.fr', PASSWORD)).status).toBe(200);
      expect((await admin.call('GET', `/api/cases/${caseId}`)).body.case).toMatchObject({ notes: 'after', analysesCount: 1 });
      expect((await admin.call('GET', '/api/cases')).body.total).toBe(2);
      expect((await admin.call('GET', '/api/billing/usage')).body.analyses_used).toBe(1);
      expect((await new Browser(restarted.url).login('new@plein.fr', PASSWORD)).status).toBe(200);
      expect((await fetch(`${restarted.url}/api/auth/me`, { headers: { cookie: loggedOut } })).status).toBe(401);
    } finally {
      await restarted.stop();
    }
    const audit = await runApplianceCli(after, ['audit', 'verify', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
  });

  it('under the control plane: 507 storage_full, no torn journal line, each heartbeat counted once after space is freed', async () => {
    const seed = path.join(tempDir('cp-plein-'), 'data');
    fs.mkdirSync(seed);
    const token = await createAdminToken(seed, 'ops@vendor.test');
    const prepared = await startControlPlane(seed);
    const created = await api(prepared.url, token, 'POST', '/api/v1/cabinets', {
      id: 'plein',
      name: 'Cabinet Plein',
      plan: 'professional',
    });
    const appliance = new FakeAppliance(prepared.url);
    expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
    await prepared.stop();

    // Checkpoints far apart: the accepted heartbeats live in the journal only.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CHECKPOINT_INTERVAL_SECONDS: '3600',
    };
    const tiny = await startOnTinyDisk(CONTROL_PLANE_MAIN, seed, 4 * 2 ** 20, env);
    const acked: string[] = [];
    try {
      appliance.url = tiny.url;
      // Fill the journal segment until its last page has less room than a heartbeat line: the
      // next append then fills that room and hits ENOSPC on the following page — a partial write.
      const journal = () =>
        fs
          .readdirSync(path.join(tiny.root, 'journal'))
          .filter((n) => n.endsWith('.log'))
          .sort()
          .at(-1)!;
      const size = () => fs.statSync(path.join(tiny.root, 'journal', journal())).size;
      const room = () => 4096 - (size() % 4096);
      let line = 0;
      for (let i = 0; i < 12 && (line === 0 || room() >= line - 40); i++) {
        const jws = await appliance.sign(appliance.payload());
        const start = size();
        expect((await appliance.send(jws)).status).toBe(202);
        line = size() - start;
        acked.push(jws);
      }
      const before = size();
      expect(room()).toBeLessThan(line - 40);
      tiny.fill();

      const refused = await appliance.sign(appliance.payload());
      const res = await appliance.send(refused);
      expect(res.status, JSON.stringify(res.body)).toBe(507);
      expect(res.body).toMatchObject({ error: 'storage_full', message: expect.stringMatching(FULL.message) });
      // The part of the line that fit was cut off again.
      expect(size()).toBe(before);
      const cabinet = await api(tiny.url, token, 'PATCH', '/api/v1/cabinets/plein', { name: 'Renamed while full' });
      expectFull(cabinet);
      expect((await api(tiny.url, token, 'GET', '/api/v1/cabinets/plein')).body.cabinet.name).toBe('Cabinet Plein');
      expectFull(await api(tiny.url, token, 'POST', '/api/v1/cabinets', { id: 'autre', name: 'Autre', plan: 'starter' }));
      expect(unparsableJsonFiles(tiny.root).bad).toEqual([]);
      expect(leftovers(tiny.root)).toEqual([]);

      // Space freed: the refused heartbeat is sent again, as the appliance's outbox does, and counted.
      tiny.free();
      expect((await appliance.send(refused)).status).toBe(202);
      acked.push(refused);
      const next = await appliance.sign(appliance.payload());
      expect((await appliance.send(next)).status).toBe(202);
      acked.push(next);
      expect((await api(tiny.url, token, 'PATCH', '/api/v1/cabinets/plein', { name: 'Renamed after' })).status).toBe(200);
      tiny.copyOut(path.join(seed, '..', 'after'));
    } finally {
      await tiny.service.kill('SIGKILL'); // the copy holds the journal as it was: replay must rebuild the state
    }

    const after = path.join(seed, '..', 'after');
    const restarted = await startControlPlane(after);
    try {
      expect(restarted.service.output()).toContain('heartbeat journal replayed');
      expect(restarted.service.output()).not.toContain('damaged record');
      const fleet = (await api(restarted.url, token, 'GET', '/api/v1/fleet')).body.appliances as any[];
      expect(fleet.find((a) => a.applianceId === appliance.applianceId).usage.analysesUsed).toBe(appliance.seq);
      appliance.url = restarted.url;
      for (const jws of acked) expect((await appliance.send(jws)).body.error).toBe('replayed_sequence');
      expect((await api(restarted.url, token, 'GET', '/api/v1/cabinets/plein')).body.cabinet.name).toBe('Renamed after');
    } finally {
      await restarted.stop();
    }
  });
});
