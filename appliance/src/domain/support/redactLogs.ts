/**
 * Log lines for the support bundle, by allow-list: a line is kept only if it is a JSON object,
 * and of it only the fields known to carry no case data are copied (level, time, the fixed
 * message, codes, counters). A line whose kept text holds an identifier (a UUID: case, document,
 * user or token ids look alike) or a value outside the plain-text pattern is dropped whole rather
 * than guessed at; drops and removed fields are counted for the manifest.
 */
const SAFE_FIELDS: ReadonlySet<string> = new Set([
  'level',
  'time',
  'service',
  'msg',
  'code',
  'status',
  'method',
  'seq',
  'month',
  'records',
  'replayed',
  'kind',
  'delivered',
  'queued',
  'durationMs',
  'responseTime',
  'warning',
]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Fixed messages and codes: letters, digits, spaces and punctuation; no path separators (file names), no `@` (emails). */
const PLAIN = /^[\p{L}\p{N} .,:;_()'"+%=<>?!#*[\]–—-]{0,300}$/u;

export interface RedactedLogs {
  lines: string[];
  kept: number;
  dropped: number;
  fieldsRemoved: number;
}

export function redactLogLines(raw: readonly string[]): RedactedLogs {
  const lines: string[] = [];
  let dropped = 0;
  let fieldsRemoved = 0;
  for (const line of raw) {
    const kept = redactLine(line);
    if (!kept) {
      dropped++;
      continue;
    }
    fieldsRemoved += kept.removed;
    lines.push(JSON.stringify(kept.fields));
  }
  return { lines, kept: lines.length, dropped, fieldsRemoved };
}

function redactLine(line: string): { fields: Record<string, string | number | boolean>; removed: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields: Record<string, string | number | boolean> = {};
  let removed = 0;
  for (const [key, value] of Object.entries(parsed)) {
    if (!SAFE_FIELDS.has(key)) {
      removed++;
      continue;
    }
    if (typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
    else if (typeof value === 'string') {
      if (UUID.test(value) || !PLAIN.test(value)) return undefined;
      fields[key] = value;
    } else removed++;
  }
  return { fields, removed };
}
