/**
 * The estimate as the analysis page and PDF show it, read from a stored analysis result. Stored
 * results are loose JSON (an analysis made by an earlier version may lack the newer fields), so
 * every field is read defensively, and the caps are applied again: an old result's 100 % is shown
 * as 95 %, since no court's decision is certain either way.
 */
import { isWide, shownProbability } from '../domain/ceseda/estimate.js';

export interface EstimateView {
  probability: number;
  low: number;
  high: number;
  threshold: number;
  /** Known facts that moved the estimate, with the sign of their effect. */
  factors: ReadonlyArray<{ label: string; effect: number }>;
  /** The range is 50 points wide or more: the page says it says almost nothing. */
  wideRange: boolean;
  /** Unknown facts that widen the range, the most useful to fill in first. */
  unknown: ReadonlyArray<{ label: string }>;
  /** The published rate the estimate starts from; `borrowed` when it is not the procedure's own. */
  baseRate: { p: number; source: string; borrowed: boolean } | null;
  /** The analysis's own caveats (ordre de grandeur, CJA L. 10, caps), in its words. */
  caveats: readonly string[];
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The view of a stored `result.estimate`, or null when the analysis has none (basic model, no base rate). */
export function estimateViewOf(stored: unknown, cabinetThreshold: number): EstimateView | null {
  const e = obj(stored);
  if (typeof e.probability !== 'number') return null;
  const range = obj(e.range);
  const low = shownProbability(num(range.low));
  const high = shownProbability(num(range.high));
  const base = obj(e.baseRate);
  return {
    probability: shownProbability(num(e.probability)),
    low,
    high,
    threshold: typeof e.threshold === 'number' ? e.threshold : cabinetThreshold,
    factors: [
      ...arr(e.raisedBy)
        .map(obj)
        .map((f) => ({ label: str(f.factor), effect: Math.abs(num(f.beta)) })),
      ...arr(e.loweredBy)
        .map(obj)
        .map((f) => ({ label: str(f.factor), effect: -Math.abs(num(f.beta)) })),
    ],
    wideRange: isWide(low, high),
    // Earlier results stored the unknown facts as bare labels.
    unknown: arr(e.unknown)
      .map((u) => ({ label: typeof u === 'string' ? u : str(obj(u).label) }))
      .filter((u) => u.label !== ''),
    baseRate: str(base.source) === '' ? null : { p: num(base.p), source: str(base.source), borrowed: base.borrowed === true },
    caveats: arr(e.caveats)
      .map(str)
      .filter((c) => c !== ''),
  };
}
