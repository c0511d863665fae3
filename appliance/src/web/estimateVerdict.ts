/**
 * The estimate's verdict as the page and the PDF state it, by the analysis's rule (verdictOf in
 * estimate.ts): "dossier solide" when the estimate reaches the cabinet's threshold and the range's
 * low end stays at even odds or better; uncertain when the range straddles the threshold.
 */
import { SHOWN_MAX, isStrong, strongLowEnd, verdictOf } from '../domain/ceseda/estimate.js';
import { fill, type Locale, type Messages } from './messages.js';
import { percent } from './format.js';
import type { EstimateView } from './estimateViewModel.js';

export function isStrongCase(e: EstimateView): boolean {
  return isStrong(verdictOf(e.probability, e.low, e.high, e.threshold));
}

/** The catalogue sentence for the verdict, filled with the threshold and the low end it needs (in %). */
export function verdictText(e: EstimateView, m: Messages): string {
  const template = {
    strong_range: m.strongCase,
    strong: m.strongCaseEstimate,
    uncertain_low_end: m.uncertainCaseLowEnd,
    uncertain: m.uncertainCase,
    below: m.notStrongCase,
  }[verdictOf(e.probability, e.low, e.high, e.threshold)];
  const sentence = fill(template, { t: percent(e.threshold), floor: percent(strongLowEnd(e.threshold)) });
  return e.threshold > SHOWN_MAX ? `${sentence} ${m.thresholdUnreachable}` : sentence;
}

/** The sentences that say how far to trust the figure: wide range, base rate and its source, caveats. */
export function estimateNotes(e: EstimateView, m: Messages, locale: Locale): { wideRange: string | null; baseRate: string | null } {
  // A published rate keeps its decimal (CNDA 20,5 %); the model's own figures are whole 5-point steps.
  const rate = (p: number) => new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(p * 100);
  return {
    wideRange: e.wideRange
      ? `${fill(m.estimateWideRange, { lo: percent(e.low), hi: percent(e.high) })}${e.unknown.length === 0 ? ` ${m.estimateWideRangeNoUnknown}` : ''}`
      : null,
    baseRate: e.baseRate
      ? `${fill(m.estimateBaseRate, { p: rate(e.baseRate.p), source: e.baseRate.source })}${e.baseRate.borrowed ? ` (${m.estimateBorrowedRate})` : ''}`
      : null,
  };
}
