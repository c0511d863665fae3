/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON answers asserted field by field */
/**
 * The S3 off-site target end to end through the CLI, against a real S3-compatible server (s3rver
 * in this process, SigV4 signatures verified: tests/support/s3Server.ts): `backup target add
 * --kind s3` with the secret through stdin, each backup pushed with the target's retention, the
 * copies listed, verified and restored straight from the bucket on a replacement machine; a wrong
 * secret and a missing bucket refused by `backup target test` with the field to fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApplianceCli } from '../../support/appliance.js';
import { tempDir } from '../../support/controlPlane.js';
import { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, storedObjectFile, type TestS3Server } from '../../support/s3Server.js';

const PASSPHRASE = 'quatre mots sans rapport: tuile, ormeau, Léon, 1987';
const BUCKET = 'cabinet-dupont';
const PREFIX = 'sauvegardes';

let s3: TestS3Server;
let work: string;

beforeAll(async () => {
  work = tempDir('offsite-s3-');
  s3 = await startS3Server(path.join(work, 's3'), [BUCKET]);
});
afterAll(async () => {
  await s3?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** `backup target add --kind s3` flags, with the secret piped in (never on the command line). */
const s3Flags = (id: string, overrides: { bucket?: string; keep?: string } = {}) => [
  'backup',
  'target',
  'add',
  '--kind',
  's3',
  '--id',
  id,
  '--label',
  'Stockage objet (Scaleway)',
  '--endpoint',
  s3.endpoint,
  '--region',
  'fr-par',
  '--bucket',
  overrides.bucket ?? BUCKET,
  '--prefix',
  PREFIX,
  '--access-key-id',
  S3_ACCESS_KEY_ID,
  '--secret-key-stdin',
  '--path-style',
  '--keep',
  overrides.keep ?? '2',
];

describe('S3 target through the CLI', () => {
  it('pushes each backup with the target retention, and verifies and restores straight from the bucket', async () => {
    const dataDir = path.join(work, 'cabinet', 'data');
    const backupDir = path.join(work, 'cabinet', 'backups');
    fs.mkdirSync(dataDir, { recursive: true });
    const env = { BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: backupDir };
    const cli = (args: string[], input?: string, dir = dataDir) =>
      runApplianceCli(dir, [...args, '--json'], { env, ...(input !== undefined ? { input } : {}) });
    expect((await cli(['user', 'add', '--email', 'avocate@cabinet.fr', '--role', 'admin'], 'correct horse battery staple\n')).code).toBe(0);

    const add = await cli(s3Flags('s3'), `${S3_SECRET_ACCESS_KEY}\n`);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json.settings).toMatchObject({
      kind: 's3',
      endpoint: s3.endpoint,
      bucket: BUCKET,
      prefix: PREFIX,
      pathStyle: true,
      secretAccessKeySet: true,
    });
    expect('secretAccessKey' in add.json.settings).toBe(false);
    // The settings file holds the secret: readable by the appliance's user only.
    expect(fs.statSync(path.join(dataDir, 'offsite-targets.json')).mode & 0o777).toBe(0o600);
    expect((await cli(['backup', 'target', 'test', 's3'])).json).toEqual({ ok: true, target: 's3' });

    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await cli(['backup', 'create']);
      expect(created.code, created.stderr).toBe(0);
      expect(created.json.offsite[0]).toMatchObject({ target: 's3', ok: true, error: null });
      names.push(created.json.name);
    }
    // keep 2: the first of the three was deleted from the bucket by the target's retention.
    expect(fs.existsSync(storedObjectFile(s3, BUCKET, `${PREFIX}/${names[0]}`))).toBe(false);
    const listed = await cli(['backup', 'list', '--target', 's3']);
    expect(listed.json.backups.map((b: any) => b.name)).toEqual([names[2], names[1]]);
    const local = fs.statSync(path.join(backupDir, names[2]!)).size;
    expect(listed.json.backups[0].size).toBe(local);
    const status = await cli(['backup', 'target', 'list']);
    expect(status.json.targets[0].status).toMatchObject({ lastCopy: names[2], lastError: null });

    const verified = await cli(['backup', 'verify', '--target', 's3', names[1]!]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json).toMatchObject({ ok: true, file: `s3:${names[1]}`, counts: { users: 1 } });
    expect(fs.readdirSync(backupDir).filter((n) => n.startsWith('.') || n.endsWith('.part'))).toEqual([]);

    // A replacement machine: empty DATA_DIR, the target added again, restore from the bucket.
    const fresh = path.join(work, 'replacement', 'data');
    fs.mkdirSync(fresh, { recursive: true });
    const again = await cli(s3Flags('s3'), `${S3_SECRET_ACCESS_KEY}\n`, fresh);
    expect(again.code, again.stderr).toBe(0);
    const restored = await cli(['backup', 'restore', '--target', 's3', names[2]!, '--force'], undefined, fresh);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json).toMatchObject({ file: `s3:${names[2]}`, counts: { users: 1 } });
    const users = JSON.parse(fs.readFileSync(path.join(fresh, 'users.json'), 'utf8'));
    expect(JSON.stringify(users)).toContain('avocate@cabinet.fr');
  }, 180_000);

  it('refuses a wrong secret and a missing bucket with the field to fix; a backup still succeeds locally', async () => {
    const dataDir = path.join(work, 'refusals', 'data');
    const backupDir = path.join(work, 'refusals', 'backups');
    fs.mkdirSync(dataDir, { recursive: true });
    const cli = (args: string[], input?: string) =>
      runApplianceCli(dataDir, [...args, '--json'], {
        env: { BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: backupDir },
        ...(input !== undefined ? { input } : {}),
      });

    expect((await cli(s3Flags('wrong-secret'), 'not-the-secret\n')).code).toBe(0);
    const wrong = await cli(['backup', 'target', 'test', 'wrong-secret']);
    expect(wrong.code).toBe(1);
    expect(wrong.json.error).toBe('offsite_auth_failed');
    expect(wrong.stderr).toContain('secretAccessKey: ');
    expect(wrong.stderr).toContain(
      'refused the secret access key of AKIACABINETDUPONT (SignatureDoesNotMatch 403): paste the secret again',
    );
    expect(wrong.stderr).not.toContain('not-the-secret');

    expect((await cli(s3Flags('no-bucket', { bucket: 'not-created-yet' }), `${S3_SECRET_ACCESS_KEY}\n`)).code).toBe(0);
    const missing = await cli(['backup', 'target', 'test', 'no-bucket']);
    expect(missing.json.error).toBe('offsite_bucket_missing');
    expect(missing.stderr).toContain(`bucket: there is no bucket not-created-yet at ${s3.endpoint} (NoSuchBucket 404): create it`);

    // Both targets fail; the backup itself is made and each failure is recorded with its code.
    const created = await cli(['backup', 'create']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.offsite.map((o: any) => [o.target, o.ok, o.error?.code])).toEqual([
      ['wrong-secret', false, 'offsite_auth_failed'],
      ['no-bucket', false, 'offsite_bucket_missing'],
    ]);

    // The secret is fixed with an edit (through stdin again); the other settings stay.
    const fixed = await cli(['backup', 'target', 'edit', 'wrong-secret', '--secret-key-stdin'], `${S3_SECRET_ACCESS_KEY}\n`);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.json.settings).toMatchObject({ bucket: BUCKET, prefix: PREFIX, pathStyle: true });
    expect((await cli(['backup', 'target', 'test', 'wrong-secret'])).json).toEqual({ ok: true, target: 'wrong-secret' });

    // Plain http to another machine is refused when the target is added, naming the field.
    const plain = await cli(
      s3Flags('plain').map((a) => (a === s3.endpoint ? 'http://s3.example.fr' : a)),
      `${S3_SECRET_ACCESS_KEY}\n`,
    );
    expect(plain.code).toBe(1);
    expect(plain.json.error).toBe('invalid_input');
    expect(plain.stderr).toContain('endpoint: must be https:// (http:// only for localhost)');
  }, 180_000);
});
