/**
 * fast-check generators of hostile HTTP requests for one service: its real routes (read from the
 * routers) with parameters that are real ids or traversal and encoding tricks, random paths,
 * methods, query strings and headers, credentials good and bad, and bodies of every shape —
 * random JSON, valid bodies mutated field by field (to get past the first check), forms,
 * multipart uploads with hostile file names, JWS-looking tokens, deep nesting, and bodies just
 * over each size limit. Requests are plain data; `toWire` turns one into bytes.
 */
import fc from 'fast-check';
import type { WireRequest } from './keepAliveClient.js';
import type { Route } from './routeTable.js';

/** Who the request claims to be: headers to send, and the session's CSRF token for forms. */
export interface Credential {
  name: string;
  headers: Record<string, string>;
  csrf?: string;
}

export interface FuzzTarget {
  routes: readonly Route[];
  /** Real values for route parameters, by parameter name (`id`, `docId`, `file`). */
  params: Readonly<Record<string, readonly string[]>>;
  /** A valid JSON body per route key (`POST /api/cases`), mutated by the fuzzer. */
  seeds: Readonly<Record<string, unknown>>;
  credentials: readonly Credential[];
  /** Extra bodies for this service (e.g. JWS-shaped heartbeats), with their content type. */
  bodies?: fc.Arbitrary<Body>;
}

/** A body and the content type it would normally carry (the fuzzer sometimes sends another). */
export interface Body {
  type: string;
  bytes: Buffer | { fill: number };
}

export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Body | null;
  chunked: boolean;
}

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/jose',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  ';;;',
  'JSON',
];
const BOUNDARY = 'fuzzBoundary0123';

/** Path segments that try to leave the route: traversal, encodings, NUL, overlong UTF-8, huge. */
const HOSTILE_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..%5C..%5Cwindows',
  '%2e%2e%2f%2e%2e%2fusers.json',
  '%00',
  'a%00.pdf',
  '%',
  '%zz',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%F0%9F%92%A9',
  'a'.repeat(300),
  'b'.repeat(5000),
  '-1',
  '0',
  '00000000-0000-0000-0000-000000000000',
  '__proto__',
  'constructor',
  '%3Cscript%3E',
  'secret-key',
  'license.json',
  '.env',
  '~',
  '*',
  'null',
  'undefined',
];

/** Strings that have broken parsers and validators elsewhere. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\t\n',
  'a'.repeat(10_000),
  'é'.repeat(3000),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../../../etc/passwd',
  '\u0000',
  '\ud800',
  '\u202eRTL',
  '１２３４５６７８９０',
  '__proto__',
  'constructor',
  'toString',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T23:59:59+14:00',
  '1990-01-01',
  'admin',
  'FR',
  'oqtf',
  '{}',
  '[]',
  'null',
  'true',
  '%s%s%n',
  '${7*7}',
  '{{7*7}}',
  'a@b.c',
  'x'.repeat(64),
];
const HOSTILE_NUMBERS = [-1, 0, 1, -0, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MIN_VALUE];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(null, true, false, [], {}, [[[[]]]], JSON.parse('{"__proto__":{"admin":true}}') as unknown),
  fc.jsonValue({ maxDepth: 2, size: 'xsmall' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Every path to a value inside `v` (object keys and array indexes). */
function pathsOf(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== 'object') return [prefix];
  // Object.entries for arrays too: a mutation may have given one a `constructor` of its own.
  const entries = Object.entries(v as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([k, x]) => pathsOf(x, [...prefix, k]))];
}

type Mutation = { op: 'replace' | 'delete' | 'add' | 'wrap'; at: number; value: unknown; key: string };

function applyMutation(seed: unknown, m: Mutation): unknown {
  const copy = structuredClone(seed) as unknown;
  const paths = pathsOf(copy);
  const target = paths[m.at % paths.length]!;
  if (target.length === 0) return m.op === 'wrap' ? [copy] : m.op === 'replace' ? m.value : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const k of target.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = target.at(-1)!;
  if (m.op === 'replace') parent[last] = m.value;
  else if (m.op === 'delete') delete parent[last];
  else if (m.op === 'wrap') parent[last] = [parent[last]];
  else if (typeof parent[last] === 'object' && parent[last] !== null) (parent[last] as Record<string, unknown>)[m.key] = m.value;
  else parent[m.key] = m.value;
  return copy;
}

/** A valid body with zero to three of its fields replaced, removed, wrapped or joined by others. */
const mutatedJson = (seed: unknown): fc.Arbitrary<unknown> =>
  fc
    .array(
      fc.record({
        op: fc.constantFrom('replace', 'delete', 'add', 'wrap'),
        at: fc.nat(),
        value: hostileValue,
        key: fc.constantFrom('extra', '__proto__', 'constructor', 'role', 'admin', 'id', ''),
      }),
      { maxLength: 3 },
    )
    .map((ms) => ms.reduce<unknown>((acc, m) => applyMutation(acc, m as Mutation), seed));

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD first). */
export const pct = (s: string): string =>
  [...Buffer.from(s)]
    .map((b) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const jsonBody = (value: unknown): Body => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(value) ?? 'null') });

const FORM_FIELDS = [
  '_csrf',
  'email',
  'password',
  'name',
  'role',
  'code',
  'license',
  'controlPlaneUrl',
  'lastName',
  'firstName',
  'nationality',
  'birthDate',
  'procedure',
  'notificationDate',
  'notificationTime',
  'agdref',
  'notes',
  'assignedTo',
  'currentPassword',
  'newPassword',
  'q',
  'next',
];

const formBody = (csrf: string | undefined): fc.Arbitrary<Body> =>
  fc
    .record({
      fields: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...FORM_FIELDS), fc.string({ maxLength: 12 })),
          fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 60 })),
        ),
        { maxLength: 8 },
      ),
      withCsrf: fc.boolean(),
      raw: fc.oneof(fc.constant(''), fc.constantFrom('&&&', '%', '%zz=%zz', '=', 'a=%E0%A4%A', '_csrf&_csrf=1&_csrf=2')),
    })
    .map(({ fields, withCsrf, raw }) => {
      const params = new URLSearchParams(fields);
      if (withCsrf && csrf) params.set('_csrf', csrf);
      return { type: 'application/x-www-form-urlencoded', bytes: Buffer.from(params.toString() + raw) };
    });

const FILE_NAMES = [
  'acte.pdf',
  '../../../../tmp/evil.sh',
  '..\\..\\boot.ini',
  '/etc/passwd',
  'a'.repeat(400) + '.pdf',
  'é à ü.pdf',
  '"quoted".pdf',
  'nul\u0000byte.pdf',
  'new\nline.pdf',
  '',
  '.',
  '..',
  '.htaccess',
  'x.PDF',
  'photo.jpg',
  'doc.docx',
];
const FILE_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'text/plain',
  'application/x-msdownload',
  'text/html',
  'image/svg+xml',
  '',
];
const FILE_CONTENTS = [
  Buffer.from('%PDF-1.4\n%fuzz\n'),
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
  Buffer.from('MZ\x90\x00executable'),
  Buffer.from('<html><script>alert(1)</script></html>'),
  Buffer.alloc(0),
  Buffer.from('PK\x03\x04zip'),
];

const multipartBody: fc.Arbitrary<Body> = fc
  .record({
    parts: fc.array(
      fc.record({
        field: fc.constantFrom('file', 'file', 'other', '', 'fi"le'),
        name: fc.oneof(fc.constantFrom(...FILE_NAMES), fc.string({ maxLength: 30 })),
        type: fc.constantFrom(...FILE_TYPES),
        content: fc.oneof(
          fc.constantFrom(...FILE_CONTENTS),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        ),
        isFile: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    end: fc.constantFrom('closed', 'closed', 'truncated', 'none', 'garbage'),
    boundaryInHeader: fc.constantFrom(BOUNDARY, BOUNDARY, 'other', ''),
  })
  .map(({ parts, end, boundaryInHeader }) => {
    const chunks: Buffer[] = [];
    for (const p of parts) {
      const disposition = p.isFile ? `form-data; name="${p.field}"; filename="${p.name}"` : `form-data; name="${p.field}"`;
      chunks.push(
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
        p.content,
        Buffer.from('\r\n'),
      );
    }
    if (end === 'closed') chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
    else if (end === 'truncated') chunks.push(Buffer.from(`--${BOUNDARY}`));
    else if (end === 'garbage') chunks.push(Buffer.from('\r\n\r\n--\x00\xff'));
    return { type: `multipart/form-data${boundaryInHeader ? `; boundary=${boundaryInHeader}` : ''}`, bytes: Buffer.concat(chunks) };
  });

/** Sizes just over each limit the services set (8 KiB heartbeats … 256 KiB forms, 1 MiB). */
const OVERSIZED = [8 * 1024 + 1, 16 * 1024 + 1, 64 * 1024 + 1, 128 * 1024 + 1, 256 * 1024 + 1, 1024 * 1024];

function bodyArb(target: FuzzTarget, routeKey: string, csrf: string | undefined): fc.Arbitrary<Body | null> {
  const seed = target.seeds[routeKey];
  const arbs: Array<fc.WeightedArbitrary<Body | null>> = [
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4, size: 'small' }).map(jsonBody) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ type: 'text/plain', bytes: Buffer.from(s) })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => ({ type: 'application/octet-stream', bytes: Buffer.from(b) })) },
    { weight: 2, arbitrary: formBody(csrf) },
    { weight: 2, arbitrary: multipartBody },
    { weight: 1, arbitrary: fc.constantFrom(...OVERSIZED).map((fill) => ({ type: 'application/json', bytes: { fill } })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1000, max: 60_000 })
        .map((n) => ({ type: 'application/json', bytes: Buffer.from('['.repeat(n) + ']'.repeat(n)) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"a":',
          '{"a":1,}',
          "{'a':1}",
          '\ufeff{}',
          '{"__proto__":{"isAdmin":true}}',
          '{"a":1}{"b":2}',
          '1'.repeat(400),
          '"\\ud800"',
          '{"a":"\\u0000"}',
        )
        .map((s) => ({ type: 'application/json', bytes: Buffer.from(s) })),
    },
  ];
  if (seed !== undefined) arbs.push({ weight: 8, arbitrary: mutatedJson(seed).map(jsonBody) });
  if (target.bodies) arbs.push({ weight: 4, arbitrary: target.bodies });
  return fc.oneof(...arbs);
}

const hostileSegment = fc.oneof(fc.constantFrom(...HOSTILE_SEGMENTS), fc.string({ unit: 'binary', maxLength: 40 }).map(pct));

function fillParams(pattern: string, params: FuzzTarget['params']): fc.Arbitrary<string> {
  const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (names.length === 0) return fc.constant(pattern);
  const value = (name: string) => {
    const real = params[name] ?? [];
    const hostile = hostileSegment;
    return real.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, { weight: 2, arbitrary: hostile }) : hostile;
  };
  return fc.tuple(...names.map(value)).map((values) => {
    let i = 0;
    return pattern.replace(/:(\w+)/g, () => values[i++]!);
  });
}

/** Paths no router declares: traversal from the root, double slashes, unknown prefixes. */
const strayPath: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...HOSTILE_SEGMENTS,
        'api',
        'static',
        'v1',
        'api/v1',
        'dossiers',
        'admin',
        '',
        'etc',
        'passwd',
        'index.html',
        'setup',
      ),
      fc.string({ maxLength: 12 }).map(pct),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((segments) => `/${segments.join('/')}`);

const QUERY_KEYS = [
  'q',
  'page',
  'pageSize',
  'archived',
  'status',
  'procedure',
  'caseId',
  'limit',
  'revoked',
  'next',
  'l',
  'ajout',
  'sortie',
  '_csrf',
  'assignedTo',
  'nationality',
  '__proto__',
  'constructor[prototype]',
  'a[b][c]',
];
const queryArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })),
          fc.oneof(
            fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)),
            fc.string({ unit: 'binary', maxLength: 30 }),
            fc.integer().map(String),
            fc.constantFrom('//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)'),
          ),
        ),
        { maxLength: 5 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?',
      '?&&',
      '?a',
      '?%',
      '?%zz=1',
      '?page=1&page=2',
      '?q=' + 'a'.repeat(4000),
      '?pageSize=1e9',
      '?page=-1',
      '?archived[]=true',
    ),
  },
);

/** Header values Node will send (printable ASCII and tab). */
const headerText = fc.string({ maxLength: 60, size: 'xsmall' }).map((s) => s.replace(/[^\t\x20-\x7e]/g, ''));
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'accept': fc.constantFrom('application/json', 'text/html', 'text/html,application/xhtml+xml', '*/*', 'image/png', ''),
      'accept-language': fc.oneof(fc.constantFrom('fr-FR', 'en', '*'), headerText),
      'x-request-id': fc.oneof(fc.uuid(), headerText),
      'x-forwarded-for': fc.oneof(fc.ipV4(), headerText),
      'if-none-match': headerText,
      'origin': fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1'),
      'host': fc.constantFrom('evil.example', 'localhost:1', '[::1]', 'a'.repeat(200)),
      'range': fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=9999999999-'),
      // Credentials of the request's own kind override these; alone, they are noise to refuse.
      'cookie': fc.oneof(headerText, fc.constantFrom('iam_session=', 'iam_session=a.b.c', 'iam_lang=en', 'iam_form=' + 'A'.repeat(24))),
      'authorization': fc.oneof(headerText, fc.constantFrom('Bearer', 'Bearer iam_', 'bearer x', 'Basic Og==')),
      'x-csrf-token': headerText,
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')));

export interface RequestOptions {
  /** Credentials to draw from (default: the target's). */
  credentials?: readonly Credential[];
  /** Methods to draw from instead of the route's own (mostly) and any other (sometimes). */
  methods?: readonly string[];
  /** Drop requests this returns false for (e.g. safe methods for a session without its CSRF token). */
  filter?: (r: FuzzRequest) => boolean;
}

/** One hostile request against `target`. Arbitraries are built once per route and credential, not per request. */
export function requestArb(target: FuzzTarget, options: RequestOptions = {}): fc.Arbitrary<FuzzRequest> {
  const credentials = options.credentials ?? target.credentials;
  const anyMethod = fc.constantFrom(...(options.methods ?? METHODS));
  const routed = target.routes.map((route) =>
    fc.record({
      path: fillParams(route.path, target.params),
      method: options.methods
        ? anyMethod
        : fc.oneof({ weight: 5, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: anyMethod }),
      routeKey: fc.constant(`${route.method} ${route.path}`),
    }),
  );
  const stray = fc.record({ path: strayPath, method: anyMethod, routeKey: fc.constant('') });
  const bodies = new Map<string, fc.Arbitrary<Body | null>>();
  const bodyFor = (routeKey: string, csrf: string | undefined) => {
    const key = `${routeKey}\n${csrf ?? ''}`;
    let arb = bodies.get(key);
    if (!arb) bodies.set(key, (arb = bodyArb(target, routeKey, csrf)));
    return arb;
  };
  const arb = fc
    .record({
      target: fc.oneof({ weight: 9, arbitrary: fc.oneof(...routed) }, { weight: 1, arbitrary: stray }),
      credential: fc.constantFrom(...credentials),
      query: queryArb,
      extra: extraHeaders,
      typeSwap: fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 6 }),
      chunked: fc.boolean(),
    })
    .chain(({ target: t, credential, query, extra, typeSwap, chunked }) =>
      bodyFor(t.routeKey, credential.csrf).map((body): FuzzRequest => {
        const type = typeSwap ?? body?.type;
        return {
          method: t.method,
          path: t.path,
          query,
          headers: { ...extra, ...credential.headers, ...(body && type !== undefined ? { 'content-type': type } : {}) },
          body,
          chunked: chunked && body !== null,
        };
      }),
    );
  return options.filter ? arb.filter(options.filter) : arb;
}

const FILLER = Buffer.alloc(1024 * 1024, 'x');

export function toWire(r: FuzzRequest): WireRequest {
  const body = r.body === null ? undefined : Buffer.isBuffer(r.body.bytes) ? r.body.bytes : FILLER.subarray(0, r.body.bytes.fill);
  return { method: r.method, path: `${r.path}${r.query}`, headers: r.headers, body, chunked: r.chunked };
}

/** One line to name a request in a failure message (no bodies: they can be 1 MiB). */
export function describeRequest(r: FuzzRequest): string {
  const size = r.body === null ? 0 : Buffer.isBuffer(r.body.bytes) ? r.body.bytes.length : r.body.bytes.fill;
  const who = r.headers.authorization ? 'bearer' : r.headers.cookie ? 'cookie' : 'anonymous';
  return `${r.method} ${(r.path + r.query).slice(0, 160)} [${r.headers['content-type'] ?? 'no type'}, ${size} B${r.chunked ? ' chunked' : ''}, ${who}]`;
}
