/**
 * `appliance update` for a Docker bundle, run on the cabinet's Docker host in the bundle folder:
 *   1. pull the new image (nothing running changes yet: a failed pull aborts cleanly);
 *   2. make an encrypted backup through the running appliance (`backup create --kind pre-update`,
 *      in a one-off container of the current image); a failure aborts, nothing changed — unless
 *      backups are not configured, which is said and does not block an update;
 *   3. stop the appliance and copy its data folder (the snapshot a failed update rolls back to);
 *   4. point `.env` at the new image and recreate the service through docker-compose;
 *   5. wait for the container's health check;
 *   6. if health does not come, put the previous data and image back and start them again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as compose from 'docker-compose';
import { DomainError, semverSchema, parseWith } from '@iamanager/protocol';
import { writeFileDurable } from '@iamanager/protocol/storage';

const run = promisify(execFile);

export interface UpdateOptions {
  bundleDir: string;
  version: string;
  healthTimeoutSeconds: number;
  log: (line: string) => void;
}

export interface UpdateResult {
  outcome: 'updated' | 'rolled_back' | 'already_current';
  from: string;
  to: string;
  snapshot: string | null;
  /** The encrypted pre-update backup (on the host), or null when backups are not configured. */
  backup: string | null;
  reason?: string;
}

function readEnv(file: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !line.startsWith('#')) env.set(line.slice(0, i).trim(), line.slice(i + 1));
  }
  return env;
}

/** Rewrites one KEY=VALUE line of `.env` (or appends it), keeping everything else as written. */
async function setEnv(file: string, key: string, value: string): Promise<void> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${key}=`));
  if (i >= 0) lines[i] = `${key}=${value}`;
  else lines.splice(lines.length - 1, 0, `${key}=${value}`);
  await writeFileDurable(file, lines.join('\n'), { mode: 0o600, keepBackup: false });
}

async function healthOf(container: string): Promise<string> {
  try {
    return (await run('docker', ['inspect', '--format', '{{.State.Health.Status}}', container])).stdout.trim();
  } catch {
    return 'missing';
  }
}

async function waitHealthy(container: string, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const status = await healthOf(container);
    if (status === 'healthy') return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function updateBundle(options: UpdateOptions): Promise<UpdateResult> {
  const version = parseWith(semverSchema, options.version, '--to');
  const envFile = path.join(options.bundleDir, '.env');
  if (!fs.existsSync(envFile)) throw new DomainError('invalid_input', `--bundle: no .env in ${options.bundleDir}: run this in the folder of the install bundle`);
  const env = readEnv(envFile);
  const clientId = env.get('CLIENT_ID');
  if (!clientId) throw new DomainError('invalid_input', '.env: CLIENT_ID is missing');
  const from = env.get('APPLIANCE_IMAGE') || 'iamanager/appliance:0.1.0';
  const repository = from.replace(/:[^:/]+$/, '');
  const to = `${repository}:${version}`;
  if (from === to) return { outcome: 'already_current', from, to, snapshot: null, backup: null };
  const container = `iamanager-${clientId}`;
  const dataDir = path.resolve(options.bundleDir, env.get('DATA_PATH') || './data');
  const backups = path.resolve(options.bundleDir, env.get('BACKUP_PATH') || './backups');
  const base = { cwd: options.bundleDir, config: 'compose.yaml', composeOptions: [['--env-file', '.env']] };
  const withImage = (image: string) => ({ ...base, env: { ...process.env, APPLIANCE_IMAGE: image } });

  options.log(`pulling ${to}`);
  await compose.pullOne('appliance', withImage(to)).catch((err: { err?: string }) => {
    throw new DomainError('update_pull_failed', `cannot pull ${to}: ${(err.err ?? '').trim().split('\n').pop() ?? 'docker pull failed'}; nothing was changed`);
  });

  const backup = await preUpdateBackup({ ...withImage(from), commandOptions: ['--rm', '--no-deps'] }, backups, options.log);

  options.log('stopping the appliance for a consistent snapshot');
  await compose.stopOne('appliance', withImage(from));
  const snapshot = path.join(backups, `pre-update-${new Date().toISOString().replace(/[:.]/g, '-')}-${from.split(':').pop()}`);
  fs.mkdirSync(backups, { recursive: true });
  if (fs.existsSync(dataDir)) fs.cpSync(dataDir, snapshot, { recursive: true, preserveTimestamps: true });
  options.log(`data saved to ${snapshot}`);

  await setEnv(envFile, 'APPLIANCE_IMAGE', to);
  options.log(`starting ${to}`);
  await compose.upOne('appliance', withImage(to));
  if (await waitHealthy(container, options.healthTimeoutSeconds)) return { outcome: 'updated', from, to, snapshot, backup };

  options.log(`${to} did not become healthy: rolling back to ${from}`);
  await compose.stopOne('appliance', withImage(to));
  if (fs.existsSync(snapshot)) {
    fs.rmSync(`${dataDir}.failed-update`, { recursive: true, force: true });
    if (fs.existsSync(dataDir)) fs.renameSync(dataDir, `${dataDir}.failed-update`);
    fs.cpSync(snapshot, dataDir, { recursive: true, preserveTimestamps: true });
  }
  await setEnv(envFile, 'APPLIANCE_IMAGE', from);
  await compose.upOne('appliance', withImage(from));
  const back = await waitHealthy(container, options.healthTimeoutSeconds);
  return { outcome: 'rolled_back', from, to, snapshot, backup, reason: `${to} did not report healthy within ${options.healthTimeoutSeconds} s; ${from} and its data are back${back ? '' : ' but not healthy either: check `docker compose logs appliance`'} (the failed data is kept in ${path.basename(dataDir)}.failed-update)` };
}

/**
 * `appliance backup create --kind pre-update` in a one-off container of the running version: it
 * goes through the running server's socket (or takes the data lock when the appliance is stopped).
 */
async function preUpdateBackup(options: compose.IDockerComposeOptions, backupsDir: string, log: (line: string) => void): Promise<string | null> {
  log('making the encrypted pre-update backup');
  let out: string;
  try {
    out = (await compose.run('appliance', ['backup', 'create', '--kind', 'pre-update', '--json'], options)).out;
  } catch (err) {
    const failed = err as { out?: string; err?: string };
    const answer = lastJson(failed.out ?? '') as { error?: string; message?: string } | undefined;
    if (answer?.error === 'backup_not_configured') {
      log('no encrypted backup: BACKUP_PASSPHRASE is not set in .env (the data copy below is still made)');
      return null;
    }
    const reason = answer?.message ?? (failed.err ?? '').trim().split('\n').pop() ?? 'backup create failed';
    throw new DomainError('update_backup_failed', `the pre-update backup failed, so the update did not start: ${reason}`);
  }
  const made = lastJson(out) as { name?: string } | undefined;
  if (!made?.name) throw new DomainError('update_backup_failed', 'the pre-update backup did not say which file it wrote; nothing was changed');
  const file = path.join(backupsDir, made.name);
  log(`backup written: ${file}`);
  return file;
}

/** The JSON object a `--json` command printed last (log lines may come before it). */
function lastJson(text: string): unknown {
  const starts = [...text.matchAll(/^\{/gm)].map((m) => m.index);
  for (const start of starts.reverse()) {
    try {
      return JSON.parse(text.slice(start));
    } catch {
      // a log line, or the middle of something else: try an earlier start
    }
  }
  return undefined;
}
