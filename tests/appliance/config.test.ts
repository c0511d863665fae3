import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@iamanager/kernel/config';
import { readConfig } from '../../appliance/src/config.js';
import { testKey } from '../support/keys.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appliance-config-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// Two real thumbprints (RFC 7638, SHA-256) of Ed25519 keys.
const [PIN_A, PIN_B] = [(await testKey()).kid, (await testKey()).kid];

async function problems(env: Record<string, string>): Promise<readonly string[]> {
  try {
    await readConfig({ DATA_DIR: dataDir, TLS: 'false', ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('appliance configuration: VENDOR_KEY_PINS', () => {
  it('is unset by default: the keys received at enrollment are trusted on first use', async () => {
    expect((await readConfig({ DATA_DIR: dataDir, TLS: 'false' })).vendorKeyPins).toBeUndefined();
    expect((await readConfig({ DATA_DIR: dataDir, TLS: 'false', VENDOR_KEY_PINS: ' ' })).vendorKeyPins).toBeUndefined();
  });

  it('reads a comma-separated list of thumbprints (two during a rotation), spaces and repeats tolerated', async () => {
    const config = await readConfig({ DATA_DIR: dataDir, TLS: 'false', VENDOR_KEY_PINS: ` ${PIN_A}, ${PIN_B} ,${PIN_A},` });
    expect(config.vendorKeyPins).toEqual([PIN_A, PIN_B]);
  });

  it('stops start-up on a malformed pin, naming the field, the bad values and the fix', async () => {
    expect(await problems({ VENDOR_KEY_PINS: `${PIN_A},not-a-thumbprint` })).toEqual([
      'VENDOR_KEY_PINS: "not-a-thumbprint" is not a key thumbprint: give the vendor\'s SHA-256 JWK thumbprints (43 characters each, comma-separated) exactly as in the VENDOR_KEY_PINS line of your install bundle\'s .env, or leave it empty to trust the keys received at enrollment',
    ]);
    // A pin cut short and one with padding pasted after it: both named.
    expect(await problems({ VENDOR_KEY_PINS: `${PIN_A.slice(0, 40)},${PIN_B}=` })).toEqual([
      expect.stringContaining(`"${PIN_A.slice(0, 40)}", "${PIN_B}=" are not key thumbprints`),
    ]);
  });
});
