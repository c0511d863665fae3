/**
 * The appliance's state, opened once by `serve` (or by a CLI command when no server runs): every
 * store and service, wired together. Routes and commands receive this object and call its parts.
 * Each part is opened first, then the object is built in one piece: nothing is added to it later.
 */
import path from 'node:path';
import type { Logger } from '@iamanager/kernel/log';
import { recordedAnalysesByMonth, type AnalysisDeps } from './domain/cases/caseAnalyses.js';
import { AuditLog } from './domain/audit/auditLog.js';
import { Backups } from './domain/backups/backups.js';
import { Cases } from './domain/cases/cases.js';
import { DocumentFiles } from './domain/documents/documentFiles.js';
import { ServedTls } from './domain/tls/servedTls.js';
import type { Document } from '@iamanager/kernel/storage';
import { clockOf, type Config } from './config.js';
import { ErrorCounter } from './errorCounter.js';
import { HeartbeatAgent } from './domain/heartbeat/agent.js';
import { HeartbeatOutbox } from './storage/outbox.js';
import { UpgradeRequests } from './domain/license/upgradeRequest.js';
import { ClockGuard } from './domain/license/clockGuard.js';
import { LicenseStore } from './domain/license/licenseStore.js';
import { LoginGuard } from '@iamanager/kernel/web';
import { BrowserSession, RevokedSessions } from '@iamanager/kernel/web';
import { SESSION_COOKIE, SessionKeys } from './auth/sessions.js';
import { UsageCounters } from './domain/usage/usageCounters.js';
import { openUserStore, type UsersFile } from './storage/userStore.js';
import { Users } from './domain/users/users.js';
import { Reminders } from './domain/reminders/reminders.js';
import { smtpSender } from '@iamanager/kernel/mail';
import { caseUrlOf } from './domain/reminders/caseLink.js';
import { deadlineKey, openReminderStore } from './storage/reminderStore.js';
import { openDeadlineRules } from './storage/deadlineRules.js';
import { DeadlineClosing } from './domain/deadlines/deadlineClosing.js';
import { DiligenceProofs } from './domain/deadlines/proofs.js';
import { openReminderSettingsStore } from './storage/reminderSettingsStore.js';
import { openMailSettingsStore } from './storage/mailSettingsStore.js';
import { ReminderSettings } from './domain/reminders/preferences.js';
import { MailSettings } from './domain/reminders/mailSettings.js';
import { OffsiteCopies } from './domain/backups/offsite/offsiteCopies.js';

export interface Appliance {
  readonly config: Config;
  readonly log: Logger;
  /** The appliance's clock (real time, shifted only in tests). */
  readonly clock: () => Date;
  readonly clockGuard: ClockGuard;
  readonly license: LicenseStore;
  readonly usage: UsageCounters;
  readonly users: Users;
  readonly usersDoc: Document<UsersFile>;
  /** The session cookie (`iam_session`): issue, verify, end; its CSRF token. */
  readonly browserSession: BrowserSession;
  /** Sessions ended by a logout, refused until their token expires. */
  readonly revokedSessions: RevokedSessions;
  /** Every check of a password (login, password change): lock-out and a bounded hashing queue. */
  readonly loginGuard: LoginGuard;
  readonly outbox: HeartbeatOutbox;
  readonly heartbeats: HeartbeatAgent;
  /** The cabinet's signed requests for another plan, queued like heartbeats while the vendor is unreachable. */
  readonly upgradeRequests: UpgradeRequests;
  readonly errors: ErrorCounter;
  readonly cases: Cases;
  readonly documents: DocumentFiles;
  readonly audit: AuditLog;
  /** The analyses' view of the appliance: its case files, usage counters, license and threshold. */
  readonly analysisDeps: AnalysisDeps;
  /** Open (non-archived) cases, for usage and heartbeats. */
  readonly casesOpen: () => number;
  /** The certificate served over HTTPS, and a way to swap it: empty unless `serve` runs with TLS on. */
  readonly tls: ServedTls;
  /** The backups (status, create), opened even when BACKUP_PASSPHRASE is not set: they say so themselves. */
  readonly backups: Backups;
  /** Deadline reminders by e-mail through the cabinet's SMTP server (docs/reminders.md). */
  readonly reminders: Reminders;
  /** Closing deadlines, the second confirmation rule (docs/deadlines.md). */
  readonly deadlines: DeadlineClosing;
  /** Signed proofs of diligence, with the appliance's own key (docs/deadlines.md). */
  readonly proofs: DiligenceProofs;
  /** The reminder policy (admins) and each user's reminder preferences. */
  readonly reminderSettings: ReminderSettings;
  /** The SMTP server saved from the pages (it wins over SMTP_URL/MAIL_FROM in .env). */
  readonly mailSettings: MailSettings;
  /** Off-site backup targets, the push after each backup and its status (docs/backup.md « Copies hors site »). */
  readonly offsite: OffsiteCopies;
  close(): Promise<void>;
}

export async function openAppliance(config: Config, log: Logger): Promise<Appliance> {
  const clock = clockOf(config);
  const clockGuard = await ClockGuard.open(config.dataDir, clock, log);
  const license = await LicenseStore.open(config.dataDir, config.envLimits, clockGuard, log, config.vendorKeyPins);
  const usersDoc = await openUserStore(config.dataDir, log);
  const users = new Users(usersDoc, license, clock);
  const revokedSessions = await RevokedSessions.open(config.dataDir, clock, log);
  const outbox = await HeartbeatOutbox.open(config.dataDir, log);
  const audit = await AuditLog.open(config.dataDir, clock);
  // The newest audit entry proves its time has passed, whatever clock.json says (see ClockGuard).
  const lastAudit = audit.latestAt();
  if (lastAudit) clockGuard.raiseFloor(new Date(lastAudit));
  // Opened once the guard holds every floor: the current month comes from it.
  const usage = await UsageCounters.open(config.dataDir, clockGuard, log);
  if (clockGuard.setBack)
    log.warn({ latestSeenAt: clockGuard.latestSeenAt() }, 'clock: the system clock is behind a time this appliance already saw');
  const cases = await Cases.open(config.dataDir, { license, users, audit, clock, log });
  await usage.reconcile(recordedAnalysesByMonth(cases.index.all()), log);
  const documents = new DocumentFiles(path.join(config.dataDir, 'documents'), config.maxUploadBytes);
  const offsite = await OffsiteCopies.open({ dataDir: config.dataDir, backupDir: config.backup.dir, clock, log });
  const backups = await Backups.open({ dataDir: config.dataDir, config: config.backup, version: config.version, clock, log, offsite });
  const errors = new ErrorCounter();
  const remindersDoc = await openReminderStore(config.dataDir, log);
  const reminderSettingsDoc = await openReminderSettingsStore(config.dataDir, log);
  const reminderSettings = new ReminderSettings(reminderSettingsDoc);
  const mailSettingsDoc = await openMailSettingsStore(config.dataDir, log);
  // Settings saved on the admin page win over .env; a change takes effect at once (setSender).
  const mailSettings = new MailSettings(mailSettingsDoc, config.mail, clock, (m) =>
    reminders.setSender(m ? smtpSender(m.smtpUrl, m.from) : null),
  );
  const mailInUse = mailSettings.effective();
  const reminders = new Reminders({
    doc: remindersDoc,
    cases: () => cases.index.all(),
    users: () => users.all(),
    settings: reminderSettings,
    sender: mailInUse ? smtpSender(mailInUse.smtpUrl, mailInUse.from) : null,
    caseUrl: (id) => caseUrlOf(config, id),
    clock,
    log,
  });
  const deadlineRules = await openDeadlineRules(config.dataDir, log);
  const deadlines = new DeadlineClosing({
    cases,
    rules: deadlineRules,
    audit,
    acknowledgement: (d) => {
      const ack = remindersDoc.data.acks[deadlineKey(d)];
      return ack ? { by: ack.by, at: ack.at } : null;
    },
    clock,
  });
  const proofs = new DiligenceProofs({
    dataDir: config.dataDir,
    ids: () => ({ applianceId: license.applianceId, cabinetId: license.cabinetId }),
    cases,
    closing: deadlines,
    clock,
  });
  const heartbeats = new HeartbeatAgent(
    outbox,
    {
      dataDir: config.dataDir,
      version: config.version,
      controlPlaneUrl: config.controlPlaneUrl,
      clock,
      license,
      usage,
      usersActive: () => users.activeCount(),
      casesOpen: () => cases.openCount(),
      lastBackupAt: () => Promise.resolve(backups.lastBackupAt()),
      lastOffsiteBackupAt: () => offsite.lastOffsiteCopyAt(),
      errors24h: () => errors.last24h(),
      auditHead: () => audit.head(),
    },
    log,
  );
  const upgradeRequests = await UpgradeRequests.open(
    {
      dataDir: config.dataDir,
      controlPlaneUrl: config.controlPlaneUrl,
      clock,
      license,
      usage,
      usersActive: () => users.activeCount(),
      casesOpen: () => cases.openCount(),
    },
    log,
  );

  return {
    config,
    log,
    clock,
    clockGuard,
    license,
    usage,
    users,
    usersDoc,
    browserSession: new BrowserSession({
      cookie: SESSION_COOKIE,
      tokens: new SessionKeys(config.secretKey),
      revoked: revokedSessions,
      endEverySession: (userId) => users.endSessions(userId),
      log,
    }),
    revokedSessions,
    loginGuard: new LoginGuard({
      maxFailures: config.loginMaxFailures,
      lockSeconds: config.loginLockSeconds,
      onLock: ({ account, address, seconds }) =>
        log.warn({ email: account, ip: address, seconds }, 'login: account locked for this address after failed passwords'),
    }),
    outbox,
    heartbeats,
    upgradeRequests,
    errors,
    cases,
    documents,
    audit,
    analysisDeps: {
      cases: {
        get: (id) => cases.get(id),
        all: () => cases.index.all(),
        readCase: (id, actor, action) => cases.readCase(id, actor, action),
        mutate: (id, actor, action, change) => cases.mutate(id, actor, action, change),
      },
      usage,
      assertCanRun: () => license.assertCanCreate('analysis'),
      threshold: config.predictionThreshold,
      clock,
    },
    casesOpen: () => cases.openCount(),
    tls: new ServedTls(),
    backups,
    reminders,
    deadlines,
    proofs,
    reminderSettings,
    mailSettings,
    offsite,
    close: async () => {
      await heartbeats.stop();
      await upgradeRequests.stop();
      await reminders.stopSchedule();
      await clockGuard.stop().catch((err: unknown) => log.warn({ err }, 'clock: could not record the latest time seen'));
      await Promise.all([
        usersDoc.adapter.flushed(),
        outbox.doc.adapter.flushed(),
        cases.flushed(),
        revokedSessions.flushed(),
        remindersDoc.adapter.flushed(),
        deadlineRules.adapter.flushed(),
        reminderSettingsDoc.adapter.flushed(),
        mailSettingsDoc.adapter.flushed(),
        offsite.flushed(),
      ]);
    },
  };
}
