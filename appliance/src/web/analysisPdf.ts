/**
 * An analysis as a PDF for the client file, with pdfkit (pure JavaScript, no headless browser or
 * native library; writes text as text, so the PDF is searchable and small). DejaVu Sans is used
 * when the system has it (Debian's fonts-dejavu-core) for full Unicode names; otherwise the
 * built-in Helvetica, which covers French (WinAnsi).
 */
import { numberPages } from './pdfPageNumbers.js';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { CATALOGUES, fill, type Locale } from './messages.js';
import { FACTS_CATALOGUES } from './factsMessages.js';
import { longDue, nextDeadline, timeLeft } from './deadlineSummary.js';
import { formatDate } from './format.js';
import { writeEstimatePdf } from './estimatePdf.js';
import { routeCounts, splitRoutes } from './analysisRoutes.js';
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
  /** Fixed in tests so the output is reproducible; also "now" for how long is left. */
  now: Date;
  /** Tests read the text back: the built-in fonts and uncompressed streams keep it legible. */
  legible?: boolean;
}

/**
 * Renders the PDF and resolves with its bytes, in the page's order: the summary (next deadline,
 * weekday, how long is left, the sentence that the avocat checks it against the notification),
 * what changed since the last analysis, the deadlines with every reading, the plausible routes in
 * full and the others one line each, the estimate, the rules, the caveats; "Page n sur N" on each page.
 */
export function buildAnalysisPdf(input: AnalysisPdfInput): Promise<Buffer> {
  const m = CATALOGUES[input.locale];
  const f = FACTS_CATALOGUES[input.locale];
  const { analysis: a } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    bufferPages: true,
    compress: input.legible !== true,
    info: { Title: `${m.analysis} — ${input.caseReference}`, Author: input.cabinet.name, CreationDate: input.now, ModDate: input.now },
  });
  const unicode = input.legible !== true && fs.existsSync(DEJAVU) && fs.existsSync(DEJAVU_BOLD);
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

  const readings = (d: AnalysisView['deadlines'][number]) => {
    if (!d.readings || d.readings.length < 2) return;
    doc.text(`${f.otherReadings} :`);
    for (const r of d.readings)
      doc.text(`• ${formatDate(r.dueAt, input.locale, r.hourly)} — ${r.label}${r.retained ? ` (${f.readingRetained})` : ''}`, {
        indent: 10,
      });
  };

  heading(f.summaryTitle);
  const next = nextDeadline(a.deadlines, input.now);
  if (next) {
    doc.font(bold).text(`${f.nextDeadline} : ${next.label} — ${longDue(next, input.locale)} (${timeLeft(next, input.now, f)})`);
    doc.font(regular).text(`${m.court} : ${next.court}`).text(`${m.article} : ${next.article}`);
    if (next.hourUnknown) doc.text(`⚠ ${f.hourUnknown}`);
    readings(next);
  } else {
    doc.text(a.deadlines.some((d) => d.dueAt !== '') ? f.allDeadlinesPassed : f.noUpcomingDeadline);
  }
  doc.moveDown(0.3).text(f.verifyAgainstNotification);

  if (a.changes) {
    heading(fill(f.changesTitle, { date: formatDate(a.changes.since, input.locale, true) }));
    if (a.changes.lines.length === 0) doc.text(fill(f.noChanges, { date: formatDate(a.changes.since, input.locale, true) }));
    for (const line of a.changes.lines) doc.text(`• ${line}`, { indent: 10 });
  }

  heading(m.deadlines);
  for (const d of a.deadlines) {
    doc.font(bold).text(`${d.label} — ${d.dueAt ? formatDate(d.dueAt, input.locale, d.hourly) : m.dueLater}`);
    doc.font(regular).text(`${m.court} : ${d.court}`).text(`${m.computation} : ${d.computation}`).text(`${m.article} : ${d.article}`);
    for (const n of d.notes ?? []) doc.text(`• ${n}`, { indent: 10 });
    if (d.hourUnknown) doc.text(`⚠ ${f.hourUnknown}`);
    readings(d);
    if (d.toVerify) doc.text(`⚠ ${d.toVerify}`);
    doc.moveDown(0.4);
  }
  if (a.eligibility.length > 0) {
    heading(f.routesTitle);
    const label = { met: m.conditionMet, not_met: m.conditionNotMet, unknown: m.conditionUnknown } as const;
    const counts = (t: AnalysisView['eligibility'][number]) => routeCounts(t, f);
    const { plausible, others } = splitRoutes(a.eligibility);
    if (plausible.length === 0) doc.text(f.noPlausibleRoute);
    for (const t of plausible) {
      doc
        .font(bold)
        .text(`${t.titre} — ${counts(t)}`)
        .font(regular);
      for (const c of t.conditions)
        doc.text(`• ${label[c.status]} — ${c.label} (${c.article})${c.evidence ? ` — ${c.evidence}` : ''}`, { indent: 10 });
      doc.moveDown(0.3);
    }
    // The routes the facts do not support: one line each, as the page keeps them collapsed.
    if (others.length > 0) {
      doc
        .moveDown(0.3)
        .font(bold)
        .text(fill(f.otherRoutes, { n: others.length }))
        .font(regular);
      for (const t of others) doc.text(`• ${t.titre} — ${counts(t)}`, { indent: 10 });
    }
  }
  if (a.estimate) {
    heading(m.estimate);
    writeEstimatePdf(doc, a.estimate, input.locale);
  }
  heading(m.rules);
  for (const r of a.rules) doc.text(`• ${r.rule} — ${r.article}`);
  heading(f.caveatsTitle);
  doc.text(f.verifyAgainstNotification);
  for (const c of a.caveats ?? []) doc.text(`• ${c}`, { indent: 10 });

  numberPages(doc, regular, (page, pages) => fill(f.pageOf, { page, pages }));
  doc.end();
  return done;
}
