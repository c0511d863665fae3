/**
 * `appliance update` for a Docker bundle, run on the cabinet's Docker host in the bundle folder:
 *   1. verify the vendor's signed manifest (update-x.y.z.jws): its signature against the pinned
 *      vendor keys (VENDOR_KEY_PINS in .env; the keys received at enrollment when unpinned), and
 *      that it names the image by digest; no manifest, a bad signature, an older version: refused;
 *   2. pull that image by digest (nothing running changes yet: a failed pull aborts cleanly) and
 *      check the digest Docker reports is the signed one;
 *   3. make an encrypted backup through the running appliance (`backup create --kind pre-update`,
 *      in a one-off container of the current image): the copy a failed update rolls back to,
 *      under the normal retention. Without BACKUP_PASSPHRASE there is nothing to roll back to, so
 *      the update is refused; no plain copy of DATA_DIR (keys, secret key, cases) is ever written,
 *      and those that earlier versions left in the backup folder are deleted once this one exists;
 *   4. point `.env` at the new image and recreate the service through docker-compose;
 *   5. wait for the container's health check;
 *   6. if health does not come, restore the pre-update backup (the failed data is kept aside in
 *      DATA_DIR by the restore) with the previous image, and start that again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as compose from 'docker-compose';
import {
  compareVersions,
  imageDigest,
  isKeyThumbprint,
  jwksSchema,
  semverSchema,
  parseWith,
  verifyUpdateManifest,
  type Jwks,
  type UpdateManifest,
} from '@iamanager/protocol';
import { writeFileDurable } from '@iamanager/kernel/storage';
import { ApplianceError } from '../../errors.js';

const run = promisify(execFile);

export interface UpdateOptions {
  bundleDir: string;
  /** The signed manifest (`--manifest`); default: update-<version>.jws in the bundle folder. */
  manifestFile: string | undefined;
  /** `--to`, or the version the control plane advertised: must be the manifest's. */
  version: string | undefined;
  healthTimeoutSeconds: number;
  log: (line: string) => void;
}

export interface UpdateResult {
  outcome: 'updated' | 'rolled_back' | 'already_current';
  from: string;
  to: string;
  version: string;
  /** The encrypted pre-update backup (on the host); null only when already current. */
  backup: string | null;
  /** Plain copies of DATA_DIR left in the backup folder by earlier versions, now deleted. */
  removedPlainCopies: string[];
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

/** The vendor key pins of `.env` (VENDOR_KEY_PINS), or undefined when the install is unpinned. */
function pinsOf(env: Map<string, string>): string[] | undefined {
  const pins = (env.get('VENDOR_KEY_PINS') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const bad = pins.filter((p) => !isKeyThumbprint(p));
  if (bad.length > 0)
    throw new ApplianceError(
      'invalid_input',
      `.env: VENDOR_KEY_PINS holds ${bad.map((p) => JSON.stringify(p)).join(', ')}, not key thumbprints: copy the line from your install bundle`,
    );
  return pins.length > 0 ? pins : undefined;
}

/** The vendor keys received at enrollment (DATA_DIR/license.json), for an unpinned install. */
function enrolledKeys(dataDir: string): Jwks | undefined {
  try {
    const parsed = jwksSchema.safeParse(
      (JSON.parse(fs.readFileSync(path.join(dataDir, 'license.json'), 'utf8')) as { vendorKeys?: unknown }).vendorKeys,
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not enrolled yet, or unreadable: no key to trust
  }
}

/** Reads and verifies the signed manifest; every refusal happens here, before Docker is touched. */
async function verifiedManifest(options: UpdateOptions, env: Map<string, string>, dataDir: string): Promise<UpdateManifest> {
  const version = options.version === undefined ? undefined : parseWith(semverSchema, options.version, '--to');
  if (!options.manifestFile && !version)
    throw new ApplianceError('invalid_input', '--manifest: give the signed update manifest, e.g. --manifest update-0.2.0.jws');
  const file = path.resolve(options.bundleDir, options.manifestFile ?? `update-${version}.jws`);
  let jws: string;
  try {
    jws = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ApplianceError(
      'update_unsigned',
      `no signed update manifest at ${file}: updates are installed only from the vendor's signed manifest (update-x.y.z.jws, sent with the release notes); put it there or give --manifest FILE`,
    );
  }
  const pins = pinsOf(env);
  const { manifest, signedBy } = await verifyUpdateManifest(jws, { pins, enrolledKeys: pins ? undefined : enrolledKeys(dataDir) });
  if (version && manifest.version !== version)
    throw new ApplianceError(
      'update_manifest_invalid',
      `--to ${version}: the signed manifest is for ${manifest.version}; give its version, or the manifest of ${version}`,
    );
  options.log(
    `manifest for ${manifest.version} verified (vendor key ${signedBy}${pins ? ', pinned' : ', received at enrollment: set VENDOR_KEY_PINS in .env to pin it'}): ${manifest.image}`,
  );
  return manifest;
}

/** The digests Docker knows the pulled image by (`RepoDigests`). */
async function repoDigests(image: string): Promise<string[]> {
  try {
    const out = (await run('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', image])).stdout.trim();
    const parsed = JSON.parse(out) as unknown;
    return Array.isArray(parsed) ? parsed.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

/** The version an image reference or `.env` names: APPLIANCE_VERSION, else the tag of a tagged image. */
function currentVersion(env: Map<string, string>, image: string): string | undefined {
  const named = env.get('APPLIANCE_VERSION') || /:(\d{1,5}\.\d{1,5}\.\d{1,5})$/.exec(image)?.[1];
  return named && semverSchema.safeParse(named).success ? named : undefined;
}

/**
 * Plain `pre-update-*` copies of DATA_DIR that versions before signed updates left in the backup
 * folder: the appliance's key, secret key and cases in clear, shipped off-site with the backups.
 */
function removePlainCopies(backups: string, log: (line: string) => void): string[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(backups, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name.startsWith('pre-update-'))
      .map((e) => e.name);
  } catch {
    return [];
  }
  for (const name of names) {
    fs.rmSync(path.join(backups, name), { recursive: true, force: true });
    log(`deleted the plain data copy ${name} an earlier update left in the backup folder (the encrypted backup replaces it)`);
  }
  return names;
}

export async function updateBundle(options: UpdateOptions): Promise<UpdateResult> {
  const envFile = path.join(options.bundleDir, '.env');
  if (!fs.existsSync(envFile))
    throw new ApplianceError('invalid_input', `--bundle: no .env in ${options.bundleDir}: run this in the folder of the install bundle`);
  const env = readEnv(envFile);
  const clientId = env.get('CLIENT_ID');
  if (!clientId) throw new ApplianceError('invalid_input', '.env: CLIENT_ID is missing');
  const dataDir = path.resolve(options.bundleDir, env.get('DATA_PATH') || './data');
  const backups = path.resolve(options.bundleDir, env.get('BACKUP_PATH') || './backups');
  const manifest = await verifiedManifest(options, env, dataDir);
  const from = env.get('APPLIANCE_IMAGE') || 'iamanager/appliance:0.1.0';
  const to = manifest.image;
  const fromVersion = currentVersion(env, from);
  if (from === to) return { outcome: 'already_current', from, to, version: manifest.version, backup: null, removedPlainCopies: [] };
  if (fromVersion && compareVersions(manifest.version, fromVersion) < 0) {
    throw new ApplianceError(
      'update_downgrade',
      `the manifest is for ${manifest.version}, older than the ${fromVersion} installed: an old signed manifest cannot take the appliance back to a version with known flaws; nothing was changed`,
    );
  }
  const container = `iamanager-${clientId}`;
  const base = { cwd: options.bundleDir, config: 'compose.yaml', composeOptions: [['--env-file', '.env']] };
  const withImage = (image: string) => ({ ...base, env: { ...process.env, APPLIANCE_IMAGE: image } });

  options.log(`pulling ${to}`);
  await compose.pullOne('appliance', withImage(to)).catch((err: { err?: string }) => {
    throw new ApplianceError(
      'update_pull_failed',
      `cannot pull ${to}: ${(err.err ?? '').trim().split('\n').pop() ?? 'docker pull failed'}; nothing was changed`,
    );
  });
  const digests = await repoDigests(to);
  if (!digests.some((d) => d.endsWith(`@${imageDigest(to)}`))) {
    throw new ApplianceError(
      'update_digest_mismatch',
      `the image Docker pulled is ${digests.join(', ') || 'known by no digest'}, not the signed ${imageDigest(to)}: refused, nothing was changed (check the registry and any proxy between it and this host)`,
    );
  }

  const oneOff = { ...withImage(from), commandOptions: ['--rm', '--no-deps'] };
  const backup = await preUpdateBackup(oneOff, backups, options.log);
  const removedPlainCopies = removePlainCopies(backups, options.log);

  options.log('stopping the appliance');
  await compose.stopOne('appliance', withImage(from));
  await setEnv(envFile, 'APPLIANCE_IMAGE', to);
  await setEnv(envFile, 'APPLIANCE_VERSION', manifest.version);
  options.log(`starting ${to}`);
  await compose.upOne('appliance', withImage(to));
  if (await waitHealthy(container, options.healthTimeoutSeconds))
    return { outcome: 'updated', from, to, version: manifest.version, backup: backup.file, removedPlainCopies };

  options.log(`${to} did not become healthy: restoring ${backup.name} and going back to ${from}`);
  await compose.stopOne('appliance', withImage(to));
  await setEnv(envFile, 'APPLIANCE_IMAGE', from);
  await setEnv(envFile, 'APPLIANCE_VERSION', fromVersion ?? '');
  const restored = await restorePreUpdate(oneOff, backup.name);
  await compose.upOne('appliance', withImage(from));
  const back = await waitHealthy(container, options.healthTimeoutSeconds);
  return {
    outcome: 'rolled_back',
    from,
    to,
    version: manifest.version,
    backup: backup.file,
    removedPlainCopies,
    reason: `${to} did not report healthy within ${options.healthTimeoutSeconds} s; ${from} and the data of ${backup.name} are back${back ? '' : ' but not healthy either: check `docker compose logs appliance`'}${restored.previousData ? ` (the failed data is kept in ${restored.previousData})` : ''}`,
  };
}

/**
 * `appliance backup create --kind pre-update` in a one-off container of the running version: it
 * goes through the running server's socket (or takes the data lock when the appliance is stopped),
 * so it is an ordinary encrypted backup, pruned by the ordinary retention.
 */
async function preUpdateBackup(
  options: compose.IDockerComposeOptions,
  backupsDir: string,
  log: (line: string) => void,
): Promise<{ name: string; file: string }> {
  log('making the encrypted pre-update backup');
  let out: string;
  try {
    out = (await compose.run('appliance', ['backup', 'create', '--kind', 'pre-update', '--json'], options)).out;
  } catch (err) {
    const failed = err as { out?: string; err?: string };
    const answer = lastJson(failed.out ?? '') as { error?: string; message?: string } | undefined;
    if (answer?.error === 'backup_not_configured') {
      throw new ApplianceError(
        'update_backup_not_configured',
        'BACKUP_PASSPHRASE is not set in .env: an update is made only with an encrypted backup to roll back to, and no plain copy of the data is ever written; set a passphrase (16 characters or more, kept outside this server), `docker compose up -d`, then update again. Nothing was changed',
      );
    }
    const reason = answer?.message ?? (failed.err ?? '').trim().split('\n').pop() ?? 'backup create failed';
    throw new ApplianceError('update_backup_failed', `the pre-update backup failed, so the update did not start: ${reason}`);
  }
  const made = lastJson(out) as { name?: string } | undefined;
  if (!made?.name || !/^[\w.-]+\.iambak$/.test(made.name))
    throw new ApplianceError('update_backup_failed', 'the pre-update backup did not say which file it wrote; nothing was changed');
  const file = path.join(backupsDir, made.name);
  log(`encrypted backup written: ${file}`);
  return { name: made.name, file };
}

/** `appliance backup restore NAME --force` with the previous image: the failed data is moved aside, not deleted. */
async function restorePreUpdate(options: compose.IDockerComposeOptions, name: string): Promise<{ previousData: string | null }> {
  try {
    const out = (await compose.run('appliance', ['backup', 'restore', name, '--force', '--json'], options)).out;
    const restored = lastJson(out) as { previousData?: string | null } | undefined;
    return { previousData: restored?.previousData ?? null };
  } catch (err) {
    const failed = err as { out?: string; err?: string };
    const answer = lastJson(failed.out ?? '') as { message?: string } | undefined;
    throw new ApplianceError(
      'update_rollback_failed',
      `the new version never turned healthy and restoring ${name} failed: ${answer?.message ?? (failed.err ?? '').trim().split('\n').pop() ?? 'backup restore failed'}; the appliance is stopped: run \`appliance backup restore ${name} --force\` in the bundle's container, then \`docker compose up -d\``,
    );
  }
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
