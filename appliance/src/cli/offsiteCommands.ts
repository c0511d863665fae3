/**
 * `appliance backup target add|edit|list|remove|test` and the `--target ID` forms of `backup
 * list|verify|restore` (docs/backup.md « Copies hors site »). Target changes run where the data is
 * open (the server's socket, or DATA_DIR under its lock); verify and restore from a target download
 * the copy into BACKUP_DIR under a temp name, then take the usual path — same passphrase rules.
 */
import fs from 'node:fs/promises';
import { createLogger } from '@iamanager/kernel/log';
import { pino } from 'pino';
import type { Appliance } from '../appliance.js';
import type { Config } from '../config.js';
import { OffsiteCopies, type OffsiteStatus, type OffsiteTargetView } from '../domain/backups/offsite/offsiteCopies.js';
import type { TargetFields } from '../domain/backups/offsite/targetFields.js';
import type { OffsiteFile } from '../domain/backups/offsite/target.js';
import { ApplianceError } from '../errors.js';

type Args = Record<string, string | boolean>;
const str = (args: Args, flag: string): string | undefined => (typeof args[flag] === 'string' ? (args[flag] as string) : undefined);

/** The command line's flags as the settings' field names. */
function fieldsOf(args: Args, secret: { password?: string; privateKey?: string; secretAccessKey?: string }): TargetFields {
  return {
    kind: str(args, 'kind'),
    id: str(args, 'id'),
    label: str(args, 'label'),
    path: str(args, 'path'),
    host: str(args, 'host'),
    port: str(args, 'port'),
    username: str(args, 'user'),
    remoteDir: str(args, 'remote-dir'),
    hostKeySha256: str(args, 'host-key'),
    keep: str(args, 'keep'),
    days: str(args, 'days'),
    enabled: args.disabled === true ? 'false' : args.enabled === true ? 'true' : undefined,
    password: secret.password,
    privateKey: secret.privateKey,
    endpoint: str(args, 'endpoint'),
    region: str(args, 'region'),
    bucket: str(args, 'bucket'),
    prefix: str(args, 'prefix'),
    accessKeyId: str(args, 'access-key-id'),
    secretAccessKey: secret.secretAccessKey,
    pathStyle: args['path-style'] === true ? 'true' : args['virtual-hosted'] === true ? 'false' : undefined,
  };
}

/**
 * The secrets, read by the CLI process (where the key file is) and passed on as command arguments:
 * `--password-stdin` (never a password on the command line, where `ps` shows it), `--private-key FILE`.
 */
export async function readTargetSecrets(args: Args, stdin: () => Promise<string>): Promise<Args> {
  const out: Args = { ...args };
  delete out['password-stdin'];
  if (args['password-stdin'] === true) {
    const password = (await stdin()).replace(/\r?\n$/, '');
    if (password === '')
      throw new ApplianceError(
        'invalid_input',
        '--password-stdin: nothing was piped in; e.g. printf \'%s\\n\' "$SFTP_PASSWORD" | appliance backup target add …',
      );
    out['password-value'] = password;
  }
  // The S3 secret access key, like a password, only ever through stdin.
  delete out['secret-key-stdin'];
  if (args['secret-key-stdin'] === true) {
    const secret = (await stdin()).trim();
    if (secret === '')
      throw new ApplianceError(
        'invalid_input',
        '--secret-key-stdin: nothing was piped in; e.g. printf \'%s\\n\' "$S3_SECRET_KEY" | appliance backup target add --kind s3 …',
      );
    out['secret-key-value'] = secret;
  }
  const keyFile = str(args, 'private-key');
  if (keyFile !== undefined) {
    out['private-key-value'] = await fs.readFile(keyFile, 'utf8').catch((err: Error) => {
      throw new ApplianceError('invalid_input', `--private-key: cannot read ${keyFile}: ${err.message}`);
    });
    delete out['private-key'];
  }
  return out;
}

const secretsOf = (args: Args) => ({
  password: str(args, 'password-value'),
  privateKey: str(args, 'private-key-value'),
  secretAccessKey: str(args, 'secret-key-value'),
});

export function addTargetCommand(appliance: Appliance, args: Args): Promise<OffsiteTargetView> {
  return appliance.offsite.save(fieldsOf(args, secretsOf(args)));
}

export function editTargetCommand(appliance: Appliance, args: Args): Promise<OffsiteTargetView> {
  const id = str(args, 'id');
  if (id === undefined)
    throw new ApplianceError('invalid_input', 'ID: give the target to change, e.g. appliance backup target edit nas --host-key SHA256:…');
  return appliance.offsite.save({ ...fieldsOf(args, secretsOf(args)), id: undefined }, id);
}

export async function removeTargetCommand(appliance: Appliance, args: Args): Promise<{ removed: string }> {
  const id = str(args, 'id');
  if (id === undefined) throw new ApplianceError('invalid_input', 'ID: give the target to remove (see appliance backup target list)');
  await appliance.offsite.remove(id);
  return { removed: id };
}

export async function testTargetCommand(appliance: Appliance, args: Args): Promise<{ ok: true; target: string }> {
  const id = str(args, 'id');
  if (id === undefined) throw new ApplianceError('invalid_input', 'ID: give the target to test (see appliance backup target list)');
  await appliance.offsite.test(id);
  return { ok: true, target: id };
}

export function listTargetsCommand(appliance: Appliance): Promise<OffsiteStatus> {
  return Promise.resolve(appliance.offsite.status());
}

/** The off-site targets as saved in DATA_DIR, read without the data lock (verify may run beside the server, restore with it stopped). */
async function offsiteOf(config: Config): Promise<OffsiteCopies> {
  const log = createLogger('appliance-cli', process.env.LOG_LEVEL ?? 'warn', pino.destination(2));
  return OffsiteCopies.open({ dataDir: config.dataDir, backupDir: config.backup.dir, clock: () => new Date(), log });
}

export async function listOnTarget(config: Config, id: string): Promise<{ target: string; backups: OffsiteFile[] }> {
  return { target: id, backups: await (await offsiteOf(config)).list(id) };
}

/** Downloads NAME (default: the newest) from target ID, runs `use` on the local copy, then deletes it. */
export async function withDownloaded<T>(
  config: Config,
  id: string,
  name: string | undefined,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const { file } = await (await offsiteOf(config)).download(id, name, config.backup.dir);
  try {
    return await use(file);
  } finally {
    await fs.rm(file, { force: true });
  }
}

const when = (at: string | null) => at ?? 'never';

export const describeOffsite = {
  target: (t: OffsiteTargetView) => `${t.id} (${t.kind}, ${t.enabled ? 'enabled' : 'disabled'}): ${t.label}`,
  list: (s: OffsiteStatus) =>
    s.targets.length === 0
      ? 'no off-site target: add one with appliance backup target add --kind folder|sftp|s3 … (docs/backup.md)'
      : [
          `last off-site copy: ${when(s.lastOffsiteCopyAt)}`,
          ...s.targets.map(
            (t) =>
              `  ${describeOffsite.target(t)}; last copy ${when(t.status.lastSuccessAt)}${t.status.lastCopy ? ` (${t.status.lastCopy})` : ''}${t.status.lastError ? `; LAST ERROR ${t.status.lastError.at} [${t.status.lastError.code}]: ${t.status.lastError.message}` : ''}`,
          ),
        ].join('\n'),
  onTarget: (l: { target: string; backups: OffsiteFile[] }) =>
    l.backups.length === 0
      ? `no backup on ${l.target}`
      : [
          `${l.backups.length} backup(s) on ${l.target}, newest first:`,
          ...l.backups.map((b) => `  ${b.name}  ${(b.size / 2 ** 20).toFixed(1)} MB`),
        ].join('\n'),
};
