/**
 * The appliance's configuration (docs/appliance.md#configure), from the environment and a
 * `.env` beside the app, validated once at start-up: every problem listed with its fix, then a
 * non-zero exit. Plan, limits, model and features are NOT configuration: they come from the signed
 * license, and environment values may only lower them (see license/effectiveLimits.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { AI_MODELS, cabinetIdSchema, isKeyThumbprint, isValidSiret } from '@iamanager/protocol';
import { envBool, envInt, loadConfig, readDotEnv, resolveFileSecrets } from '@iamanager/kernel/config';
import { writeFileDurable } from '@iamanager/kernel/storage';
import { checkMailPair, mailFromSchema, mailSettings, smtpUrlSchema } from '@iamanager/kernel/mail';
import { isHostName, isPrivateAddress } from './domain/tls/privateAddresses.js';

export const APPLIANCE_VERSION = '0.1.0';
const MAX_SOCKET_PATH = 107;
export const COMMAND_SOCKET = 'appliance.sock';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const envSchema = z
  .object({
    CLIENT_ID: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(cabinetIdSchema.optional()),
    INSTANCE_NAME: optionalText(100),
    CLIENT_NAME: optionalText(200),
    CLIENT_SIRET: z
      .string()
      .optional()
      .transform((v) => (v === '' || v === undefined ? undefined : v.replace(/\s/g, '')))
      .refine((v) => v === undefined || isValidSiret(v), {
        error: 'must be 14 digits with a valid checksum (see your Kbis or avis de situation INSEE)',
      }),
    CLIENT_ADDRESS: optionalText(300),
    CLIENT_PHONE: optionalText(40),
    CLIENT_EMAIL: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.email({ error: 'must be an email address, e.g. contact@cabinet.fr' }).optional()),
    CLIENT_LOGO: optionalText(500),
    CLIENT_COLOR: z
      .string()
      .optional()
      .transform((v) => (v === '' || v === undefined ? '#2c3e50' : v))
      .pipe(z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'must be a colour as #rrggbb, e.g. #2c3e50' })),
    PREDICTION_THRESHOLD: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return 0.87;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 1) {
          ctx.addIssue({ code: 'custom', message: `must be a number between 0 and 1, e.g. 0.87 (got ${JSON.stringify(v)})` });
          return z.NEVER;
        }
        return n;
      }),
    DATA_DIR: z.string().min(1).default('./data'),
    PORT: envInt(0, 65_535, 8080),
    TLS_PORT: envInt(0, 65_535, 8443),
    /** HTTPS on the cabinet's network; off only for tests and for a TLS-terminating proxy in front. */
    TLS: envBool(true),
    /** The HTTPS port browsers reach (differs from TLS_PORT behind Docker's port mapping). */
    TLS_PUBLIC_PORT: envInt(1, 65_535, 443),
    HOST: z.string().min(1).default('0.0.0.0'),
    /**
     * Names and addresses the cabinet's browsers reach the appliance by, besides its host name
     * (e.g. the Docker host's): the local CA is constrained to them and to the private ranges.
     */
    TLS_NAMES: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const names = [
          ...new Set(
            (v ?? '')
              .split(',')
              .map((n) => n.trim().toLowerCase())
              .filter((n) => n !== ''),
          ),
        ];
        const bad = names.filter((n) => (net.isIP(n) === 0 ? !isHostName(n) : !isPrivateAddress(n)));
        if (bad.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `${bad.map((n) => JSON.stringify(n)).join(', ')}: give host names (letters, digits, hyphens and dots, no wildcard, e.g. iamanager.cabinet.lan) or private addresses (10.x, 172.16-31.x, 192.168.x, fc00::/7), comma-separated: the appliance's CA may vouch for nothing else`,
          });
          return z.NEVER;
        }
        return names;
      }),
    CONTROL_PLANE_URL: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://cp.iamanager.fr' }).optional()),
    SECRET_KEY: z.string().optional(),
    /**
     * The vendor's license keys, pinned outside DATA_DIR (see protocol/src/vendorKeyPins.ts).
     * Unset or empty: the keys received at enrollment are trusted on first use.
     */
    VENDOR_KEY_PINS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const pins = (v ?? '')
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '');
        if (pins.length === 0) return undefined;
        const bad = pins.filter((p) => !isKeyThumbprint(p));
        if (bad.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `${bad.map((p) => JSON.stringify(p)).join(', ')} ${bad.length === 1 ? 'is not a key thumbprint' : 'are not key thumbprints'}: give the vendor's SHA-256 JWK thumbprints (43 characters each, comma-separated) exactly as in the VENDOR_KEY_PINS line of your install bundle's .env, or leave it empty to trust the keys received at enrollment`,
          });
          return z.NEVER;
        }
        return [...new Set(pins)];
      }),
    // Limits: may only lower what the license grants (checked against it once it is loaded).
    SUBSCRIPTION_PLAN: optionalText(64),
    MAX_USERS: envInt(0, 1_000_000, -1),
    MAX_CASES: envInt(0, 100_000_000, -1),
    MAX_ANALYSIS_MONTHLY: envInt(0, 100_000_000, -1),
    AI_MODEL: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.enum(AI_MODELS, { error: `must be one of ${AI_MODELS.join(', ')}` }).optional()),
    ADVANCED_FEATURES: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }).optional()),
    HEARTBEAT_ENABLED: envBool(true),
    LOGIN_MAX_FAILURES: envInt(1, 1000, 5),
    LOGIN_LOCK_SECONDS: envInt(1, 86_400, 900),
    SESSION_HOURS: envInt(1, 720, 12),
    MAX_UPLOAD_MB: envInt(1, 1024, 25),
    /** Where encrypted backups go; outside DATA_DIR (default: `backups` beside it). */
    BACKUP_DIR: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    /** Checked (without ever echoing it) in readConfig; here only so `BACKUP_PASSPHRASE_FILE` resolves into it. */
    BACKUP_PASSPHRASE: z.string().optional(),
    /** The daily backup's local time (TZ), or `off` for manual backups only. */
    BACKUP_TIME: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? '02:30' : v.trim().toLowerCase()))
      .pipe(
        z.string().regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, {
          error: 'must be a local time as HH:MM (24 h), e.g. 02:30, or "off" for manual backups only',
        }),
      ),
    /**
     * The cabinet's own mail server, for deadline reminders (docs/reminders.md): never an external
     * service. Its login may be in it: never echoed in an error.
     */
    SMTP_URL: smtpUrlSchema,
    /** The sender of the reminders, e.g. echeances@cabinet.fr (the mail server must accept it). */
    MAIL_FROM: mailFromSchema,
    /**
     * The address the cabinet's browsers open the appliance at (e.g. https://iamanager.cabinet.lan),
     * when a proxy or a port mapping makes it differ from what TLS_NAMES and TLS_PUBLIC_PORT say:
     * the single sign-on's redirect URI is built from it (docs/single-sign-on.md).
     */
    PUBLIC_URL: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim().replace(/\/+$/, '')))
      .pipe(
        z
          .url({
            protocol: /^https?$/,
            error: 'must be the http(s) address browsers open the appliance at, e.g. https://iamanager.cabinet.lan',
          })
          .refine((v) => new URL(v).pathname === '/' && !new URL(v).search && !new URL(v).hash, {
            error: 'must be an origin without a path, query or fragment, e.g. https://iamanager.cabinet.lan:8443',
          })
          .optional(),
      ),
    /** Shifts this process's clock; tests and demos only (license expiry, clock set back). */
    CLOCK_OFFSET_SECONDS: envInt(-(10 ** 10), 10 ** 10, 0),
  })
  .superRefine((env, ctx) => {
    const socket = path.join(path.resolve(env.DATA_DIR), COMMAND_SOCKET);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATA_DIR'],
        message: `is too deep for the command socket (${socket} is over ${MAX_SOCKET_PATH} bytes): use a shorter path`,
      });
    }
    const dataDir = path.resolve(env.DATA_DIR);
    const backupDir = backupDirOf(dataDir, env.BACKUP_DIR);
    if (backupDir === dataDir || backupDir.startsWith(`${dataDir}${path.sep}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['BACKUP_DIR'],
        message: `must not be inside DATA_DIR (${backupDir} is in ${dataDir}): a backup kept with the data it protects is lost with it; use a folder beside it, e.g. ${path.join(path.dirname(dataDir), 'backups')}`,
      });
    }
    // Never echo the passphrase: only its length is checked, and named.
    if (
      env.BACKUP_PASSPHRASE !== undefined &&
      env.BACKUP_PASSPHRASE !== '' &&
      [...env.BACKUP_PASSPHRASE.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['BACKUP_PASSPHRASE'],
        message: `must be at least ${MIN_PASSPHRASE_LENGTH} characters (for example four or five unrelated words); write it down outside the appliance: without it no backup can be restored`,
      });
    }
    checkMailPair(env, ctx, 'deadline reminders');
  });

/** Backups are encrypted with a key derived from this passphrase: long enough to resist guessing offline. */
const MIN_PASSPHRASE_LENGTH = 16;

function backupDirOf(dataDir: string, backupDir: string | undefined): string {
  return backupDir ? path.resolve(backupDir) : path.join(path.dirname(dataDir), 'backups');
}

export interface EnvLimits {
  plan?: string;
  maxUsers?: number;
  maxCases?: number;
  maxAnalysesMonthly?: number;
  aiModel?: (typeof AI_MODELS)[number];
  advancedFeatures?: boolean;
}

export interface Config {
  clientId: string | undefined;
  instanceName: string | undefined;
  identity: { name?: string; siret?: string; address?: string; phone?: string; email?: string; logo?: string; color: string };
  predictionThreshold: number;
  dataDir: string;
  port: number;
  tlsPort: number;
  tls: boolean;
  tlsPublicPort: number;
  host: string;
  /** TLS_NAMES: extra names and private addresses for the local CA and the HTTPS certificate. */
  tlsNames: readonly string[];
  controlPlaneUrl: string | undefined;
  secretKey: string;
  /** Thumbprints of the vendor keys a license may be signed with; undefined: trusted on first use. */
  vendorKeyPins: readonly string[] | undefined;
  envLimits: EnvLimits;
  heartbeatEnabled: boolean;
  loginMaxFailures: number;
  loginLockSeconds: number;
  sessionHours: number;
  maxUploadBytes: number;
  clockOffsetSeconds: number;
  version: string;
  backup: BackupConfig;
  /** SMTP_URL and MAIL_FROM; null when unset (reminders are then planned but not sent). */
  mail: { smtpUrl: string; from: string } | null;
  /** PUBLIC_URL (an origin, no trailing slash), or undefined: derived from TLS_NAMES and the ports. */
  publicUrl: string | undefined;
}

export interface BackupConfig {
  dir: string;
  /** Unset: backups are off (nothing can be encrypted without it). */
  passphrase: string | undefined;
  /** The daily backup's local time, or null when BACKUP_TIME=off. */
  dailyAt: { hour: number; minute: number } | null;
}

/** The value of the environment as this process sees it: real environment over `.env`. */
export function environment(appDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return { ...readDotEnv(path.join(appDir, '.env')), ...env };
}

/**
 * Validates the configuration. `SECRET_KEY` (signing sessions) is generated into DATA_DIR on first
 * start when neither it nor SECRET_KEY_FILE is set, so no secret is ever shipped or typed.
 */
export async function readConfig(env: Record<string, string | undefined>): Promise<Config> {
  const secrets = resolveFileSecrets(env, ['SECRET_KEY', 'BACKUP_PASSPHRASE', 'SMTP_URL']);
  const e = loadConfig(envSchema, secrets.env, secrets.problems);
  const dataDir = path.resolve(e.DATA_DIR);
  const secretKey = e.SECRET_KEY ?? (await generatedSecret(dataDir));
  if (secretKey.length < 32) {
    const { ConfigError } = await import('@iamanager/kernel/config');
    throw new ConfigError(['SECRET_KEY: must be at least 32 characters; unset it to have one generated into DATA_DIR']);
  }
  const limit = (n: number) => (n < 0 ? undefined : n);
  return {
    clientId: e.CLIENT_ID,
    instanceName: e.INSTANCE_NAME ?? (e.CLIENT_ID ? `${e.CLIENT_ID}-prod` : undefined),
    identity: {
      name: e.CLIENT_NAME,
      siret: e.CLIENT_SIRET,
      address: e.CLIENT_ADDRESS,
      phone: e.CLIENT_PHONE,
      email: e.CLIENT_EMAIL,
      logo: e.CLIENT_LOGO,
      color: e.CLIENT_COLOR,
    },
    predictionThreshold: e.PREDICTION_THRESHOLD,
    dataDir,
    port: e.PORT,
    tlsPort: e.TLS_PORT,
    tls: e.TLS,
    tlsPublicPort: e.TLS_PUBLIC_PORT,
    host: e.HOST,
    tlsNames: e.TLS_NAMES,
    controlPlaneUrl: e.CONTROL_PLANE_URL,
    secretKey,
    vendorKeyPins: e.VENDOR_KEY_PINS,
    envLimits: {
      plan: e.SUBSCRIPTION_PLAN,
      maxUsers: limit(e.MAX_USERS),
      maxCases: limit(e.MAX_CASES),
      maxAnalysesMonthly: limit(e.MAX_ANALYSIS_MONTHLY),
      aiModel: e.AI_MODEL,
      advancedFeatures: e.ADVANCED_FEATURES === undefined ? undefined : e.ADVANCED_FEATURES === 'true',
    },
    heartbeatEnabled: e.HEARTBEAT_ENABLED,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockSeconds: e.LOGIN_LOCK_SECONDS,
    sessionHours: e.SESSION_HOURS,
    maxUploadBytes: e.MAX_UPLOAD_MB * 2 ** 20,
    clockOffsetSeconds: e.CLOCK_OFFSET_SECONDS,
    version: APPLIANCE_VERSION,
    backup: {
      dir: backupDirOf(dataDir, e.BACKUP_DIR),
      passphrase: e.BACKUP_PASSPHRASE ? e.BACKUP_PASSPHRASE.normalize('NFC') : undefined,
      dailyAt: e.BACKUP_TIME === 'off' ? null : { hour: Number(e.BACKUP_TIME.slice(0, 2)), minute: Number(e.BACKUP_TIME.slice(3, 5)) },
    },
    mail: mailSettings(e),
    publicUrl: e.PUBLIC_URL,
  };
}

async function generatedSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'secret-key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const secret = crypto.randomBytes(48).toString('base64url');
  await writeFileDurable(file, secret, { mode: 0o600, keepBackup: false });
  return secret;
}

/** The appliance's clock: real time shifted by CLOCK_OFFSET_SECONDS (zero outside tests). */
export function clockOf(config: Pick<Config, 'clockOffsetSeconds'>): () => Date {
  return () => new Date(Date.now() + config.clockOffsetSeconds * 1000);
}
