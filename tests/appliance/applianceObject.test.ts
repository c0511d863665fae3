/**
 * The appliance object as `openAppliance` hands it out: every part there from the start (the
 * backups, the analyses' view, the HTTPS holder), nothing added later by `serve` or a module.
 * In-process, on a temp DATA_DIR, the way a CLI command opens it when no server runs.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { openAppliance } from '../../appliance/src/appliance.js';
import { readConfig } from '../../appliance/src/config.js';
import type { TlsMaterial } from '../../appliance/src/domain/tls/certificates.js';
import { ServedTls } from '../../appliance/src/domain/tls/servedTls.js';
import { tempDir } from '../support/controlPlane.js';

describe('the appliance object', () => {
  it('is whole when opened: backups, analyses and the HTTPS holder are there, and nothing is served without `serve`', async () => {
    const config = await readConfig({
      DATA_DIR: tempDir('appliance-object-'),
      TLS: 'false',
      HEARTBEAT_ENABLED: 'false',
      PREDICTION_THRESHOLD: '0.7',
    });
    const appliance = await openAppliance(config, createLogger('appliance-object', 'silent'));
    try {
      // No BACKUP_PASSPHRASE: the backups are open all the same, and say they are not configured.
      expect(appliance.backups.status()).toMatchObject({ configured: false, lastBackupAt: null, backups: 0, dir: config.backup.dir });
      expect(appliance.analysisDeps).toBe(appliance.analysisDeps);
      expect(appliance.analysisDeps.threshold).toBe(0.7);
      expect([...appliance.analysisDeps.cases.all()]).toEqual([]);
      expect(appliance.tls.material()).toBeUndefined();
      await expect(appliance.tls.reload()).resolves.toBeUndefined();
    } finally {
      await appliance.close();
    }
  });
});

describe('the HTTPS holder', () => {
  it('reads and swaps the certificate through the servers once they serve it', async () => {
    const first = { certFingerprint: 'AA' } as TlsMaterial;
    const renewed = { certFingerprint: 'BB' } as TlsMaterial;
    let current = first;
    const served = new ServedTls();
    served.serveFrom({ material: () => current, reload: () => Promise.resolve((current = renewed)) });
    expect(served.material()).toBe(first);
    await expect(served.reload()).resolves.toBe(renewed);
    expect(served.material()).toBe(renewed);
  });
});
