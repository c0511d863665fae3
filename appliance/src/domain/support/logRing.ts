/**
 * The server's recent log lines, kept in memory for the support bundle: the appliance logs to
 * stdout only (Docker keeps that), so without this the bundle could not include what the IT
 * person would otherwise have to dig out of `docker logs`. Bounded by lines and bytes; nothing is
 * written to disk, and the bundle filters every line again (redactLogs.ts) before it leaves.
 */
const MAX_LINES = 2000;
const MAX_LINE_BYTES = 4096;

export class LogRing {
  private readonly lines: string[] = [];

  /** pino's destination interface: one JSON line per call (longer lines are cut, and then fail to parse: dropped). */
  write(chunk: string): boolean {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      this.lines.push(line.length > MAX_LINE_BYTES ? line.slice(0, MAX_LINE_BYTES) : line);
      if (this.lines.length > MAX_LINES) this.lines.shift();
    }
    return true;
  }

  recent(): readonly string[] {
    return [...this.lines];
  }
}

/**
 * The ring of the server process (filled by `appliance serve`, see cli/dispatch.ts). A command run
 * outside the server (no server running) finds it empty, and the bundle's manifest says so.
 */
export const serverLogRing = new LogRing();
