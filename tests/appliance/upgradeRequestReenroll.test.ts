/**
 * An upgrade request still queued when the appliance is enrolled again names the old appliance and
 * would be signed with the new key — the control plane refuses that as bad_signature. It is closed
 * with what to do instead; one already sent stays as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { UpgradeRequests, type StoredUpgradeRequest } from '../../appliance/src/domain/license/upgradeRequest.js';
import { tempDir } from '../support/controlPlane.js';

const request = (jti: string, status: StoredUpgradeRequest['status']): StoredUpgradeRequest => ({
  jti,
  createdAt: '2026-12-05T10:00:00Z',
  wantedPlan: 'enterprise',
  message: null,
  payload: { iss: 'dupont-old' },
  status,
  sentAt: status === 'sent' ? '2026-12-05T10:00:01Z' : null,
  lastError: status === 'queued' ? 'cannot reach the control plane (ECONNREFUSED)' : null,
});

describe('upgrade requests across a new enrollment', () => {
  it('closes the queued ones with what to do, and keeps the sent ones', async () => {
    const dataDir = tempDir('upgrade-reenroll-');
    fs.writeFileSync(
      path.join(dataDir, 'upgrade-requests.json'),
      JSON.stringify({ requests: [request('a', 'sent'), request('b', 'queued')] }),
    );
    const sources = { dataDir } as unknown as Parameters<typeof UpgradeRequests.open>[0];
    const requests = await UpgradeRequests.open(sources, createLogger('test', 'silent'));
    await requests.resetForNewEnrollment();
    expect(requests.queued()).toBe(0);
    const byJti = Object.fromEntries(requests.list().map((r) => [r.jti, r]));
    expect(byJti.a).toMatchObject({ status: 'sent', lastError: null });
    expect(byJti.b).toMatchObject({ status: 'refused', lastError: expect.stringContaining('enrolled again') });
    // Durable: read back from the file.
    const again = await UpgradeRequests.open(sources, createLogger('test', 'silent'));
    expect(again.list().find((r) => r.jti === 'b')?.status).toBe('refused');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
