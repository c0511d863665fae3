/* eslint-disable @typescript-eslint/no-explicit-any -- CLI results and files are untyped JSON asserted field by field */
/**
 * `control-plane db import --from DATA_DIR` (issue 20 step 6, docs/control-plane-postgres.md
 * "Moving an installation"). A real DATA_DIR is built by running the control plane on its files —
 * the CLI (admins, a token, cabinets, March closed with two invoices, an avoir, a payment) and
 * `serve` (an appliance enrolled, heartbeats, an upgrade request, a support bundle, a fleet alert),
 * the last heartbeats left in the journal by a SIGKILL — then moved into PostgreSQL by the CLI and
 * read back through the PostgreSQL stores and the domain: the same records as the files, the
 * series continued, the token working, the appliance's next sequence accepted and a replay refused.
 * Refusals leave the database empty: no DATABASE_URL, a database already imported into, DATA_DIR
 * held by a running process, a folder that is not a DATA_DIR, a record the schema refuses, counts
 * that differ after the inserts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSupportUpload, signUpgradeRequest } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { readInstallation } from '../../../control-plane/src/cli/readInstallation.js';
import { readConfig } from '../../../control-plane/src/config.js';
import { AdminDirectory } from '../../../control-plane/src/domain/admins.js';
import { applianceKeysFrom } from '../../../control-plane/src/domain/applianceKeys.js';
import { formatDocumentNumber, parseDocumentNumber } from '../../../control-plane/src/domain/billing/documentNumbers.js';
import { HeartbeatIngest } from '../../../control-plane/src/domain/heartbeatIngest.js';
import { PostgresAdminStore } from '../../../control-plane/src/storage/postgres/adminStore.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresBillingMonthStore } from '../../../control-plane/src/storage/postgres/billingMonthStore.js';
import { PostgresCabinetStore } from '../../../control-plane/src/storage/postgres/cabinetStore.js';
import { PostgresHeartbeatStore } from '../../../control-plane/src/storage/postgres/heartbeatStore.js';
import { countRows, importInstallation } from '../../../control-plane/src/storage/postgres/importInstallation.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { PostgresPaymentLedger } from '../../../control-plane/src/storage/postgres/paymentLedger.js';
import { PostgresSupportBundleArchive } from '../../../control-plane/src/storage/postgres/supportBundleArchive.js';
import { PostgresUpgradeRequestStore } from '../../../control-plane/src/storage/postgres/upgradeRequestStore.js';
import { PostgresVendorKeyStore } from '../../../control-plane/src/storage/postgres/vendorKeyStore.js';
import { clockAt, DUPONT_CABINET } from '../../support/billing.js';
import { api, createAdminToken, FakeAppliance, runCli, startControlPlane, tempDir } from '../../support/controlPlane.js';
import { closingMonth } from '../../support/storeFixtures.js';
import { usePostgres } from '../../support/postgresPools.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();
const root = tempDir('cp-dbimport-');
const scratch = tempDir('cp-dbimport-scratch-');
const dataDir = path.join(root, 'data');
const bundle = gzipSync(Buffer.from('support-bundle/manifest.json: what the appliance sends its vendor'));
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(dataDir, file), 'utf8'));

let token = '';
let appliance: FakeAppliance;
let bundleId = '';

const cli = (at: string, args: string[]) => runCli(dataDir, [...args, '--json'], { env: clockAt(at) });
const importInto = (url: string | undefined, from = dataDir) =>
  runCli(dataDir, ['db', 'import', '--from', from, '--json'], { env: url ? { DATABASE_URL: url } : {} });

/** A heartbeat with 10 % disk free: below the 15 % warning, so the fleet check records a transition. */
const lowDisk = (a: FakeAppliance) => {
  const p = a.payload();
  return a.sign({ ...p, health: { ...p.health, diskFreeRatio: 0.1 } });
};

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  token = await createAdminToken(dataDir, 'ops@vendor.test');
  const martin = [
    '--id',
    'martin',
    '--name',
    'Martin',
    '--plan',
    'starter',
    '--siret',
    '44833048000006',
    '--address',
    '8 rue Martin, 69001 Lyon',
  ];
  const durand = DUPONT_CABINET.map((arg) => (arg === 'dupont' ? 'durand' : arg));
  for (const cabinet of [DUPONT_CABINET, martin, durand])
    expect((await cli('2026-03-01T09:00:00Z', ['cabinet', 'create', ...cabinet])).code).toBe(0);
  // Above 200 € incl. VAT an invoice is held for review: Dupont's and Durand's 358,80 €, not Martin's 118,80 €.
  const march = await runCli(dataDir, ['billing', 'close', '2026-03', '--json'], {
    env: clockAt('2026-04-02T08:00:00Z', { BILLING_REVIEW_AMOUNT_CENTS: '20000' }),
  });
  expect(march.code, march.stderr).toBe(0);
  expect((await cli('2026-04-03T08:00:00Z', ['billing', 'approve', '2026-03', '--cabinet', 'dupont'])).code).toBe(0);
  const reject = ['billing', 'reject', '2026-03', '--cabinet', 'durand', '--reason', 'tarif négocié à revoir'];
  expect((await cli('2026-04-03T09:00:00Z', reject)).code).toBe(0);
  const note = await cli('2026-04-05T08:00:00Z', ['billing', 'credit-note', 'F-2026-000002', '--reason', 'geste commercial', '--confirm']);
  expect(note.code, note.stderr).toBe(0);
  const pay = ['billing', 'pay', 'F-2026-000001', '--amount-cents', '10000', '--date', '2026-04-09', '--reference', 'VIR-MARTIN-1'];
  expect((await cli('2026-04-10T08:00:00Z', pay)).code).toBe(0);

  // Now (the real clock): a code for Martin, enrolled by serve, two heartbeats checkpointed at the stop.
  const code = await runCli(dataDir, ['cabinet', 'code', 'martin', '--json']);
  expect(code.code, code.stderr).toBe(0);
  const first = await startControlPlane(dataDir, { CHECKPOINT_INTERVAL_SECONDS: '3600' });
  appliance = new FakeAppliance(first.url);
  expect((await appliance.enroll(code.json.enrollmentCode)).status).toBe(201);
  expect((await appliance.send(await appliance.sign(appliance.payload()))).status).toBe(202);
  expect((await appliance.send(await lowDisk(appliance))).status).toBe(202);
  const request = await signUpgradeRequest(
    {
      v: 1,
      iss: appliance.applianceId,
      sub: appliance.cabinetId,
      jti: 'bWFydGluLWltcG9ydC0wMDAx',
      iat: Math.floor(Date.now() / 1000),
      licenseId: 'any-license',
      currentPlan: 'starter',
      wantedPlan: 'professional',
      limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
      usage: { month: new Date().toISOString().slice(0, 7), usersActive: 1, casesOpen: 40, analysesUsed: 100 },
      message: 'Nos analyses sont épuisées : appelez-nous.',
    },
    appliance.key.privateKey,
  );
  const upgrade = await fetch(`${first.url}/v1/upgrade-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body: request,
  });
  expect(upgrade.status).toBe(201);
  const claims = {
    iss: appliance.applianceId,
    sub: appliance.cabinetId,
    iat: Math.floor(Date.now() / 1000),
    sha256: createHash('sha256').update(bundle).digest('hex'),
    size: bundle.length,
  };
  const uploaded = await api(first.url, await signSupportUpload(claims, appliance.key.privateKey), 'POST', '/v1/support-bundles', {
    bundle: bundle.toString('base64'),
  });
  expect(uploaded.status).toBe(201);
  bundleId = uploaded.body.id;
  expect(await first.stop()).toBe(0);

  // Started again, its fleet check records the low disk; two more heartbeats reach only the journal.
  const second = await startControlPlane(dataDir, { CHECKPOINT_INTERVAL_SECONDS: '3600' });
  appliance.url = second.url;
  for (let i = 0; i < 2; i++) expect((await appliance.send(await lowDisk(appliance))).status).toBe(202);
  await second.stop('SIGKILL');
  expect(readJson(`appliances/${appliance.applianceId}.json`).lastSeq).toBe(2);
  // Two dashboard logouts, as the kernel's list keeps them: one still in force, one whose session has expired since.
  fs.writeFileSync(
    path.join(dataDir, 'dashboard-revoked-sessions.json'),
    JSON.stringify({
      sessions: [
        { jti: 'logged-out-in-force', until: new Date(Date.now() + 3_600_000).toISOString() },
        { jti: 'logged-out-expired', until: new Date(Date.now() - 60_000).toISOString() },
      ],
    }),
  );
}, 240_000);

afterAll(() => {
  for (const dir of [root, scratch]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('db import --from DATA_DIR', () => {
  it('moves every aggregate, counted again in the database, and reads back through the PostgreSQL stores as the files hold it', async () => {
    const url = await pg.cluster.createDatabase('import');
    const res = await importInto(url);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.database).toMatch(/^127\.0\.0\.1:\d+\/import/);
    expect(res.json.from).toBe(dataDir);
    const db = pg.pool(url);
    expect(res.json.counts).toEqual(await countRows(db.pool));
    expect(res.json.counts).toMatchObject({
      admins: 1,
      apiTokens: 1,
      cabinets: 3,
      appliances: 1,
      upgradeRequests: 1,
      supportBundles: 1,
      billingMonths: 1,
      invoices: 2,
      heldInvoices: 2,
      rejections: 1,
      creditNotes: 1,
      payments: 1,
      documentSeries: 2,
      billingClock: 1,
      fleetAlerts: 1,
      vendorKeys: readJson('keys/keys.json').keys.length,
    });
    expect(res.json.counts.fleetAlertTransitions).toBeGreaterThanOrEqual(1);

    expect(await new PostgresAdminStore(db).list()).toEqual(readJson('admins.json').admins);
    const cabinets = await new PostgresCabinetStore(db).list();
    expect(cabinets).toEqual(['dupont', 'durand', 'martin'].map((id) => readJson(`cabinets/${id}.json`)));
    expect((await new PostgresVendorKeyStore(db).list()).map((k) => k.kid)).toEqual(readJson('keys/keys.json').keys.map((k: any) => k.kid));

    const billing = new PostgresBillingMonthStore(db, formatDocumentNumber);
    const march = readJson('billing/months/2026-03.json');
    expect((await billing.invoicesOf('2026-03')).map((i) => i.number)).toEqual(['F-2026-000001', 'F-2026-000002']);
    // Martin's issued at the close, Dupont's when its held draft was approved (who approved it kept).
    expect(march.invoices.map((i: any) => i.number)).toEqual(['F-2026-000001']);
    const approved = readJson('billing/invoices/F-2026-000002.json');
    expect(await billing.invoicesOf('2026-03')).toEqual([...march.invoices, approved]);
    const held = await db.query('SELECT cabinet_id, decided, record FROM held_invoices ORDER BY cabinet_id');
    expect(held.rows.map((r) => [r.cabinet_id, r.decided])).toEqual([
      ['dupont', 'approved'],
      ['durand', 'rejected'],
    ]);
    expect(held.rows.map((r) => r.record)).toEqual(march.held);
    const rejection = await db.query('SELECT record FROM rejections');
    expect(rejection.rows.map((r) => r.record)).toEqual([readJson('billing/rejected/2026-03_durand.json')]);
    expect(await billing.creditNotesOf('F-2026-000002')).toEqual([readJson('billing/credit-notes/A-2026-000001.json')]);
    const payments = await new PostgresPaymentLedger(db).paymentsOf('F-2026-000001');
    expect(payments).toEqual(fs.readdirSync(path.join(dataDir, 'billing/payments')).map((f) => readJson(`billing/payments/${f}`)));
    expect(await new PostgresUpgradeRequestStore(db).list({ status: 'all' })).toEqual(readJson('upgrade-requests.json').requests);
    const kept = await new PostgresSupportBundleArchive(db).read('martin', bundleId, new Date());
    expect(kept?.bytes.equals(bundle)).toBe(true);
    const alerts = readJson('fleet-alerts.json');
    const current = await db.query('SELECT appliance_id, record FROM fleet_alerts_current');
    expect(Object.fromEntries(current.rows.map((r) => [r.appliance_id, r.record]))).toEqual(alerts.current);
    const transitions = await db.query('SELECT record FROM fleet_alert_transitions ORDER BY id');
    expect(transitions.rows.map((r) => r.record)).toEqual(alerts.transitions);
    // A session ended on the files stays ended on the database; an expired logout is not carried over.
    expect(res.json.counts.revokedSessions).toBe(1);
    expect((await db.query('SELECT jti FROM revoked_sessions')).rows).toEqual([{ jti: 'logged-out-in-force' }]);
    // serve made the dashboard's session secret: the cookies it signed stay valid on the database.
    expect(res.json.counts.sessionSecret).toBe(1);
    expect(await new PostgresAdminStore(db).sessionSecret(() => 'not this one'.padEnd(40, '!'), new Date())).toBe(
      readJson('dashboard-session.json').secret,
    );

    // Nothing was written back: the appliance file is still at its last checkpoint, the journal holds the rest.
    expect(readJson(`appliances/${appliance.applianceId}.json`).lastSeq).toBe(2);

    // The API token made on the files authenticates against the database.
    expect(await new AdminDirectory(new PostgresAdminStore(db), log).authenticateToken(token, new Date())).toMatchObject({
      email: 'ops@vendor.test',
    });

    // The journal's heartbeats (3 and 4, never checkpointed) came with the appliance: 5 is next, 4 a replay.
    const appliances = new PostgresApplianceStore(db);
    expect((await appliances.get(appliance.applianceId))?.lastSeq).toBe(4);
    const ingest = new HeartbeatIngest(
      new PostgresHeartbeatStore(db),
      applianceKeysFrom(appliances),
      { maxSkewSeconds: 600, cabinetLimits: () => ({ maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 }) },
      log,
    );
    const replayed = appliance.payload({ seq: 4 });
    await expect(ingest.accept(await appliance.sign(replayed), new Date())).rejects.toMatchObject({ code: 'replayed_sequence' });
    appliance.seq = 4;
    const { appliance: after } = await ingest.accept(await appliance.sign(appliance.payload()), new Date());
    expect(after.lastSeq).toBe(5);

    // The numbering continues the files' series: April's first invoice is F-2026-000003.
    const april = await billing.commitMonth(
      (at) => closingMonth('2026-04', at.toISOString(), ['dupont']),
      () => new Date(),
    );
    expect(april.invoices.map((i) => i.number)).toEqual(['F-2026-000003']);
  }, 120_000);

  it('refuses a database that already holds an installation, naming what it holds, and changes nothing', async () => {
    const url = await pg.cluster.createDatabase('twice');
    // Trust authentication ignores the password: the URL carries one only to show it is never printed.
    const withPassword = url.replace('postgres@', 'postgres:s3cret-pass@');
    const first = await runCli(dataDir, ['db', 'import', '--from', dataDir], { env: { DATABASE_URL: withPassword } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${dataDir} moved into 127\\.0\\.0\\.1:\\d+/twice`));
    expect(first.stdout).toMatch(/invoices\s+2\n/);
    expect(first.stdout + first.stderr).not.toContain('s3cret-pass');
    expect((await runCli(dataDir, ['help', 'db', 'import'])).stdout).toMatch(/^usage: control-plane db import --from DATA_DIR/);
    const db = pg.pool(url);
    const before = await countRows(db.pool);
    const again = await importInto(withPassword);
    expect(again.code).toBe(1);
    expect(again.json.error).toBe('database_not_empty');
    expect(again.json.message).toContain('already holds control-plane data (');
    expect(again.json.message).toContain('cabinets: 3');
    expect(again.stdout + again.stderr).not.toContain('s3cret-pass');
    expect(await countRows(db.pool)).toEqual(before);
  }, 120_000);

  it('moves an installation once when two imports into one database run at once: the other finds it there', async () => {
    const { installation } = await readInstallation(dataDir, readConfig({ DATA_DIR: dataDir }, '/nonexistent/.env'), log);
    const url = await pg.cluster.createDatabase('race');
    const [a, b] = [pg.pool(url), pg.pool(url)];
    await migrate(a);
    const outcomes = await Promise.allSettled(
      [a, b].map((db) => importInstallation(db, installation, { parseNumber: parseDocumentNumber })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    // Without the import's lock both would pass the emptiness check and the second fail on a key.
    expect(refused.reason).toMatchObject({ code: 'database_not_empty' });
    expect((await countRows(a.pool)).invoices).toBe(2);
  }, 120_000);

  it('refuses without DATABASE_URL, a DATA_DIR a running process holds, and a folder that is not a DATA_DIR', async () => {
    const unconfigured = await importInto(undefined);
    expect([unconfigured.code, unconfigured.json.error]).toEqual([1, 'database_not_configured']);

    const url = await pg.cluster.createDatabase('refused');
    // This test process stands for a running control plane: a live pid on this host holds the lock.
    const lock = path.join(dataDir, '.lock');
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, purpose: 'control-plane serve', host: os.hostname(), since: new Date().toISOString() }),
    );
    try {
      const locked = await importInto(url);
      expect([locked.code, locked.json.error]).toEqual([1, 'data_dir_locked']);
      expect(locked.json.message).toContain('in use by control-plane serve');
    } finally {
      fs.rmSync(lock);
    }

    const empty = fs.mkdtempSync(path.join(scratch, 'not-data-'));
    const notData = await importInto(url, empty);
    expect(notData.json).toMatchObject({
      error: 'not_a_data_dir',
      message: `${empty} is not a control-plane DATA_DIR (no keys/keys.json): give --from the DATA_DIR the control plane ran with (the folder holding admins.json, cabinets/ and keys/)`,
    });
    expect(fs.readdirSync(empty)).toEqual([]);
    const missing = await importInto(url, path.join(empty, 'nowhere'));
    expect(missing.json.message).toContain('(no such directory)');
    expect(fs.existsSync(path.join(empty, 'nowhere'))).toBe(false);
    // Refused in the pre-flight: not even migrated.
    const tables = await pg
      .pool(url)
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.rows[0]!.n).toBe(0);
  }, 120_000);

  it('rolls everything back when a record is refused half-way: an appliance of a cabinet DATA_DIR does not hold', async () => {
    const copy = path.join(scratch, 'damaged');
    fs.cpSync(dataDir, copy, { recursive: true, filter: (file) => !file.endsWith('.sock') });
    const ghost = { ...readJson(`appliances/${appliance.applianceId}.json`), id: 'ghost-000001', cabinetId: 'ghost' };
    fs.writeFileSync(path.join(copy, 'appliances/ghost-000001.json'), JSON.stringify(ghost));
    const url = await pg.cluster.createDatabase('refused');
    const res = await importInto(url, copy);
    expect(res.code).toBe(1);
    expect(res.json.error).toBe('database_import_refused');
    expect(res.json.message).toContain('appliances');
    // Plans, keys, admins and cabinets were inserted before the appliance: none of them stayed.
    expect(Object.values(await countRows(pg.pool(url).pool)).every((n) => n === 0)).toBe(true);
  }, 120_000);

  it('rolls everything back with database_import_mismatch when the rows counted differ from those read', async () => {
    const { installation } = await readInstallation(dataDir, readConfig({ DATA_DIR: dataDir }, '/nonexistent/.env'), log);
    const url = await pg.cluster.createDatabase('mismatch');
    const db = pg.pool(url);
    await migrate(db);
    // One invoice fewer than inserted, as a silently dropped row would show.
    const short = async (client: Parameters<typeof countRows>[0]) => ({ ...(await countRows(client)), invoices: 1 });
    await expect(importInstallation(db, installation, { parseNumber: parseDocumentNumber, count: short })).rejects.toMatchObject({
      code: 'database_import_mismatch',
      details: { aggregate: 'invoices', expected: 2, found: 1 },
    });
    expect(Object.values(await countRows(db.pool)).every((n) => n === 0)).toBe(true);
  }, 120_000);
});
