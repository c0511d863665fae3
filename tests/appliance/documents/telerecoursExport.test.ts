/**
 * The Télérecours export in-process, for what the end-to-end test does not reach: a JPEG scan
 * becomes one A4 page (landscape for a landscape scan), the zip's files are the pièces' own bytes,
 * and the refusals that need no reading — an empty case, a total over the bound — name the fix.
 */
import { unzipSync } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_MAX_BYTES,
  telerecoursPdf,
  telerecoursZip,
  type ExportSource,
} from '../../../appliance/src/domain/documents/telerecoursExport.js';
import type { Piece } from '../../../appliance/src/domain/documents/pieces.js';

/** A JPEG header pdf-lib reads without decoding the image: SOI, then SOF0 giving the size, then filler data. */
function jpeg(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03]);
  return Buffer.concat([sof, Buffer.from([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]), Buffer.alloc(64, 0x55), Buffer.from([0xff, 0xd9])]);
}

function piece(number: number, label: string, contentType: string, size: number): Piece {
  return {
    number,
    label,
    document: { id: `doc${number}`, name: `f${number}`, contentType, size, sha256: '', uploadedAt: '', uploadedBy: '' },
  };
}

function source(pieces: Piece[], files: Record<string, Buffer> = {}): ExportSource {
  return {
    caseReference: 'D-2026-0042',
    clientName: 'NGUYEN Lan',
    cabinetName: 'Cabinet Test',
    now: new Date('2026-12-05T10:00:00Z'),
    pieces,
    read: (id) => Promise.resolve(files[id]!),
  };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('the Télérecours export', () => {
  it('turns a landscape JPEG into one landscape A4 page and keeps a PDF pièce byte for byte', async () => {
    const original = await PDFDocument.create();
    original.addPage([200, 300]);
    const pdf = Buffer.from(await original.save());
    const scan = jpeg(1600, 1200);
    const s = source(
      [piece(1, 'Titre de séjour (recto-verso)', 'image/jpeg', scan.length), piece(2, 'Bail', 'application/pdf', pdf.length)],
      {
        doc1: scan,
        doc2: pdf,
      },
    );
    const zip = await telerecoursZip(s);
    expect(zip.fileName).toBe('Telerecours_D-2026-0042.zip');
    const files = unzipSync(new Uint8Array(await collect(zip.stream)));
    expect(Object.keys(files)).toEqual(['00_Bordereau.pdf', '01_Titre_de_sejour_recto-verso.pdf', '02_Bail.pdf']);
    const page = (await PDFDocument.load(files['01_Titre_de_sejour_recto-verso.pdf']!)).getPage(0);
    // A4 is 595.28 × 841.89 pt; a 1600 × 1200 scan is wider than tall, so the page is turned.
    expect([Math.round(page.getWidth()), Math.round(page.getHeight())]).toEqual([842, 595]);
    expect(Buffer.from(files['02_Bail.pdf']!).equals(pdf)).toBe(true);
    // The single PDF: bordereau (1 page), scan (1), PDF (1).
    expect((await PDFDocument.load((await telerecoursPdf(s)).bytes)).getPageCount()).toBe(3);
  });

  it('refuses an empty case and a total over the bound before reading any pièce', async () => {
    await expect(telerecoursZip(source([]))).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^pieces: the case has no pièce/),
    });
    const half = EXPORT_MAX_BYTES / 2;
    const big = source([piece(1, 'A', 'application/pdf', half), piece(2, 'B', 'application/pdf', half + 1)]);
    // `read` returns nothing here: a refusal that read a pièce would fail differently.
    await expect(telerecoursPdf(big)).rejects.toMatchObject({ code: 'payload_too_large', details: { limit: EXPORT_MAX_BYTES } });
  });

  it('names every pièce it cannot convert at once, with the fix', async () => {
    const s = source([
      piece(1, 'Requête', 'application/vnd.oasis.opendocument.text', 10),
      piece(2, 'Décision', 'application/pdf', 10),
      piece(3, 'Notes', 'text/plain', 10),
    ]);
    await expect(telerecoursZip(s)).rejects.toMatchObject({
      code: 'piece_not_exportable',
      message:
        'pieces: pièce 1 (f1) cannot be converted to PDF here; upload it as PDF; pièce 3 (f3) cannot be converted to PDF here; upload it as PDF',
      details: {
        pieces: [
          { number: 1, label: 'Requête', name: 'f1', reason: 'not_convertible' },
          { number: 3, label: 'Notes', name: 'f3', reason: 'not_convertible' },
        ],
      },
    });
  });
});
