/**
 * A SECOND_FACTOR_KEY_FILE for tests: 32 random bytes in base64 on one line, mode 0600 — what
 * docs/control-plane.md's command writes. Required wherever DATABASE_URL is set (config.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './controlPlane.js';

export function secondFactorKeyFile(dir = tempDir('cp-2fa-key-')): string {
  const file = path.join(dir, 'second-factor-key');
  fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return file;
}
