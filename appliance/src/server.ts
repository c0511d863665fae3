/**
 * `appliance serve`: takes the DATA_DIR lock, opens the appliance, listens on PORT and on the
 * command socket, starts the heartbeat agent; on SIGTERM stops accepting, lets requests finish,
 * stops the agent, flushes storage last and releases the lock.
 */
import path from 'node:path';
import { acquireDirLock } from '@iamanager/kernel/storage';
import { listen, listenCommandSocket, runUntilSignal } from '@iamanager/kernel/http';
import type { Logger } from '@iamanager/kernel/log';
import { openAppliance, type Appliance } from './appliance.js';
import { createApp } from './app.js';
import { runCommand } from './cli/commands.js';
import { COMMAND_SOCKET, type Config } from './config.js';
import { APPLIANCE_STATUS } from './errorStatus.js';
import { openModules } from './modules.js';
import { TlsStore } from './domain/tls/certificates.js';
import { startTlsServers } from './domain/tls/tlsServers.js';

export interface RunningAppliance {
  port: number;
  appliance: Appliance;
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningAppliance> {
  const lock = await acquireDirLock(config.dataDir, 'appliance serve');
  let appliance: Appliance;
  let modules: Awaited<ReturnType<typeof openModules>>;
  try {
    appliance = await openAppliance(config, log);
    modules = await openModules(appliance);
  } catch (err) {
    await lock.release();
    throw err;
  }
  const app = createApp(appliance, modules.app);
  let server: { port: number; close(): Promise<void> };
  let httpsPort: number | null = null;
  if (config.tls) {
    const store = new TlsStore(path.join(config.dataDir, 'tls'), config.identity.name ?? config.clientId ?? 'cabinet', config.tlsNames);
    const tls = await startTlsServers(app, {
      store,
      served: appliance.tls,
      httpPort: config.port,
      httpsPort: config.tlsPort,
      publicHttpsPort: config.tlsPublicPort,
      host: config.host,
      clock: appliance.clock,
      log,
    });
    server = { port: tls.httpPort, close: () => tls.close() };
    httpsPort = tls.httpsPort;
  } else {
    server = await listen(app, config.port, config.host);
  }
  const socket = await listenCommandSocket(path.join(config.dataDir, COMMAND_SOCKET), (request) => runCommand(appliance, request), {
    log,
    statusByCode: APPLIANCE_STATUS,
  });
  if (config.heartbeatEnabled) {
    appliance.heartbeats.start();
    // Upgrade requests queued while the vendor was unreachable go again at the heartbeats' rhythm.
    appliance.upgradeRequests.start(appliance.license.heartbeatIntervalSeconds);
    void appliance.upgradeRequests.deliver().catch((err: unknown) => log.warn({ err }, 'upgrade request: delivery failed'));
  }
  modules.start();
  for (const warning of appliance.license.status().warnings) log.warn({ warning }, 'license');
  // Always printed, whatever LOG_LEVEL: scripts and tests read the bound port from this line.
  log.child({}, { level: 'info' }).info(
    {
      port: server.port,
      httpsPort,
      caFingerprint: appliance.tls.material()?.caFingerprint ?? null,
      host: config.host,
      dataDir: config.dataDir,
      enrolled: appliance.license.enrolled,
    },
    'listening',
  );

  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    appliance,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([server.close(), socket.close()]);
        await modules.close();
        await appliance.close();
        await lock.release();
        log.info('stopped');
      })()),
  };
}

export async function serve(config: Config, log: Logger): Promise<void> {
  const running = await startServer(config, log);
  // Last resort: a promise nobody handled is a bug to log and count, not a reason to drop every
  // lawyer's connection. (Errors inside requests are already turned into answers.)
  process.on('unhandledRejection', (err) => {
    running.appliance.errors.record();
    log.error({ err }, 'unhandled promise rejection');
  });
  runUntilSignal(running, log);
}
