/**
 * A case's pièces packed for Télérecours (docs/telerecours.md): every pièce a PDF named by its
 * number and label, with the numbered bordereau (CJA R. 414-5) — as a zip of one file per pièce,
 * or as one PDF with the bordereau first and a signet per pièce.
 *
 * PDFs are sent as uploaded (their bytes untouched: a signed PDF stays signed); JPEG and PNG scans
 * become one-page PDFs; DOCX, ODT and text cannot be converted on the appliance, so the export
 * refuses and names them. Every pièce is read and checked before the first byte is sent, so a
 * refusal is an error page, not a truncated download.
 *
 * Memory: the zip is streamed one pièce at a time (the check reads each once, the zip again);
 * the single PDF is built in memory, so the pièces' total is bounded by EXPORT_MAX_BYTES.
 */
import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipPassThrough } from 'fflate';
import { PDFDocument, PDFHexString, PDFName, StandardFonts, type PDFFont, type PDFPage, type PDFRef } from 'pdf-lib';
import { ApplianceError } from '../../errors.js';
import type { Piece } from './pieces.js';
import { bordereauFileName, bordereauTitle, exportNames, numberWidth, type ExportName } from './telerecoursNames.js';

/** The pièces' total an export reads (the single PDF holds it all in memory, twice while saving). */
export const EXPORT_MAX_BYTES = 100 * 2 ** 20;
/**
 * Per file: 32 Mo is Télérecours citoyens' published limit; the lawyers' Télérecours publishes none
 * we could confirm, so the same conservative value is applied to every file of the zip.
 */
export const TELERECOURS_FILE_MAX_BYTES = 32 * 2 ** 20;

export type RefusalReason = 'not_convertible' | 'encrypted' | 'broken' | 'too_large';

export interface RefusedPiece {
  number: number;
  label: string;
  name: string;
  reason: RefusalReason;
}

export interface ExportSource {
  caseReference: string;
  clientName: string;
  cabinetName: string;
  /** The bordereau's date and the zip entries' time (the appliance's clock). */
  now: Date;
  pieces: readonly Piece[];
  read: (documentId: string) => Promise<Buffer>;
}

const CONVERTIBLE = new Set(['application/pdf', 'image/jpeg', 'image/png']);

const FIX: Readonly<Record<RefusalReason, string>> = {
  not_convertible: 'cannot be converted to PDF here; upload it as PDF',
  encrypted: 'is a password-protected PDF; upload a copy without protection',
  broken: 'is not a readable PDF or image; upload it again (scan or print it to PDF)',
  too_large: `is larger than ${TELERECOURS_FILE_MAX_BYTES / 2 ** 20} Mo once in PDF; split it into several pièces`,
};

function refuse(refused: RefusedPiece[]): never {
  const list = refused.map((r) => `pièce ${r.number} (${r.name}) ${FIX[r.reason]}`).join('; ');
  throw new ApplianceError('piece_not_exportable', `pieces: ${list}`, { pieces: refused });
}

function refusal(p: Piece, reason: RefusalReason): RefusedPiece {
  return { number: p.number, label: p.label, name: p.document.name, reason };
}

/** What can be refused without reading a byte: an empty case, a format we cannot convert, a total over the bound. */
function checkBeforeReading(pieces: readonly Piece[]): void {
  if (pieces.length === 0) throw new ApplianceError('invalid_input', 'pieces: the case has no pièce to export; add one first');
  const unconvertible = pieces.filter((p) => !CONVERTIBLE.has(p.document.contentType));
  if (unconvertible.length > 0) refuse(unconvertible.map((p) => refusal(p, 'not_convertible')));
  const total = pieces.reduce((sum, p) => sum + p.document.size, 0);
  if (total > EXPORT_MAX_BYTES)
    throw new ApplianceError(
      'payload_too_large',
      `pieces: together ${Math.ceil(total / 2 ** 20)} Mo, more than the ${EXPORT_MAX_BYTES / 2 ** 20} Mo one export reads; delete or compress some pièces`,
      { limit: EXPORT_MAX_BYTES },
    );
}

/** A PDF that opens, has pages and is not encrypted; or the reason it is refused. */
async function loadPdf(bytes: Uint8Array): Promise<PDFDocument | 'encrypted' | 'broken'> {
  try {
    // Loaded even when encrypted, then asked: pdf-lib's EncryptedPDFError is not an `instanceof`
    // target (its classes are compiled to ES5).
    const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
    if (doc.isEncrypted) return 'encrypted';
    return doc.getPageCount() > 0 ? doc : 'broken';
  } catch {
    return 'broken';
  }
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 28; // 1 cm

/** Draws a scan on its own A4 page (landscape when the scan is), scaled to fit inside a 1 cm margin. */
async function addImagePage(doc: PDFDocument, contentType: string, bytes: Uint8Array): Promise<PDFPage> {
  // pdf-lib reads the image through a DataView of the whole underlying ArrayBuffer, ignoring the
  // view's offset: a Buffer sharing Node's pool would be read from the wrong place, so copy it.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  const image = contentType === 'image/png' ? await doc.embedPng(own) : await doc.embedJpg(own);
  const size: [number, number] = image.width > image.height ? [A4[1], A4[0]] : A4;
  const page = doc.addPage(size);
  const scale = Math.min((size[0] - 2 * MARGIN) / image.width, (size[1] - 2 * MARGIN) / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  page.drawImage(image, { x: (size[0] - w) / 2, y: (size[1] - h) / 2, width: w, height: h });
  return page;
}

/** One pièce as the bytes of a PDF file, or why not. */
async function pieceAsPdf(piece: Piece, bytes: Buffer): Promise<Uint8Array | RefusalReason> {
  if (piece.document.contentType === 'application/pdf') {
    const loaded = await loadPdf(bytes);
    return typeof loaded === 'string' ? loaded : bytes;
  }
  try {
    const doc = await PDFDocument.create();
    await addImagePage(doc, piece.document.contentType, bytes);
    return await doc.save();
  } catch {
    return 'broken';
  }
}

/** Reads and checks every pièce once; refuses naming all the pièces that cannot go. */
async function checkEveryPiece(source: ExportSource, names: readonly ExportName[]): Promise<void> {
  const refused: RefusedPiece[] = [];
  for (const { piece } of names) {
    const pdf = await pieceAsPdf(piece, await source.read(piece.document.id));
    if (typeof pdf === 'string') refused.push(refusal(piece, pdf));
    else if (pdf.length > TELERECOURS_FILE_MAX_BYTES) refused.push(refusal(piece, 'too_large'));
  }
  if (refused.length > 0) refuse(refused);
}

// --- The bordereau -------------------------------------------------------------------------------

/** Replaces what the standard Helvetica cannot print (WinAnsi) by its unaccented letter, or "?". */
function printable(font: PDFFont, text: string): string {
  const known = new Set(font.getCharacterSet());
  return [...text]
    .map((c) => {
      if (known.has(c.codePointAt(0)!)) return c;
      const base = c.normalize('NFD').replace(/\p{M}+/gu, '');
      return [...base].every((b) => known.has(b.codePointAt(0)!)) && base !== '' ? base : '?';
    })
    .join('');
}

function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || line === '') line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The bordereau (inventaire détaillé des pièces, CJA R. 414-5): the case, then one line per pièce
 * with its number, its label as the lawyer wrote it and the name of the file that carries it.
 * Drawn into `doc`; returns its first page (the combined PDF's first signet points there).
 */
async function drawBordereau(doc: PDFDocument, source: ExportSource, names: readonly ExportName[]): Promise<PDFPage> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const left = 56;
  const width = A4[0] - 2 * left;
  let page = doc.addPage(A4);
  const first = page;
  let y = A4[1] - 64;
  const line = (text: string, f: PDFFont, size: number, indent = 0) => {
    for (const l of wrap(f, size, printable(f, text), width - indent)) {
      if (y < 64) {
        page = doc.addPage(A4);
        y = A4[1] - 64;
      }
      page.drawText(l, { x: left + indent, y, size, font: f });
      y -= size * 1.4;
    }
  };
  const date = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(source.now);
  line('Bordereau des pièces', bold, 16);
  y -= 4;
  line(source.cabinetName, font, 10);
  line(`Dossier ${source.caseReference} — ${source.clientName}`, font, 10);
  line(
    `Établi le ${date} ; ${names.length} pièce${names.length > 1 ? 's' : ''} numérotée${names.length > 1 ? 's' : ''} de 1 à ${names.length}.`,
    font,
    10,
  );
  y -= 10;
  for (const { piece, fileName } of names) {
    line(`Pièce n° ${piece.number} : ${piece.label}`, bold, 11);
    line(`Fichier ${fileName}`, font, 9, 16);
    y -= 4;
  }
  return first;
}

// --- The zip ---------------------------------------------------------------------------------------

export interface TelerecoursZip {
  fileName: string;
  /** The entries' names in order (the bordereau, then the pièces by number). */
  entries: string[];
  stream: Readable;
}

/** Checks every pièce, then streams the zip: the bordereau, then one PDF per pièce, stored uncompressed (PDFs are). */
export async function telerecoursZip(source: ExportSource): Promise<TelerecoursZip> {
  checkBeforeReading(source.pieces);
  const names = exportNames(source.pieces);
  await checkEveryPiece(source, names);
  const bordereau = await PDFDocument.create();
  await drawBordereau(bordereau, source, names);
  const bordereauBytes = await bordereau.save();
  const out = new PassThrough();
  const zip = new Zip((err, chunk, final) => {
    if (err) return void out.destroy(err);
    out.write(chunk);
    if (final) out.end();
  });
  const add = (name: string, bytes: Uint8Array) => {
    const entry = new ZipPassThrough(name);
    entry.mtime = source.now;
    zip.add(entry);
    entry.push(bytes, true);
  };
  const entries = [bordereauFileName(names.length), ...names.map((n) => n.fileName)];
  void (async () => {
    add(entries[0]!, bordereauBytes);
    for (const { piece, fileName } of names) {
      // Back-pressure: the next pièce is read only once the client has taken most of the last one.
      // A client that goes away closes the stream instead: the loop then stops.
      if (out.writableLength > 8 * 2 ** 20)
        await new Promise((resolve) => {
          out.once('drain', resolve);
          out.once('close', resolve);
        });
      if (out.destroyed) return;
      const pdf = await pieceAsPdf(piece, await source.read(piece.document.id));
      if (typeof pdf === 'string')
        throw new ApplianceError('piece_not_exportable', `pieces: pièce ${piece.number} changed during the export`);
      add(fileName, pdf);
    }
    zip.end();
  })().catch((err: unknown) => out.destroy(err as Error));
  return { fileName: `Telerecours_${safeReference(source.caseReference)}.zip`, entries, stream: out };
}

// --- The single PDF --------------------------------------------------------------------------------

interface Signet {
  title: string;
  page: PDFRef;
}

/**
 * The outline (signets): pdf-lib has no API for it, so its dictionaries are written with the
 * low-level objects (PDF 1.7, 12.3.3): an /Outlines root, one item per signet linked by
 * /Prev and /Next, each with a /Dest to its first page.
 */
function writeOutline(doc: PDFDocument, signets: readonly Signet[]): void {
  const context = doc.context;
  const root = context.nextRef();
  const refs = signets.map(() => context.nextRef());
  signets.forEach((s, i) => {
    const item = context.obj({ Title: PDFHexString.fromText(s.title), Parent: root, Dest: [s.page, 'Fit'] });
    if (i > 0) item.set(PDFName.of('Prev'), refs[i - 1]!);
    if (i < refs.length - 1) item.set(PDFName.of('Next'), refs[i + 1]!);
    context.assign(refs[i]!, item);
  });
  context.assign(root, context.obj({ Type: 'Outlines', First: refs[0]!, Last: refs[refs.length - 1]!, Count: refs.length }));
  doc.catalog.set(PDFName.of('Outlines'), root);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

/** One PDF: the bordereau, then every pièce in order, a signet titled like the pièce's file for each. */
export async function telerecoursPdf(source: ExportSource): Promise<{ fileName: string; bytes: Uint8Array }> {
  checkBeforeReading(source.pieces);
  const names = exportNames(source.pieces);
  const doc = await PDFDocument.create();
  doc.setTitle(`Pièces — ${source.caseReference}`);
  doc.setCreationDate(source.now);
  doc.setModificationDate(source.now);
  const signets: Signet[] = [{ title: bordereauTitle(numberWidth(names.length)), page: (await drawBordereau(doc, source, names)).ref }];
  const refused: RefusedPiece[] = [];
  for (const { piece, title } of names) {
    const bytes = await source.read(piece.document.id);
    if (piece.document.contentType === 'application/pdf') {
      const loaded = await loadPdf(bytes);
      if (typeof loaded === 'string') {
        refused.push(refusal(piece, loaded));
        continue;
      }
      try {
        const pages = await doc.copyPages(loaded, loaded.getPageIndices());
        pages.forEach((p) => doc.addPage(p));
        signets.push({ title, page: pages[0]!.ref });
      } catch {
        refused.push(refusal(piece, 'broken'));
      }
    } else {
      try {
        signets.push({ title, page: (await addImagePage(doc, piece.document.contentType, bytes)).ref });
      } catch {
        refused.push(refusal(piece, 'broken'));
      }
    }
  }
  if (refused.length > 0) refuse(refused);
  writeOutline(doc, signets);
  return { fileName: `Telerecours_${safeReference(source.caseReference)}.pdf`, bytes: await doc.save() };
}

function safeReference(reference: string): string {
  return reference.replace(/[^A-Za-z0-9-]+/g, '_');
}
