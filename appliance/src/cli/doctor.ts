/**
 * `appliance doctor`: what support needs in one run — configuration warnings, license, storage,
 * disk, clock, control plane reachability and the heartbeat queue — each with what to do.
 */
import path from 'node:path';
import fs from 'node:fs/promises';
import { storageProbe } from '@iamanager/kernel/storage';
import type { Appliance } from '../appliance.js';
import { NOT_CONFIGURED } from '../domain/backups/backups.js';
import { probeHost } from '../domain/heartbeat/healthProbe.js';
import { OFFSITE_STALE_HOURS } from '../domain/backups/offsite/offsiteCopies.js';

export interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

export async function runDoctor(appliance: Appliance): Promise<{ ok: boolean; checks: Check[] }> {
  const checks: Check[] = [];
  const status = appliance.license.status();
  checks.push({
    check: 'license',
    ok: status.state === 'valid',
    detail: status.enrolled
      ? `${status.state}, plan ${status.plan}, expires ${status.expiresAt}`
      : 'not enrolled: run `appliance enroll --code CODE` or the setup wizard',
  });
  for (const warning of status.warnings) checks.push({ check: 'configuration', ok: false, detail: warning });
  try {
    const file = path.join(appliance.config.dataDir, '.doctor');
    // The same write-and-read-back as /healthz, on a file of its own (probes on one file would race).
    await storageProbe(file, appliance.clock)();
    await fs.rm(file);
    checks.push({ check: 'storage', ok: true, detail: `${appliance.config.dataDir} is writable` });
  } catch (err) {
    checks.push({ check: 'storage', ok: false, detail: `${appliance.config.dataDir}: ${(err as Error).message}` });
  }
  const host = await probeHost(appliance.config.dataDir);
  checks.push({
    check: 'disk',
    ok: host.diskFreeRatio >= 0.15,
    detail: `${Math.round(host.diskFreeRatio * 100)} % free (${Math.round(host.diskFreeBytes / 2 ** 30)} GiB); keep at least 15 %`,
  });
  checks.push(usageCheck(appliance));
  checks.push({
    check: 'clock',
    ok: !status.clockSetBack,
    detail: status.clockSetBack ? 'the clock is behind a time already seen: fix NTP' : 'consistent',
  });
  const url = appliance.config.controlPlaneUrl;
  if (!url)
    checks.push({
      check: 'control plane',
      ok: false,
      detail: 'CONTROL_PLANE_URL is not set (fine for an air-gapped cabinet: export usage monthly)',
    });
  else {
    try {
      const { controlPlaneHttp } = await import('../controlPlaneHttp.js');
      await controlPlaneHttp(new URL('/healthz', url), { timeout: { request: 5_000 }, retry: { limit: 0 } });
      checks.push({ check: 'control plane', ok: true, detail: `${url} answers` });
    } catch (err) {
      checks.push({
        check: 'control plane',
        ok: false,
        detail: `${url} does not answer (${(err as { code?: string }).code ?? (err as Error).message}): check the outbound network`,
      });
    }
  }
  checks.push(backupCheck(appliance));
  checks.push(offsiteCheck(appliance));
  const tls = tlsCheck(appliance);
  if (tls) checks.push(tls);
  const outbox = appliance.outbox.state;
  checks.push({
    check: 'heartbeats',
    ok: outbox.queue.length === 0 && outbox.lastError === null,
    detail: `${outbox.queue.length} queued, last acknowledged ${outbox.lastAckAt ?? 'never'}${outbox.lastError ? `, last error: ${outbox.lastError}` : ''}`,
  });
  checks.push(mailCheck(appliance));
  return { ok: checks.every((c) => c.ok), checks };
}

/** The mail server the deadline reminders go through (docs/reminders.md): unset, failing (with the back-off), or working. */
function mailCheck(appliance: Appliance): Check {
  const m = appliance.reminders.status();
  // Not a failure: an appliance without a mail server works (deadlines show on its pages, the
  // demo and air-gapped cabinets run so); doctor says what is missing and how to turn it on.
  if (!m.configured)
    return {
      check: 'mail',
      ok: true,
      detail:
        'not configured: deadline reminders are not sent by e-mail; set the mail server on /admin/rappels, or SMTP_URL and MAIL_FROM in .env, to send them (docs/reminders.md)',
    };
  if (m.consecutiveFailures > 0)
    return {
      check: 'mail',
      ok: false,
      detail: `${m.server}: ${m.consecutiveFailures} failed attempt(s), last at ${m.lastErrorAt}: ${m.lastError}; next try after ${m.retryAfter} (or \`appliance reminders run\` now)`,
    };
  return {
    check: 'mail',
    ok: true,
    detail: `${m.server}${m.lastSuccessAt ? `, last reminder accepted at ${m.lastSuccessAt}` : ', no reminder sent yet'}`,
  };
}

/**
 * HTTPS, when this process serves it: a local CA replaced recently (the browsers must install the
 * new one) or names it may not vouch for are reported; renewals themselves are automatic.
 */
function tlsCheck(appliance: Appliance): Check | null {
  const m = appliance.tls.material();
  if (!m) return null; // TLS=false, or the doctor ran without the server
  const until = m.notAfter.toISOString().slice(0, 10);
  if (m.source === 'imported')
    return {
      check: 'tls',
      ok: true,
      detail: `the cabinet's own certificate, valid until ${until}: renewing it is the cabinet's (\`appliance tls import\`)`,
    };
  const renewed = m.caRenewal
    ? `the local CA was replaced on ${m.caRenewal.renewedAt.slice(0, 10)} (${m.caRenewal.reason}): install the new /ca.crt (${m.caFingerprint}) in the cabinet's browsers and remove ${m.caRenewal.previousFingerprint}`
    : null;
  // Informational: a global IPv6 address on the interface is common and harmless to leave out.
  const omitted =
    m.omittedNames.length > 0
      ? `left out of the certificate, since the local CA may not vouch for them: ${m.omittedNames.join(', ')} (names browsers use belong in TLS_NAMES)`
      : null;
  const detail = [
    `local CA valid until ${m.caNotAfter?.toISOString().slice(0, 10)} (replaced automatically 60 days before), certificate until ${until}`,
    renewed,
    omitted,
  ]
    .filter((d) => d !== null)
    .join('; ');
  return { check: 'tls', ok: renewed === null, detail };
}

/** Usage counters: a file for a month after the current one was made by hand, and is ignored. */
function usageCheck(appliance: Appliance): Check {
  const current = appliance.usage.currentMonth();
  const future = appliance.usage.futureMonths();
  if (future.length === 0) return { check: 'usage', ok: true, detail: `counting in ${current}` };
  const files = future.map((m) => path.join(appliance.config.dataDir, 'usage', `${m}.json`)).join(', ');
  return {
    check: 'usage',
    ok: false,
    detail: `counting in ${current}; ignored counter files for later months, not written by this appliance: ${files}: remove them`,
  };
}

/** Backups: configured, recent (the daily one plus a margin), and not failing. */
function backupCheck(appliance: Appliance): Check {
  const status = appliance.backups.status();
  if (!status.configured) return { check: 'backups', ok: false, detail: NOT_CONFIGURED };
  const last = status.lastBackupAt ? Date.parse(status.lastBackupAt) : null;
  const ageHours = last === null ? null : (appliance.clock().getTime() - last) / 3600_000;
  const schedule = status.dailyAt ? `daily at ${status.dailyAt}` : 'BACKUP_TIME=off: manual backups only';
  const failing = status.lastError ? `; the last attempt failed (${status.lastError.at}): ${status.lastError.message}` : '';
  if (ageHours === null)
    return {
      check: 'backups',
      ok: false,
      detail: `no backup yet in ${status.dir} (${schedule}): run \`appliance backup create\`${failing}`,
    };
  const ok = ageHours <= 26 && !status.lastError;
  return {
    check: 'backups',
    ok,
    detail: `last ${status.lastBackupAt} (${Math.round(ageHours)} h ago), ${status.backups} kept in ${status.dir}, ${schedule}${failing}${ok ? '' : ageHours > 26 ? ': older than a day, check the log and the disk holding BACKUP_DIR' : ''}`,
  };
}

/**
 * Off-site copies (docs/backup.md « Copies hors site »): the newest copy sent to any target is at
 * most a day old, or there is none while local backups run; each failing target is named.
 */
function offsiteCheck(appliance: Appliance): Check {
  const status = appliance.offsite.status();
  const stale = appliance.offsite.staleness(appliance.backups.lastBackupAt());
  const failing = status.targets
    .filter((t) => t.enabled && t.status.lastError)
    .map((t) => `; ${t.id} failed at ${t.status.lastError!.at} [${t.status.lastError!.code}]: ${t.status.lastError!.message}`)
    .join('');
  // Not a failure, as for mail: cabinets that copy BACKUP_DIR off the machine themselves (rsync,
  // a removable drive) run so; doctor says what is missing, and the admin page shows it as a warning.
  if (stale?.kind === 'no-target')
    return {
      check: 'off-site copies',
      ok: true,
      detail:
        'not configured: no off-site target, so unless BACKUP_DIR is copied off this machine some other way the backups die with it (fire, theft, ransomware); add a folder (SMB/NFS share) or SFTP target: appliance backup target add (docs/backup.md « Copies hors site »)',
    };
  if (stale?.kind === 'none')
    return {
      check: 'off-site copies',
      ok: false,
      detail: `no off-site copy yet while backups run: check the targets with appliance backup target test ID${failing}`,
    };
  if (stale?.kind === 'stale')
    return {
      check: 'off-site copies',
      ok: false,
      detail: `last off-site copy ${stale.lastOffsiteCopyAt} (${stale.hours} h ago): older than ${OFFSITE_STALE_HOURS} h${failing}`,
    };
  if (status.lastOffsiteCopyAt === null)
    return { check: 'off-site copies', ok: true, detail: 'no backup yet, so nothing to copy off site' };
  return {
    check: 'off-site copies',
    ok: failing === '',
    detail: `last off-site copy ${status.lastOffsiteCopyAt}${failing}`,
  };
}
