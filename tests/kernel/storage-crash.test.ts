import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentCollection, Journal, openDocument } from '@iamanager/kernel/storage';

const WRITER = new URL('../support/storage-writer.mjs', import.meta.url).pathname;
const RUNS = 60;

/** Runs the writer until a random moment after it is ready, SIGKILLs it, returns its acks. */
function runAndKill(dir: string, run: number, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      const before = out;
      out += d.toString();
      if (!before.includes('ready\n') && out.includes('ready\n')) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself: ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('ack ')));
    });
  });
}

function everyJsonFileParses(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const file = path.join(entry.parentPath, entry.name);
    expect(() => JSON.parse(fs.readFileSync(file, 'utf8')), file).not.toThrow();
  }
}

describe('durable storage under SIGKILL', () => {
  it(`keeps every acknowledged write across ${RUNS} kills at random moments, and every file parses`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-crash-'));
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const acked = { doc: new Set<string>(), update: new Map<string, string>(), counter: new Set<string>(), journal: new Set<string>() };
    let totalAcks = 0;

    for (let run = 0; run < RUNS; run++) {
      const acks = await runAndKill(dir, run, Math.floor(random() * 250));
      totalAcks += acks.length;
      for (const line of acks) {
        const [, kind, id] = line.split(' ') as [string, keyof typeof acked, string];
        if (kind === 'update') {
          const [doc, value] = id.split('=') as [string, string];
          acked.update.set(doc, value);
        } else (acked[kind] as Set<string>).add(id);
      }

      everyJsonFileParses(dir);
      const docs = await DocumentCollection.open<{ id: string; updated?: string }>(path.join(dir, 'docs'));
      for (const id of acked.doc) expect(docs.get(id)?.data.id, `document ${id}`).toBe(id);
      for (const [id, value] of acked.update) expect(docs.get(id)?.data.updated, `update of ${id}`).toBe(value);
      const counter = await openDocument<{ values: string[] }>(path.join(dir, 'counter.json'), { values: [] });
      const values = new Set(counter.data.values);
      for (const id of acked.counter) expect(values.has(id), `counter ${id}`).toBe(true);
      const { journal, records } = await Journal.open<{ id: string }>(path.join(dir, 'journal'));
      await journal.close();
      const journaled = new Set(records.map((r) => r.id));
      for (const id of acked.journal) expect(journaled.has(id), `journal ${id}`).toBe(true);
    }
    // The test proves nothing if the writer never got to write: make sure it did, a lot.
    expect(totalAcks).toBeGreaterThan(RUNS * 5);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
