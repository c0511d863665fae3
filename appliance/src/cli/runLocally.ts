/**
 * Where a command runs: in the server, through its command socket, when one runs; otherwise in
 * this process, which opens DATA_DIR under its lock (lowdb is single-process: the two never both
 * write the same file).
 */
import path from 'node:path';
import { pino } from 'pino';
import { createLogger } from '@iamanager/kernel/log';
import { acquireDirLock } from '@iamanager/kernel/storage';
import { sendCommand, type CommandRequest } from '@iamanager/kernel/http';
import { openAppliance } from '../appliance.js';
import { COMMAND_SOCKET, type Config } from '../config.js';
import { openModules } from '../modules.js';
import { runCommand } from './commands.js';

export async function runLocally(config: Config, request: CommandRequest): Promise<unknown> {
  const remote = await sendCommand(path.join(config.dataDir, COMMAND_SOCKET), request);
  if (remote) return remote.result;
  // Logs on stderr: stdout is the command's answer, which scripts parse (--json).
  const log = createLogger('appliance-cli', process.env.LOG_LEVEL ?? 'warn', pino.destination(2));
  const lock = await acquireDirLock(config.dataDir, `appliance ${request.command}`);
  try {
    const appliance = await openAppliance(config, log);
    const modules = await openModules(appliance);
    try {
      return await runCommand(appliance, request);
    } finally {
      await modules.close();
      await appliance.close();
    }
  } finally {
    await lock.release();
  }
}
