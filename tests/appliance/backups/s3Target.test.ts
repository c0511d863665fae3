/**
 * The S3 off-site target against a real S3-compatible server (s3rver, in process, with SigV4
 * signatures verified: tests/support/s3Server.ts): push, list, read back, delete, the multipart
 * path, the checks that catch an altered copy, and the refusals a wrong setting gets — each with
 * its stable code and the field to fix. And the settings schema: https only, http for localhost.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplianceError } from '../../../appliance/src/errors.js';
import { S3Target } from '../../../appliance/src/domain/backups/offsite/s3Target.js';
import {
  targetSettingsSchema,
  publicTargetSettings,
  type S3Settings,
} from '../../../appliance/src/domain/backups/offsite/targetSettings.js';
import { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, storedObjectFile, type TestS3Server } from '../../support/s3Server.js';
import { tempDir } from '../../support/controlPlane.js';

const BUCKET = 'cabinet-backups';

/** Rejects with an ApplianceError: returns it for its code and message. */
async function refusal(p: Promise<unknown>): Promise<ApplianceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplianceError)) throw new Error(`expected an ApplianceError, got ${String(err)}`);
  return err;
}

describe('S3 off-site target', () => {
  const dir = tempDir('s3-target-');
  let s3: TestS3Server;
  let settings: S3Settings;
  const archive = (name: string, bytes: number) => {
    const file = path.join(dir, 'local', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(bytes));
    return file;
  };

  beforeAll(async () => {
    s3 = await startS3Server(path.join(dir, 's3'), [BUCKET]);
    settings = {
      id: 'scaleway',
      kind: 's3',
      label: 'Scaleway Paris',
      enabled: true,
      retention: { keep: 3, days: null },
      createdAt: '2026-03-01T00:00:00.000Z',
      endpoint: s3.endpoint,
      region: 'fr-par',
      bucket: BUCKET,
      prefix: 'dupont/backups',
      accessKeyId: S3_ACCESS_KEY_ID,
      secretAccessKey: S3_SECRET_ACCESS_KEY,
      pathStyle: true,
    };
  });
  afterAll(async () => {
    await s3?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pushes an archive under the prefix, lists it with its size, reads it back identical, and deletes it', async () => {
    const target = new S3Target(settings);
    await target.test();
    const name = 'iamanager-20260301T020000000Z-scheduled.iambak';
    const local = archive(name, 200_000);
    await target.put(name, local);
    expect(fs.existsSync(storedObjectFile(s3, BUCKET, `dupont/backups/${name}`))).toBe(true);
    // Something else in the bucket (another prefix, or not a backup's name) is never listed.
    await target.put('iamanager-20260301T030000000Z-manual.iambak', archive('iamanager-20260301T030000000Z-manual.iambak', 10));
    await target.put('notes.txt', archive('notes.txt', 5));
    await new S3Target({ ...settings, prefix: 'martin' }).put(name, local);
    const listed = await target.list();
    expect(listed.map((f) => [f.name, f.size])).toEqual([
      [name, 200_000],
      ['iamanager-20260301T030000000Z-manual.iambak', 10],
    ]);
    expect(Number.isNaN(Date.parse(listed[0]!.modifiedAt))).toBe(false);

    const back = path.join(dir, 'restored.iambak');
    await target.get(name, back);
    expect(fs.readFileSync(back).equals(fs.readFileSync(local))).toBe(true);
    expect(fs.existsSync(`${back}.part`)).toBe(false);

    await target.remove(name);
    expect((await target.list()).map((f) => f.name)).toEqual(['iamanager-20260301T030000000Z-manual.iambak']);
    expect((await refusal(target.get(name, back))).code).toBe('backup_not_found');
    await target.close();
  });

  it('sends a large archive as a multipart upload, verified the same way', async () => {
    // Lowered thresholds: 12 MiB in parts of 5 MiB (S3's smallest part) is three parts.
    const target = new S3Target(settings, { multipartThresholdBytes: 5 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 });
    const name = 'iamanager-20260302T020000000Z-scheduled.iambak';
    const local = archive(name, 12 * 1024 * 1024 + 7);
    await target.put(name, local);
    const back = path.join(dir, 'multipart.iambak');
    await target.get(name, back);
    expect(fs.readFileSync(back).equals(fs.readFileSync(local))).toBe(true);
    await target.remove(name);
  });

  it('refuses a copy altered on the server when it is read back, keeping nothing of it', async () => {
    const target = new S3Target(settings);
    const name = 'iamanager-20260303T020000000Z-scheduled.iambak';
    await target.put(name, archive(name, 4096));
    // Same size, one byte flipped: only the SHA-256 recorded at upload can tell.
    const stored = storedObjectFile(s3, BUCKET, `dupont/backups/${name}`);
    const bytes = fs.readFileSync(stored);
    bytes[100] = bytes[100]! ^ 0xff;
    fs.writeFileSync(stored, bytes);
    const back = path.join(dir, 'altered.iambak');
    const err = await refusal(target.get(name, back));
    expect(err.code).toBe('offsite_copy_mismatch');
    expect(err.message).toContain('SHA-256 differs from the one recorded at upload');
    expect(fs.existsSync(back) || fs.existsSync(`${back}.part`)).toBe(false);
    await target.remove(name);
  });

  it('refuses a wrong secret access key with a message naming that field', async () => {
    const before = s3.refusedSignatures();
    const err = await refusal(new S3Target({ ...settings, secretAccessKey: 'not-the-secret' }).test());
    expect(err.code).toBe('offsite_auth_failed');
    expect(err.details).toEqual({ field: 'secretAccessKey' });
    expect(err.message).toMatch(
      /^secretAccessKey: .* refused the secret access key of AKIACABINETDUPONT \(SignatureDoesNotMatch 403\): paste the secret again/,
    );
    expect(err.message).not.toContain('not-the-secret');
    expect(s3.refusedSignatures()).toBeGreaterThan(before);
    // Pushing with it fails the same way, and leaves nothing behind.
    const name = 'iamanager-20260304T020000000Z-scheduled.iambak';
    expect((await refusal(new S3Target({ ...settings, secretAccessKey: 'x' }).put(name, archive(name, 10)))).code).toBe(
      'offsite_auth_failed',
    );
    expect((await new S3Target(settings).list()).map((f) => f.name)).not.toContain(name);
  });

  it('refuses an access key id the server does not know', async () => {
    const err = await refusal(new S3Target({ ...settings, accessKeyId: 'AKIAUNKNOWN' }).test());
    expect(err).toMatchObject({ code: 'offsite_auth_failed', details: { field: 'accessKeyId' } });
    expect(err.message).toContain('does not know the access key id AKIAUNKNOWN (InvalidAccessKeyId 403)');
  });

  it('refuses a bucket that does not exist, saying to create it', async () => {
    const err = await refusal(new S3Target({ ...settings, bucket: 'no-such-bucket' }).test());
    expect(err).toMatchObject({ code: 'offsite_bucket_missing', details: { field: 'bucket' } });
    expect(err.message).toBe(
      `bucket: there is no bucket no-such-bucket at ${s3.endpoint} (NoSuchBucket 404): create it in the provider's console first, or check the name`,
    );
  });

  it('says when the endpoint cannot be reached', async () => {
    // A port just closed: nothing listens there any more.
    const closed = await startS3Server(path.join(dir, 'closed'), [BUCKET]);
    await closed.close();
    const err = await refusal(new S3Target({ ...settings, endpoint: closed.endpoint }).test());
    expect(err).toMatchObject({ code: 'offsite_unreachable', details: { field: 'endpoint' } });
    expect(err.message).toContain(`endpoint: cannot reach ${closed.endpoint} (ECONNREFUSED`);
  });

  it('accepts https endpoints, and http only for this machine; never shows the secret back', () => {
    const parse = (endpoint: string) => targetSettingsSchema.safeParse({ ...settings, endpoint });
    expect(parse('https://s3.fr-par.scw.cloud').success).toBe(true);
    expect(parse('http://127.0.0.1:9000').success).toBe(true);
    expect(parse('http://localhost:9000').success).toBe(true);
    const plain = parse('http://s3.example.fr');
    expect(plain.success).toBe(false);
    expect(plain.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['endpoint', 'must be https:// (http:// only for localhost)'],
    ]);
    expect(parse('https://s3.example.fr/my-bucket').error?.issues[0]?.message).toBe(
      'the server only (no path, no query): the bucket goes in bucket',
    );
    expect(targetSettingsSchema.safeParse({ ...settings, bucket: 'My_Bucket' }).error?.issues[0]?.path).toEqual(['bucket']);
    expect(targetSettingsSchema.safeParse({ ...settings, prefix: '/leading' }).success).toBe(false);
    const shown = publicTargetSettings({ ...settings, secretAccessKey: 'wJalrXUtnFEMI-secret' });
    expect(shown).toMatchObject({ secretAccessKeySet: true, accessKeyId: S3_ACCESS_KEY_ID, pathStyle: true });
    expect(JSON.stringify(shown)).not.toContain('wJalrXUtnFEMI-secret');
    expect('secretAccessKey' in shown).toBe(false);
  });
});
