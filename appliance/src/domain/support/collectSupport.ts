/**
 * What goes into a support bundle, each part built by allow-list: only fields known to be safe
 * are copied from the configuration, the license, the heartbeat outbox, the backups and DATA_DIR's
 * layout — never a case, a client, a note, a document or a document's name. The doctor's output
 * is the CLI's own (passed in: the domain does not import the CLI); a detail that names an
 * identifier is withheld. Each file says why it is there (the manifest, supportArchive.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CURRENT_HEARTBEAT_VERSION } from '@iamanager/protocol';
import type { Appliance } from '../../appliance.js';
import { RULES_VERSION } from '../ceseda/rules.js';
import { probeHost } from '../heartbeat/healthProbe.js';
import type { LogRing } from './logRing.js';
import { redactLogLines } from './redactLogs.js';

export interface DoctorReport {
  ok: boolean;
  checks: { check: string; ok: boolean; detail: string }[];
}

export interface SupportFile {
  path: string;
  why: string;
  content: string;
}

export interface CollectedSupport {
  files: SupportFile[];
  logs: { source: string; kept: number; dropped: number; fieldsRemoved: number };
  withheld: number;
}

/** DATA_DIR entries support may see by name; anything else is counted under "other", unnamed. */
const KNOWN_ENTRIES = [
  'cases',
  'documents',
  'audit',
  'usage',
  'tls',
  'users.json',
  'license.json',
  'heartbeat-outbox.json',
  'clock.json',
  'calendar-feeds.json',
  'reminders.json',
  'upgrade-requests.json',
] as const;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Whether `text` holds a UUID other than `own` (the appliance's id, which is not case data). */
function namesOtherId(text: string | null, own: string | null): boolean {
  if (!text) return false;
  return (text.match(new RegExp(UUID.source, 'gi')) ?? []).some((id) => id.toLowerCase() !== own?.toLowerCase());
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function collectSupport(appliance: Appliance, doctor: () => Promise<DoctorReport>, ring: LogRing): Promise<CollectedSupport> {
  const { config } = appliance;
  const status = appliance.license.status();
  let withheld = 0;
  const report = await doctor();
  const checks = report.checks.map((c) => {
    if (!UUID.test(c.detail)) return c;
    withheld++;
    return { ...c, detail: 'withheld from the bundle: it named an identifier' };
  });
  // A failure message may quote a file path, and paths under DATA_DIR hold case and document ids.
  const backupState = () => {
    const b = appliance.backups.status();
    if (!b.lastError || !UUID.test(b.lastError.message)) return b;
    withheld++;
    return { ...b, lastError: { ...b.lastError, message: 'withheld from the bundle: it named an identifier' } };
  };
  const outbox = appliance.outbox.state;
  const raw = ring.recent();
  const logs = redactLogLines(raw);
  const files: SupportFile[] = [
    {
      path: 'versions.json',
      why: 'which software runs: appliance, rules, protocol and Node.js versions',
      content: json({
        appliance: config.version,
        rulesVersion: RULES_VERSION,
        heartbeatVersion: CURRENT_HEARTBEAT_VERSION,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      }),
    },
    { path: 'doctor.json', why: '`appliance doctor`: each check and what to do', content: json({ ok: report.ok, checks }) },
    {
      path: 'configuration.json',
      why: 'the configuration support may see: secrets (SECRET_KEY, BACKUP_PASSPHRASE, SMTP password) and the cabinet identity are left out, only whether they are set',
      content: json(safeConfiguration(appliance)),
    },
    {
      path: 'license.json',
      why: 'license state, plan, limits and expiry (not the signed license itself)',
      content: json({
        enrolled: status.enrolled,
        state: status.state,
        applianceId: status.applianceId,
        cabinetId: status.cabinetId,
        plan: status.plan,
        limits: status.limits,
        expiresAt: status.expiresAt,
        graceEndsAt: status.graceEndsAt,
        clockSetBack: status.clockSetBack,
        vendorKeysPinned: status.vendorKeysPinned,
        warnings: status.warnings,
      }),
    },
    {
      path: 'heartbeat.json',
      why: 'the heartbeat outbox: what is queued (sequence and month only), last delivery and last error',
      content: json({
        enabled: config.heartbeatEnabled,
        queued: outbox.queue.map((q) => ({ seq: q.seq, month: q.month })),
        lastSeq: outbox.lastSeq,
        lastSentAt: outbox.lastSentAt,
        lastAckAt: outbox.lastAckAt,
        lastAckSeq: outbox.lastAckSeq,
        // The control plane's refusal may name this appliance's id (useful to support); any other id is withheld.
        lastError: namesOtherId(outbox.lastError, status.applianceId)
          ? 'withheld from the bundle: it named an identifier'
          : outbox.lastError,
        latestVersion: outbox.latestVersion,
      }),
    },
    {
      path: 'storage.json',
      why: 'DATA_DIR by part (file counts and bytes, no file names) and the disk',
      content: json(await storageState(config.dataDir)),
    },
    { path: 'backups.json', why: 'backup schedule, last backup and last failure', content: json(backupState()) },
    {
      path: 'logs.jsonl',
      why: 'recent server log lines, safe fields only; a line naming an identifier is dropped (counted in the manifest)',
      content: logs.lines.map((l) => `${l}\n`).join(''),
    },
  ];
  return {
    files,
    logs: {
      source: raw.length > 0 ? 'the running server' : 'none: the server was not running, or has logged nothing yet',
      kept: logs.kept,
      dropped: logs.dropped,
      fieldsRemoved: logs.fieldsRemoved,
    },
    withheld,
  };
}

function safeConfiguration(appliance: Appliance): Record<string, unknown> {
  const c = appliance.config;
  const url = c.controlPlaneUrl ? new URL(c.controlPlaneUrl) : undefined;
  if (url) {
    url.username = '';
    url.password = '';
  }
  return {
    clientId: c.clientId ?? null,
    instanceName: c.instanceName ?? null,
    dataDir: c.dataDir,
    host: c.host,
    port: c.port,
    tls: c.tls,
    tlsPort: c.tlsPort,
    tlsPublicPort: c.tlsPublicPort,
    tlsNames: c.tlsNames,
    controlPlaneUrl: url?.toString() ?? null,
    vendorKeyPins: c.vendorKeyPins ?? null,
    envLimits: c.envLimits,
    heartbeatEnabled: c.heartbeatEnabled,
    loginMaxFailures: c.loginMaxFailures,
    loginLockSeconds: c.loginLockSeconds,
    sessionHours: c.sessionHours,
    maxUploadBytes: c.maxUploadBytes,
    clockOffsetSeconds: c.clockOffsetSeconds,
    predictionThreshold: c.predictionThreshold,
    backup: { dir: c.backup.dir, passphraseSet: c.backup.passphrase !== undefined, dailyAt: c.backup.dailyAt },
    identitySet: Object.entries(c.identity)
      .filter(([k, v]) => k !== 'color' && v !== undefined && v !== '')
      .map(([k]) => k),
  };
}

async function storageState(dataDir: string): Promise<Record<string, unknown>> {
  const parts: Record<string, { files: number; bytes: number }> = {};
  const other = { files: 0, bytes: 0 };
  const entries = await fs.readdir(dataDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const size = await sizeOf(path.join(dataDir, entry.name));
    const known = (KNOWN_ENTRIES as readonly string[]).includes(entry.name);
    if (known) parts[entry.name] = size;
    else {
      other.files += size.files;
      other.bytes += size.bytes;
    }
  }
  const host = await probeHost(dataDir);
  return {
    parts,
    other,
    disk: { freeBytes: host.diskFreeBytes, freeRatio: host.diskFreeRatio, storageBytes: host.storageBytes },
  };
}

async function sizeOf(p: string): Promise<{ files: number; bytes: number }> {
  const stat = await fs.lstat(p).catch(() => undefined);
  if (!stat) return { files: 0, bytes: 0 };
  if (!stat.isDirectory()) return { files: 1, bytes: stat.size };
  const total = { files: 0, bytes: 0 };
  for (const name of await fs.readdir(p).catch(() => [])) {
    const s = await sizeOf(path.join(p, name));
    total.files += s.files;
    total.bytes += s.bytes;
  }
  return total;
}
