/**
 * Waiting for something a running service does, in tests. A test waits for the event itself —
 * a state read back, a log line (ServiceProcess.waitForLine) — never for a count of polls or a
 * fixed sleep: on a busy machine the same thing takes ten times longer, and a test that gave up
 * after N tries fails there. The deadline is only a guard against a hang, so it is generous.
 */
export const GENEROUS_DEADLINE_MS = 120_000;

export async function waitFor<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  options: { what?: string; timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? GENEROUS_DEADLINE_MS);
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `waited ${options.timeoutMs ?? GENEROUS_DEADLINE_MS} ms for ${options.what ?? 'a condition'}; last value: ${JSON.stringify(value)?.slice(0, 2000)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
