/**
 * `control-plane serve`: takes the DATA_DIR lock, opens the state (replaying the heartbeat
 * journal), listens on PORT and on the control socket, and on SIGTERM stops accepting, lets
 * requests finish, checkpoints, and releases the lock. With DATABASE_URL: no lock and no socket,
 * the schema migrated at start-up (openStores.ts).
 */
import { acquireDirLock } from '@iamanager/kernel/storage';
import { listen, listenCommandSocket, runUntilSignal } from '@iamanager/kernel/http';
import type { Logger } from '@iamanager/kernel/log';
import type Koa from 'koa';
import { createApp } from './app.js';
import { controlSocketPath, type Config } from './config.js';
import { openControlPlane, type ControlPlane } from './controlPlane.js';
import { runCommand } from './cli/commands.js';
import { CONTROL_PLANE_STATUS } from './errorStatus.js';
import { ControlPlaneMetrics } from './metrics.js';
import { startRelanceSchedule } from './domain/billing/relances.js';
import { openDashboard, type DashboardState } from './web/dashboardModule.js';

export interface RunningControlPlane {
  port: number;
  controlPlane: ControlPlane;
  close(): Promise<void>;
}

/**
 * The app exactly as `serve` mounts it — the API and the dashboard; tests read the route table from
 * it. `dashboardState`: where the login guard and the logouts are kept (the control plane's own by default).
 */
export async function createServedApp(
  cp: ControlPlane,
  metrics: ControlPlaneMetrics,
  dashboardState: DashboardState = cp.dashboardState,
): Promise<Koa> {
  const dashboard = await openDashboard(cp, dashboardState);
  return createApp(cp, metrics, { authenticators: [dashboard.authenticator], routers: [dashboard.router] });
}

export async function startServer(config: Config, log: Logger): Promise<RunningControlPlane> {
  // On PostgreSQL the database serialises every change and any node serves any request: no DATA_DIR
  // lock, and no control socket (the CLI works on the database itself, see main.ts).
  const lock = config.database ? undefined : await acquireDirLock(config.dataDir, 'control-plane serve');
  let cp: ControlPlane;
  try {
    cp = await openControlPlane(config, log);
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const metrics = new ControlPlaneMetrics();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(await createServedApp(cp, metrics), config.port, config.host);
  } catch (err) {
    await cp.close();
    await lock?.release();
    throw err;
  }
  const socketPath = config.database ? undefined : controlSocketPath(config);
  const socket =
    socketPath === undefined
      ? undefined
      : await listenCommandSocket(socketPath, (request) => runCommand(cp, request), {
          log: cp.log,
          statusByCode: CONTROL_PLANE_STATUS,
        });
  cp.backend.startCheckpoints();
  await cp.monitor.start(config.fleetCheckIntervalSeconds, cp.jobs);
  const relances = startRelanceSchedule(cp, config.relanceCheckIntervalSeconds, cp.jobs);
  // Always printed, whatever LOG_LEVEL: scripts and tests read the bound port from this line.
  log.child({}, { level: 'info' }).info(
    {
      port: server.port,
      host: config.host,
      publicUrl: config.publicUrl,
      socket: socketPath,
      dataDir: config.dataDir,
      ...(cp.backend.kind === 'postgres' ? { database: cp.backend.where } : {}),
    },
    'listening',
  );

  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    controlPlane: cp,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([server.close(), socket?.close()]);
        await relances.stop();
        await cp.close();
        await lock?.release();
        log.info('stopped');
      })()),
  };
}

/** Runs until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
export async function serve(config: Config, log: Logger): Promise<void> {
  runUntilSignal(await startServer(config, log), log);
}
