#!/usr/bin/env node
/**
 * `appliance` — the cabinet's command line (docs/appliance.md). `serve` runs the app; every other
 * command goes through the running server's command socket, or opens DATA_DIR itself under its
 * lock when no server runs. `--json` prints machine-readable output; exit 0 on success, non-zero
 * with a one-line reason otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DomainError } from '@iamanager/protocol';
import { ConfigError } from '@iamanager/kernel/config';
import { createLogger } from '@iamanager/kernel/log';
import { acquireDirLock, writeFileDurable } from '@iamanager/kernel/storage';
import { sendCommand, type CommandRequest } from '@iamanager/kernel/http';
import { openAppliance } from './appliance.js';
import { describeBackup, listBackups, restoreFromBackup, verifyBackup } from './cli/backupCommands.js';
import type { BackupResult } from './domain/backups/backups.js';
import { runCommand } from './cli/commands.js';
import { COMMAND_SOCKET, environment, readConfig, type Config } from './config.js';
import { openModules } from './modules.js';
import { serve } from './server.js';
import { ApplianceError } from './errors.js';

const APP_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

const USAGE = `usage: appliance <command> [options] [--json]
  serve                                   run the cabinet's app
  enroll --code CODE [--control-plane URL] [--offline --out FILE]
  license import FILE | license show
  user add --email E --role ROLE [--name N]   (password from stdin)
  token create --email E [--label L] [--expires-in-days N]   (default 90, at most 365)
  usage export --month YYYY-MM --out FILE
  heartbeat                               send a heartbeat now
  doctor                                  check configuration, license, storage, disk, control plane
  audit verify                            check the audit log's hash chain
  tls import --cert FILE --key FILE       serve the cabinet's own certificate instead of the appliance's CA
  update [--manifest FILE] [--to x.y.z] [--bundle DIR]   Docker bundle: verify the signed manifest (default
                                          update-<version>.jws), pull by digest, encrypted backup, recreate,
                                          restore and roll back if unhealthy
  backup create [--kind manual|pre-update]   encrypted backup of DATA_DIR into BACKUP_DIR
  backup list                             the backups in BACKUP_DIR, newest first
  backup verify [FILE] [--passphrase-stdin]   decrypt and check a backup (default: the newest)
  backup restore FILE [--force] [--passphrase-stdin]   appliance stopped; --force moves current data aside`;

const TWO_WORD = new Set(['license', 'user', 'token', 'usage', 'audit', 'backup', 'tls']);

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The version the control plane advertised last (kept by the heartbeat outbox in the bundle's data). */
function latestAdvertised(bundleDir: string): string {
  try {
    const outbox = JSON.parse(fs.readFileSync(path.join(bundleDir, 'data', 'heartbeat-outbox.json'), 'utf8')) as { latestVersion?: string | null };
    if (outbox.latestVersion) return outbox.latestVersion;
  } catch {
    // no data yet
  }
  throw new ApplianceError('invalid_input', '--to: no version advertised yet by the control plane; give one, e.g. --to 0.2.0');
}

async function runLocally(config: Config, request: CommandRequest): Promise<unknown> {
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

function print(result: unknown, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  if (result && typeof result === 'object' && 'checks' in result) {
    for (const c of (result as { checks: Array<{ check: string; ok: boolean; detail: string }> }).checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}: ${c.detail}`);
    return;
  }
  console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      code: { type: 'string' },
      'control-plane': { type: 'string' },
      offline: { type: 'boolean' },
      out: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string' },
      'expires-in-days': { type: 'string' },
      month: { type: 'string' },
      cert: { type: 'string' },
      to: { type: 'string' },
      bundle: { type: 'string' },
      manifest: { type: 'string' },
      key: { type: 'string' },
      kind: { type: 'string' },
      force: { type: 'boolean' },
      'passphrase-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const json = values.json === true;
  const [first, second, ...rest] = positionals;
  if (!first || values.help) {
    console.log(USAGE);
    return first ? 0 : 2;
  }
  if (first === 'update') {
    // Runs on the Docker host, in the install bundle's folder: no DATA_DIR configuration here.
    // The version is the signed manifest's; --to (or the advertised one) only finds and checks it.
    const to = values.to ?? (values.manifest ? undefined : latestAdvertised(values.bundle ?? '.'));
    // Loaded here: docker-compose and its YAML parser are for this one command, not for `serve`.
    const { updateBundle } = await import('./domain/update/updateBundle.js');
    const result = await updateBundle({ bundleDir: path.resolve(values.bundle ?? '.'), manifestFile: values.manifest, version: to, healthTimeoutSeconds: Number(process.env.UPDATE_HEALTH_TIMEOUT_SECONDS ?? 180), log: (line) => console.error(`update: ${line}`) });
    print(json ? result : result.outcome === 'updated' ? `updated ${result.from} → ${result.to} (${result.version}; encrypted backup: ${result.backup})` : result.outcome === 'already_current' ? `already on ${result.to}` : `ROLLED BACK: ${result.reason}`, json);
    return result.outcome === 'rolled_back' ? 1 : 0;
  }
  const config = await readConfig(environment(APP_DIR));
  if (first === 'serve') {
    await serve(config, createLogger('appliance'));
    return -1; // keeps running
  }
  const command = TWO_WORD.has(first) && second ? `${first} ${second}` : first;
  const extra = TWO_WORD.has(first) && second ? rest : [second, ...rest].filter((x): x is string => x !== undefined);
  const args: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(values)) if (k !== 'json' && v !== undefined) args[k] = v;
  if (extra[0]) args.file = extra[0];

  if (command === 'backup list' || command === 'backup verify' || command === 'backup restore') {
    const piped = values['passphrase-stdin'] ? await readStdin() : undefined;
    const socket = path.join(config.dataDir, COMMAND_SOCKET);
    if (command === 'backup list') print(json ? await listBackups(config) : describeBackup.list(await listBackups(config)), json);
    else if (command === 'backup verify') print(json ? await verifyBackup(config, extra[0], piped) : describeBackup.verified(await verifyBackup(config, extra[0], piped)), json);
    else {
      const restored = await restoreFromBackup(config, socket, extra[0], piped, values.force === true);
      print(json ? restored : describeBackup.restored(restored), json);
    }
    return 0;
  }

  let input: string | undefined;
  if (command === 'license import') {
    if (!extra[0]) throw new ApplianceError('invalid_input', 'FILE: give the license file: appliance license import FILE');
    input = fs.readFileSync(extra[0], 'utf8');
  } else if (command === 'user add') input = await readStdin();
  else if (command === 'tls import') {
    if (!values.cert || !values.key) throw new ApplianceError('invalid_input', '--cert and --key: give the certificate and its private key (PEM files)');
    args['cert-pem'] = fs.readFileSync(values.cert, 'utf8');
    args['key-pem'] = fs.readFileSync(values.key, 'utf8');
  }

  const result = await runLocally(config, { command, args, ...(input !== undefined ? { input } : {}) });
  if ((command === 'usage export' || (command === 'enroll' && values.offline)) && values.out) {
    const r = result as { jws?: string; request?: unknown };
    await writeFileDurable(path.resolve(values.out), r.jws ?? `${JSON.stringify(r.request, null, 2)}\n`, { keepBackup: false });
    print(json ? { ...r, out: path.resolve(values.out) } : `written to ${path.resolve(values.out)}`, json);
    return 0;
  }
  print(command === 'backup create' && !json ? describeBackup.created(result as BackupResult) : result, json);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    // With --json, a failure is JSON too, with its stable code, for scripts (and `appliance update`).
    if (process.argv.includes('--json') && err instanceof DomainError) console.log(JSON.stringify({ ok: false, error: err.code, message: err.message }));
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof DomainError) console.error(`appliance: ${err.message}`);
    else if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`appliance: ${(err as Error).message}\n${USAGE}`);
    else console.error(`appliance: ${(err as Error).message}`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  },
);
