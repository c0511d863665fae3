/**
 * The control plane's configuration, validated once at start-up (serve and every CLI command):
 * every problem is listed with how to fix it, then the process exits non-zero.
 */
import path from 'node:path';
import { z } from 'zod';
import { envInt, loadConfig, readDotEnv, resolveFileSecrets } from '@iamanager/kernel/config';
import { metricsTokenSchema } from '@iamanager/kernel/http';
import { checkMailPair, mailFromSchema, mailSettings, smtpUrlSchema } from '@iamanager/kernel/mail';
import { semverSchema } from '@iamanager/protocol';
import { checkVendorEnv, vendorEnvFields, vendorIdentityFrom } from './domain/billing/vendorIdentity.js';
import type { VendorIdentity } from './storage/billingRecords.js';
import { salesContactEnvFields, salesContactFrom } from './domain/salesContact.js';
import type { VendorContact } from '@iamanager/protocol';
import { ADMIN_ROLES, type AdminRole } from './storage/records.js';
import { databaseEnvFields, databaseSettingsFrom, type DatabaseSettings } from './storage/postgres/databaseConfig.js';
import { GENERATE_KEY_COMMAND, readSecondFactorKeyFile } from './domain/secondFactorSeal.js';

/** Unix socket paths are limited to 108 bytes on Linux (`sun_path`), terminator included. */
const MAX_SOCKET_PATH = 107;
export const CONTROL_SOCKET = 'control.sock';

/** Whole-number variables share the kernel's parser; the name is for this file's readers only. */
const int = (_name: string, min: number, max: number, fallback: number) => envInt(min, max, fallback);

const envSchema = z
  .object({
    PORT: int('PORT', 0, 65_535, 4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    TRUST_PROXY: z
      .enum(['true', 'false'], { error: 'must be true (behind a reverse proxy that sets X-Forwarded-For) or false' })
      .default('false'),
    DATA_DIR: z.string().min(1).default('./data/control-plane'),
    CONTROL_PLANE_ISSUER: z.string().trim().min(1).max(200, { error: 'must be at most 200 characters' }).default('iamanager-control-plane'),
    PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://cp.example.fr' }).optional(),
    HEARTBEAT_INTERVAL_SECONDS: int('HEARTBEAT_INTERVAL_SECONDS', 10, 86_400, 900),
    MAX_CLOCK_SKEW_SECONDS: int('MAX_CLOCK_SKEW_SECONDS', 1, 86_400, 600),
    LICENSE_VALIDITY_DAYS: int('LICENSE_VALIDITY_DAYS', 1, 3_650, 30),
    LICENSE_GRACE_DAYS: int('LICENSE_GRACE_DAYS', 0, 365, 14),
    LATEST_APPLIANCE_VERSION: semverSchema.optional(),
    LATEST_APPLIANCE_NOTES: z.string().max(4000, { error: 'must be at most 4000 characters' }).optional(),
    ENROLL_MAX_FAILURES: int('ENROLL_MAX_FAILURES', 1, 10_000, 10),
    ENROLL_FAILURE_WINDOW_SECONDS: int('ENROLL_FAILURE_WINDOW_SECONDS', 1, 86_400, 900),
    CHECKPOINT_INTERVAL_SECONDS: int('CHECKPOINT_INTERVAL_SECONDS', 1, 3_600, 10),
    // An invoice above it (incl. VAT, in cents) waits for an admin's approval (docs/billing.md).
    BILLING_REVIEW_AMOUNT_CENTS: int('BILLING_REVIEW_AMOUNT_CENTS', 0, 100_000_000_000, 1_000_000),
    // Fleet health thresholds (docs/control-plane.md "Fleet health").
    FLEET_DISK_WARNING_PERCENT: int('FLEET_DISK_WARNING_PERCENT', 1, 99, 15),
    FLEET_DISK_CRITICAL_PERCENT: int('FLEET_DISK_CRITICAL_PERCENT', 0, 98, 5),
    FLEET_BACKUP_MAX_AGE_HOURS: int('FLEET_BACKUP_MAX_AGE_HOURS', 1, 8_760, 36),
    // Issue 17: a cabinet with no off-site copy for 3 days is flagged.
    FLEET_OFFSITE_MAX_AGE_HOURS: int('FLEET_OFFSITE_MAX_AGE_HOURS', 1, 8_760, 72),
    FLEET_LICENSE_WARNING_DAYS: int('FLEET_LICENSE_WARNING_DAYS', 0, 365, 14),
    FLEET_STALE_INTERVALS: int('FLEET_STALE_INTERVALS', 2, 1_000, 3),
    FLEET_OFFLINE_HOURS: int('FLEET_OFFLINE_HOURS', 1, 8_760, 24),
    FLEET_CHECK_INTERVAL_SECONDS: int('FLEET_CHECK_INTERVAL_SECONDS', 1, 3_600, 60),
    // Dashboard sessions and login rate limiting.
    DASHBOARD_SESSION_HOURS: int('DASHBOARD_SESSION_HOURS', 1, 720, 12),
    LOGIN_MAX_FAILURES: int('LOGIN_MAX_FAILURES', 1, 1_000, 5),
    LOGIN_LOCK_SECONDS: int('LOGIN_LOCK_SECONDS', 1, 86_400, 900),
    // Which roles must sign in with a second factor (docs/control-plane.md "Second factor").
    SECOND_FACTOR_REQUIRED_FOR: z
      .string()
      .default('admin')
      .transform((v, ctx) => {
        const wanted = v.trim().toLowerCase();
        if (wanted === 'none') return [] as AdminRole[];
        if (wanted === 'all') return [...ADMIN_ROLES];
        const roles = wanted.split(',').map((r) => r.trim());
        const unknown = roles.filter((r) => !(ADMIN_ROLES as readonly string[]).includes(r));
        if (unknown.length > 0 || roles.length === 0) {
          ctx.addIssue({
            code: 'custom',
            message: `must be "all", "none" or roles separated by commas among ${ADMIN_ROLES.join(', ')} (e.g. admin,billing); "${unknown.join(', ')}" is not a role`,
          });
          return z.NEVER;
        }
        return [...new Set(roles)] as AdminRole[];
      }),
    /** Bearer token `/metrics` requires (or METRICS_TOKEN_FILE); unset, /metrics is open. */
    METRICS_TOKEN: metricsTokenSchema,
    /** Moves this process's clock; for tests and demos only (e.g. to expire an enrollment code). */
    CLOCK_OFFSET_SECONDS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return 0;
        const n = Number(v);
        if (!Number.isInteger(n)) {
          ctx.addIssue({ code: 'custom', message: 'must be a whole number of seconds (tests only); unset it in production' });
          return z.NEVER;
        }
        return n;
      }),
    ...vendorEnvFields,
    // Relances (reminders of unpaid invoices, docs/billing.md "Getting paid"): the vendor's SMTP server.
    SMTP_URL: smtpUrlSchema,
    MAIL_FROM: mailFromSchema,
    RELANCE_CHECK_INTERVAL_SECONDS: int('RELANCE_CHECK_INTERVAL_SECONDS', 1, 86_400, 3_600),
    // The commercial contact licenses carry (domain/salesContact.ts).
    ...salesContactEnvFields,
    // The PostgreSQL backend (docs/control-plane-postgres.md); unset, the files in DATA_DIR.
    ...databaseEnvFields,
    // The admins' TOTP sealing key shared by every node (domain/secondFactorSeal.ts); unset, DATA_DIR's own.
    SECOND_FACTOR_KEY_FILE: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return undefined;
        const file = path.resolve(v.trim());
        try {
          readSecondFactorKeyFile(file);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
        return file;
      }),
  })
  .superRefine((env, ctx) => {
    checkVendorEnv(env, ctx);
    checkMailPair(env, ctx, 'relances of unpaid invoices');
    if (env.FLEET_DISK_CRITICAL_PERCENT >= env.FLEET_DISK_WARNING_PERCENT) {
      ctx.addIssue({
        code: 'custom',
        path: ['FLEET_DISK_CRITICAL_PERCENT'],
        message: `must be below FLEET_DISK_WARNING_PERCENT (${env.FLEET_DISK_WARNING_PERCENT})`,
      });
    }
    if (env.FLEET_STALE_INTERVALS * env.HEARTBEAT_INTERVAL_SECONDS >= env.FLEET_OFFLINE_HOURS * 3600) {
      ctx.addIssue({
        code: 'custom',
        path: ['FLEET_OFFLINE_HOURS'],
        message: `must be longer than FLEET_STALE_INTERVALS × HEARTBEAT_INTERVAL_SECONDS (${env.FLEET_STALE_INTERVALS * env.HEARTBEAT_INTERVAL_SECONDS} s), or an appliance would go offline before it goes stale`,
      });
    }
    if (env.DATABASE_URL !== undefined && env.SECOND_FACTOR_KEY_FILE === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECOND_FACTOR_KEY_FILE'],
        message: `is required with DATABASE_URL: every node seals the admins' second factors with one key, kept in a file they all mount, not in the database — ${GENERATE_KEY_COMMAND.replace('FILE', '/run/secrets/second-factor-key')} then SECOND_FACTOR_KEY_FILE=/run/secrets/second-factor-key (or copy DATA_DIR/second-factor-key.json there to keep the current key)`,
      });
    }
    const socket = path.join(path.resolve(env.DATA_DIR), CONTROL_SOCKET);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATA_DIR'],
        message: `is too deep for the control socket (${socket} is over ${MAX_SOCKET_PATH} bytes): use a shorter path`,
      });
    }
  });

/** What makes an appliance warning, critical, stale or offline (see domain/fleetStatus.ts). */
export interface FleetThresholds {
  diskWarningRatio: number;
  diskCriticalRatio: number;
  backupMaxAgeHours: number;
  /** Last off-site copy older than this (v2 heartbeats only): warning. */
  offsiteMaxAgeHours: number;
  licenseWarningDays: number;
  staleIntervals: number;
  offlineHours: number;
}

export interface Config {
  port: number;
  host: string;
  /** Behind a TLS reverse proxy: take the client address from X-Forwarded-For (enrollment rate limit). */
  trustProxy: boolean;
  dataDir: string;
  issuer: string;
  publicUrl: string;
  heartbeatIntervalSeconds: number;
  maxClockSkewSeconds: number;
  licenseValidityDays: number;
  licenseGraceDays: number;
  latestApplianceVersion: string | undefined;
  latestApplianceNotes: string | undefined;
  enrollMaxFailures: number;
  enrollFailureWindowSeconds: number;
  checkpointIntervalSeconds: number;
  clockOffsetSeconds: number;
  /** Who issues the invoices; `undefined` when no VENDOR_* variable is set (billing refused). */
  vendor: VendorIdentity | undefined;
  /** The close holds an invoice whose total incl. VAT is above this, for an admin to approve. */
  billingReviewAmountCents: number;
  fleet: FleetThresholds;
  /** How often status changes are looked for and recorded as alerts. */
  fleetCheckIntervalSeconds: number;
  dashboard: {
    sessionHours: number;
    loginMaxFailures: number;
    loginLockSeconds: number;
    /** Roles that must sign in with a second factor (SECOND_FACTOR_REQUIRED_FOR, default admin). */
    secondFactorRequiredFor: readonly AdminRole[];
  };
  /** What `GET /metrics` requires as a bearer token; undefined leaves it open. */
  metricsToken: string | undefined;
  /** The SMTP server and sender of the relances; undefined: none are sent. */
  mail: { smtpUrl: string; from: string } | undefined;
  /** How often `serve` looks for relances to send. */
  relanceCheckIntervalSeconds: number;
  /** Whom a cabinet asks for another plan, carried in licenses; undefined when none is configured. */
  salesContact: VendorContact | undefined;
  /** PostgreSQL (DATABASE_URL); undefined: the embedded files in DATA_DIR. */
  database: DatabaseSettings | undefined;
  /** SECOND_FACTOR_KEY_FILE, checked at start-up (required with DATABASE_URL); undefined: DATA_DIR/second-factor-key.json. */
  secondFactorKeyFile: string | undefined;
}

/**
 * Reads the configuration from the environment (a `.env` in the working directory fills in what
 * the environment leaves unset). Throws a `ConfigError` listing every problem.
 */
export function readConfig(env: Record<string, string | undefined> = process.env, dotEnvFile = '.env'): Config {
  const secrets = resolveFileSecrets({ ...readDotEnv(dotEnvFile), ...env }, ['METRICS_TOKEN', 'SMTP_URL', 'DATABASE_URL']);
  const parsed = loadConfig(envSchema, secrets.env, secrets.problems);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    trustProxy: parsed.TRUST_PROXY === 'true',
    dataDir: path.resolve(parsed.DATA_DIR),
    issuer: parsed.CONTROL_PLANE_ISSUER,
    publicUrl: (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, ''),
    heartbeatIntervalSeconds: parsed.HEARTBEAT_INTERVAL_SECONDS,
    maxClockSkewSeconds: parsed.MAX_CLOCK_SKEW_SECONDS,
    licenseValidityDays: parsed.LICENSE_VALIDITY_DAYS,
    licenseGraceDays: parsed.LICENSE_GRACE_DAYS,
    latestApplianceVersion: parsed.LATEST_APPLIANCE_VERSION,
    latestApplianceNotes: parsed.LATEST_APPLIANCE_NOTES,
    enrollMaxFailures: parsed.ENROLL_MAX_FAILURES,
    enrollFailureWindowSeconds: parsed.ENROLL_FAILURE_WINDOW_SECONDS,
    checkpointIntervalSeconds: parsed.CHECKPOINT_INTERVAL_SECONDS,
    clockOffsetSeconds: parsed.CLOCK_OFFSET_SECONDS,
    vendor: vendorIdentityFrom(parsed),
    billingReviewAmountCents: parsed.BILLING_REVIEW_AMOUNT_CENTS,
    fleet: {
      diskWarningRatio: parsed.FLEET_DISK_WARNING_PERCENT / 100,
      diskCriticalRatio: parsed.FLEET_DISK_CRITICAL_PERCENT / 100,
      backupMaxAgeHours: parsed.FLEET_BACKUP_MAX_AGE_HOURS,
      offsiteMaxAgeHours: parsed.FLEET_OFFSITE_MAX_AGE_HOURS,
      licenseWarningDays: parsed.FLEET_LICENSE_WARNING_DAYS,
      staleIntervals: parsed.FLEET_STALE_INTERVALS,
      offlineHours: parsed.FLEET_OFFLINE_HOURS,
    },
    fleetCheckIntervalSeconds: parsed.FLEET_CHECK_INTERVAL_SECONDS,
    dashboard: {
      sessionHours: parsed.DASHBOARD_SESSION_HOURS,
      loginMaxFailures: parsed.LOGIN_MAX_FAILURES,
      loginLockSeconds: parsed.LOGIN_LOCK_SECONDS,
      secondFactorRequiredFor: parsed.SECOND_FACTOR_REQUIRED_FOR,
    },
    metricsToken: parsed.METRICS_TOKEN,
    mail: mailSettings(parsed) ?? undefined,
    relanceCheckIntervalSeconds: parsed.RELANCE_CHECK_INTERVAL_SECONDS,
    salesContact: salesContactFrom(parsed),
    database: databaseSettingsFrom(parsed),
    secondFactorKeyFile: parsed.SECOND_FACTOR_KEY_FILE,
  };
}

export function controlSocketPath(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, CONTROL_SOCKET);
}
