// The cost of server-side logout (against the compiled dist/): the per-request check (one lookup
// in the in-memory set of revoked session ids), a logout's durable write and the start-up read,
// each with the revocation list at its cap (1 000 live entries), and the file's size then.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { RevokedSessions, MAX_REVOKED } = await import(path.join(root, 'protocol/kernel/dist/web/revokedSessions.js'));
const LOOKUPS = 10_000_000;

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-revoked-'));
try {
  const revoked = await RevokedSessions.open(dir, () => new Date());
  const exp = Date.now() / 1000 + 12 * 3600;
  // Ids as long as real ones (16 random bytes, base64url: 22 characters).
  const id = (i) => `s${i}`.padEnd(22, '-');
  await Promise.all(Array.from({ length: MAX_REVOKED - 1 }, (_, i) => revoked.revoke(id(i), exp)));
  let t = performance.now();
  await revoked.revoke(id(MAX_REVOKED), exp);
  const writeMs = performance.now() - t;

  const probes = [id(5), 'a-session-never-revoked'];
  let hits = 0;
  t = performance.now();
  for (let i = 0; i < LOOKUPS; i++) if (revoked.has(probes[i & 1])) hits++;
  const lookupNs = ((performance.now() - t) * 1e6) / LOOKUPS;
  if (hits !== LOOKUPS / 2) throw new Error(`expected ${LOOKUPS / 2} hits, got ${hits}`);

  t = performance.now();
  await RevokedSessions.open(dir, () => new Date());
  const openMs = performance.now() - t;
  const bytes = (await fs.stat(path.join(dir, 'revoked-sessions.json'))).size;
  console.log(
    `revoked sessions at the cap (${MAX_REVOKED}): ${lookupNs.toFixed(1)} ns per request check, ${writeMs.toFixed(1)} ms per logout (durable write), ${openMs.toFixed(1)} ms to open at start-up, file ${bytes} bytes`,
  );
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
