/**
 * The control plane's configuration, validated once at start-up (serve and every CLI command):
 * every problem is listed with how to fix it, then the process exits non-zero.
 */
import path from 'node:path';
import { z } from 'zod';
import { envInt, loadConfig, readDotEnv } from '@iamanager/protocol/config';
import { semverSchema } from '@iamanager/protocol';
import { checkVendorEnv, vendorEnvFields, vendorIdentityFrom } from './domain/billing/vendorIdentity.js';
import type { VendorIdentity } from './storage/billingRecords.js';

/** Unix socket paths are limited to 108 bytes on Linux (`sun_path`), terminator included. */
const MAX_SOCKET_PATH = 107;
export const CONTROL_SOCKET = 'control.sock';

/** Whole-number variables share the kernel's parser; the name is for this file's readers only. */
const int = (_name: string, min: number, max: number, fallback: number) => envInt(min, max, fallback);

const envSchema = z
  .object({
    PORT: int('PORT', 0, 65_535, 4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    TRUST_PROXY: z.enum(['true', 'false'], { error: 'must be true (behind a reverse proxy that sets X-Forwarded-For) or false' }).default('false'),
    DATA_DIR: z.string().min(1).default('./data/control-plane'),
    CONTROL_PLANE_ISSUER: z
      .string()
      .trim()
      .min(1)
      .max(200, { error: 'must be at most 200 characters' })
      .default('iamanager-control-plane'),
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
  })
  .superRefine((env, ctx) => {
    checkVendorEnv(env, ctx);
    const socket = path.join(path.resolve(env.DATA_DIR), CONTROL_SOCKET);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      ctx.addIssue({ code: 'custom', path: ['DATA_DIR'], message: `is too deep for the control socket (${socket} is over ${MAX_SOCKET_PATH} bytes): use a shorter path` });
    }
  });

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
}

/**
 * Reads the configuration from the environment (a `.env` in the working directory fills in what
 * the environment leaves unset). Throws a `ConfigError` listing every problem.
 */
export function readConfig(env: Record<string, string | undefined> = process.env, dotEnvFile = '.env'): Config {
  const merged = { ...readDotEnv(dotEnvFile), ...env };
  const parsed = loadConfig(envSchema, merged);
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
  };
}

export function controlSocketPath(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, CONTROL_SOCKET);
}
