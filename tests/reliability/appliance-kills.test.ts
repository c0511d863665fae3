/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies and files asserted field by field */
/**
 * The appliance SIGKILLed at 200 random moments while lawyers write from several clients at once:
 * cases created and edited, documents uploaded, users added, analyses run (usage counters) and
 * heartbeats queued (outbox) — plus kills during start-up itself (recovery, temp sweep, clock
 * mark). After every restart, every file parses and every write that was acknowledged (a 2xx came
 * back) is on disk; the service answers with it; at the end the audit chain verifies.
 *
 * Two appliances (two DATA_DIRs) are killed side by side, half the kills each: the machine has two
 * CPUs and a restart is mostly single-threaded module loading, so this halves the wall time.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { APPLIANCE_MAIN, Browser, applianceEnv, runApplianceCli, startAppliance } from '../support/appliance.js';
import {
  kindOf,
  runKillLoop,
  seededRandom,
  spawnKillable,
  summary,
  unparsableJsonFiles,
  type KillLane,
  type KillableService,
} from '../support/killable.js';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 200);
const LANES = Number(process.env.RELIABILITY_LANES ?? 2);
const WRITERS = 4;
/** Beyond the kills during writes, this share of restarts is killed during start-up. */
const STARTUP_KILLS = 0.15;
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
/** The kinds of write, with their share of the traffic. Each round aims its kill at one kind in turn. */
const KINDS = [
  ['case', 0.3],
  ['edit', 0.25],
  ['document', 0.15],
  ['user', 0.1],
  ['analysis', 0.1],
  ['heartbeat', 0.1],
] as const;
type Kind = (typeof KINDS)[number][0];
const LOOP = {
  kinds: KINDS,
  writers: WRITERS,
  startupKillShare: STARTUP_KILLS,
  startupGuessMs: 800,
  seedStep: 31,
  failed: { value: false },
};

const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, 'utf8'));

let cp: TestControlPlane;
const lanes: Lane[] = [];

/** One appliance and what was acknowledged to it so far: the expected content of its DATA_DIR. */
class Lane implements KillLane<Kind> {
  cases = new Map<string, { lastName: string; notes: string | null; sent: string[] }>();
  documents = new Map<string, { caseId: string; sha256: string }>();
  users = new Set<string>();
  analyses = new Map<string, string>(); // analysis id → case id
  analysesTried = 0;
  heartbeats = new Set<number>();
  writes = 0;
  kills = 0;
  startupKills = 0;
  filesChecked = 0;
  startups: number[] = [];
  startupsCpu: number[] = [];

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly token: string,
    readonly random: () => number,
  ) {}

  env(): Record<string, string> {
    return { CONTROL_PLANE_URL: cp.url, CLIENT_ID: this.name };
  }

  async call(url: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  async upload(url: string, caseId: string, content: string): Promise<{ status: number; body: any }> {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), 'note.txt');
    const res = await fetch(`${url}/api/cases/${caseId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
      body: form,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  /** One client: mixed writes (the first of kind `first`) until told to stop or the process dies under it. */
  async writer(
    url: string,
    tag: string,
    random: () => number,
    first: Kind,
    stopped: () => boolean,
    onAck: (kind: Kind) => void,
  ): Promise<void> {
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
    for (let i = 0; !stopped(); i++) {
      const id = `${tag}i${i}`;
      const caseId = pick([...this.cases.keys()]);
      const kind = !caseId ? 'case' : i === 0 ? first : kindOf(KINDS, random());
      try {
        if (kind === 'case') {
          const lastName = `K${id}`;
          const res = await this.call(url, 'POST', '/api/cases', {
            client: { lastName, firstName: 'Test', nationality: 'FR', birthDate: '1980-01-01' },
            procedure: 'oqtf',
            decisionNotifiedAt: '2026-11-02',
            facts: FACTS,
          });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          this.cases.set(res.body.case.id, { lastName, notes: null, sent: [] });
        } else if (kind === 'edit') {
          const entry = this.cases.get(caseId!)!;
          entry.sent.push(id);
          const res = await this.call(url, 'PATCH', `/api/cases/${caseId}`, { notes: id });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          entry.notes = id;
        } else if (kind === 'document') {
          const content = `${id} ${'x'.repeat(Math.floor(random() * 3000))}`;
          const res = await this.upload(url, caseId!, content);
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          this.documents.set(res.body.document.id, { caseId: caseId!, sha256: createHash('sha256').update(content).digest('hex') });
        } else if (kind === 'user') {
          const email = `${id.toLowerCase()}@${this.name}.fr`;
          const res = await this.call(url, 'POST', '/api/users', { email, name: `User ${id}`, role: 'avocat', password: PASSWORD });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          this.users.add(email);
        } else if (kind === 'analysis') {
          this.analysesTried++;
          const res = await this.call(url, 'POST', `/api/cases/${caseId}/analyses`, {});
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          this.analyses.set(res.body.analysis.id, caseId!);
        } else {
          const res = await this.call(url, 'POST', '/api/admin/heartbeat');
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          expect(res.body.seq).toBeGreaterThan(0);
          this.heartbeats.add(res.body.seq);
        }
        this.writes++;
        onAck(kind);
      } catch (err) {
        if ((err as Error).name === 'AssertionError') throw err;
        return; // the connection died with the process: that write was never acknowledged
      }
    }
  }

  /** Every file parses and every acknowledged write is on disk (read while the service is idle). */
  checkDisk(round: number): void {
    const at = `${this.name} round ${round}`;
    const { files, bad } = unparsableJsonFiles(this.dir);
    this.filesChecked += files;
    expect(bad, `${at}: files that do not parse`).toEqual([]);
    const stored = new Map<string, any>();
    for (const [id, expected] of this.cases) {
      const c = readJson(path.join(this.dir, 'cases', `${id}.json`));
      stored.set(id, c);
      expect(c.client.lastName, `${at}: case ${id}`).toBe(expected.lastName);
      // A PATCH in flight at the kill may have landed after the last acknowledged one: the notes
      // are the acknowledged value or one sent after it, never an older one.
      if (expected.notes !== null)
        expect(expected.sent.slice(expected.sent.lastIndexOf(expected.notes)), `${at}: notes of ${id}`).toContain(c.notes);
    }
    for (const [docId, d] of this.documents) {
      expect(
        stored.get(d.caseId).documents.map((x: any) => x.id),
        `${at}: document ${docId} listed`,
      ).toContain(docId);
      const bytes = fs.readFileSync(path.join(this.dir, 'documents', d.caseId, docId));
      expect(createHash('sha256').update(bytes).digest('hex'), `${at}: document ${docId} content`).toBe(d.sha256);
    }
    for (const [analysisId, caseId] of this.analyses)
      expect(
        stored.get(caseId).analyses.map((a: any) => a.id),
        `${at}: analysis ${analysisId}`,
      ).toContain(analysisId);
    const users = new Set((readJson(path.join(this.dir, 'users.json')).users as any[]).map((u) => u.email));
    for (const email of this.users) expect(users.has(email), `${at}: user ${email}`).toBe(true);
    const usageDir = path.join(this.dir, 'usage');
    const counted = fs.existsSync(usageDir)
      ? fs
          .readdirSync(usageDir)
          .filter((n) => n.endsWith('.json'))
          .reduce((sum, n) => sum + readJson(path.join(usageDir, n)).analysesUsed, 0)
      : 0;
    // Counted once acknowledged; a run in flight at the kill may be counted without its answer.
    expect(counted, `${at}: analyses counted`).toBeGreaterThanOrEqual(this.analyses.size);
    expect(counted, `${at}: analyses counted`).toBeLessThanOrEqual(this.analysesTried);
    const outbox = readJson(path.join(this.dir, 'heartbeat-outbox.json'));
    const queued = new Set((outbox.queue as any[]).map((q) => q.seq));
    for (const seq of this.heartbeats) expect(queued.has(seq), `${at}: heartbeat ${seq} queued`).toBe(true);
    expect(outbox.lastSeq, `${at}: no sequence number reused`).toBeGreaterThanOrEqual(Math.max(0, ...this.heartbeats));
  }

  /** The restarted service answers with what was acknowledged (a sample each round). */
  async spotCheck(url: string): Promise<void> {
    const ids = [...this.cases.keys()];
    const id = ids[Math.floor(this.random() * ids.length)];
    if (id) {
      const res = await this.call(url, 'GET', `/api/cases/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.case.client.lastName).toBe(this.cases.get(id)!.lastName);
    }
    const usage = await this.call(url, 'GET', '/api/billing/usage');
    expect(usage.body.analyses_used).toBeGreaterThanOrEqual(this.analyses.size);
    const outbox = await this.call(url, 'GET', '/api/admin/heartbeat');
    expect(outbox.body.queued).toBeGreaterThanOrEqual(this.heartbeats.size);
  }

  spawn(): KillableService {
    return spawnKillable(APPLIANCE_MAIN, applianceEnv(this.dir, this.env()), { cwd: path.dirname(this.dir) });
  }

  /** After each restart: the files hold every acknowledged write, and the service serves a sample. */
  async check(url: string, round: number): Promise<void> {
    this.checkDisk(round);
    await this.spotCheck(url);
  }

  /** One last life: every acknowledged write is served; a clean stop; the audit chain verifies. */
  async finalCheck(): Promise<void> {
    const last = await startAppliance(this.dir, this.env());
    try {
      this.checkDisk(-1);
      for (const [id, expected] of this.cases) {
        const res = await this.call(last.url, 'GET', `/api/cases/${id}`);
        expect(res.status).toBe(200);
        expect(res.body.case.client.lastName).toBe(expected.lastName);
        expect(res.body.case.analysesCount).toBeGreaterThanOrEqual([...this.analyses.values()].filter((c) => c === id).length);
      }
      const someone = [...this.users][0];
      if (someone) expect((await new Browser(last.url).login(someone, PASSWORD)).status).toBe(200);
    } finally {
      expect(await last.stop()).toBe(0);
    }
    const audit = await runApplianceCli(this.dir, ['audit', 'verify', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
  }
}

beforeAll(async () => {
  const cpDir = tempDir('cp-kills-');
  cp = await startControlPlane(cpDir);
  for (let i = 0; i < LANES; i++) {
    const name = `kills${i}`;
    const created = await runCli(cpDir, [
      'cabinet',
      'create',
      '--id',
      name,
      '--name',
      name,
      '--plan',
      'professional',
      '--max-users',
      '100000',
      '--max-cases',
      '100000',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const dir = path.join(tempDir(`${name}-`), 'data');
    const appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: name });
    const setup = new Browser(appliance.url);
    expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
    expect((await setup.call('POST', '/api/setup/admin', { email: `admin@${name}.fr`, name: 'Admin', password: PASSWORD })).status).toBe(
      201,
    );
    await appliance.stop();
    const token = (await runApplianceCli(dir, ['token', 'create', '--email', `admin@${name}.fr`, '--json'])).json.token as string;
    lanes.push(new Lane(name, dir, token, seededRandom(20_261_130 + i)));
  }
  // From here on the control plane is gone: every heartbeat stays in the outbox, where it can be checked.
  await cp.stop();
}, 120_000);

afterAll(async () => {
  await cp?.stop();
});

describe('the appliance under SIGKILL', () => {
  it(`keeps every acknowledged write of mixed traffic across ${KILLS} kills at random moments`, async () => {
    const started = Date.now();
    await Promise.all(lanes.map((lane, i) => runKillLoop(lane, Math.floor(KILLS / LANES) + (i < KILLS % LANES ? 1 : 0), LOOP)));
    const seconds = Math.round((Date.now() - started) / 1000);
    for (const lane of lanes) await lane.finalCheck();

    const total = (f: (l: Lane) => number) => lanes.reduce((sum, l) => sum + f(l), 0);
    const restart = summary(lanes.flatMap((l) => l.startups));
    const cpu = summary(lanes.flatMap((l) => l.startupsCpu));
    console.log(
      `appliance: ${total((l) => l.kills)} SIGKILLs during writes + ${total((l) => l.startupKills)} during start-up, ${total((l) => l.writes)} acknowledged writes ` +
        `(${total((l) => l.cases.size)} cases, ${total((l) => l.documents.size)} documents, ${total((l) => l.users.size)} users, ${total((l) => l.analyses.size)} analyses, ${total((l) => l.heartbeats.size)} heartbeats), ` +
        `${total((l) => l.filesChecked)} file parses checked; restart to "listening" median ${restart.median} ms, p95 ${restart.p95} ms (${LANES} side by side; CPU median ${cpu.median} ms); kill loop ${seconds} s`,
    );
    expect(total((l) => l.kills)).toBe(KILLS);
    // The test proves nothing unless the kills landed among many writes of every kind.
    expect(total((l) => l.writes)).toBeGreaterThan(KILLS * 2);
    for (const lane of lanes)
      for (const n of [lane.cases.size, lane.documents.size, lane.users.size, lane.analyses.size, lane.heartbeats.size])
        expect(n, lane.name).toBeGreaterThan(KILLS / LANES / 20);
  }, 1_800_000);
});
