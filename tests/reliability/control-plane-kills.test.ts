/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * The control plane SIGKILLed at 200 random moments during mixed writes: cabinets created and
 * edited, enrollment codes issued and used (re-enrollment revokes the previous appliance), custom
 * plans, and above all heartbeats and usage reports from the enrolled appliances (the journal, and
 * checkpoints every second) — plus kills during start-up, which replays the journal and checkpoints.
 * After every restart every file parses, every acknowledged write is served, and a heartbeat
 * acknowledged before the kill is refused as replayed if it comes again: counted once.
 *
 * Two control planes (two DATA_DIRs) are killed side by side, half the kills each.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROL_PLANE_MAIN, FakeAppliance, api, createAdminToken, runCli, startControlPlane, tempDir } from '../support/controlPlane.js';
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
const STARTUP_KILLS = 0.15;
const ENV = { CHECKPOINT_INTERVAL_SECONDS: '1' };
/** The kinds of write, with their share of the traffic. Each round aims its kill at one kind in turn. */
const KINDS = [
  ['cabinet', 0.12],
  ['rename', 0.12],
  ['enroll', 0.08],
  ['plan', 0.04],
  ['heartbeat', 0.54],
  ['report', 0.1],
] as const;
type Kind = (typeof KINDS)[number][0];
const LOOP = {
  kinds: KINDS,
  writers: WRITERS,
  startupKillShare: STARTUP_KILLS,
  startupGuessMs: 600,
  seedStep: 37,
  failed: { value: false },
};

interface Enrolled {
  appliance: FakeAppliance;
  busy: boolean;
  /** Sequence numbers acknowledged (202), with their JWS; and the highest ever sent. */
  acked: Map<number, string>;
  sentUpTo: number;
}

async function usageReport(url: string, jws: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/v1/usage-reports`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
  return { status: res.status, body: await res.json() };
}

class Lane implements KillLane<Kind> {
  cabinets = new Map<string, { name: string; sent: string[]; current: Enrolled | null; enrolling: boolean; unackedEnrollment: boolean }>();
  enrolled = new Map<string, Enrolled>(); // appliance id → appliance
  plans = new Set<string>();
  writes = 0;
  heartbeats = 0;
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

  private async enroll(url: string, cabinetId: string, code: string): Promise<void> {
    const cabinet = this.cabinets.get(cabinetId)!;
    const appliance = new FakeAppliance(url);
    cabinet.unackedEnrollment = true;
    const res = await appliance.enroll(code);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const entry: Enrolled = { appliance, busy: false, acked: new Map(), sentUpTo: 0 };
    this.enrolled.set(appliance.applianceId, entry);
    cabinet.current = entry;
    cabinet.unackedEnrollment = false;
  }

  /** One vendor client or appliance: mixed writes until told to stop or the process dies under it. */
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
      const id = `${tag}i${i}`.toLowerCase();
      const idle = [...this.cabinets.values()].filter((c) => c.current && !c.current.busy && !c.enrolling);
      const cabinetId = pick([...this.cabinets.keys()]);
      const kind = !cabinetId ? 'cabinet' : i === 0 ? first : kindOf(KINDS, random());
      let held: { release(): void } | undefined;
      try {
        if (kind === 'cabinet') {
          const res = await api(url, this.token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan: 'professional' });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          this.cabinets.set(id, { name: `Cabinet ${id}`, sent: [], current: null, enrolling: false, unackedEnrollment: false });
        } else if (kind === 'rename') {
          const cabinet = this.cabinets.get(cabinetId!)!;
          const name = `Renamed ${id}`;
          cabinet.sent.push(name);
          const res = await api(url, this.token, 'PATCH', `/api/v1/cabinets/${cabinetId}`, { name });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          cabinet.name = name;
        } else if (kind === 'enroll') {
          const cabinet = this.cabinets.get(cabinetId!)!;
          if (cabinet.enrolling || cabinet.current?.busy) continue;
          cabinet.enrolling = true;
          if (cabinet.current) cabinet.current.busy = true;
          const previous = cabinet.current;
          held = {
            release: () => {
              cabinet.enrolling = false;
              if (previous) previous.busy = false;
            },
          };
          const code = await api(url, this.token, 'POST', `/api/v1/cabinets/${cabinetId}/enrollment-codes`);
          expect(code.status, JSON.stringify(code.body)).toBe(201);
          await this.enroll(url, cabinetId!, code.body.enrollmentCode);
        } else if (kind === 'plan') {
          const res = await api(url, this.token, 'POST', '/api/v1/plans', {
            id: `plan-${id}`,
            name: `Plan ${id}`,
            priceCents: 9900,
            limits: { maxUsers: 2, maxCases: 20, maxAnalysesMonthly: 5 },
            aiModel: 'ceseda-basic-v1',
            advancedFeatures: false,
          });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          this.plans.add(`plan-${id}`);
        } else {
          const cabinet = pick(idle);
          if (!cabinet) continue;
          const entry = cabinet.current!;
          entry.busy = true;
          held = {
            release: () => {
              entry.busy = false;
            },
          };
          entry.appliance.url = url;
          const payload = entry.appliance.payload();
          entry.sentUpTo = payload.seq;
          const jws = await entry.appliance.sign(payload);
          // Mostly live heartbeats; some as an air-gapped cabinet's usage report (no clock check).
          const res = kind === 'heartbeat' ? await entry.appliance.send(jws) : await usageReport(url, jws);
          if (res.status === 403 && res.body.error === 'revoked_appliance' && cabinet.unackedEnrollment) {
            cabinet.current = null; // an enrollment in flight at a kill did land: this appliance was replaced
            continue;
          }
          expect(res.status, JSON.stringify(res.body)).toBe(202);
          entry.acked.set(payload.seq, jws);
          this.heartbeats++;
        }
        this.writes++;
        onAck(kind);
      } catch (err) {
        if ((err as Error).name === 'AssertionError') throw err;
        return; // the connection died with the process: that write was never acknowledged
      } finally {
        held?.release();
      }
    }
  }

  /** Every file parses, and the restarted control plane serves every acknowledged write. */
  async check(url: string, round: number): Promise<void> {
    const at = `${this.name} round ${round}`;
    const { files, bad } = unparsableJsonFiles(this.dir);
    this.filesChecked += files;
    expect(bad, `${at}: files that do not parse`).toEqual([]);

    const cabinets = new Map(((await api(url, this.token, 'GET', '/api/v1/cabinets')).body.cabinets as any[]).map((c) => [c.id, c]));
    for (const [id, expected] of this.cabinets) {
      const served = cabinets.get(id);
      expect(served, `${at}: cabinet ${id}`).toBeDefined();
      if (expected.sent.length > 0 && expected.name !== `Cabinet ${id}`)
        expect(expected.sent.slice(expected.sent.lastIndexOf(expected.name)), `${at}: name of ${id}`).toContain(served.name);
      // The acknowledged enrollment holds, unless one sent after it may have landed.
      if (expected.current && !expected.unackedEnrollment)
        expect(served.applianceId, `${at}: appliance of ${id}`).toBe(expected.current.appliance.applianceId);
    }
    const fleet = new Map<string, any>();
    for (let page = 1, pages = 1; page <= pages; page++) {
      const body = (await api(url, this.token, 'GET', `/api/v1/fleet?revoked=include&perPage=100&page=${page}`)).body;
      for (const a of body.appliances) fleet.set(a.applianceId, a);
      pages = body.pages;
    }
    for (const [id, entry] of this.enrolled) {
      const served = fleet.get(id);
      expect(served, `${at}: appliance ${id}`).toBeDefined();
      if (entry.acked.size === 0) continue;
      // The fake appliance reports analysesUsed = seq: the highest accepted one is at least the
      // highest acknowledged, at most the highest sent (one in flight at the kill may have landed).
      const highest = Math.max(...entry.acked.keys());
      expect(served.usage?.analysesUsed, `${at}: heartbeats of ${id}`).toBeGreaterThanOrEqual(highest);
      expect(served.usage?.analysesUsed, `${at}: heartbeats of ${id}`).toBeLessThanOrEqual(entry.sentUpTo);
    }
    const plans = new Set(((await api(url, this.token, 'GET', '/api/v1/plans')).body.plans as any[]).map((p) => p.id));
    for (const id of this.plans) expect(plans.has(id), `${at}: plan ${id}`).toBe(true);

    // Counted once: an acknowledged heartbeat sent again after the restart is refused as replayed.
    const withAcks = [...this.enrolled.values()].filter((e) => e.acked.size > 0 && !e.busy);
    const sample = withAcks[Math.floor(this.random() * withAcks.length)];
    if (sample) {
      const seqs = [...sample.acked.keys()];
      sample.appliance.url = url;
      const again = await sample.appliance.send(sample.acked.get(seqs[Math.floor(this.random() * seqs.length)]!)!);
      expect(again.status, `${at}: ${JSON.stringify(again.body)}`).toBeGreaterThanOrEqual(400);
      expect(['replayed_sequence', 'revoked_appliance']).toContain(again.body.error);
    }
  }

  spawn(): KillableService {
    return spawnKillable(
      CONTROL_PLANE_MAIN,
      { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: this.dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...ENV },
      { cwd: path.dirname(this.dir) },
    );
  }

  /** A last life and a clean stop: the checkpoint leaves every acknowledged heartbeat in the appliance files. */
  async finalCheck(): Promise<void> {
    const last = await startControlPlane(this.dir, ENV);
    try {
      await this.check(last.url, -1);
    } finally {
      expect(await last.stop()).toBe(0);
    }
    for (const [id, entry] of this.enrolled) {
      if (entry.acked.size === 0) continue;
      const file = JSON.parse(fs.readFileSync(path.join(this.dir, 'appliances', `${id}.json`), 'utf8'));
      expect(file.lastSeq, `appliance ${id}`).toBeGreaterThanOrEqual(Math.max(...entry.acked.keys()));
    }
    const cli = await runCli(this.dir, ['fleet', 'list', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
  }
}

describe('the control plane under SIGKILL', () => {
  it(`keeps every acknowledged write of mixed traffic across ${KILLS} kills at random moments, and counts each heartbeat once`, async () => {
    const lanes: Lane[] = [];
    for (let i = 0; i < LANES; i++) {
      const dir = path.join(tempDir(`cp-kills${i}-`), 'data');
      fs.mkdirSync(dir);
      const token = await createAdminToken(dir, 'ops@vendor.test');
      const lane = new Lane(`cpk${i}`, dir, token, seededRandom(4_242 + i));
      // Two cabinets enrolled from the start, so heartbeats flow from the first round.
      const cp = await startControlPlane(dir, ENV);
      for (const id of [`${lane.name}-a`, `${lane.name}-b`]) {
        const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan: 'professional' });
        lane.cabinets.set(id, { name: `Cabinet ${id}`, sent: [], current: null, enrolling: false, unackedEnrollment: false });
        const appliance = new FakeAppliance(cp.url);
        expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
        const entry: Enrolled = { appliance, busy: false, acked: new Map(), sentUpTo: 0 };
        lane.enrolled.set(appliance.applianceId, entry);
        lane.cabinets.get(id)!.current = entry;
      }
      await cp.stop();
      lanes.push(lane);
    }

    const started = Date.now();
    await Promise.all(lanes.map((lane, i) => runKillLoop(lane, Math.floor(KILLS / LANES) + (i < KILLS % LANES ? 1 : 0), LOOP)));
    const seconds = Math.round((Date.now() - started) / 1000);
    for (const lane of lanes) await lane.finalCheck();

    const total = (f: (l: Lane) => number) => lanes.reduce((sum, l) => sum + f(l), 0);
    const restart = summary(lanes.flatMap((l) => l.startups));
    const cpu = summary(lanes.flatMap((l) => l.startupsCpu));
    console.log(
      `control plane: ${total((l) => l.kills)} SIGKILLs during writes + ${total((l) => l.startupKills)} during start-up, ${total((l) => l.writes)} acknowledged writes ` +
        `(${total((l) => l.heartbeats)} heartbeats and usage reports, ${total((l) => l.cabinets.size)} cabinets, ${total((l) => l.enrolled.size)} enrollments, ${total((l) => l.plans.size)} plans), ` +
        `${total((l) => l.filesChecked)} file parses checked; restart to "listening" median ${restart.median} ms, p95 ${restart.p95} ms (${LANES} side by side; CPU median ${cpu.median} ms); kill loop ${seconds} s`,
    );
    expect(total((l) => l.kills)).toBe(KILLS);
    expect(total((l) => l.writes)).toBeGreaterThan(KILLS * 2);
    expect(total((l) => l.heartbeats)).toBeGreaterThan(KILLS);
    for (const lane of lanes) expect(lane.enrolled.size, lane.name).toBeGreaterThan(2 + KILLS / LANES / 50);
  }, 1_800_000);
});
