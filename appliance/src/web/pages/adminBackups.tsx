/** `/admin/sauvegardes`: the backup schedule and state, and the passphrase warning. A long folder path wraps (dl.facts dd). */
import { CATALOGUES, fill, type Messages } from '../messages.js';
import { formatDate } from '../format.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { BackupView, Chrome } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';
import { OffsiteSection, type OffsiteView } from './adminOffsite.js';

export function AdminBackupsPage({ chrome, backup, offsite }: { chrome: Chrome; backup: BackupView; offsite?: OffsiteView }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <AdminLayout chrome={chrome} title={ADMIN_TEXTS[chrome.locale].backups}>
      <section class="card" aria-labelledby="backup-title" id="sauvegardes">
        <h2 id="backup-title">{m.backupsTitle}</h2>
        <BackupFacts chrome={chrome} backup={backup} />
      </section>
      {offsite ? <OffsiteSection chrome={chrome} offsite={offsite} /> : null}
    </AdminLayout>
  );
}

/** Backup status, and the plain warning that the passphrase is the only way back. */
function BackupFacts({ chrome, backup }: { chrome: Chrome; backup: BackupView }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <>
      {backup.configured ? null : (
        <p class="warning" id="backups-off">
          {m.backupsOff}
        </p>
      )}
      <dl class="facts">
        <dt>{m.lastBackup}</dt>
        <dd>{formatDate(backup.lastBackupAt, chrome.locale, true) || m.never}</dd>
        {backup.configured ? (
          <>
            <dt>{m.backupSchedule}</dt>
            <dd>{backup.dailyAt ? fill(m.backupDaily, { time: backup.dailyAt }) : m.backupManualOnly}</dd>
            <dt>{m.nextBackup}</dt>
            <dd>{formatDate(backup.nextBackupAt, chrome.locale, true) || '—'}</dd>
          </>
        ) : null}
        <dt>{m.backupsKept}</dt>
        <dd>
          {backup.backups} ({m.backupRetention})
        </dd>
        <dt>{m.backupFolder}</dt>
        <dd>
          <code>{backup.dir}</code>
        </dd>
      </dl>
      {backup.lastError ? (
        <>
          <p class="warning">
            {m.backupFailed} ({formatDate(backup.lastError.at, chrome.locale, true)}) : {backupFailure(m, backup.lastError.code)}
          </p>
          <details>
            <summary>{m.technicalDetail}</summary>
            <code>{backup.lastError.message}</code>
          </details>
        </>
      ) : null}
      <p class="hint" id="backup-passphrase-warning">
        {m.backupPassphraseWarning}
      </p>
    </>
  );
}

/** The page's sentence for a backup failure, from its stable code (the message itself is English, for the log). */
function backupFailure(m: Messages, code: string): string {
  if (code === 'storage_full') return m.backupFailedFull;
  // ENOTDIR: BACKUP_DIR names a file, which storageFailure leaves as it is.
  if (code === 'storage_unwritable' || code === 'ENOTDIR') return m.backupFailedUnwritable;
  return m.backupFailedOther;
}
