/**
 * What a DATA_DIR holds, as a map of relative path → SHA-256 of the content and its stat (inode,
 * size, mtime, ctime): taken before and after a run of requests that were all refused, to prove a
 * refusal wrote nothing — not even the same bytes again. Files whose stat did not move keep their
 * cached hash, so a snapshot of a data dir that grew an audit log costs a few stat calls.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const cache = new Map<string, { key: string; hash: string }>();

export type Snapshot = ReadonlyMap<string, { hash: string; stat: string }>;

export function snapshotDir(dir: string): Snapshot {
  const out = new Map<string, { hash: string; stat: string }>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, file);
    if (entry.isDirectory()) {
      out.set(`${rel}/`, { hash: 'dir', stat: 'dir' });
      continue;
    }
    if (!entry.isFile()) continue; // the command socket
    let st: fs.BigIntStats;
    try {
      st = fs.statSync(file, { bigint: true });
    } catch {
      continue; // a temp file renamed away between readdir and stat
    }
    const key = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const cached = cache.get(file);
    if (cached?.key === key) {
      out.set(rel, { hash: cached.hash, stat: key });
      continue;
    }
    let content: Buffer;
    try {
      content = fs.readFileSync(file);
    } catch {
      continue;
    }
    const hash = createHash('sha256').update(content).digest('hex');
    cache.set(file, { key, hash });
    out.set(rel, { hash, stat: key });
  }
  return out;
}

/** Paths added ("+x"), removed ("-x"), changed ("~x") or rewritten with the same bytes ("=x"). */
export function changedFiles(before: Snapshot, after: Snapshot): string[] {
  const changes: string[] = [];
  for (const [file, now] of after) {
    const was = before.get(file);
    if (was === undefined) changes.push(`+${file}`);
    else if (was.hash !== now.hash) changes.push(`~${file}`);
    else if (was.stat !== now.stat) changes.push(`=${file}`);
  }
  for (const file of before.keys()) if (!after.has(file)) changes.push(`-${file}`);
  return changes.sort();
}
