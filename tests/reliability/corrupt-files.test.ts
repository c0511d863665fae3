/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies and files asserted field by field */
/**
 * Files damaged while the service was down — truncated, emptied, not JSON, or JSON that fails its
 * schema — are recovered at start-up from their last good copy (`<file>.bak`, the version before
 * the last write), each with a log line naming the file and what was wrong; the damaged file is
 * kept aside as `<file>.corrupt-<time>`. A torn last journal line is dropped with a warning. When a
 * file and its last good copy are both damaged, the service refuses to start and says which file
 * to restore, rather than start without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROL_PLANE_MAIN, FakeAppliance, api, createAdminToken, runCli, startControlPlane, tempDir } from '../support/controlPlane.js';
import { APPLIANCE_MAIN, Browser, applianceEnv, startAppliance } from '../support/appliance.js';
import { spawnKillable, unparsableJsonFiles } from '../support/killable.js';

const PASSWORD = 'correct horse battery staple';
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

type Damage = (file: string) => void;
const truncate: Damage = (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
const empty: Damage = (file) => fs.writeFileSync(file, '');
const garbage: Damage = (file) => fs.writeFileSync(file, '\u0000\u0000{ not json at all');
const offSchema: Damage = (file) => fs.writeFileSync(file, JSON.stringify({ hello: 'world' }));

/** Damages each file, returning what its last good copy holds (what recovery must bring back). */
function damage(dataDir: string, files: Record<string, Damage>): Map<string, { lastGood: unknown; damaged: Buffer; reason: string }> {
  const expected = new Map<string, { lastGood: unknown; damaged: Buffer; reason: string }>();
  for (const [relative, how] of Object.entries(files)) {
    const file = path.join(dataDir, relative);
    expect(fs.existsSync(`${file}.bak`), `${relative} has a last good copy`).toBe(true);
    const lastGood = JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8'));
    how(file);
    expected.set(file, { lastGood, damaged: fs.readFileSync(file), reason: how === offSchema ? 'invalid' : 'corrupt' });
  }
  return expected;
}

/** The recovery log lines of a service's output, by file. */
function recoveries(output: string): Map<string, any> {
  const lines = output.split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
  return new Map(lines.filter((l) => l.msg === 'storage: recovered file from its last good copy').map((l) => [l.file, l]));
}

/**
 * Every damaged file is back as its last good copy (or, for `replayed` ones, that copy brought up
 * to date from the journal), logged, with the damaged bytes set aside.
 */
function expectRecovered(output: string, expected: ReturnType<typeof damage>, replayed: string[] = []): void {
  const logged = recoveries(output);
  for (const [file, { lastGood, damaged, reason }] of expected) {
    expect(logged.get(file), `log line for ${file}`).toMatchObject({
      level: 40,
      reason,
      setAside: expect.stringMatching(/\.corrupt-\d+$/),
    });
    if (!replayed.includes(file)) expect(JSON.parse(fs.readFileSync(file, 'utf8')), file).toEqual(lastGood);
    expect(fs.readFileSync(logged.get(file).setAside as string)).toEqual(damaged);
  }
}

describe('damaged files at start-up', () => {
  it('the appliance recovers each from its last good copy, says so, and works on', async () => {
    const cpDir = tempDir('cp-corrupt-');
    const cp = await startControlPlane(cpDir);
    try {
      const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'abime', '--name', 'Abimé', '--plan', 'professional', '--json']);
      const dir = path.join(tempDir('abime-'), 'data');
      const env = { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'abime' };
      let appliance = await startAppliance(dir, env);
      const admin = new Browser(appliance.url);
      expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
      expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@abime.fr', name: 'Admin', password: PASSWORD })).status).toBe(
        201,
      );
      expect((await admin.login('admin@abime.fr', PASSWORD)).status).toBe(200);
      // At least two writes to each file, so each has a last good copy.
      const caseId = (
        await admin.call('POST', '/api/cases', {
          client: { lastName: 'Abimé', firstName: 'Fichier', nationality: 'FR', birthDate: '1980-01-01' },
          procedure: 'oqtf',
          decisionNotifiedAt: '2026-11-02',
          notes: 'first',
          facts: FACTS,
        })
      ).body.case.id as string;
      expect((await admin.call('PATCH', `/api/cases/${caseId}`, { notes: 'second' })).status).toBe(200);
      expect(
        (await admin.call('POST', '/api/users', { email: 'avocat@abime.fr', name: 'Avocat', role: 'avocat', password: PASSWORD })).status,
      ).toBe(201);
      for (let i = 0; i < 2; i++) expect((await admin.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await admin.call('POST', '/api/admin/heartbeat')).body.error).toBeNull();
      await appliance.stop();

      const month = fs.readdirSync(path.join(dir, 'usage')).find((n) => n.endsWith('.json'))!;
      const expected = damage(dir, {
        [`cases/${caseId}.json`]: truncate,
        'users.json': garbage,
        'heartbeat-outbox.json': empty,
        [`usage/${month}`]: offSchema,
      });
      appliance = await startAppliance(dir, env);
      try {
        expectRecovered(appliance.service.output(), expected);
        expect(unparsableJsonFiles(dir).bad).toEqual([]);
        // And it works on: sign in, the case as in its last good copy (the version before the
        // last write: the damage cost that one write), new writes.
        admin.url = appliance.url;
        expect((await admin.login('admin@abime.fr', PASSWORD)).status).toBe(200);
        const lastGood = expected.get(path.join(dir, 'cases', `${caseId}.json`))!.lastGood as any;
        const c = (await admin.call('GET', `/api/cases/${caseId}`)).body.case;
        expect(c).toMatchObject({ notes: lastGood.notes, analysesCount: lastGood.analyses.length });
        expect((await admin.call('PATCH', `/api/cases/${caseId}`, { notes: 'third' })).status).toBe(200);
        expect((await admin.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
        expect((await admin.call('POST', '/api/admin/heartbeat')).body.error).toBeNull();
      } finally {
        await appliance.stop();
      }

      // A file whose last good copy is damaged too: no start on half the data, but a clear reason.
      const file = path.join(dir, 'cases', `${caseId}.json`);
      const good = fs.readFileSync(file);
      truncate(file);
      garbage(`${file}.bak`);
      const refused = spawnKillable(APPLIANCE_MAIN, applianceEnv(dir, env), { cwd: path.dirname(dir) });
      expect(await refused.listening).toBeNull();
      expect(refused.child.exitCode).not.toBe(0);
      expect(refused.output()).toContain(`${file} is corrupt and has no usable last good copy: restore it from a backup`);
      fs.writeFileSync(file, good); // restored from a backup
      appliance = await startAppliance(dir, env);
      admin.url = appliance.url;
      expect((await admin.login('admin@abime.fr', PASSWORD)).status).toBe(200);
      expect((await admin.call('GET', `/api/cases/${caseId}`)).body.case.notes).toBe('third');
      await appliance.stop();
    } finally {
      await cp.stop();
    }
  });

  it('the control plane recovers each from its last good copy, drops a torn journal line, and counts on', async () => {
    const dir = path.join(tempDir('cp-abime-'), 'data');
    fs.mkdirSync(dir);
    const token = await createAdminToken(dir, 'ops@vendor.test');
    let cp = await startControlPlane(dir);
    const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', { id: 'abime', name: 'Cabinet Abimé', plan: 'professional' });
    expect((await api(cp.url, token, 'PATCH', '/api/v1/cabinets/abime', { name: 'Cabinet Abimé & Associés' })).status).toBe(200);
    const appliance = new FakeAppliance(cp.url);
    expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
    for (const id of ['petit', 'grand']) {
      expect(
        (
          await api(cp.url, token, 'POST', '/api/v1/plans', {
            id,
            name: id,
            priceCents: 100,
            limits: { maxUsers: 1, maxCases: 1, maxAnalysesMonthly: 1 },
            aiModel: 'ceseda-basic-v1',
            advancedFeatures: false,
          })
        ).status,
      ).toBe(201);
    }
    const counted: string[] = [];
    for (let i = 0; i < 3; i++) {
      counted.push(await appliance.sign(appliance.payload()));
      expect((await appliance.send(counted.at(-1)!)).status).toBe(202);
    }
    // The checkpoint writes the appliance file a second time: its last good copy predates the three heartbeats.
    expect(await cp.stop()).toBe(0);

    const expected = damage(dir, {
      'cabinets/abime.json': truncate,
      [`appliances/${appliance.applianceId}.json`]: garbage,
      'plans.json': offSchema,
    });
    // A record torn in the middle of its line at the end of the journal: written, never acknowledged.
    const segment = fs.readdirSync(path.join(dir, 'journal')).sort().at(-1)!;
    fs.appendFileSync(path.join(dir, 'journal', segment), '0123456789abcdef {"a":"abime-');

    cp = await startControlPlane(dir);
    try {
      expectRecovered(cp.service.output(), expected, [path.join(dir, 'appliances', `${appliance.applianceId}.json`)]);
      expect(cp.service.output()).toContain('journal: dropped a torn last record (written, never acknowledged)');
      expect(unparsableJsonFiles(dir).bad).toEqual([]);
      const lastGood = expected.get(path.join(dir, 'cabinets/abime.json'))!.lastGood as any;
      const cabinet = (await api(cp.url, token, 'GET', '/api/v1/cabinets/abime')).body.cabinet;
      expect(cabinet).toMatchObject({ name: lastGood.name, plan: lastGood.plan, status: lastGood.status });
      const plans = (await api(cp.url, token, 'GET', '/api/v1/plans')).body.plans.map((p: any) => p.id);
      expect(plans).toContain('petit');
      // The heartbeats the damaged file held are back, from the journal kept since the checkpoint
      // before: counted, and refused if they come again. The appliance goes on.
      expect(cp.service.output()).toMatch(/"records":3,"replayed":3,"msg":"heartbeat journal replayed"/);
      expect((await api(cp.url, token, 'GET', '/api/v1/fleet')).body.appliances[0].usage.analysesUsed).toBe(3);
      appliance.url = cp.url;
      for (const jws of counted) expect((await appliance.send(jws)).body.error).toBe('replayed_sequence');
      const next = await appliance.send(await appliance.sign(appliance.payload()));
      expect(next.status, JSON.stringify(next.body)).toBe(202);
      const fleet = (await api(cp.url, token, 'GET', '/api/v1/fleet')).body.appliances as any[];
      expect(fleet[0].usage.analysesUsed).toBe(appliance.seq);
    } finally {
      await cp.stop();
    }

    // Both copies of the plan catalogue damaged: the control plane refuses to start, naming it.
    const plans = path.join(dir, 'plans.json');
    garbage(plans);
    garbage(`${plans}.bak`);
    const refused = spawnKillable(
      CONTROL_PLANE_MAIN,
      { PATH: process.env.PATH, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' },
      { cwd: path.dirname(dir) },
    );
    expect(await refused.listening).toBeNull();
    expect(refused.output()).toContain(`${plans} is corrupt and has no usable last good copy: restore it from a backup`);
  });
});
