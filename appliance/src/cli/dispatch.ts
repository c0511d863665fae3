/**
 * What each command does in the CLI process, around the command itself: most run where the data
 * is open (`runLocally`: the server's socket, or DATA_DIR under its lock); a few need something of
 * their own first or after — a password or a file read here, a file written here, no DATA_DIR at
 * all (`update` runs on the Docker host), or no server (backup list/verify/restore read BACKUP_DIR,
 * and restore wants the appliance stopped).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedCommand } from '@iamanager/kernel/cli';
import { writeFileDurable } from '@iamanager/kernel/storage';
import { COMMAND_SOCKET, environment, readConfig, type Config } from '../config.js';
import type { BackupResult } from '../domain/backups/backups.js';
import { ApplianceError } from '../errors.js';
import { serve } from '../server.js';
import { createLogger } from '@iamanager/kernel/log';
import { describeBackup, listBackups, restoreFromBackup, verifyBackup } from './backupCommands.js';
import { runLocally } from './runLocally.js';
import { describeOffsite, listOnTarget, readTargetSecrets, withDownloaded } from './offsiteCommands.js';
import type { OffsiteStatus, OffsiteTargetView } from '../domain/backups/offsite/offsiteCopies.js';
import { supportBundleHandler } from './supportBundleOut.js';
import { serverLogRing } from '../domain/support/logRing.js';
import { pino } from 'pino';

export interface CliContext {
  /** Where the app is installed (its `.env` is read from there). */
  appDir: string;
}

/** What to print (`result` with --json, else `text` when given) and how to exit; `running` for `serve`. */
export type CliOutcome = { result: unknown; text?: string; exitCode?: number } | 'running';

type Handler = (parsed: ParsedCommand, context: CliContext) => Promise<CliOutcome>;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const configOf = (context: CliContext): Promise<Config> => readConfig(environment(context.appDir));
const str = (parsed: ParsedCommand, flag: string): string | undefined =>
  typeof parsed.args[flag] === 'string' ? (parsed.args[flag] as string) : undefined;
/** The passphrase of `--passphrase-stdin`, else none (the configured one is used). */
const pipedPassphrase = async (parsed: ParsedCommand) => (parsed.args['passphrase-stdin'] === true ? await readStdin() : undefined);

/** The version the control plane advertised last (kept by the heartbeat outbox in the bundle's data). */
function latestAdvertised(bundleDir: string): string {
  try {
    const outbox = JSON.parse(fs.readFileSync(path.join(bundleDir, 'data', 'heartbeat-outbox.json'), 'utf8')) as {
      latestVersion?: string | null;
    };
    if (outbox.latestVersion) return outbox.latestVersion;
  } catch {
    // no data yet
  }
  throw new ApplianceError('invalid_input', '--to: no version advertised yet by the control plane; give one, e.g. --to 0.2.0');
}

/** The command as the server runs it; `input` is what this process read for it. */
async function runInData(parsed: ParsedCommand, context: CliContext, args = parsed.args, input?: string): Promise<unknown> {
  return runLocally(await configOf(context), { command: parsed.command, args, ...(input !== undefined ? { input } : {}) });
}

/** `--out FILE`: the JWS (usage export) or the offline enrollment request, written here. */
async function writtenOut(parsed: ParsedCommand, result: unknown): Promise<{ result: unknown; text?: string }> {
  const out = str(parsed, 'out');
  if (out === undefined) return { result };
  const r = result as { jws?: string; request?: unknown };
  await writeFileDurable(path.resolve(out), r.jws ?? `${JSON.stringify(r.request, null, 2)}\n`, { keepBackup: false });
  return { result: { ...r, out: path.resolve(out) }, text: `written to ${path.resolve(out)}` };
}

const HANDLERS: Record<string, Handler> = {
  async 'serve'(_parsed, context) {
    // Also into the memory ring the support bundle reads its recent lines from (domain/support/logRing.ts).
    // Both at 'trace': the logger's own level (LOG_LEVEL) decides, as it did with stdout alone.
    const streams = pino.multistream([
      { level: 'trace', stream: process.stdout },
      { level: 'trace', stream: serverLogRing },
    ]);
    await serve(await configOf(context), createLogger('appliance', undefined, streams));
    return 'running';
  },
  /**
   * Runs on the Docker host, in the install bundle's folder: no DATA_DIR configuration here. The
   * version is the signed manifest's; --to (or the advertised one) only finds and checks it.
   */
  async 'update'(parsed) {
    const bundle = str(parsed, 'bundle') ?? '.';
    const manifest = str(parsed, 'manifest');
    const to = str(parsed, 'to') ?? (manifest ? undefined : latestAdvertised(bundle));
    // Loaded here: docker-compose and its YAML parser are for this one command, not for `serve`.
    const { updateBundle } = await import('../domain/update/updateBundle.js');
    const result = await updateBundle({
      bundleDir: path.resolve(bundle),
      manifestFile: manifest,
      version: to,
      healthTimeoutSeconds: Number(process.env.UPDATE_HEALTH_TIMEOUT_SECONDS ?? 180),
      log: (line) => console.error(`update: ${line}`),
    });
    const text =
      result.outcome === 'updated'
        ? `updated ${result.from} → ${result.to} (${result.version}; encrypted backup: ${result.backup})`
        : result.outcome === 'already_current'
          ? `already on ${result.to}`
          : `ROLLED BACK: ${result.reason}`;
    return { result, text, exitCode: result.outcome === 'rolled_back' ? 1 : 0 };
  },
  async 'enroll'(parsed, context) {
    const result = await runInData(parsed, context);
    return parsed.args.offline === true ? writtenOut(parsed, result) : { result };
  },
  async 'usage export'(parsed, context) {
    return writtenOut(parsed, await runInData(parsed, context));
  },
  /** The proof is read here, where FILE is (the server may run in another directory). */
  async 'proof verify'(parsed, context) {
    if (!parsed.positional) throw new ApplianceError('invalid_input', 'FILE: give the proof: appliance proof verify preuve.jws');
    const input = fs.readFileSync(parsed.positional, 'utf8');
    return { result: await runInData(parsed, context, parsed.args, input) };
  },
  async 'license import'(parsed, context) {
    const config = await configOf(context);
    if (!parsed.positional) throw new ApplianceError('invalid_input', 'FILE: give the license file: appliance license import FILE');
    const input = fs.readFileSync(parsed.positional, 'utf8');
    return { result: await runLocally(config, { command: parsed.command, args: parsed.args, input }) };
  },
  async 'tls import'(parsed, context) {
    const config = await configOf(context);
    const cert = str(parsed, 'cert');
    const key = str(parsed, 'key');
    if (!cert || !key) throw new ApplianceError('invalid_input', '--cert and --key: give the certificate and its private key (PEM files)');
    const args = { ...parsed.args, 'cert-pem': fs.readFileSync(cert, 'utf8'), 'key-pem': fs.readFileSync(key, 'utf8') };
    return { result: await runLocally(config, { command: parsed.command, args }) };
  },
  async 'backup create'(parsed, context) {
    const result = await runInData(parsed, context);
    return { result, text: describeBackup.created(result as BackupResult) };
  },
  async 'support-bundle'(parsed, context) {
    return supportBundleHandler(parsed, (args) => runInData(parsed, context, args));
  },
  async 'backup list'(parsed, context) {
    const target = str(parsed, 'target');
    if (target !== undefined) {
      const onTarget = await listOnTarget(await configOf(context), target);
      return { result: onTarget, text: describeOffsite.onTarget(onTarget) };
    }
    const list = await listBackups(await configOf(context));
    return { result: list, text: describeBackup.list(list) };
  },
  async 'backup verify'(parsed, context) {
    const config = await configOf(context);
    const target = str(parsed, 'target');
    const piped = await pipedPassphrase(parsed);
    const verified =
      target === undefined
        ? await verifyBackup(config, parsed.positional, piped)
        : await withDownloaded(config, target, parsed.positional, async (file) => ({
            ...(await verifyBackup(config, file, piped)),
            file: `${target}:${path
              .basename(file)
              .replace(/^\.iamanager-offsite-\d+-/, '')
              .replace(/\.tmp$/, '')}`,
          }));
    return { result: verified, text: describeBackup.verified(verified) };
  },
  async 'backup restore'(parsed, context) {
    const config = await configOf(context);
    const target = str(parsed, 'target');
    const piped = await pipedPassphrase(parsed);
    const socket = path.join(config.dataDir, COMMAND_SOCKET);
    const force = parsed.args.force === true;
    if (target !== undefined && parsed.positional === undefined)
      throw new ApplianceError(
        'invalid_input',
        `FILE: give the backup to restore from ${target}, as \`appliance backup list --target ${target}\` prints it`,
      );
    const restored =
      target === undefined
        ? await restoreFromBackup(config, socket, parsed.positional, piped, force)
        : await withDownloaded(config, target, parsed.positional, async (file) => ({
            ...(await restoreFromBackup(config, socket, file, piped, force)),
            file: `${target}:${parsed.positional}`,
          }));
    return { result: restored, text: describeBackup.restored(restored) };
  },
  async 'backup target add'(parsed, context) {
    const args = await readTargetSecrets(parsed.args, readStdin);
    const added = (await runInData(parsed, context, args)) as OffsiteTargetView;
    return {
      result: added,
      text: `added ${describeOffsite.target(added)}; check it with appliance backup target test ${added.id}`,
    };
  },
  async 'backup target edit'(parsed, context) {
    const args = await readTargetSecrets(parsed.args, readStdin);
    const changed = (await runInData(parsed, context, args)) as OffsiteTargetView;
    return { result: changed, text: `changed ${describeOffsite.target(changed)}` };
  },
  async 'backup target list'(parsed, context) {
    const status = (await runInData(parsed, context)) as OffsiteStatus;
    return { result: status, text: describeOffsite.list(status) };
  },
  async 'backup target test'(parsed, context) {
    await runInData(parsed, context);
    return { result: { ok: true, target: parsed.positional }, text: `ok: ${parsed.positional} accepts, returns and deletes a file` };
  },
};

/** Runs a parsed command: its own handler, or the command as the server runs it (stdin as its input). */
export async function dispatch(parsed: ParsedCommand, context: CliContext): Promise<CliOutcome> {
  const handler = HANDLERS[parsed.command];
  if (handler) return handler(parsed, context);
  if (parsed.stdin) {
    const config = await configOf(context);
    return { result: await runLocally(config, { command: parsed.command, args: parsed.args, input: await readStdin() }) };
  }
  return { result: await runInData(parsed, context) };
}
