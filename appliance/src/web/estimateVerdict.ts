/**
 * The estimate's verdict as the analysis states it: a strong case only when the whole range
 * reaches the cabinet's threshold (estimate.ts), uncertain when the range straddles it.
 */
import { verdictOf } from '../domain/ceseda/estimate.js';
import type { Messages } from './messages.js';
import type { AnalysisView } from './viewModels.js';

type EstimateView = NonNullable<AnalysisView['estimate']>;

export function isStrongCase(e: EstimateView): boolean {
  return verdictOf(e.low, e.high, e.threshold) === 'strong';
}

/** The catalogue sentence for the verdict, still to be filled with `{t}` (the threshold in %). */
export function verdictTemplate(e: EstimateView, m: Messages): string {
  return { strong: m.strongCase, uncertain: m.uncertainCase, below: m.notStrongCase }[verdictOf(e.low, e.high, e.threshold)];
}
