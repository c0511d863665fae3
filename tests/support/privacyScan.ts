/**
 * The privacy scan: does anything an appliance sends the vendor carry case data? Case data is
 * read back from appliances' DATA_DIRs (client names and contact details, AGDREF numbers, notes,
 * decision texts, references, document names); what was sent is what the heartbeat tap recorded
 * (heartbeatTap.mjs) — each body as received, and every base64url segment of it decoded, since
 * heartbeats are JWS. Scanned: everything the appliance software sent (its User-Agent), accepted
 * or not, and everything the control plane accepted from anyone (fake appliances in tests). Not
 * scanned: what the fuzzer throws at the endpoints and the vendor refuses — the fuzzer's own
 * strings, which a document name may happen to share, not something an appliance sent.
 *
 * Used twice: by tests/appliance/privacy.test.ts on its own scenario, and at the end of the whole
 * run (globalSetup.ts) over every appliance and every control plane all suites started.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface TappedBody {
  path: string;
  body: string;
  status?: number;
  userAgent?: string;
  /** The tap file it came from (`cp-<pid>.jsonl`). */
  source: string;
}

interface StoredCase {
  reference?: unknown;
  notes?: unknown;
  client?: Record<string, unknown>;
  decision?: Record<string, unknown>;
  documents?: Array<{ name?: unknown }>;
}

/** Strings long enough not to occur by chance (a letter and 6+ characters), and AGDREF numbers. */
function worthScanning(s: string): boolean {
  return (s.length >= 6 && /\p{L}/u.test(s)) || /^\d{10}$/.test(s);
}

/** The case data held in an appliance's DATA_DIR (empty if it has no cases, or is gone). */
export function caseStrings(dataDir: string): string[] {
  const dir = path.join(dataDir, 'cases');
  const found = new Set<string>();
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  for (const name of names) {
    let c: StoredCase;
    try {
      c = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as StoredCase;
    } catch {
      continue;
    }
    const values = [
      c.reference,
      c.notes,
      ...Object.values(c.client ?? {}),
      ...Object.values(c.decision ?? {}),
      ...(c.documents ?? []).map((d) => d.name),
    ];
    for (const v of values) if (typeof v === 'string' && worthScanning(v.trim())) found.add(v.trim());
  }
  return [...found];
}

/** Every appliance→vendor body the tap recorded in `tapDir` (only from `sources`, if given). */
export function tappedBodies(tapDir: string, sources?: readonly string[]): TappedBody[] {
  const out: TappedBody[] = [];
  let files: string[];
  try {
    files = fs.readdirSync(tapDir).filter((n) => /^cp-\d+\.jsonl$/.test(n));
  } catch {
    return [];
  }
  for (const file of files) {
    if (sources && !sources.includes(file)) continue;
    for (const line of fs.readFileSync(path.join(tapDir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const { path: p, body, status, userAgent } = JSON.parse(line) as { path: string; body: string; status: number; userAgent: string };
      out.push({ path: p, body, status, userAgent, source: file });
    }
  }
  return out;
}

/** The body and each of its base64url segments decoded: a JWS hides its payload from a plain search. */
function readableForms(body: string): string[] {
  const decoded = body
    .split(/[^A-Za-z0-9_-]+/)
    .filter((s) => s.length >= 8)
    .map((s) => Buffer.from(s, 'base64url').toString('utf8'));
  return [body, ...decoded];
}

/** Sent by the appliance software, or accepted by the vendor: what counts as reaching the vendor. */
export function fromAppliances(bodies: readonly TappedBody[]): TappedBody[] {
  return bodies.filter(
    (b) => (b.userAgent ?? '').startsWith('iamanager-appliance/') || (b.status !== undefined && b.status >= 200 && b.status < 300),
  );
}

/** Heartbeats and usage reports the appliance software itself sent: what the scan is for (enrollments carry no case data to begin with). */
export function applianceReports(bodies: readonly TappedBody[]): TappedBody[] {
  return bodies.filter(
    (b) => (b.userAgent ?? '').startsWith('iamanager-appliance/') && /^\/v1\/(heartbeats|usage-reports)(\?|$)/.test(b.path),
  );
}

/**
 * Why a scan proves nothing, if it does: it saw no heartbeat or usage report from the appliance
 * software, or no case string to look for. Finding nothing in nothing is not a pass.
 */
export function emptyScan(bodies: readonly TappedBody[], strings: readonly string[]): string[] {
  const gaps: string[] = [];
  if (applianceReports(bodies).length === 0)
    gaps.push(
      'no heartbeat or usage report sent by the appliance software (User-Agent iamanager-appliance/…) reached a control plane: nothing was scanned',
    );
  if (strings.length === 0) gaps.push('no case string was found on any appliance: there was nothing to look for');
  return gaps;
}

/** "<case string> in <path> (<source>)" for every case string found in a body. */
export function findCaseData(bodies: readonly TappedBody[], strings: readonly string[]): string[] {
  const findings: string[] = [];
  const patterns = strings.map((s) => ({ s, re: /^\d+$/.test(s) ? new RegExp(`(?<!\\d)${s}(?!\\d)`) : undefined }));
  for (const b of bodies) {
    const forms = readableForms(b.body);
    for (const { s, re } of patterns) {
      if (forms.some((f) => (re ? re.test(f) : f.includes(s)))) findings.push(`${JSON.stringify(s)} in ${b.path} (${b.source})`);
    }
  }
  return findings;
}

/** Notes an appliance DATA_DIR of this run, for the final scan (harness: startAppliance). */
export function noteApplianceDir(dataDir: string): void {
  const tap = process.env.IAM_HEARTBEAT_TAP;
  if (tap) fs.appendFileSync(path.join(tap, 'appliance-dirs.txt'), `${dataDir}\n`);
}

/**
 * Keeps an appliance's case strings in the tap folder once it stopped (harness: its `stop`), so
 * the final scan has them even if the test removes the folder afterwards.
 */
export function keepCaseStrings(dataDir: string): void {
  const tap = process.env.IAM_HEARTBEAT_TAP;
  if (!tap) return;
  const strings = caseStrings(dataDir);
  if (strings.length > 0) fs.appendFileSync(path.join(tap, 'case-strings.jsonl'), `${JSON.stringify(strings)}\n`);
}

/** Every case string the run's appliances held: kept at their stop, and read now from the folders still there. */
export function allCaseStrings(tapDir: string): { strings: string[]; appliances: number } {
  const found = new Set<string>();
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(tapDir, file), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  for (const line of read('case-strings.jsonl')) for (const s of JSON.parse(line) as string[]) found.add(s);
  const dirs = new Set(read('appliance-dirs.txt'));
  for (const dir of dirs) for (const s of caseStrings(dir)) found.add(s);
  return { strings: [...found], appliances: dirs.size };
}
