/**
 * The heartbeat carries the time of the last off-site copy (`health.lastOffsiteBackupAt`): null
 * before any push, then the time of the newest successful push across targets — not of a failed one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { HeartbeatAgent } from '../../../appliance/src/domain/heartbeat/agent.js';
import { saveApplianceKey } from '../../../appliance/src/domain/enrollment/applianceKey.js';
import { OffsiteCopies } from '../../../appliance/src/domain/backups/offsite/offsiteCopies.js';
import { HeartbeatOutbox } from '../../../appliance/src/storage/outbox.js';

const log = createLogger('test', 'silent');

describe('heartbeat: last off-site copy', () => {
  it('is null before any copy, then the time of the last successful push', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsite-hb-'));
    const dataDir = path.join(dir, 'data');
    const share = path.join(dir, 'nas');
    fs.mkdirSync(dataDir);
    fs.mkdirSync(share);
    let now = new Date('2026-06-15T02:30:00.000Z');
    const clock = () => now;
    await saveApplianceKey(dataDir, generateSigningKey());
    const offsite = await OffsiteCopies.open({ dataDir, backupDir: path.join(dir, 'backups'), clock, log });
    const outbox = await HeartbeatOutbox.open(dataDir, log);
    const sources = {
      dataDir,
      version: '0.1.0',
      controlPlaneUrl: undefined,
      clock,
      license: {
        enrolled: true,
        applianceId: 'app-000000000001',
        cabinetId: 'dupont',
        licenseId: 'lic-1',
        status: () => ({ expiresAt: '2027-01-01T00:00:00.000Z' }),
      },
      usage: { currentMonth: () => '2026-06', forMonth: () => ({ analysesUsed: 0, analysesOverage: 0 }) },
      usersActive: () => 1,
      casesOpen: () => 0,
      lastBackupAt: () => Promise.resolve(null),
      lastOffsiteBackupAt: () => offsite.lastOffsiteCopyAt(),
      errors24h: () => 0,
      auditHead: () => ({ head: '0'.repeat(64), length: 0 }),
    } as unknown as ConstructorParameters<typeof HeartbeatAgent>[1];
    const agent = new HeartbeatAgent(outbox, sources, log);
    const health = async () => {
      const queued = await agent.enqueue();
      return (decodeJwt(queued!.jws) as { health: { lastOffsiteBackupAt: string | null } }).health;
    };
    expect((await health()).lastOffsiteBackupAt).toBeNull();

    await offsite.save({ kind: 'folder', id: 'nas', label: 'NAS', path: share });
    const archive = path.join(dir, 'iamanager-20260615T023000000Z-scheduled.iambak');
    fs.writeFileSync(archive, 'encrypted bytes');
    now = new Date('2026-06-15T02:31:00.000Z');
    expect((await offsite.push({ name: path.basename(archive), file: archive }))[0]!.ok).toBe(true);
    expect((await health()).lastOffsiteBackupAt).toBe('2026-06-15T02:31:00.000Z');

    // A failed push the next night leaves the time of the last one that worked.
    fs.rmSync(share, { recursive: true });
    now = new Date('2026-06-16T02:31:00.000Z');
    expect((await offsite.push({ name: path.basename(archive), file: archive }))[0]!.ok).toBe(false);
    expect((await health()).lastOffsiteBackupAt).toBe('2026-06-15T02:31:00.000Z');
  });
});
