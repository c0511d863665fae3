/**
 * SECOND_FACTOR_KEY_FILE (config.ts, domain/secondFactorSeal.ts): the admins' TOTP sealing key every
 * node shares, read from a secret file they all mount — never from the database. Checked at
 * start-up: required with DATABASE_URL, refused missing, not a file, readable by others, or not a
 * 256-bit key, each with what to do.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@iamanager/kernel/config';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../control-plane/src/config.js';
import { GENERATE_KEY_COMMAND, SECOND_FACTOR_KEY_FILE, SecondFactorSeal } from '../../control-plane/src/domain/secondFactorSeal.js';
import { tempDir } from '../support/controlPlane.js';
import { secondFactorKeyFile } from '../support/secondFactorKey.js';

const NO_DOTENV = '/nonexistent/.env';
const log = createLogger('test', 'silent');

function problems(env: Record<string, string>): string[] {
  try {
    readConfig({ DATA_DIR: tempDir('cp-2fa-config-'), ...env }, NO_DOTENV);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('the configuration was accepted');
}

function writeKey(text: string, mode = 0o600): string {
  const file = path.join(tempDir('cp-2fa-key-'), 'key');
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}

describe('SECOND_FACTOR_KEY_FILE', () => {
  it('is optional on the files: unset, the key stays DATA_DIR/second-factor-key.json', () => {
    expect(readConfig({ DATA_DIR: tempDir('cp-2fa-config-') }, NO_DOTENV).secondFactorKeyFile).toBeUndefined();
  });

  it('is required with DATABASE_URL, saying how to make one', () => {
    expect(problems({ DATABASE_URL: 'postgres://cp@db.example/cp' })).toEqual([
      "SECOND_FACTOR_KEY_FILE: is required with DATABASE_URL: every node seals the admins' second factors with one key, kept in a file they all mount, not in the database — umask 077 && openssl rand -base64 32 > /run/secrets/second-factor-key then SECOND_FACTOR_KEY_FILE=/run/secrets/second-factor-key (or copy DATA_DIR/second-factor-key.json there to keep the current key)",
    ]);
  });

  it('takes a key made by the documented command, in base64 or base64url, or a copy of the DATA_DIR file', () => {
    // docs/control-plane.md's command, as written (Debian's openssl comes with ca-certificates).
    const made = path.join(tempDir('cp-2fa-key-'), 'second-factor-key');
    execFileSync('sh', ['-c', GENERATE_KEY_COMMAND.replace('FILE', made)]);
    const config = readConfig(
      { DATA_DIR: tempDir('cp-2fa-config-'), DATABASE_URL: 'postgres://cp@db/cp', SECOND_FACTOR_KEY_FILE: made },
      NO_DOTENV,
    );
    expect(config.secondFactorKeyFile).toBe(made);
    const key = randomBytes(32);
    for (const text of [
      key.toString('base64url'),
      `${key.toString('base64')}\n`,
      JSON.stringify({ key: key.toString('base64url'), createdAt: '2026-01-05T10:00:00.000Z' }),
    ]) {
      expect(
        readConfig({ DATA_DIR: tempDir('cp-2fa-config-'), SECOND_FACTOR_KEY_FILE: writeKey(text, 0o400) }, NO_DOTENV).secondFactorKeyFile,
      ).toBeDefined();
    }
  });

  it('refuses a file that is missing or is not a file, naming the variable, the path and the command', () => {
    const missing = path.join(tempDir('cp-2fa-key-'), 'absent');
    expect(problems({ SECOND_FACTOR_KEY_FILE: missing })).toEqual([
      `SECOND_FACTOR_KEY_FILE: cannot read ${missing} (ENOENT): create it with: umask 077 && openssl rand -base64 32 > ${missing} (or copy DATA_DIR/second-factor-key.json to keep the current key)`,
    ]);
    const dir = tempDir('cp-2fa-key-');
    expect(problems({ SECOND_FACTOR_KEY_FILE: dir })).toEqual([
      `SECOND_FACTOR_KEY_FILE: ${dir} is not a file: create it with: umask 077 && openssl rand -base64 32 > ${dir} (or copy DATA_DIR/second-factor-key.json to keep the current key)`,
    ]);
  });

  it.each([0o644, 0o640, 0o604, 0o620])('refuses a key file other users can reach (mode %o)', (mode) => {
    const file = writeKey(randomBytes(32).toString('base64'), mode);
    expect(problems({ SECOND_FACTOR_KEY_FILE: file })).toEqual([
      `SECOND_FACTOR_KEY_FILE: ${file} can be read or written by other users (mode 0${mode.toString(8)}): chmod 600 ${file} (owned by the control plane's user)`,
    ]);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(48).toString('base64')],
    ['not base64', '!'.repeat(44)],
    ['a JSON file without a key', '{"createdAt":"2026-01-05T10:00:00.000Z"}'],
  ])('refuses a key file that is %s, never echoing it', (_what, text) => {
    const file = writeKey(text);
    const [problem, ...rest] = problems({ SECOND_FACTOR_KEY_FILE: file });
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      new RegExp(`^SECOND_FACTOR_KEY_FILE: ${file} does not hold a 256-bit key \\(44 characters of base64 on one line`),
    );
    expect(problem).not.toContain(text);
  });
});

describe('the sealing key shared by every node', () => {
  it('seals on one node what the other opens, and a copy of DATA_DIR/second-factor-key.json keeps the secrets sealed before', async () => {
    const file = secondFactorKeyFile();
    const [a, b] = [SecondFactorSeal.fromKeyFile(file), SecondFactorSeal.fromKeyFile(file)];
    expect(b.open('adm-1', a.seal('adm-1', 'JBSWY3DPEHPK3PXP'))).toBe('JBSWY3DPEHPK3PXP');
    expect(b.open('adm-2', a.seal('adm-1', 'JBSWY3DPEHPK3PXP'))).toBeUndefined();
    // An installation on its files moving to several nodes: the admins keep their second factor.
    const dataDir = tempDir('cp-2fa-data-');
    const before = await SecondFactorSeal.open(dataDir, new Date('2026-01-05T10:00:00Z'), log);
    const sealed = before.seal('adm-1', 'JBSWY3DPEHPK3PXP');
    const copy = writeKey(fs.readFileSync(path.join(dataDir, SECOND_FACTOR_KEY_FILE), 'utf8'));
    expect(SecondFactorSeal.fromKeyFile(copy).open('adm-1', sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(SecondFactorSeal.fromKeyFile(file).open('adm-1', sealed)).toBeUndefined();
  });
});
