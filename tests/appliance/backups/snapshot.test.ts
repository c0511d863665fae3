/**
 * A backup taken while the stores keep writing: every file in it is whole (each case file parses,
 * the audit log ends on a complete line and its chain verifies), and what is never data — the
 * lock, the socket, temp files, last-good copies, run-time markers — stays out.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentCollection, duringWrite, writeFileDurable } from '@iamanager/kernel/storage';
import { AuditLog } from '../../../appliance/src/domain/audit/auditLog.js';
import { readBackupFile, writeBackupFile } from '../../../appliance/src/domain/backups/backupArchive.js';
import { newHeader } from '../../../appliance/src/domain/backups/backupFormat.js';
import { takeSnapshot } from '../../../appliance/src/domain/backups/snapshot.js';
import { tempDir } from '../../support/controlPlane.js';

const PASSPHRASE = 'correct horse battery staple';
const TUNING = { kdf: { N: 2 ** 14, r: 8, p: 1 } };

interface Doc {
  n: number;
  pad: string;
}

async function backup(dataDir: string, file: string): Promise<number> {
  const { header, keys } = await newHeader(
    PASSPHRASE,
    { createdAt: new Date().toISOString(), kind: 'manual', applianceVersion: '0.1.0' },
    TUNING,
  );
  const snapshot = await takeSnapshot(dataDir);
  try {
    await writeBackupFile(file, snapshot.files, header, keys);
  } finally {
    await snapshot.release();
  }
  return snapshot.heldMs;
}

/** Extracts a backup into `into` (through the verifying reader) and returns its file list. */
async function extract(file: string, into: string): Promise<string[]> {
  const { manifest } = await readBackupFile(file, PASSPHRASE, async (entry) => {
    const target = path.join(into, entry.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const chunks: Buffer[] = [];
    for await (const c of entry.stream as AsyncIterable<Buffer>) chunks.push(c);
    fs.writeFileSync(target, Buffer.concat(chunks));
  });
  return manifest.files.map((f) => f.path).sort();
}

describe('a backup taken while the appliance writes', () => {
  it('holds only whole files, and an audit chain that verifies', async () => {
    const dataDir = tempDir('snap-data-');
    const out = tempDir('snap-out-');
    const cases = await DocumentCollection.open<Doc>(path.join(dataDir, 'cases'));
    const audit = await AuditLog.open(dataDir, () => new Date());
    for (let i = 0; i < 20; i++) await cases.create(`case-${i}`, { n: 0, pad: '' });

    let writes = 0;
    let stop = false;
    // Writers: case files rewritten with large bodies (so a replace takes a while), audit entries
    // appended in bursts (so an append batch is large), all without pause.
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let round = 0; !stop; round++) {
        const doc = cases.get(`case-${(round * 4 + w) % 20}`)!;
        doc.data = { n: round, pad: 'x'.repeat(50_000 + round) };
        await Promise.all([
          doc.write(),
          ...Array.from({ length: 20 }, (_, k) =>
            audit.append({ actor: `writer${w}`, action: 'case.update', detail: `${round}-${k} ${'y'.repeat(500)}` }),
          ),
        ]);
        writes++;
      }
    });

    const files: string[] = [];
    const writesDuring: number[] = [];
    for (let b = 0; b < 4; b++) {
      const before = writes;
      const file = path.join(out, `b${b}.iambak`);
      await backup(dataDir, file);
      writesDuring.push(writes - before);
      files.push(file);
    }
    stop = true;
    await Promise.all(writers);
    // The test means something only if writes really ran while backups were taken.
    expect(writesDuring.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    for (const file of files) {
      const dir = tempDir('snap-restored-');
      const listed = await extract(file, dir);
      expect(listed.filter((p) => p.startsWith('cases/'))).toHaveLength(20);
      for (const name of fs.readdirSync(path.join(dir, 'cases'))) {
        const doc = JSON.parse(fs.readFileSync(path.join(dir, 'cases', name), 'utf8')) as Doc;
        expect(doc.pad.length === 0 || doc.pad.length === 50_000 + doc.n).toBe(true);
      }
      for (const log of fs.readdirSync(path.join(dir, 'audit')))
        expect(fs.readFileSync(path.join(dir, 'audit', log), 'utf8').endsWith('\n')).toBe(true);
      const restored = await AuditLog.open(dir, () => new Date());
      const verified = await restored.verify();
      expect(verified.ok, JSON.stringify(verified.brokenAt)).toBe(true);
      expect(verified.entries).toBeGreaterThan(0);
    }
  });

  it('never catches a write half done, however long the write takes', async () => {
    const dataDir = tempDir('snap-slow-');
    fs.mkdirSync(path.join(dataDir, 'audit'));
    const log = path.join(dataDir, 'audit', '2026-03.log');
    fs.writeFileSync(log, 'line 1\n');
    let halfWritten!: () => void;
    const half = new Promise<void>((r) => (halfWritten = r));
    // A write in two steps with a pause between them, as a large append may land on disk.
    const slow = duringWrite(async () => {
      fs.appendFileSync(log, 'line 2, first ha');
      halfWritten();
      await new Promise((r) => setTimeout(r, 300));
      fs.appendFileSync(log, 'lf\n');
    });
    await half;
    const file = path.join(tempDir('snap-out-'), 'b.iambak');
    const taking = backup(dataDir, file);
    // Once the snapshot is waiting for the slow write, a new write is held back until it is taken.
    while (!fs.readdirSync(dataDir).some((n) => n.startsWith('.backup-snapshot-'))) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const later = duringWrite(async () => fs.appendFileSync(log, 'line 3\n'));
    await Promise.all([slow, taking, later]);
    const dir = tempDir('snap-restored-');
    await extract(file, dir);
    expect(fs.readFileSync(path.join(dir, 'audit', '2026-03.log'), 'utf8')).toBe('line 1\nline 2, first half\n');
  });

  it('leaves out the lock, the socket, temp files, last-good copies and run-time markers', async () => {
    const dataDir = tempDir('snap-excl-');
    fs.writeFileSync(path.join(dataDir, '.lock'), '{}');
    fs.writeFileSync(path.join(dataDir, '.healthz'), 'now');
    await writeFileDurable(path.join(dataDir, 'users.json'), JSON.stringify({ users: [{ id: 'a' }, { id: 'b' }] }));
    await writeFileDurable(path.join(dataDir, 'users.json'), JSON.stringify({ users: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] })); // leaves users.json.bak
    fs.mkdirSync(path.join(dataDir, 'documents', 'c1'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'documents', 'c1', '0123'), '%PDF-1.7');
    fs.writeFileSync(path.join(dataDir, 'documents', 'c1', '.4567.upload.tmp'), 'half an upload');
    fs.writeFileSync(path.join(dataDir, 'documents', 'c1', 'gone.json.removed'), '{}');
    const socket = net.createServer().listen(path.join(dataDir, 'appliance.sock'));
    await new Promise((r) => socket.once('listening', r));
    try {
      const file = path.join(tempDir('snap-out-'), 'b.iambak');
      await backup(dataDir, file);
      const listed = await extract(file, tempDir('snap-restored-'));
      expect(fs.existsSync(path.join(dataDir, 'users.json.bak'))).toBe(true);
      expect(listed).toEqual(['documents/c1/0123', 'users.json']);
      const { manifest } = await readBackupFile(file, PASSPHRASE);
      expect(manifest.counts).toEqual({ cases: 0, documents: 1, users: 3, auditEntries: 0 });
      // The snapshot's links are gone once the backup is written.
      expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('.backup-snapshot-'))).toEqual([]);
    } finally {
      socket.close();
    }
  });
});
