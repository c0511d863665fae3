/** How the admins' TOTP secrets are kept (domain/secondFactorSeal.ts): sealed under a key of DATA_DIR, bound to the admin. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { SECOND_FACTOR_KEY_FILE, SecondFactorSeal } from '../../../control-plane/src/domain/secondFactorSeal.js';
import { tempDir } from '../../support/controlPlane.js';

const log = createLogger('seal-test', 'silent');
const NOW = new Date('2026-12-07T09:00:00Z');
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('second factor seal', () => {
  const dir = tempDir('cp-seal-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the key in a 0600 file made on first open, and opens what it sealed after a restart', async () => {
    const seal = await SecondFactorSeal.open(dir, NOW, log);
    const sealed = seal.seal('admin-1', SECRET);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).toMatch(/^v1\./);
    // A fresh IV each time: the same secret never seals the same way twice.
    expect(seal.seal('admin-1', SECRET)).not.toBe(sealed);
    expect(fs.statSync(path.join(dir, SECOND_FACTOR_KEY_FILE)).mode & 0o777).toBe(0o600);
    const reopened = await SecondFactorSeal.open(dir, NOW, log);
    expect(reopened.open('admin-1', sealed)).toBe(SECRET);
  });

  it('does not open a seal moved onto another admin, altered, or made under another key', async () => {
    const seal = await SecondFactorSeal.open(dir, NOW, log);
    const sealed = seal.seal('admin-1', SECRET);
    expect(seal.open('admin-2', sealed)).toBeUndefined();
    const [v, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(seal.open('admin-1', [v, iv, tag, flipped.toString('base64url')].join('.'))).toBeUndefined();
    expect(seal.open('admin-1', 'not a seal')).toBeUndefined();
    const other = await SecondFactorSeal.open(tempDir('cp-seal-other-'), NOW, log);
    expect(other.open('admin-1', sealed)).toBeUndefined();
  });
});
