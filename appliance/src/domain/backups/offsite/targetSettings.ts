/**
 * The saved settings of an off-site target, one entry per target in `offsite-targets.json`
 * (storage/offsiteTargetStore.ts): a discriminated union on `kind`. Secrets (the SFTP password or
 * private key, an S3 secret key) are stored in that file, created mode 0600, and never shown back:
 * pages and `backup target list` go through `publicTargetSettings`.
 */
import { z } from 'zod';

/** Ids are chosen at creation and appear in file names and URLs: lower-case letters, digits and dashes. */
export const TARGET_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Each target's own retention, applied after each push (independent of BACKUP_DIR's policy):
 * keep the newest `keep` copies, and drop copies older than `days` days (either or both; at least
 * the newest copy is always kept so a target never ends up empty).
 */
export const retentionSchema = z
  .object({
    keep: z.number().int().min(1).max(1000).nullable(),
    days: z.number().int().min(1).max(3650).nullable(),
  })
  .strict();
export type OffsiteRetention = z.infer<typeof retentionSchema>;

const commonFields = {
  id: z.string().regex(TARGET_ID, 'an id of 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit'),
  label: z.string().trim().min(1, 'a label is required').max(80),
  enabled: z.boolean(),
  retention: retentionSchema,
  createdAt: z.string(),
};

export const folderSettingsSchema = z
  .object({
    ...commonFields,
    kind: z.literal('folder'),
    /** An SMB/NFS share the IT person mounted on the Docker host and bound into the container. */
    path: z.string().refine((p) => p.startsWith('/'), 'an absolute path (starting with /)'),
  })
  .strict();

/** SHA256 of the server's host key, as OpenSSH prints it (`SHA256:` then unpadded base64). */
export const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const sftpSettingsSchema = z
  .object({
    ...commonFields,
    kind: z.literal('sftp'),
    host: z.string().trim().min(1, 'a host name or address is required').max(253),
    port: z.number().int().min(1).max(65535),
    username: z.string().min(1, 'a user name is required').max(64),
    /** Secret: write-only. */
    password: z.string().min(1).nullable(),
    /** Secret: write-only. An OpenSSH or PEM private key (unencrypted). */
    privateKey: z.string().min(1).nullable(),
    remoteDir: z.string().min(1, 'a remote directory is required'),
    /** Pinned host key; null until the IT person pins the one the test showed (first use). */
    hostKeySha256: z.string().regex(HOST_KEY_FINGERPRINT, 'SHA256:… as `ssh-keygen -lf` prints it').nullable(),
  })
  .strict()
  .refine((s) => s.password !== null || s.privateKey !== null, {
    message: 'a password or a private key is required',
    path: ['password'],
  });

/** Hosts an `http://` endpoint may name: only this machine (a test server, a local gateway), never the network. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * S3-compatible object storage (AWS, Scaleway, OVHcloud, MinIO, Garage, Ceph…; s3Target.ts).
 * The endpoint is https: the secret signs requests but does not hide the archives' metadata, and
 * a plain-http hop could be redirected. http is accepted for localhost only (a gateway or a test
 * server on the same machine).
 */
export const s3SettingsSchema = z
  .object({
    ...commonFields,
    kind: z.literal('s3'),
    endpoint: z
      .string()
      .trim()
      .superRefine((v, ctx) => {
        // One message per endpoint, the first thing wrong with it.
        const url = URL.canParse(v) ? new URL(v) : undefined;
        const problem = !url
          ? 'a URL such as https://s3.fr-par.scw.cloud'
          : !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
            ? 'must be https:// (http:// only for localhost)'
            : url.pathname !== '/' || url.search
              ? 'the server only (no path, no query): the bucket goes in bucket'
              : undefined;
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    region: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{2,40}$/, 'a region such as eu-west-3, fr-par or us-east-1 (any value the server accepts, often us-east-1)'),
    /** S3 bucket naming rules: 3–63 lower-case letters, digits, dots and dashes. */
    bucket: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name of 3 to 63 lower-case letters, digits, dots or dashes'),
    /** Folder-like prefix the archives go under (no leading or trailing slash); empty: the bucket's root. */
    prefix: z
      .string()
      .trim()
      .max(200)
      .regex(
        /^(?:[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)?$/,
        'letters, digits, ".", "_", "-" and "/" between parts, e.g. cabinet-dupont/backups',
      ),
    accessKeyId: z.string().trim().min(1, 'an access key id is required').max(128),
    /** Secret: write-only. */
    secretAccessKey: z.string().min(1, 'a secret access key is required').max(256),
    /** Path-style addressing (https://host/bucket/key), which MinIO, Garage, Ceph and most non-AWS servers need. */
    pathStyle: z.boolean(),
  })
  .strict();
export type S3Settings = z.infer<typeof s3SettingsSchema>;

/** The union every kind joins, keyed by `kind` (OFFSITES3 appends its `s3` schema). */
export const targetSettingsSchema = z.discriminatedUnion('kind', [folderSettingsSchema, sftpSettingsSchema, s3SettingsSchema]);
export type TargetSettings = z.infer<typeof targetSettingsSchema>;
export type FolderSettings = z.infer<typeof folderSettingsSchema>;
export type SftpSettings = z.infer<typeof sftpSettingsSchema>;

/** The fields that are secrets, per kind: never shown back, kept when an edit leaves them empty. */
export const SECRET_FIELDS = ['password', 'privateKey', 'secretAccessKey'] as const;

/** The settings without their secrets, each replaced by whether it is set. */
export function publicTargetSettings(settings: TargetSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if ((SECRET_FIELDS as readonly string[]).includes(key)) out[`${key}Set`] = value !== null && value !== undefined;
    else out[key] = value;
  }
  return out;
}
