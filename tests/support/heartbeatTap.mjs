/**
 * Loaded into every control plane the tests start (`node --import`, see controlPlane.ts) when
 * IAM_HEARTBEAT_TAP names a folder: appends each request to the vendor's appliance endpoints —
 * enrollment, heartbeats, usage reports — to <folder>/cp-<pid>.jsonl once answered: its body as
 * received, its User-Agent and the status it got, so a scan at the end of the whole run
 * (privacyScan.ts) can check that none carries case data. It reads the bytes as the HTTP parser
 * hands them over and changes nothing the server sees.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.IAM_HEARTBEAT_TAP;
const TAPPED = /^\/v1\/(heartbeats|usage-reports|enroll)(\?|$)/;

if (dir) {
  const file = path.join(dir, `cp-${process.pid}.jsonl`);
  const bodies = new WeakMap();
  diagnostics.subscribe('http.server.request.start', ({ request }) => {
    if (request.method !== 'POST' || !TAPPED.test(request.url ?? '')) return;
    const chunks = [];
    bodies.set(request, chunks);
    const push = request.push;
    request.push = function tappedPush(chunk, encoding) {
      if (chunk !== null) chunks.push(Buffer.from(chunk));
      return push.call(this, chunk, encoding);
    };
  });
  diagnostics.subscribe('http.server.response.finish', ({ request, response }) => {
    const chunks = bodies.get(request);
    if (!chunks) return;
    const record = {
      path: request.url,
      status: response.statusCode,
      userAgent: request.headers['user-agent'] ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    };
    fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  });
}
