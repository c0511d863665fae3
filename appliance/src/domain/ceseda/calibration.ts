import { entitlementDePleinDroit } from './eligibility.js';
import {
  BASE_RATES,
  BORROWING_SE,
  FACTORS,
  describe,
  logit,
  proLogit,
  readFactors,
  sigmoid,
  unknownFacts,
  unknownVariance,
  type BaseRate,
  type Estimate,
} from './estimate.js';
import type { CaseFacts } from './facts.js';
import { decimal, nombre } from './frenchFormat.js';
import { PROCEDURE_CODES, PROCEDURE_NAMES_FR, type ProcedureCode } from './procedures.js';

const PROCEDURE_INDEX = new Map<ProcedureCode, number>(PROCEDURE_CODES.map((p, i) => [p, i]));

/**
 * ceseda-enterprise-v1: the pro model re-fitted on the cabinet's own closed cases, on the
 * appliance (nothing leaves it). Logistic regression by Newton/IRLS with a ridge penalty centred
 * on the pro model's coefficients, so that with little data it stays the pro model and with more
 * it follows the cabinet's record. Held-out cases (a fixed fifth, by id) measure both models'
 * Brier scores; the calibrated estimate is used only when it beats the pro model there.
 */

/** A past case of the cabinet as the analysis sees it (no client identity). */
export interface PastCase {
  id: string;
  procedure: ProcedureCode;
  facts: CaseFacts;
  /** Known outcome of a closed case; absent or null while open or unknown. */
  outcome?: 'won' | 'lost' | null;
}

/** Fewest closed cases before a calibration is attempted, and per outcome. */
export const MIN_CLOSED_CASES = 40;
export const MIN_PER_OUTCOME = 8;
/** The end of a reason when the pro model's estimate stands. */
const PRO_MODEL_USED = 'l’estimation du modèle standard (ceseda-pro-v1) est conservée.';
/** Ridge strength pulling the coefficients towards the pro model's priors. */
const RIDGE = 2;

interface Row {
  id: string;
  procedure: ProcedureCode;
  base: BaseRate | null;
  x: (0 | 1 | null)[];
  outcome: 'won' | 'lost' | null;
  /** FNV-1a of the id (held-out split, fingerprint) and the factors as one number (fingerprint). */
  idHash: number;
  xCode: number;
}

interface CachedRow {
  id: string;
  procedure: ProcedureCode;
  today: string;
  x: (0 | 1 | null)[];
  idHash: number;
  xCode: number;
}

// Reading a past case's factors needs its eligibility; keep it per facts object for repeated runs.
// Facts objects are treated as immutable (the case module replaces `facts` on update, never edits it
// in place): a changed case brings a new object and so a fresh reading.
const rowCache = new WeakMap<CaseFacts, CachedRow>();

function toRow(c: PastCase, today: string): Row {
  let cached = rowCache.get(c.facts);
  if (cached === undefined || cached.id !== c.id || cached.procedure !== c.procedure || cached.today !== today) {
    const x = readFactors(c.facts, entitlementDePleinDroit(c.facts, today));
    cached = {
      id: c.id,
      procedure: c.procedure,
      today,
      x,
      idHash: fnv1a(c.id),
      xCode: x.reduce<number>((code, v) => code * 3 + (v === null ? 2 : v), 0),
    };
    rowCache.set(c.facts, cached);
  }
  return {
    id: c.id,
    procedure: c.procedure,
    base: BASE_RATES[c.procedure],
    x: cached.x,
    outcome: c.outcome ?? null,
    idHash: cached.idHash,
    xCode: cached.xCode,
  };
}

/**
 * The last fit, keyed by a fingerprint of the closed cases (id, procedure, outcome, factors): one
 * cabinet per appliance, and between two runs the closed cases rarely change, so the fit is reused.
 */
let lastFit: { key: string; w: number[]; hessian: number[][]; sePro: number; seCal: number } | null = null;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Order-independent 64-bit fingerprint of the closed rows. */
function fingerprint(rows: Row[]): string {
  let a = 0;
  let b = 0;
  for (const r of rows) {
    const v =
      r.idHash ^
      Math.imul(r.xCode + 1, 0x9e3779b1) ^
      (r.outcome === 'won' ? 0x5bd1e995 : 0) ^
      Math.imul(PROCEDURE_INDEX.get(r.procedure)! + 1, 0x27d4eb2f);
    a = (a + mix(v)) >>> 0;
    b = (b ^ mix(v ^ 0xdeadbeef)) >>> 0;
  }
  return `${rows.length}:${a}:${b}`;
}

/** Design vector: intercept, the published base logit, then each factor (unknown as 0). */
function design(base: BaseRate, x: (0 | 1 | null)[]): number[] {
  return [1, logit(base.p), ...x.map((v) => (v === 1 ? 1 : 0))];
}

/** The pro model expressed in the same design: weights [0, 1, β…]. */
const PRIOR: number[] = [0, 1, ...FACTORS.map((f) => f.beta)];

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Solves A·v = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < n; r += 1) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let r = 0; r < n; r += 1) {
      if (r === col) continue;
      const k = m[r]![col]! / p;
      if (k !== 0) for (let cc = col; cc <= n; cc += 1) m[r]![cc] = m[r]![cc]! - k * m[col]![cc]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Fits w maximising the log-likelihood minus RIDGE/2·|w − PRIOR|² over `n` rows of a flat design
 * matrix (row-major, PRIOR.length columns); returns w and the Hessian (for the variance).
 */
export function fitLogistic(xs: Float64Array, ys: Uint8Array): { w: number[]; hessian: number[][] } {
  const d = PRIOR.length;
  const n = ys.length;
  const w = [...PRIOR];
  let hessian: number[][] = [];
  for (let iter = 0; iter < 30; iter += 1) {
    const g = w.map((wi, j) => -RIDGE * (wi - PRIOR[j]!));
    const h: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? RIDGE : 0)));
    for (let row = 0; row < n; row += 1) {
      const o = row * d;
      let z = 0;
      for (let j = 0; j < d; j += 1) z += w[j]! * xs[o + j]!;
      const p = sigmoid(z);
      const r = ys[row]! - p;
      const s = p * (1 - p);
      for (let i = 0; i < d; i += 1) {
        const xi = xs[o + i]!;
        if (xi === 0) continue;
        g[i] = g[i]! + r * xi;
        const hi = h[i]!;
        for (let j = 0; j < d; j += 1) hi[j] = hi[j]! + s * xi * xs[o + j]!;
      }
    }
    hessian = h;
    const step = solve(h, g);
    let size = 0;
    for (let j = 0; j < d; j += 1) {
      w[j] = w[j]! + step[j]!;
      size = Math.max(size, Math.abs(step[j]!));
    }
    if (size < 1e-8) break;
  }
  return { w, hessian };
}

/** How the enterprise calibration went, shown to the lawyer. */
export interface Calibration {
  used: boolean;
  reason: string;
  closedCases: number;
  trainCases: number;
  heldOutCases: number;
  /** Mean squared error of the probabilities on held-out cases (lower is better). */
  brierPro: number | null;
  brierCalibrated: number | null;
}

/** A similar past case of the cabinet. */
export interface SimilarCase {
  id: string;
  procedure: ProcedureCode;
  outcome: 'won' | 'lost' | null;
  similarity: number;
}

/** The enterprise part of an analysis: similar cases, calibration, and the calibrated estimate if used. */
export function calibrateOnCabinet(
  procedure: ProcedureCode,
  x: (0 | 1 | null)[],
  pastCases: readonly PastCase[],
  threshold: number,
  today: string,
): { similarCases: SimilarCase[]; calibration: Calibration; estimate: Estimate | null } {
  const rows = pastCases.map((c) => toRow(c, today));
  const similarCases = findSimilar(procedure, x, rows);
  const closed = rows.filter((r) => r.outcome !== null && r.base !== null);
  const heldOut: Row[] = [];
  const train: Row[] = [];
  for (const r of closed) (r.idHash % 5 === 0 ? heldOut : train).push(r);
  const won = closed.filter((r) => r.outcome === 'won').length;
  const calibration: Calibration = {
    used: false,
    reason: '',
    closedCases: closed.length,
    trainCases: train.length,
    heldOutCases: heldOut.length,
    brierPro: null,
    brierCalibrated: null,
  };
  if (closed.length < MIN_CLOSED_CASES || won < MIN_PER_OUTCOME || closed.length - won < MIN_PER_OUTCOME || heldOut.length < 10) {
    calibration.reason = `Trop peu de dossiers clos dont l’issue est connue (${closed.length}, dont ${nombre(won, 'gagné', 'gagnés')} ; il en faut ${MIN_CLOSED_CASES}, dont au moins ${MIN_PER_OUTCOME} gagnés et ${MIN_PER_OUTCOME} perdus) : ${PRO_MODEL_USED}`;
    return { similarCases, calibration, estimate: null };
  }
  const key = fingerprint(closed);
  if (lastFit === null || lastFit.key !== key) {
    const d = PRIOR.length;
    const xs = new Float64Array(train.length * d);
    const ys = new Uint8Array(train.length);
    train.forEach((r, row) => {
      xs.set(design(r.base!, r.x), row * d);
      ys[row] = r.outcome === 'won' ? 1 : 0;
    });
    const fit = fitLogistic(xs, ys);
    let sePro = 0;
    let seCal = 0;
    for (const r of heldOut) {
      const y = r.outcome === 'won' ? 1 : 0;
      sePro += (sigmoid(proLogit(r.base!, r.x)) - y) ** 2;
      seCal += (sigmoid(dot(fit.w, design(r.base!, r.x))) - y) ** 2;
    }
    lastFit = { key, w: fit.w, hessian: fit.hessian, sePro, seCal };
  }
  const { w, hessian, sePro, seCal } = lastFit;
  calibration.brierPro = round3(sePro / heldOut.length);
  calibration.brierCalibrated = round3(seCal / heldOut.length);
  const base = BASE_RATES[procedure];
  if (base === null) {
    calibration.reason = `Aucun taux de succès publié pour la procédure « ${PROCEDURE_NAMES_FR[procedure]} » : pas d’estimation.`;
    return { similarCases, calibration, estimate: null };
  }
  if (seCal >= sePro) {
    calibration.reason = `Sur les dossiers de validation, le modèle calibré ne fait pas mieux que le modèle standard : ${PRO_MODEL_USED}`;
    return { similarCases, calibration, estimate: null };
  }
  calibration.used = true;
  calibration.reason = `Modèle calibré sur ${train.length} dossiers clos du cabinet ; score de Brier sur ${heldOut.length} dossiers de validation : ${decimal(calibration.brierCalibrated)}, contre ${decimal(calibration.brierPro)} pour le modèle standard (plus bas est meilleur).`;
  const v = design(base, x);
  const cov = solve(hessian, v);
  // The fit's own uncertainty, plus what the pro model adds for what the fit cannot see: each
  // unknown fact (with the calibrated coefficient) and a base rate borrowed from another procedure
  // (one intercept for all procedures cannot tell a borrowed rate's error from the cabinet's).
  const betas = FACTORS.map((_, i) => w[i + 2]!);
  let variance = Math.max(dot(v, cov), 0) + (base.borrowed ? BORROWING_SE ** 2 : 0);
  const raisedBy: Estimate['raisedBy'] = [];
  const loweredBy: Estimate['loweredBy'] = [];
  x.forEach((value, i) => {
    const beta = round3(betas[i]!);
    if (value === null) variance += unknownVariance(betas[i]!);
    else if (value === 1) (beta > 0 ? raisedBy : loweredBy).push({ factor: FACTORS[i]!.label, beta });
  });
  const unknown = unknownFacts(x, betas);
  // Same caps, range wording and verdict rule as the pro model (describe).
  const estimate = describe('ceseda-enterprise-v1', dot(w, v), Math.sqrt(variance), threshold, base, raisedBy, loweredBy, unknown);
  return { similarCases, calibration, estimate };
}

function findSimilar(procedure: ProcedureCode, x: (0 | 1 | null)[], rows: Row[]): SimilarCase[] {
  const scored: SimilarCase[] = [];
  for (const r of rows) {
    if (r.procedure !== procedure) continue;
    let known = 0;
    let same = 0;
    // A factor known on one side only counts half: the cases may or may not agree on it.
    for (let i = 0; i < x.length; i += 1) {
      if (x[i] === null && r.x[i] === null) continue;
      known += 1;
      if (x[i] === null || r.x[i] === null) same += 0.5;
      else if (x[i] === r.x[i]) same += 1;
    }
    scored.push({ id: r.id, procedure: r.procedure, outcome: r.outcome, similarity: known === 0 ? 0 : round3(same / known) });
  }
  scored.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1));
  return scored.slice(0, 5);
}

const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
const round3 = (v: number): number => Math.round(v * 1000) / 1000;
