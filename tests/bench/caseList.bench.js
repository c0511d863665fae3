// The dossier list sorted by next deadline (issue 16), at the enterprise ceiling of 10 000 cases,
// in-process on the compiled case index (appliance/dist): what sorting by deadline costs next to
// the previous order (most recently changed first), once the index holds each case's due dates,
// and the one-off cost of computing them (the first sort after start-up; later, one case per change).
// Run `npx tsc -b` first. Prints p50/p95 in ms of CPU time and the ratio; fails above the target
// (warm deadline sort p95 ≤ 20 ms, the list's search target in appliance.bench.js).
import { randomUUID } from 'node:crypto';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { CaseIndex } = await import(path.join(ROOT, 'appliance/dist/domain/cases/caseIndex.js'));
const { deadlinesOf } = await import(path.join(ROOT, 'appliance/dist/web/caseViews.js'));

const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const RUNS = 50;
const PROCEDURES = ['oqtf', 'refus_titre_sejour', 'refus_visa', 'oqtf_retention', 'transfert_dublin'];
const now = new Date('2026-12-05T21:00:00Z');

const index = new CaseIndex();
for (let i = 0; i < CASES; i++) {
  // Notifications spread over the 90 days before `now`: some deadlines passed, most ahead.
  const notified = new Date(now.getTime() - (i % 90) * 86_400_000).toISOString().slice(0, 10);
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  index.put({
    id: randomUUID(),
    reference: `D-2026-${String(i + 1).padStart(5, '0')}`,
    client: { lastName: `Client${i}`, firstName: 'Test', nationality: 'DZ', birthDate: '1990-01-01' },
    procedure: PROCEDURES[i % PROCEDURES.length],
    decisionNotifiedAt: notified,
    decision: {},
    departement: '75',
    archived: false,
    assignedTo: null,
    facts: {},
    analyses: [],
    updatedAt: at,
  });
}

/** The CPU time `fn` took, in ms: the machine's CPUs are shared, and wall time would mostly measure the neighbours. */
function time(fn) {
  const started = process.cpuUsage();
  fn();
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / 1000;
}

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

const query = { archived: false, page: 1, pageSize: 25, now };
const cold = time(() => index.search({ ...query, sort: 'deadline' }));
const runs = (sort) => percentiles(Array.from({ length: RUNS }, () => time(() => index.search({ ...query, sort }))));
const updated = runs('updated');
const deadline = runs('deadline');
const fmt = (n) => n.toFixed(2);

console.log(`${CASES} open cases, page of 25, ${RUNS} runs each`);
console.log(`  by last change (the previous order):  p50 ${fmt(updated.p50)} ms  p95 ${fmt(updated.p95)} ms`);
console.log(`  by next deadline (due dates indexed): p50 ${fmt(deadline.p50)} ms  p95 ${fmt(deadline.p95)} ms`);
console.log(`  ratio deadline / last change (p50):   ${fmt(deadline.p50 / updated.p50)}`);
console.log(`  first deadline sort (computes every case's due dates once): ${fmt(cold)} ms`);
// Without due dates in the index: each request building every case's deadlines as the pages do
// (deadlinesOf, the rules' per-version cache warm) to find its next one, then sorting.
const perRequest = percentiles(
  Array.from({ length: 10 }, () =>
    time(() => {
      const t = now.toISOString();
      const keyed = [...index.all()].map((c) => ({ c, next: deadlinesOf(c).find((d) => d.dueAt >= t)?.dueAt ?? '~' }));
      keyed.sort((a, b) => a.next.localeCompare(b.next));
    }),
  ),
);
console.log(
  `  by next deadline computed per request (no index): p50 ${fmt(perRequest.p50)} ms (${fmt(perRequest.p50 / deadline.p50)}× the indexed sort)`,
);
if (deadline.p95 > 20) {
  console.error(`FAIL: the deadline sort's p95 (${fmt(deadline.p95)} ms) is over 20 ms`);
  process.exit(1);
}
