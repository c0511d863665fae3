/**
 * The audit trail: every access to a case and every change, append-only and hash-chained. Each
 * entry carries the hash of the one before it, so removing, reordering or editing any entry
 * breaks the chain from there on — `appliance audit verify` finds where. The hash is not keyed:
 * whoever can write the files can rewrite an entry and recompute the chain after it, or cut the
 * tail. So the chain is also anchored outside the cabinet: every heartbeat carries its head and
 * length (no content), the control plane keeps them, and `verify` checks the chain against the
 * anchors it returns (audit/auditAnchors.ts): an entry rewritten at or before an anchored point,
 * or a chain shorter than an anchored length, fails naming the anchor. Appends are
 * group-committed (one fsync for a burst) and an access is acknowledged only once logged.
 * One file per month keeps reads of recent entries cheap; the chain runs across files.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GroupCommit, appendOrCutBack, closeFd, duringWrite, fstatFd, fsyncDir, openFd, storageFailure } from '@iamanager/kernel/storage';

export interface AuditInput {
  actor: string;
  action: string;
  caseId?: string;
  detail?: string;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  prev: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry that does not follow from the one before. */
  brokenAt?: { file: string; line: number; reason: string };
  /** The first vendor anchor the chain does not pass through. */
  anchorMissed?: { head: string; length: number; at: string; reason: string };
  anchorsChecked?: number;
}
const FILE = /^(\d{4}-\d{2})\.log$/;

function hashOf(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, caseId, detail, prev } = entry;
  return createHash('sha256')
    .update(JSON.stringify([seq, at, actor, action, caseId ?? null, detail ?? null, prev]))
    .digest('hex');
}

export class AuditLog {
  private lastHash = GENESIS;
  private seq = 0;
  /** The newest month file: entries never go to an older one, even with the clock set back. */
  private month = '';
  private lastAt: string | null = null;
  private readonly commits = new GroupCommit<{ at: string; input: AuditInput }>(
    (batch) => this.writeBatch(batch),
    (err) => storageFailure(err, this.dir),
  );

  private constructor(
    private readonly dir: string,
    private readonly clock: () => Date,
  ) {}

  static async open(dataDir: string, clock: () => Date): Promise<AuditLog> {
    const dir = path.join(dataDir, 'audit');
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    const log = new AuditLog(dir, clock);
    const files = await log.files();
    if (files.length > 0) await dropTornTail(path.join(dir, files.at(-1)!));
    log.month = files.at(-1)?.slice(0, 7) ?? '';
    for (let i = files.length - 1; i >= 0; i--) {
      const last = await lastLine(path.join(dir, files[i]!));
      if (last) {
        log.lastHash = last.hash;
        log.seq = last.seq;
        log.lastAt = last.latestAt;
        break;
      }
    }
    return log;
  }

  private async files(): Promise<string[]> {
    return (await fs.readdir(this.dir)).filter((n) => FILE.test(n)).sort();
  }

  /**
   * Where the chain stands: the hash of the last entry written and how many there are (64 zeros
   * and 0 for an empty log). Sent in heartbeats; the control plane keeps them as anchors.
   */
  head(): { head: string; length: number } {
    return { head: this.lastHash, length: this.seq };
  }

  /** The latest time an entry carries (null for an empty log): a time known to have passed. */
  latestAt(): string | null {
    return this.lastAt;
  }

  /** Appends an entry; resolves once it is durable. The chain follows call order. */
  append(input: AuditInput): Promise<void> {
    const at = this.clock().toISOString();
    if (this.lastAt === null || at > this.lastAt) this.lastAt = at;
    return this.commits.add({ at, input });
  }

  private async writeBatch(batch: Array<{ at: string; input: AuditInput }>): Promise<void> {
    // Entries are chained here, not when appended: a batch the disk refuses is then dropped
    // whole, and the next one chains from the last entry actually written.
    let { seq, lastHash, month: lastMonth } = this;
    const byMonth = new Map<string, string>();
    for (const { at, input } of batch) {
      const base = {
        seq: ++seq,
        at,
        actor: input.actor,
        action: input.action,
        ...(input.caseId ? { caseId: input.caseId } : {}),
        ...(input.detail ? { detail: input.detail } : {}),
        prev: lastHash,
      };
      lastHash = hashOf(base);
      // Files are read in name order: a clock set back must not put an entry in an older file.
      const month = at.slice(0, 7) > lastMonth ? at.slice(0, 7) : lastMonth;
      lastMonth = month;
      byMonth.set(month, `${byMonth.get(month) ?? ''}${JSON.stringify({ ...base, hash: lastHash })}\n`);
    }
    // Through the write gate: a backup's snapshot never sees half a batch.
    await duringWrite(async () => {
      const written: Array<{ file: string; size: number }> = [];
      try {
        for (const [month, text] of byMonth) {
          const file = path.join(this.dir, `${month}.log`);
          written.push({ file, size: await appendDurably(file, text) });
        }
        // A new month's file exists for good only once the folder is synced; appending to a file
        // that was already there changes no directory entry.
        if (written.some((w) => w.size === 0)) await fsyncDir(this.dir);
      } catch (err) {
        // A batch across a month's end: what reached the first file goes too, or the chain breaks.
        for (const { file, size } of written) await fs.truncate(file, size).catch(() => undefined);
        throw err;
      }
    });
    this.seq = seq;
    this.lastHash = lastHash;
    this.month = lastMonth;
  }

  /**
   * Checks the whole chain, and that it passes through every anchor given (the entry numbered
   * `length` has the hash `head`; an empty chain's head is 64 zeros); reports the first entry that
   * does not follow from the one before, or the first anchor it misses.
   */
  async verify(anchors: ReadonlyArray<{ head: string; length: number; at: string }> = []): Promise<AuditVerification> {
    let prev = GENESIS;
    let seq = 0;
    let entries = 0;
    const byLength = new Map<number, { head: string; length: number; at: string }>();
    for (const a of anchors) byLength.set(a.length, a);
    const missed = (anchor: { head: string; length: number; at: string }, reason: string): AuditVerification => ({
      ok: false,
      entries,
      anchorMissed: { ...anchor, reason },
    });
    const atZero = byLength.get(0);
    if (atZero && atZero.head !== GENESIS) return missed(atZero, 'the vendor anchored an empty chain with another head');
    for (const file of await this.files()) {
      const lines = (await fs.readFile(path.join(this.dir, file), 'utf8')).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const text = lines[i];
        if (!text) continue;
        let entry: AuditEntry;
        try {
          entry = JSON.parse(text) as AuditEntry;
        } catch {
          return { ok: false, entries, brokenAt: { file, line: i + 1, reason: 'not a JSON entry (damaged or edited)' } };
        }
        const { hash, ...rest } = entry;
        if (entry.prev !== prev)
          return {
            ok: false,
            entries,
            brokenAt: { file, line: i + 1, reason: 'does not follow the entry before it (an entry was removed, reordered or edited)' },
          };
        if (entry.seq !== seq + 1)
          return { ok: false, entries, brokenAt: { file, line: i + 1, reason: `sequence ${entry.seq} after ${seq}` } };
        if (hashOf(rest) !== hash)
          return { ok: false, entries, brokenAt: { file, line: i + 1, reason: 'its content does not match its hash (edited)' } };
        prev = hash;
        seq = entry.seq;
        entries++;
        const anchor = byLength.get(seq);
        if (anchor && anchor.head !== hash)
          return missed(
            anchor,
            `entry ${seq} (${file} line ${i + 1}) is not the one the vendor anchored on ${anchor.at}: it, or an entry before it, was rewritten and the chain recomputed`,
          );
      }
    }
    const longest = anchors.reduce<{ head: string; length: number; at: string } | undefined>(
      (max, a) => (!max || a.length > max.length ? a : max),
      undefined,
    );
    if (longest && longest.length > entries)
      return missed(
        longest,
        `the chain has ${entries} entries, fewer than the ${longest.length} the vendor anchored on ${longest.at}: entries were deleted from its end`,
      );
    return { ok: true, entries, anchorsChecked: anchors.length };
  }

  /** See AuditSearch. A month file older than `from` holds no entry after it (entries never go to an older file). */
  async search({ from, to, test, scan }: AuditSearch): Promise<{ matches: AuditEntry[]; scanned: number; complete: boolean }> {
    const matches: AuditEntry[] = [];
    let scanned = 0;
    const files = await this.files();
    const firstMonth = from?.slice(0, 7);
    for (let f = files.length - 1; f >= 0; f--) {
      if (firstMonth && files[f]!.slice(0, 7) < firstMonth) break;
      const lines = (await fs.readFile(path.join(this.dir, files[f]!), 'utf8')).split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        if (!lines[i]) continue;
        if (scanned >= scan) return { matches, scanned, complete: false };
        scanned++;
        let entry: AuditEntry;
        try {
          entry = JSON.parse(lines[i]!) as AuditEntry;
        } catch {
          continue; // a damaged line shows up in verify(); the viewer skips it
        }
        if ((from && entry.at < from) || (to && entry.at >= to)) continue;
        if (test(entry)) matches.push(entry);
      }
    }
    return { matches, scanned, complete: true };
  }

  /** The newest entries, newest first, optionally for one case. */
  async recent(options: { caseId?: string; limit: number }): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    const files = await this.files();
    for (let f = files.length - 1; f >= 0 && out.length < options.limit; f--) {
      const lines = (await fs.readFile(path.join(this.dir, files[f]!), 'utf8')).split('\n');
      for (let i = lines.length - 1; i >= 0 && out.length < options.limit; i--) {
        if (!lines[i]) continue;
        try {
          const entry = JSON.parse(lines[i]!) as AuditEntry;
          if (!options.caseId || entry.caseId === options.caseId) out.push(entry);
        } catch {
          // a damaged line shows up in verify(); the viewer skips it
        }
      }
    }
    return out;
  }
}

/**
 * What the audit log page looks for (docs/administration.md): entries from `from` (inclusive) to
 * `to` (exclusive, ISO instants) that pass `test`. Reads newest first and stops after `scan`
 * entries, so a query over years of history costs the same bounded read as one over a week.
 */
export interface AuditSearch {
  from?: string;
  to?: string;
  test: (entry: AuditEntry) => boolean;
  scan: number;
}

/** Appends and syncs, returning the size the file had before (a refused append is cut back). */
async function appendDurably(file: string, text: string): Promise<number> {
  const fd = await openFd(file, 'a', 0o640);
  try {
    const { size } = await fstatFd(fd);
    await appendOrCutBack(fd, text, size);
    return size;
  } finally {
    await closeFd(fd);
  }
}

/**
 * A crash mid-append can leave a partial last line. It was never acknowledged, so it is cut off
 * before new entries are appended after it (otherwise the chain would read as broken there).
 */
async function dropTornTail(file: string): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  if (text.length === 0 || text.endsWith('\n')) return;
  await fs.truncate(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}

/** The last complete entry of a file (a torn last line from a crash is skipped). */
async function lastLine(file: string): Promise<(AuditEntry & { latestAt: string }) | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const entries: AuditEntry[] = [];
    for (const line of buf.toString('utf8').split('\n').filter(Boolean)) {
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        // torn line, or the first one cut by the 64 KiB window
      }
    }
    const last = entries.at(-1);
    if (!last) return undefined;
    // With the clock set back, later lines can carry earlier times: the latest is not the last.
    const latestAt = entries.reduce((max, e) => (typeof e.at === 'string' && e.at > max ? e.at : max), last.at);
    return { ...last, latestAt };
  } finally {
    await handle.close();
  }
}
