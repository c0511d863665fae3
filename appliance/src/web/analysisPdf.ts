/**
 * An analysis as a PDF for the client file, with pdfkit (pure JavaScript, no headless browser or
 * native library; writes text as text, so the PDF is searchable and small). DejaVu Sans is used
 * when the system has it (Debian's fonts-dejavu-core) for full Unicode names; otherwise the
 * built-in Helvetica, which covers French (WinAnsi).
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { CATALOGUES, fill, type Locale } from './messages.js';
import { formatDate } from './format.js';
import { writeEstimatePdf } from './estimatePdf.js';
import type { AnalysisView } from './viewModels.js';

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const DEJAVU_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export interface AnalysisPdfInput {
  locale: Locale;
  cabinet: { name: string; siret: string | null; address: string | null };
  caseReference: string;
  clientName: string;
  procedureLabel: string;
  analysis: AnalysisView;
  /** Fixed in tests so the output is reproducible. */
  now: Date;
}

/** Renders the PDF and resolves with its bytes. */
export function buildAnalysisPdf(input: AnalysisPdfInput): Promise<Buffer> {
  const m = CATALOGUES[input.locale];
  const { analysis: a } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${m.analysis} — ${input.caseReference}`, Author: input.cabinet.name, CreationDate: input.now, ModDate: input.now },
  });
  const unicode = fs.existsSync(DEJAVU) && fs.existsSync(DEJAVU_BOLD);
  const regular = unicode ? DEJAVU : 'Helvetica';
  const bold = unicode ? DEJAVU_BOLD : 'Helvetica-Bold';
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => doc.moveDown(0.8).font(bold).fontSize(13).text(text).moveDown(0.3).font(regular).fontSize(10);
  doc.font(bold).fontSize(16).text(input.cabinet.name);
  doc
    .font(regular)
    .fontSize(9)
    .text([input.cabinet.siret ? `SIRET ${input.cabinet.siret}` : '', input.cabinet.address ?? ''].filter(Boolean).join(' — '));
  doc.moveDown(1).font(bold).fontSize(14).text(`${m.analysis} — ${input.caseReference}`);
  doc.font(regular).fontSize(10).text(`${m.client} : ${input.clientName}`).text(`${m.procedure} : ${input.procedureLabel}`);
  doc.text(
    `${a.model} — ${formatDate(a.createdAt, input.locale, true)} — ${fill(m.rulesAsOf, { date: formatDate(a.rulesAsOf, input.locale) })}`,
  );

  heading(m.deadlines);
  for (const d of a.deadlines) {
    doc.font(bold).text(`${d.label} — ${d.dueAt ? formatDate(d.dueAt, input.locale, d.hourly) : m.dueLater}`);
    doc.font(regular).text(`${m.court} : ${d.court}`).text(`${m.computation} : ${d.computation}`).text(`${m.article} : ${d.article}`);
    for (const n of d.notes ?? []) doc.text(`• ${n}`, { indent: 10 });
    if (d.toVerify) doc.text(`⚠ ${d.toVerify}`);
    doc.moveDown(0.4);
  }
  if (a.eligibility.length > 0) {
    heading(m.eligibility);
    const label = { met: m.conditionMet, not_met: m.conditionNotMet, unknown: m.conditionUnknown } as const;
    for (const t of a.eligibility) {
      doc.font(bold).text(t.titre).font(regular);
      for (const c of t.conditions)
        doc.text(`• ${label[c.status]} — ${c.label} (${c.article})${c.evidence ? ` — ${c.evidence}` : ''}`, { indent: 10 });
      doc.moveDown(0.3);
    }
  }
  if (a.estimate) {
    heading(m.estimate);
    writeEstimatePdf(doc, a.estimate, input.locale);
  }
  heading(m.rules);
  for (const r of a.rules) doc.text(`• ${r.rule} — ${r.article}`);
  doc.end();
  return done;
}
