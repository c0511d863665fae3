/**
 * A heartbeat the control plane refuses for what it says (`month_out_of_range` after an outage of
 * over a month, `implausible_usage` after a restore from an older backup) can never be accepted:
 * kept at the head of the outbox it would hold back every heartbeat after it for good. The agent
 * drops it and goes on; a refusal of how it was sent (`clock_skew`) still keeps it for later.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey, signHeartbeat, type HeartbeatPayload } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { HeartbeatAgent } from '../../appliance/src/domain/heartbeat/agent.js';
import { HeartbeatOutbox } from '../../appliance/src/storage/outbox.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const key = generateSigningKey();
const log = createLogger('test', 'silent');

let dir: string;
let server: http.Server;
/** The control plane's answer to each sequence number (202 when not listed), and what it received. */
let refusals: Map<number, { status: number; error: string }>;
let received: number[];

function payload(seq: number, month: string): HeartbeatPayload {
  return {
    v: 1,
    iss: 'app-000000000001',
    sub: 'dupont',
    seq,
    iat: Math.floor(NOW.getTime() / 1000),
    month,
    usage: { analysesUsed: seq, analysesOverage: 0, usersActive: 1, casesOpen: 1, storageBytes: 1 },
    health: {
      version: '0.1.0',
      uptimeSeconds: 1,
      cpuLoad: 0.1,
      memoryUsedRatio: 0.1,
      diskFreeBytes: 1,
      diskFreeRatio: 0.5,
      lastBackupAt: null,
      licenseExpiresAt: '2026-07-15T12:00:00.000Z',
      errors24h: 0,
    },
  };
}

async function agentWith(queued: Array<[seq: number, month: string]>): Promise<{ agent: HeartbeatAgent; outbox: HeartbeatOutbox }> {
  const outbox = await HeartbeatOutbox.open(dir, log);
  for (const [seq, month] of queued) {
    const p = payload(seq, month);
    outbox.enqueue(p, await signHeartbeat(p, key.privateKey), NOW);
  }
  const { port } = server.address() as AddressInfo;
  const sources = {
    dataDir: dir,
    controlPlaneUrl: `http://127.0.0.1:${port}`,
    clock: () => NOW,
    license: { setHeartbeatInterval: async () => {} },
  } as unknown as ConstructorParameters<typeof HeartbeatAgent>[1];
  return { agent: new HeartbeatAgent(outbox, sources, log), outbox };
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hb-refusals-'));
  refusals = new Map();
  received = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      const seq = (JSON.parse(Buffer.from(body.split('.')[1]!, 'base64url').toString('utf8')) as HeartbeatPayload).seq;
      received.push(seq);
      const refusal = refusals.get(seq);
      res.writeHead(refusal?.status ?? 202, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          refusal
            ? { ok: false, error: refusal.error, message: `refused: ${refusal.error}` }
            : { accepted: true, heartbeatIntervalSeconds: 900 },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('heartbeats refused for what they say', () => {
  it.each(['month_out_of_range', 'implausible_usage'])('drops one refused with %s and delivers those queued after it', async (error) => {
    refusals.set(1, { status: 422, error });
    const { agent, outbox } = await agentWith([
      [1, '2026-04'],
      [2, '2026-06'],
    ]);
    expect(await agent.drain()).toEqual({ delivered: 1, queued: 0, error: null });
    expect(received).toEqual([1, 2]);
    expect(outbox.state.lastAckSeq).toBe(2);
  });

  it('keeps the refusal for the admin to see when nothing came after it', async () => {
    refusals.set(1, { status: 422, error: 'month_out_of_range' });
    const { agent, outbox } = await agentWith([[1, '2026-04']]);
    expect(await agent.drain()).toEqual({ delivered: 0, queued: 0, error: null });
    expect(outbox.state.lastError).toBe('the control plane refused heartbeat 1 (422 month_out_of_range): refused: month_out_of_range');
    expect(outbox.state.lastAckSeq).toBe(0);
  });

  it('still keeps a heartbeat refused for how it was sent (clock_skew), and those after it', async () => {
    refusals.set(1, { status: 422, error: 'clock_skew' });
    const { agent, outbox } = await agentWith([
      [1, '2026-06'],
      [2, '2026-06'],
    ]);
    const result = await agent.drain();
    expect(result).toMatchObject({ delivered: 0, queued: 2 });
    expect(result.error).toContain('422 clock_skew');
    expect(received).toEqual([1]);
    expect(outbox.state.queue.map((q) => q.seq)).toEqual([1, 2]);
  });
});
