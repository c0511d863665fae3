// Starting and stopping a built service in a benchmark: `node <script> serve` with LOG_LEVEL=warn,
// through the same helper the demo uses (it waits for the "listening" line, which carries the port).
import { startServiceProcess } from '../../demo/dist/serviceProcess.js';

/** Resolves once the service listens: { child, port, startMs (spawn to "listening"), stop() }. */
export async function startService(script, env = {}) {
  const t0 = performance.now();
  const service = await startServiceProcess(script, ['serve'], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeoutMs: 120_000 });
  return { child: service.child, port: service.port, startMs: performance.now() - t0, stop: () => service.stop() };
}
