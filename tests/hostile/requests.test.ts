/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Requests that try to reach outside, overflow or confuse: path traversal (URLs and upload names),
 * bodies and uploads over every limit (with and without a Content-Length), wrong content types,
 * malformed HTTP on a raw socket, and downloads cut short. Each is refused with the right 4xx,
 * leaves no file behind, and the process stays up.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let vendor: string;
let appliance: TestAppliance;
let admin: Browser;
let token: string;
let caseId: string;
let docId: string;

/** A request exactly as written: no URL normalisation (fetch would resolve `..` itself). */
function raw(
  base: string,
  method: string,
  route: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
  chunked = false,
): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path: route,
        headers: {
          ...headers,
          ...(body !== undefined
            ? chunked
              ? { 'transfer-encoding': 'chunked' }
              : { 'content-length': String(Buffer.byteLength(body)) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined && chunked) {
      const b = Buffer.from(body);
      req.write(b.subarray(0, b.length >> 1));
      req.end(b.subarray(b.length >> 1));
    } else req.end(body);
  });
}

/** A multipart upload; `csrf` goes in a `_csrf` field before the file, as the case page's form sends it. */
function upload(
  route: string,
  name: string,
  type: string,
  content: Buffer,
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
  csrf?: string,
): Promise<Response> {
  const form = new FormData();
  if (csrf) form.append('_csrf', csrf);
  form.append('file', new Blob([content], { type }), name);
  return fetch(`${appliance.url}${route}`, { method: 'POST', headers, body: form, redirect: 'manual' });
}

const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

beforeAll(async () => {
  const cpDir = tempDir('cp-requests-');
  cp = await startControlPlane(cpDir);
  vendor = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'requests',
    '--name',
    'Cabinet Requests',
    '--plan',
    'enterprise',
    '--json',
  ]);
  appliance = await startAppliance(tempDir('requests-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'requests', MAX_UPLOAD_MB: '1' });
  admin = new Browser(appliance.url);
  await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode });
  await admin.call('POST', '/api/setup/admin', { email: 'admin@requests.fr', name: 'Admin', password: PASSWORD });
  await admin.login('admin@requests.fr', PASSWORD);
  token = (await admin.call('POST', '/api/tokens', { label: 'requests' })).body.token;
  caseId = (
    await admin.call('POST', '/api/cases', {
      client: { lastName: 'Requete', firstName: 'Test', nationality: 'FR', birthDate: '1990-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
    })
  ).body.case.id;
  docId = (
    (await (await upload(`/api/cases/${caseId}/documents`, 'acte.pdf', 'application/pdf', Buffer.from('%PDF-1.4 requests'))).json()) as any
  ).document.id;
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('path traversal', () => {
  it('serves no file from outside what a route names, however the path is encoded', async () => {
    const secrets = ['secret-key', 'license.json', 'users.json']
      .map((f) => path.join(appliance.dataDir, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f, 'utf8').slice(0, 40));
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    const routes = [
      '/static/../secret-key',
      '/static/..%2f..%2fsecret-key',
      '/static/%2e%2e/%2e%2e/license.json',
      '/static/..%5c..%5clicense.json',
      '/static/logo/../../secret-key',
      `/api/cases/${caseId}/documents/..%2f..%2f..%2fsecret-key`,
      `/api/cases/..%2f..%2fusers/documents/${docId}`,
      `/api/cases/${caseId}/documents/${docId}%00.pdf`,
      `/dossiers/${caseId}/pieces/..%2F..%2F..%2Flicense.json`,
      `/dossiers/..%2F..%2F/pieces/${docId}`,
      `/dossiers/${caseId}/analyses/..%2f..%2f..%2fsecret-key.pdf`,
      '/calendrier/..%2f..%2fsecret-key.ics',
      '/calendrier/%2e%2e%2f%2e%2e%2fusers.json.ics',
      '//secret-key',
      '/./secret-key',
      '/%2e%2e/secret-key',
      '/..;/secret-key',
      '/secret-key',
      '/license.json',
      '/.env',
      '/users.json',
    ];
    const leaks: string[] = [];
    for (const route of routes) {
      const res = await raw(appliance.url, 'GET', route, { authorization: `Bearer ${token}` });
      if (
        res.status < 400 ||
        res.status >= 500 ||
        secrets.some((s) => res.body.includes(s)) ||
        /PRIVATE KEY|passwordHash|vendorKeys/.test(res.body)
      )
        leaks.push(`${route} → ${res.status}`);
    }
    for (const route of [
      '/v1/keys/..%2f..%2fkeys',
      '/v1/../admins.json',
      '/api/v1/cabinets/..%2f..%2fadmins',
      '/api/v1/cabinets/%2e%2e',
      '//healthz.json',
      '/keys/vendor.key',
    ]) {
      const res = await raw(cp.url, 'GET', route, { authorization: `Bearer ${vendor}` });
      if (res.status < 400 || res.status >= 500 || /PRIVATE KEY|tokenHash|passwordHash/.test(res.body))
        leaks.push(`control plane ${route} → ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('stores an upload under a name of its own, keeping only the base of the given name', async () => {
    const planted = path.join(os.tmpdir(), `iam-evil-${crypto.randomBytes(4).toString('hex')}.pdf`);
    const res = await upload(
      `/api/cases/${caseId}/documents`,
      `../../../../../../..${planted}`,
      'application/pdf',
      Buffer.from('%PDF-1.4 evil'),
    );
    expect(res.status).toBe(201);
    const doc = ((await res.json()) as any).document;
    expect(doc.name).toBe(path.basename(planted));
    expect(doc.id).toMatch(/^[0-9a-f]{32}$/);
    expect(fs.existsSync(planted)).toBe(false);
    expect(files(path.join(appliance.dataDir, 'documents', caseId))).toEqual([docId, doc.id].sort());
    for (const name of ['a\u0000b.pdf', 'line\r\nbreak.pdf', '"quoted".pdf', '..']) {
      const r = await upload(`/api/cases/${caseId}/documents`, name, 'application/pdf', Buffer.from('%PDF-1.4 x'));
      const answer = (await r.json()) as any;
      // Refused as a malformed part (busboy, for a NUL) or kept under a cleaned name.
      expect([201, 400], `${JSON.stringify(name)}: ${JSON.stringify(answer)}`).toContain(r.status);
      if (r.status === 400) continue;
      const stored = answer.document;
      expect(
        [...stored.name].some((c) => c < ' ' || '"/\\'.includes(c)),
        `${JSON.stringify(name)} stored as ${JSON.stringify(stored.name)}`,
      ).toBe(false);
      const download = await fetch(`${appliance.url}/api/cases/${caseId}/documents/${stored.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      // The exact name rides in `filename*` only when the ASCII fallback had to change it (kernel sendDownload).
      expect(download.headers.get('content-disposition'), name).toMatch(
        /^attachment; filename="[^"\r\n/\\]*"(; filename\*=UTF-8''[^\s"]+)?$/,
      );
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('oversized bodies and uploads', () => {
  // Each endpoint's limit, from the source: a byte more is refused before it is parsed.
  const LIMITS: Array<[service: 'appliance' | 'cp', route: string, type: string, limit: number]> = [
    ['appliance', '/api/auth/login', 'application/json', 8 * 1024],
    ['appliance', '/api/users', 'application/json', 64 * 1024],
    ['appliance', '/api/cases', 'application/json', 128 * 1024],
    ['appliance', '/api/setup/license', 'application/jose', 64 * 1024],
    ['appliance', '/dossiers/nouveau', 'application/x-www-form-urlencoded', 256 * 1024],
    ['cp', '/v1/enroll', 'application/json', 16 * 1024],
    ['cp', '/v1/heartbeats', 'application/jose', 8 * 1024],
    ['cp', '/v1/usage-reports', 'application/jose', 8 * 1024],
    ['cp', '/api/v1/cabinets', 'application/json', 64 * 1024],
  ];

  it.each(LIMITS)(
    '%s %s: one byte over %s limit (%i B) is a 413, with or without a Content-Length',
    async (service, route, type, limit) => {
      const base = service === 'cp' ? cp.url : appliance.url;
      const headers = {
        'content-type': type,
        ...(service === 'cp' ? { authorization: `Bearer ${vendor}` } : { authorization: `Bearer ${token}` }),
      };
      const body = type === 'application/json' ? `{"a":"${'x'.repeat(limit - 7)}"}` : 'x'.repeat(limit + 1);
      expect(Buffer.byteLength(body)).toBe(limit + 1);
      for (const chunked of [false, true]) {
        const res = await raw(base, 'POST', route, headers, body, chunked);
        expect([res.status, chunked], res.body).toEqual([413, chunked]);
      }
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    },
  );

  it('refuses an upload over MAX_UPLOAD_MB, by the API and by the web form, and keeps no byte of it', async () => {
    const dir = path.join(appliance.dataDir, 'documents', caseId);
    const before = files(dir);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(1024 * 1024)]);
    const res = await upload(`/api/cases/${caseId}/documents`, 'scan.pdf', 'application/pdf', big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).message).toMatch(/^file: larger than 1 MiB/);
    const page = await upload(`/dossiers/${caseId}/pieces`, 'scan.pdf', 'application/pdf', big, { cookie: admin.cookie }, admin.csrf);
    expect(page.status).toBe(200); // the case page again, with the message
    expect(await page.text()).toMatch(/1 MiB|Mo/);
    expect(files(dir)).toEqual(before);
    const record = (await admin.call('GET', `/api/cases/${caseId}`)).body.case;
    expect(record.documents.map((d: any) => d.id).sort()).toEqual(before.filter((n) => !n.startsWith('.')));
  });

  it('refuses a file whose bytes are not what its type says, and keeps nothing', async () => {
    const dir = path.join(appliance.dataDir, 'documents', caseId);
    const before = files(dir);
    for (const [name, type, content] of [
      ['virus.pdf', 'application/pdf', Buffer.from('MZ\x90\x00 not a pdf')],
      ['page.html', 'text/html', Buffer.from('<script>alert(1)</script>')],
      ['empty.pdf', 'application/pdf', Buffer.alloc(0)],
    ] as const) {
      const res = await upload(`/api/cases/${caseId}/documents`, name, type, content);
      expect([415, 400], name).toContain(res.status);
    }
    expect(files(dir)).toEqual(before);
  });
});

describe('wrong content types', () => {
  it('answers 415 naming the expected type, never parsing the body as something else', async () => {
    const cases: Array<[string, string, string, string, RegExp]> = [
      [appliance.url, '/api/cases', 'text/plain', '{"client":{}}', /Content-Type must be application\/json, not text\/plain/],
      [appliance.url, '/api/cases', 'application/x-www-form-urlencoded', 'client=x', /must be application\/json/],
      [appliance.url, '/api/tokens', 'application/xml', '<label>x</label>', /must be application\/json/],
      [appliance.url, `/api/cases/${caseId}/documents`, 'application/json', '{"file":"x"}', /multipart\/form-data/],
      [cp.url, '/v1/heartbeats', 'application/json', '{}', /must be application\/jose/],
      [cp.url, '/v1/enroll', 'text/plain', '{}', /must be application\/json/],
      [cp.url, '/api/v1/cabinets', 'multipart/form-data; boundary=x', '--x--', /must be application\/json/],
    ];
    for (const [base, route, type, body, message] of cases) {
      const res = await raw(
        base,
        'POST',
        route,
        { 'content-type': type, 'authorization': `Bearer ${base === cp.url ? vendor : token}` },
        body,
      );
      expect([route, type, res.status], res.body).toEqual([route, type, 415]);
      expect(JSON.parse(res.body).message).toMatch(message);
    }
    const none = await raw(appliance.url, 'POST', '/api/cases', { authorization: `Bearer ${token}` }, '{}');
    expect(none.status).toBe(415);
  });

  it('answers a web form sent as JSON with an error page, not a crash or a JSON error', async () => {
    const res = await fetch(`${appliance.url}/dossiers/nouveau`, {
      method: 'POST',
      headers: { 'cookie': admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      body: '{"lastName":"x"}',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('malformed HTTP', () => {
  /** Writes bytes on a fresh socket and returns the status line of the answer. */
  function rawSocket(base: string, bytes: string): Promise<string> {
    const u = new URL(base);
    return new Promise((resolve) => {
      const socket = net.connect(Number(u.port), u.hostname, () => socket.end(bytes));
      let answer = '';
      socket.setEncoding('latin1').on('data', (c: string) => (answer += c));
      socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.on('error', () => resolve(answer.split('\r\n')[0] ?? ''));
    });
  }

  it.each([
    ['a garbage request line', 'GARBAGE\r\n\r\n', 400],
    [
      'Content-Length and Transfer-Encoding together (smuggling)',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    ['two different Content-Lengths', 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x', 400],
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n', 400],
    ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    [
      'a bad chunk size',
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
      400,
    ],
    ['a negative Content-Length', 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
  ])('answers %s with %i, on both services, and stays up', async (_name, bytes, status) => {
    for (const base of [appliance.url, cp.url]) {
      expect(await rawSocket(base, bytes)).toMatch(new RegExp(`^HTTP/1\\.[01] ${status}`));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    }
  });
});

describe('downloads cut short', () => {
  it('survives a HEAD, a client hanging up mid-download, and a document missing on disk, when exporting a case', async () => {
    const head = await raw(appliance.url, 'HEAD', `/api/cases/${caseId}/export`, { authorization: `Bearer ${token}` });
    expect(head.status).toBe(200);
    await new Promise<void>((resolve) => {
      const u = new URL(appliance.url);
      const req = http.get(
        { host: u.hostname, port: u.port, path: `/api/cases/${caseId}/export`, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => resolve());
    });
    // A scan deleted behind the appliance's back: the archive is cut, the service is not.
    const victim = (
      await admin.call('POST', '/api/cases', {
        client: { lastName: 'Perdu', firstName: 'Doc', nationality: 'FR', birthDate: '1990-01-01' },
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-02',
      })
    ).body.case.id;
    const lost = (
      (await (await upload(`/api/cases/${victim}/documents`, 'perdu.pdf', 'application/pdf', Buffer.from('%PDF-1.4 lost'))).json()) as any
    ).document.id;
    fs.rmSync(path.join(appliance.dataDir, 'documents', victim, lost));
    await fetch(`${appliance.url}/api/cases/${victim}/export`, { headers: { authorization: `Bearer ${token}` } })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(appliance.service.child.exitCode).toBeNull();
    expect((await fetch(`${appliance.url}/healthz`)).status).toBe(200);
    expect(appliance.service.output()).not.toMatch(/Emitted 'error' event|uncaught/i);
  });
});
