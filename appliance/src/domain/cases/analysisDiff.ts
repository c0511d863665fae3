/**
 * What changed between two analyses of a case: the facts they read, the procedure, each remedy's
 * due date, each route's outcome, the estimate. A lawyer who completes the questionnaire and runs
 * the analysis again sees at once what the new facts moved, instead of re-reading the whole
 * analysis. Stored analyses are read defensively: one written under older rules still compares
 * (a field it lacks simply counts as absent).
 */

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface DeadlineChange {
  remedy: string;
  label: string;
  /** Due date before / after (ISO date or date-time); null when the remedy was not (or no longer) open. */
  before: string | null;
  after: string | null;
}

export interface RouteChange {
  titre: string;
  label: string;
  before: string | null;
  after: string | null;
}

export interface AnalysisChanges {
  /** When the earlier analysis was made. */
  since: string;
  /** Facts added, removed or changed, by name (never their values: the case page shows those). */
  facts: string[];
  procedure: { before: string; after: string } | null;
  deadlines: DeadlineChange[];
  routes: RouteChange[];
  /** Probabilities 0..1; `before` null when the earlier analysis had no estimate. */
  estimate: { before: number | null; after: number } | null;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Keyed by remedy and label: a procedure can open two remedies of the same kind (gracieux, hiérarchique). */
function dueDates(result: Loose): Map<string, { remedy: string; label: string; due: string | null }> {
  const map = new Map<string, { remedy: string; label: string; due: string | null }>();
  for (const d of arr(result.deadlines).map(obj)) {
    const remedy = str(d.remedy);
    const label = str(d.label);
    map.set(`${remedy}|${label}`, { remedy, label, due: str(d.due) || null });
  }
  return map;
}

function outcomes(result: Loose): Map<string, { label: string; outcome: string }> {
  const map = new Map<string, { label: string; outcome: string }>();
  for (const t of arr(result.eligibility).map(obj)) map.set(str(t.titre), { label: str(t.label), outcome: str(t.outcome) });
  return map;
}

function probability(result: Loose): number | null {
  const p = obj(result.estimate).probability;
  return typeof p === 'number' && Number.isFinite(p) ? p : null;
}

/** The changes from `previous` to `latest` (two stored analyses of the same case, oldest first). */
export function diffAnalyses(previous: unknown, latest: unknown): AnalysisChanges {
  const before = obj(previous);
  const after = obj(latest);
  const rb = obj(before.result);
  const ra = obj(after.result);
  const fb = obj(before.facts ?? rb.factsUsed);
  const fa = obj(after.facts ?? ra.factsUsed);
  const facts = [...new Set([...Object.keys(fb), ...Object.keys(fa)])].filter((k) => !same(fb[k], fa[k])).sort();

  const pb = str(rb.procedure);
  const pa = str(ra.procedure);

  const db = dueDates(rb);
  const da = dueDates(ra);
  const deadlines: DeadlineChange[] = [];
  for (const [key, d] of da) {
    const old = db.get(key);
    if (!old) deadlines.push({ remedy: d.remedy, label: d.label, before: null, after: d.due });
    else if (old.due !== d.due) deadlines.push({ remedy: d.remedy, label: d.label, before: old.due, after: d.due });
  }
  for (const [key, d] of db) if (!da.has(key)) deadlines.push({ remedy: d.remedy, label: d.label, before: d.due, after: null });

  const ob = outcomes(rb);
  const oa = outcomes(ra);
  const routes: RouteChange[] = [];
  for (const [titre, t] of oa) {
    const old = ob.get(titre)?.outcome ?? null;
    if (old !== t.outcome) routes.push({ titre, label: t.label, before: old, after: t.outcome });
  }
  for (const [titre, t] of ob) if (!oa.has(titre)) routes.push({ titre, label: t.label, before: t.outcome, after: null });

  const eb = probability(rb);
  const ea = probability(ra);
  return {
    since: str(before.createdAt) || str(rb.computedAt),
    facts,
    procedure: pb && pa && pb !== pa ? { before: pb, after: pa } : null,
    deadlines,
    routes,
    estimate: ea !== null && ea !== eb ? { before: eb, after: ea } : null,
  };
}

/** Whether anything changed at all. */
export function hasChanges(c: AnalysisChanges): boolean {
  return c.facts.length + c.deadlines.length + c.routes.length > 0 || c.procedure !== null || c.estimate !== null;
}
