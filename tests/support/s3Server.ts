/**
 * A real S3-compatible server for the tests, in process: s3rver (an HTTP server speaking the S3
 * API, objects on disk). Two gaps of s3rver are filled here, so the tests see what a real S3 does:
 *
 * - it checks that the access key id exists but never verifies a SigV4 signature (its source says
 *   "unimplemented"): a wrong secret would be accepted. `verifySigV4` recomputes each request's
 *   signature with the one secret it knows and answers `SignatureDoesNotMatch` (403) as S3 does;
 * - it ignores `x-amz-checksum-*` headers (neither verified nor returned), so the S3 target's own
 *   SHA-256 metadata and read-back checks are what catch an altered copy (s3Target.ts).
 * And one it keeps: a listing cut into pages (more keys than MaxKeys) fails with a 500, since its
 * continuation tokens use DES, which OpenSSL 3 no longer offers — the tests list fewer than 1000.
 */
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';
import S3rver from 's3rver';
// s3rver's account model (CommonJS): the registry of access keys its authentication looks up.
import AWSAccount from 's3rver/lib/models/account.js';

/**
 * The cabinet's key, added to s3rver's built-in account (whose own key, S3RVER/S3RVER, has the
 * same id and secret — useless to check that a secret never shows).
 */
export const S3_ACCESS_KEY_ID = 'AKIACABINETDUPONT';
export const S3_SECRET_ACCESS_KEY = 'cabinet-dupont/secret-key+0123456789';
(AWSAccount as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } }).DUMMY_ACCOUNT.createKeyPair(
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
);

export interface TestS3Server {
  endpoint: string;
  /** Where s3rver keeps objects: `<directory>/<bucket>/<key>._S3rver_object`. */
  directory: string;
  /** How many requests were refused for a bad signature. */
  refusedSignatures: () => number;
  close(): Promise<void>;
}

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The SigV4 signature of a request as the server received it, signed with `secret`. */
function expectedSignature(ctx: Context, secret: string, auth: { credential: string; signedHeaders: string }): string {
  const [, date, region, service] = auth.credential.split('/') as [string, string, string, string];
  const [rawPath, rawQuery = ''] = ctx.url.split('?') as [string, string?];
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k, v = ''] = pair.split('=');
      return [rfc3986(decodeURIComponent(k!)), rfc3986(decodeURIComponent(v))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = auth.signedHeaders.split(';');
  const headers = names
    .map(
      (n) =>
        `${n}:${String(ctx.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payload = String(ctx.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD');
  const canonical = [ctx.method, rawPath, query, headers, auth.signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', String(ctx.headers['x-amz-date']), scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/**
 * Starts s3rver on a free port of 127.0.0.1 with `buckets` created, checking every request's SigV4
 * signature against S3_SECRET_ACCESS_KEY.
 */
export async function startS3Server(directory: string, buckets: string[]): Promise<TestS3Server> {
  fs.mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  let refused = 0;
  // Runs before s3rver's own middleware (which only checks that the key id exists).
  server.middleware.unshift(async (ctx: Context, next: Next) => {
    const header = String(ctx.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header);
    if (m && m[1]!.startsWith(`${S3_ACCESS_KEY_ID}/`)) {
      const expected = expectedSignature(ctx, S3_SECRET_ACCESS_KEY, { credential: m[1]!, signedHeaders: m[2]! });
      if (expected !== m[3]) {
        refused++;
        ctx.status = 403;
        ctx.type = 'application/xml';
        ctx.body = s3ErrorXml(
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        );
        return;
      }
    }
    await next();
  });
  const info = (await server.run()) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${info.port}`,
    directory,
    refusedSignatures: () => refused,
    close: () => server.close(),
  };
}

/** The file s3rver stores an object's bytes in (for tests that alter a stored copy). */
export function storedObjectFile(s3: TestS3Server, bucket: string, key: string): string {
  return path.join(s3.directory, bucket, `${key}._S3rver_object`);
}
