/**
 * The estimate block of the analysis PDF: the same content as the page (estimateView.tsx), as
 * text: figure and range, verdict, wide-range warning, known and unknown facts, base rate and its
 * source, caveats. The caller has written the heading and chosen the fonts.
 */
// The PDFKit namespace (document type) comes with pdfkit's type declarations.
import type {} from 'pdfkit';
import { CATALOGUES, fill, type Locale } from './messages.js';
import { percent } from './format.js';
import { estimateNotes, verdictText } from './estimateVerdict.js';
import type { EstimateView } from './estimateViewModel.js';

export function writeEstimatePdf(doc: PDFKit.PDFDocument, e: EstimateView, locale: Locale): void {
  const m = CATALOGUES[locale];
  const notes = estimateNotes(e, m, locale);
  doc.text(fill(m.estimateOf, { p: percent(e.probability), lo: percent(e.low), hi: percent(e.high) }));
  doc.text(verdictText(e, m));
  if (notes.wideRange) doc.text(notes.wideRange);
  if (e.factors.length > 0) {
    doc.moveDown(0.3).text(m.estimateFactors);
    for (const f of e.factors) doc.text(`${f.effect >= 0 ? '+' : '−'} ${f.label}`, { indent: 10 });
  }
  if (e.unknown.length > 0) {
    doc.moveDown(0.3).text(m.estimateUnknownFacts);
    e.unknown.forEach((u, i) => doc.text(`${i + 1}. ${u.label}`, { indent: 10 }));
  }
  if (notes.baseRate) doc.moveDown(0.3).text(notes.baseRate);
  if (e.caveats.length > 0) {
    doc.moveDown(0.3).text(m.estimateCaveats);
    for (const c of e.caveats) doc.text(`• ${c}`, { indent: 10 });
  }
}
