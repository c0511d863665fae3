/**
 * The daily register of deadlines and the proof of diligence as PDFs (docs/deadlines.md), with
 * pdfkit like the analysis PDF (analysisPdf.ts): text as text, DejaVu Sans when the system has it.
 * The proof's PDF shows the facts for a reader and carries the signed token twice: printed (a
 * paper copy can be typed back) and attached as `preuve.jws`, which is what is verified.
 */
import { numberPages } from './pdfPageNumbers.js';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { fill, type Locale } from './messages.js';
import { formatDate, formatDateValue } from './format.js';
import { DEADLINE_CATALOGUES, type DeadlineMessages } from './deadlineMessages.js';
import { closureText, dueText } from './pages/deadlineActions.js';
import type { RegisterRow } from '../domain/deadlines/register.js';
import type { ProofClaims } from '../domain/deadlines/diligenceProof.js';

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const DEJAVU_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

interface PdfCommon {
  locale: Locale;
  cabinetName: string;
  now: Date;
  /** Tests read the text back: the built-in fonts and uncompressed streams keep it legible. */
  legible?: boolean;
}

function openPdf(title: string, input: PdfCommon) {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    compress: input.legible !== true,
    info: { Title: title, Author: input.cabinetName, CreationDate: input.now, ModDate: input.now },
  });
  const unicode = input.legible !== true && fs.existsSync(DEJAVU) && fs.existsSync(DEJAVU_BOLD);
  const fonts = { regular: unicode ? DEJAVU : 'Helvetica', bold: unicode ? DEJAVU_BOLD : 'Helvetica-Bold' };
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(fonts.bold).fontSize(16).text(input.cabinetName);
  return { doc, fonts, done };
}

/** "Page n sur N" on every page, once their number is known, then the end of the document. */
function finish(doc: PDFKit.PDFDocument, regular: string, t: DeadlineMessages): void {
  numberPages(doc, regular, (n, total) => fill(t.page, { n, total }));
  doc.end();
}

export function buildRegisterPdf(input: PdfCommon & { day: string; rows: readonly RegisterRow[] }): Promise<Buffer> {
  const t = DEADLINE_CATALOGUES[input.locale];
  const { doc, fonts, done } = openPdf(`${t.registerTitle} — ${input.day}`, input);
  doc.moveDown(0.8).fontSize(14).text(t.registerTitle);
  doc
    .font(fonts.regular)
    .fontSize(10)
    .text(fill(t.registerDay, { day: formatDateValue(input.day, input.locale) }));
  doc.moveDown(0.8);
  if (input.rows.length === 0) doc.text(t.registerNone);
  const what = { entered: t.registerEntered, due: t.registerDue, closed: t.registerClosed, pending: t.registerPending } as const;
  for (const r of input.rows) {
    doc.font(fonts.bold).text(`${what[r.event]} — ${r.reference} — ${r.label}`);
    const lines = [
      `${t.due} : ${dueText(r.due, r.due.includes('T'), input.locale)} (${r.legalBasis})`,
      r.at ? `${t.registerWho} : ${r.by || '—'} — ${formatDate(r.at, input.locale, true)}` : '',
      r.closure ? closureLine(r, t, input.locale) : '',
    ].filter(Boolean);
    doc.font(fonts.regular);
    for (const line of lines) doc.text(line, { indent: 10 });
    doc.moveDown(0.4);
  }
  finish(doc, fonts.regular, t);
  return done;
}

function closureLine(r: RegisterRow, t: DeadlineMessages, locale: Locale): string {
  const c = r.closure!;
  if (c.kind === 'filed')
    return `${t.kindFiled} : ${formatDateValue(c.filedOn ?? '', locale)}${c.receiptNumber ? fill(t.receiptNo, { n: c.receiptNumber }) : ''}${c.confirmedBy ? fill(t.confirmedByShort, { by: c.confirmedBy }) : ''}`;
  return `${c.kind === 'no_remedy' ? t.kindNoRemedy : t.kindDismissed} : ${c.reason ?? ''}`;
}

export function buildProofPdf(input: PdfCommon & { jws: string; claims: ProofClaims; procedureLabel: string }): Promise<Buffer> {
  const t = DEADLINE_CATALOGUES[input.locale];
  const { claims: p } = input;
  const { doc, fonts, done } = openPdf(`${t.proofTitle} — ${p.case.reference} — ${p.deadline.remedy}`, input);
  const row = (label: string, value: string) =>
    doc.font(fonts.bold).text(`${label} : `, { continued: true }).font(fonts.regular).text(value);
  doc.moveDown(0.8).fontSize(14).text(t.proofTitle);
  doc.font(fonts.regular).fontSize(9).text(t.proofIntro).moveDown(0.8).fontSize(10);
  row(t.proofCase, p.case.reference);
  row(t.proofDeadline, p.deadline.label);
  row(t.proofComputed, dueText(p.deadline.due, p.deadline.hourly, input.locale));
  row(t.proofLegalBasis, p.deadline.legalBasis);
  row(t.proofRules, p.rulesVersion);
  doc.moveDown(0.5).font(fonts.bold).text(t.proofInputs).font(fonts.regular);
  row(t.proofProcedure, input.procedureLabel);
  row(t.proofNotified, formatDateValue(p.inputs.decisionNotifiedAt, input.locale));
  row(t.proofDepartement, p.inputs.departement ?? '—');
  row(
    t.proofAnalysis,
    p.inputs.analysis
      ? `${p.inputs.analysis.id} — ${formatDate(p.inputs.analysis.createdAt, input.locale, true)} — ${p.inputs.analysis.createdBy}`
      : t.proofBasicRules,
  );
  for (const [key, value] of Object.entries(p.inputs.facts))
    doc.text(`• ${key} : ${typeof value === 'string' ? value : JSON.stringify(value)}`, { indent: 10 });
  doc.moveDown(0.5);
  row(t.proofAck, p.acknowledgement ? `${p.acknowledgement.by} — ${formatDate(p.acknowledgement.at, input.locale, true)}` : t.proofNone);
  row(t.proofClosure, p.closure ? closureText(p.closure, t, input.locale) : t.proofNone);
  row(t.proofSignedAt, formatDate(new Date(p.iat * 1000).toISOString(), input.locale, true));
  row(t.proofKey, p.keyThumbprint);
  doc.moveDown(0.8).font(fonts.bold).text(t.proofToken);
  // Courier breaks the long token anywhere; what matters is that it can be copied back whole.
  doc.font('Courier').fontSize(6).text(input.jws, { lineBreak: true });
  doc.file(Buffer.from(input.jws, 'utf8'), { name: 'preuve.jws', type: 'application/jose', description: t.proofToken });
  finish(doc, fonts.regular, t);
  return done;
}
