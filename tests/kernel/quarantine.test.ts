/**
 * Quarantine (protocol storage/quarantine.ts): a document that cannot be read and has no usable
 * last good copy is moved aside with its copies, and the collection opens without it — only when
 * its owner says it can do without (`onUnreadable`); otherwise opening still fails, naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DocumentCollection, listQuarantine, quarantineFile, type StorageError } from '@iamanager/kernel/storage';

const schema = z.object({ id: z.string(), n: z.int() });
let dataDir: string;
let dir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarantine-'));
  dir = path.join(dataDir, 'records');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify({ id: 'good', n: 1 }));
  // Invalid, with a last good copy that is invalid too.
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ id: 'bad', n: 2 ** 60 }));
  fs.writeFileSync(path.join(dir, 'bad.json.bak'), '{"id": "bad", "n"');
  // Only a last good copy left, and it is not JSON.
  fs.writeFileSync(path.join(dir, 'orphan.json.bak'), 'garbage');
});

afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('quarantine', () => {
  it('without onUnreadable, opening still fails and names the file', async () => {
    await expect(DocumentCollection.open(dir, { schema })).rejects.toMatchObject({
      code: 'storage_corrupt',
      message: expect.stringMatching(/records\/(bad|orphan)\.json is .* no usable last good copy/),
    });
  });

  it('moves each unreadable document aside with its copies, and opens with the others', async () => {
    const at = new Date('2026-04-02T08:00:00.000Z');
    const seen: string[] = [];
    const onUnreadable = async (file: string, err: StorageError) => {
      seen.push(`${path.basename(file)} ${err.code}`);
      await quarantineFile(dataDir, file, at);
    };
    const docs = await DocumentCollection.open(dir, { schema, onUnreadable });
    expect([...docs.ids()]).toEqual(['good']);
    expect(seen.sort()).toEqual(['bad.json storage_corrupt', 'orphan.json storage_corrupt']);
    expect(fs.readdirSync(dir).sort()).toEqual(['good.json']);
    const listed = await listQuarantine(dataDir);
    expect(listed.map((q) => [q.file, q.at])).toEqual([
      ['records/bad.json', '2026-04-02T08:00:00.000Z'],
      ['records/orphan.json', '2026-04-02T08:00:00.000Z'],
    ]);
    const folder = path.join(dataDir, 'quarantine', '2026-04-02T08-00-00.000Z', 'records');
    expect(fs.readdirSync(folder).sort()).toEqual(['bad.json', 'bad.json.bak', 'orphan.json.bak']);
    expect(listed[0]!.movedTo).toBe(path.join('quarantine', '2026-04-02T08-00-00.000Z', 'records', 'bad.json'));
    // A second open finds nothing left to quarantine, and the list is the same.
    await DocumentCollection.open(dir, { schema, onUnreadable });
    expect(seen).toHaveLength(2);
    expect(await listQuarantine(dataDir)).toEqual(listed);
  });

  it('keeps two quarantines of one path at one instant apart', async () => {
    const at = new Date('2026-04-02T08:00:00.000Z');
    const file = path.join(dir, 'again.json');
    fs.writeFileSync(file, 'first');
    const first = await quarantineFile(dataDir, file, at);
    fs.writeFileSync(file, 'second');
    const second = await quarantineFile(dataDir, file, at);
    expect(second.movedTo).not.toBe(first.movedTo);
    expect([first, second].map((q) => fs.readFileSync(path.join(dataDir, q.movedTo), 'utf8'))).toEqual(['first', 'second']);
    expect((await listQuarantine(dataDir)).map((q) => q.movedTo)).toEqual([first.movedTo, second.movedTo]);
  });

  it('refuses a file outside DATA_DIR', async () => {
    await expect(quarantineFile(dir, path.join(dataDir, 'elsewhere.json'), new Date())).rejects.toThrow(/is not inside/);
  });
});
