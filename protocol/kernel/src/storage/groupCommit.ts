/**
 * Group commit, for appends that arrive faster than one fsync each (heartbeat journal, audit log).
 * Items added while a batch is being written wait and share the next write, so a burst of N costs
 * a handful of fsyncs while each caller still resolves only once its own item is on disk. A batch
 * that fails rejects every caller in it and nobody else: the next batch is tried afresh.
 */
interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  private items: T[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;

  /**
   * `writeBatch` makes a whole batch durable (or throws, leaving nothing of it behind);
   * `failure` turns what it threw into what the callers see.
   */
  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly failure: (err: unknown) => unknown = (err) => err,
  ) {}

  /** Resolves once `item` is durable; rejects if the batch it went in failed. */
  add(item: T): Promise<void> {
    this.items.push(item);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Nothing waiting and nothing being written. */
  get idle(): boolean {
    return this.flushing === undefined && this.items.length === 0;
  }

  /** Resolves when everything added so far has been written or refused. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.items.length > 0) {
      const items = this.items;
      const waiters = this.waiters;
      this.items = [];
      this.waiters = [];
      try {
        await this.writeBatch(items);
        for (const w of waiters) w.resolve();
      } catch (err) {
        const failure = this.failure(err);
        for (const w of waiters) w.reject(failure);
      }
    }
    this.flushing = undefined;
  }
}
