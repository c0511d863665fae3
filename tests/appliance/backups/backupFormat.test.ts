/**
 * The encrypted backup format on its own: what goes in comes out, and every way a file can be
 * damaged or tampered with — a flipped byte anywhere, a cut, reordered, dropped or appended chunk,
 * an edited header — is refused with its stable code before any of it is trusted.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DecryptStream, EncryptStream, newHeader } from '../../../appliance/src/domain/backups/backupFormat.js';

const PASSPHRASE = 'correct horse battery staple';
// A cheaper key and small chunks keep the test quick and give several chunks; the format is the same.
const TUNING = { kdf: { N: 2 ** 14, r: 8, p: 1 }, chunkBytes: 1024 };
const META = { createdAt: '2026-03-15T01:30:00.000Z', kind: 'scheduled' as const, applianceVersion: '0.1.0' };

async function encrypt(plain: Buffer): Promise<Buffer> {
  const { header, keys } = await newHeader(PASSPHRASE, META, TUNING);
  const out: Buffer[] = [];
  await pipeline(Readable.from([plain]), new EncryptStream(header, keys), async function (source) {
    for await (const c of source as AsyncIterable<Buffer>) out.push(c);
  });
  return Buffer.concat(out);
}

/** Decrypts `bytes` fed in pieces of `piece` bytes (the parser must not care how reads fall). */
async function decrypt(bytes: Buffer, passphrase = PASSPHRASE, piece = 4096): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) pieces.push(bytes.subarray(i, i + piece));
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), new DecryptStream(passphrase), async function (source) {
    for await (const c of source as AsyncIterable<Buffer>) out.push(c);
  });
  return Buffer.concat(out);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? `no code: ${(err as Error).message}`;
  }
  return 'no error';
}

/** Where the header ends and each chunk record starts, read from the framing. */
function layout(file: Buffer): { headerEnd: number; records: Array<{ start: number; end: number }> } {
  const headerEnd = 9 + 1 + 4 + file.readUInt32BE(10);
  const records = [];
  for (let at = headerEnd; at < file.length;) {
    const end = at + 5 + file.readUInt32BE(at) + 16;
    records.push({ start: at, end });
    at = end;
  }
  return { headerEnd, records };
}

describe('the backup format', () => {
  it('gives back exactly what went in, whatever its size and however the reads fall', async () => {
    for (const size of [0, 1, 1023, 1024, 2048, 3000]) {
      const plain = randomBytes(size);
      const file = await encrypt(plain);
      expect((await decrypt(file)).equals(plain), `size ${size}`).toBe(true);
      expect((await decrypt(file, PASSPHRASE, 7)).equals(plain), `size ${size}, 7-byte reads`).toBe(true);
    }
  });

  it('frames 3000 bytes as three chunks, the last one flagged final', async () => {
    const file = await encrypt(randomBytes(3000));
    const { records } = layout(file);
    expect(records.map((r) => file.readUInt32BE(r.start))).toEqual([1024, 1024, 952]);
    expect(records.map((r) => file.readUInt8(r.start + 4))).toEqual([0, 0, 1]);
  });

  it('never writes the plaintext or the passphrase into the file', async () => {
    const plain = Buffer.from('Dossier Benali — OQTF notifiée le 2 mars. '.repeat(100));
    const file = await encrypt(plain);
    expect(file.includes(Buffer.from('Benali'))).toBe(false);
    expect(file.includes(Buffer.from(PASSPHRASE))).toBe(false);
  });

  it('refuses a wrong passphrase with its own code', async () => {
    expect(await codeOf(decrypt(await encrypt(randomBytes(100)), 'not the right passphrase at all'))).toBe('backup_wrong_passphrase');
  });

  it('detects a flipped byte in a chunk, in a tag, and in the header', async () => {
    const file = await encrypt(randomBytes(3000));
    const { headerEnd, records } = layout(file);
    const flipped = (at: number) => {
      const copy = Buffer.from(file);
      copy[at]! ^= 0x01;
      return copy;
    };
    expect(await codeOf(decrypt(flipped(records[1]!.start + 100)))).toBe('backup_corrupt');
    expect(await codeOf(decrypt(flipped(records[2]!.end - 1)))).toBe('backup_corrupt');
    // An edited createdAt still parses and the key still derives: chunk 0 then fails authentication.
    const headerText = file.subarray(14, headerEnd).toString('utf8');
    const edited = Buffer.from(file);
    edited.write(headerText.replace('2026-03-15', '2026-03-16'), 14, 'utf8');
    expect(await codeOf(decrypt(edited))).toBe('backup_corrupt');
  });

  it('detects a flipped final flag and a changed chunk length', async () => {
    const file = await encrypt(randomBytes(3000));
    const { records } = layout(file);
    const notFinal = Buffer.from(file);
    notFinal.writeUInt8(0, records[2]!.start + 4);
    expect(await codeOf(decrypt(notFinal))).toBe('backup_corrupt');
    const wrongLength = Buffer.from(file);
    wrongLength.writeUInt32BE(2000, records[0]!.start);
    expect(await codeOf(decrypt(wrongLength))).toBe('backup_corrupt');
  });

  it('reports a file cut anywhere as truncated', async () => {
    const file = await encrypt(randomBytes(3000));
    const { headerEnd, records } = layout(file);
    for (const at of [0, 5, headerEnd - 3, headerEnd, records[1]!.start, records[1]!.start + 50, records[2]!.start, file.length - 1]) {
      expect(await codeOf(decrypt(file.subarray(0, at))), `cut at ${at}`).toBe('backup_truncated');
    }
  });

  it('detects reordered, dropped and appended chunks', async () => {
    const file = await encrypt(randomBytes(3000));
    const { headerEnd, records } = layout(file);
    const [a, b, c] = records.map((r) => file.subarray(r.start, r.end));
    const head = file.subarray(0, headerEnd);
    expect(await codeOf(decrypt(Buffer.concat([head, b!, a!, c!])))).toBe('backup_corrupt');
    expect(await codeOf(decrypt(Buffer.concat([head, a!, c!])))).toBe('backup_corrupt');
    expect(await codeOf(decrypt(Buffer.concat([file, c!])))).toBe('backup_corrupt');
    expect(await codeOf(decrypt(Buffer.concat([file, Buffer.from('x')])))).toBe('backup_corrupt');
  });

  it('refuses what is not a backup, a newer format, and a header asking for an absurd key cost', async () => {
    expect(await codeOf(decrypt(Buffer.from('%PDF-1.7 not a backup at all')))).toBe('backup_unsupported');
    const file = await encrypt(randomBytes(10));
    const newer = Buffer.from(file);
    newer.writeUInt8(2, 9);
    expect(await codeOf(decrypt(newer))).toBe('backup_unsupported');
    const { headerEnd } = layout(file);
    const json = JSON.parse(file.subarray(14, headerEnd).toString('utf8')) as { kdf: { N: number } };
    json.kdf.N = 2 ** 30;
    const text = Buffer.from(JSON.stringify(json));
    const preamble = Buffer.from(file.subarray(0, 14));
    preamble.writeUInt32BE(text.length, 10);
    expect(await codeOf(decrypt(Buffer.concat([preamble, text, file.subarray(headerEnd)])))).toBe('backup_corrupt');
  });
});
