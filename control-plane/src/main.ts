#!/usr/bin/env node
/**
 * `control-plane` — the vendor's command line (docs/control-plane.md). `serve` runs the service;
 * every other command goes through the running server's control socket, or, when none runs,
 * takes the DATA_DIR lock and works on the files itself (with DATABASE_URL: on the database, directly). Exit 0 on success; otherwise a one-line
 * reason on stderr (and `{ ok: false, error, message }` on stdout with --json) and exit 1.
 */
import { DomainError } from '@iamanager/protocol';
import { ConfigError } from '@iamanager/kernel/config';
import { createLogger } from '@iamanager/kernel/log';
import { acquireDirLock } from '@iamanager/kernel/storage';
import { pino } from 'pino';
import { CONTROL_PLANE_CLI } from './cli/commandLine.js';
import { formatResult } from './cli/printResult.js';
import { runCommand, type CommandRequest } from './cli/commands.js';
import { sendCommand, type CommandRequest as ProtocolCommandRequest } from '@iamanager/kernel/http';
import { writeBundle } from './cli/writeBundle.js';
import { hasDownload, writeDownload } from './cli/writeDownload.js';
import type { BundleFile } from './domain/installBundle.js';
import { controlSocketPath, readConfig, type Config } from './config.js';
import { openControlPlane } from './controlPlane.js';
import { serve } from './server.js';

async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`${what} (then Enter and Ctrl-D): `);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs a command on the files through the server if one is running, else directly under the
 * DATA_DIR lock. With DATABASE_URL it runs here, on the database, even while nodes serve: the
 * stores serialise every change (row locks, keys), so there is no lock to take and no node to ask.
 */
async function execute(config: Config, request: CommandRequest): Promise<unknown> {
  if (config.database) {
    return runOpened(config, request);
  }
  const viaServer = await sendCommand(controlSocketPath(config), request as ProtocolCommandRequest);
  if (viaServer) return viaServer.result;
  const lock = await acquireDirLock(config.dataDir, `control-plane ${request.command}`);
  try {
    return await runOpened(config, request);
  } finally {
    await lock.release();
  }
}

async function runOpened(config: Config, request: CommandRequest): Promise<unknown> {
  const log = createLogger('control-plane-cli', process.env.LOG_LEVEL ?? 'warn', pino.destination(2));
  const cp = await openControlPlane(config, log);
  try {
    return await runCommand(cp, request);
  } finally {
    await cp.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let json = argv.includes('--json');
  try {
    const parsed = CONTROL_PLANE_CLI.parse(argv);
    if (parsed.kind === 'help') {
      console.log(parsed.text);
      return 0;
    }
    json = parsed.json;
    const config = readConfig();
    if (parsed.command === 'serve') {
      await serve(config, createLogger('control-plane'));
      return -1; // keeps running until a signal
    }
    if (parsed.command === 'db migrate') {
      // The database's own advisory lock guards it: no DATA_DIR lock, no control socket. Loaded
      // here only, so that no other command pays for loading the PostgreSQL client.
      const { dbMigrate } = await import('./cli/dbMigrate.js');
      const result = await dbMigrate(config, createLogger('control-plane-cli', process.env.LOG_LEVEL ?? 'warn', pino.destination(2)));
      console.log(json ? JSON.stringify(result) : formatResult(parsed.command, result));
      return 0;
    }
    if (parsed.command === 'db import') {
      // Its own pre-flight and the DATA_DIR lock of --from, never the control socket: the files are
      // moved only while no control plane runs on them.
      const { dbImport } = await import('./cli/dbImport.js');
      const result = await dbImport(
        config,
        parsed.args.from,
        createLogger('control-plane-cli', process.env.LOG_LEVEL ?? 'warn', pino.destination(2)),
      );
      console.log(json ? JSON.stringify(result) : formatResult(parsed.command, result));
      return 0;
    }
    const input = parsed.stdin
      ? await readStdin(parsed.command === 'billing import-bank' ? 'the bank statement, as CSV' : 'password')
      : undefined;
    let result = await execute(config, { command: parsed.command, args: parsed.args, ...(input !== undefined ? { input } : {}) });
    if (parsed.command === 'cabinet bundle') {
      const bundle = result as { cabinetId: string; enrollmentCode: string; vendorKeyPins: string[]; files: BundleFile[] };
      const written = await writeBundle(typeof parsed.args.out === 'string' ? parsed.args.out : undefined, bundle.cabinetId, bundle.files);
      result = {
        cabinetId: bundle.cabinetId,
        enrollmentCode: bundle.enrollmentCode,
        vendorKeyPins: bundle.vendorKeyPins,
        ...written,
        files: bundle.files.map((f) => f.name),
      };
    }
    if (hasDownload(result)) {
      const { download, ...rest } = result;
      result = { ...rest, ...(await writeDownload(typeof parsed.args.out === 'string' ? parsed.args.out : undefined, download)) };
    }
    console.log(json ? JSON.stringify(result) : formatResult(parsed.command, result));
    return 0;
  } catch (err) {
    const known = err instanceof DomainError;
    const code = known ? err.code : 'internal';
    // Config problems are listed one per line (every problem, with its fix); anything else is one line.
    const message =
      err instanceof ConfigError
        ? err.message
        : known
          ? err.message.split('\n')[0]!
          : `unexpected error: ${(err as Error).message ?? String(err)}`;
    if (json) console.log(JSON.stringify({ ok: false, error: code, message }));
    console.error(`control-plane: ${message}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
