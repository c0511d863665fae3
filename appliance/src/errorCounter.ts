/**
 * Errors in the last 24 hours (5xx answers and failed background work), for the heartbeat's
 * `errors24h`: a fleet-wide "errors rising" alert needs no more than a count.
 */
const DAY_MS = 86_400_000;

export class ErrorCounter {
  private readonly times: number[] = [];

  record(now = Date.now()): void {
    this.times.push(now);
    this.prune(now);
  }

  last24h(now = Date.now()): number {
    this.prune(now);
    return this.times.length;
  }

  private prune(now: number): void {
    while (this.times.length > 0 && this.times[0]! < now - DAY_MS) this.times.shift();
  }
}
