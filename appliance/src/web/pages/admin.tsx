/** Administration (admin role): users, license and plan, backups, heartbeat, audit log, cabinet identity. */
import { Layout } from '../layout.js';
import { CATALOGUES, fill, type Messages } from '../messages.js';
import { ActionButton, Csrf, ErrorSummary, Field, LicenseImportForm, SelectField, UsageMeter } from '../components.js';
import { formatDate } from '../format.js';
import { TelemetryTable } from './setup.js';
import type { AdminView, BackupView, Chrome, UsersView } from '../viewModels.js';
import { UPGRADE_CATALOGUES } from '../upgradeLabels.js';
import { SupportBundleSection } from './supportBundle.js';
import { MailSection } from './mailSection.js';

export function AdminPage({ chrome, view, users }: { chrome: Chrome; view: AdminView; users: UsersView }) {
  const m = CATALOGUES[chrome.locale];
  const { license, heartbeat } = view;
  return (
    <Layout chrome={chrome} title={m.adminTitle}>
      <h1>{m.adminTitle}</h1>
      <UsersSection chrome={chrome} users={users} />
      <div class="columns">
        <section class="card" aria-labelledby="license-title" id="licence">
          <h2 id="license-title">{m.licenseTitle}</h2>
          <dl class="facts">
            <dt>{m.plan}</dt>
            <dd>{license.plan ?? '—'}</dd>
            <dt>{m.status}</dt>
            <dd>{license.state}</dd>
            <dt>{m.expiresAt}</dt>
            <dd>{formatDate(license.expiresAt, chrome.locale)}</dd>
            <dt>{m.model}</dt>
            <dd>{license.model ?? '—'}</dd>
          </dl>
          {license.warnings.map((w) => (
            <p class="warning">{w}</p>
          ))}
          {license.meters.map((meter) => (
            <UsageMeter meter={meter} />
          ))}
          <details open={users.errors.some((e) => e.field === 'license')}>
            <summary>{m.licenseImportAdmin}</summary>
            <LicenseImportForm action="/admin/licence" csrf={chrome.csrf} errors={users.errors} m={m} />
          </details>
          {license.upgrade ? (
            <>
              <h3>{fill(m.upgradeBrings, { plan: license.upgrade.plan })}</h3>
              <ul class="plain">
                <li>
                  {m.usageUsers} : {license.upgrade.maxUsers}
                </li>
                <li>
                  {m.usageCases} : {license.upgrade.maxCases}
                </li>
                <li>
                  {m.usageAnalyses} : {license.upgrade.maxAnalysesMonthly}
                </li>
                <li>
                  {m.model} : {license.upgrade.model}
                </li>
              </ul>
            </>
          ) : null}
          <p>
            <a href="/admin/formule">{UPGRADE_CATALOGUES[chrome.locale].limitSeePlans}</a>
          </p>
        </section>
        <section class="card" aria-labelledby="hbs-title" id="heartbeat">
          <h2 id="hbs-title">{m.heartbeatStatus}</h2>
          <dl class="facts">
            <dt>{m.status}</dt>
            <dd>{heartbeat.enabled ? (heartbeat.controlPlaneUrl ?? '—') : m.disabled}</dd>
            <dt>{m.lastSent}</dt>
            <dd>{formatDate(heartbeat.lastSentAt, chrome.locale, true) || m.never}</dd>
            <dt>{m.lastAck}</dt>
            <dd>{formatDate(heartbeat.lastAcknowledgedAt, chrome.locale, true) || m.never}</dd>
            <dt>{m.queued}</dt>
            <dd>{heartbeat.queued}</dd>
            {heartbeat.lastError ? (
              <>
                <dt>{m.lastError}</dt>
                <dd>{heartbeat.lastError}</dd>
              </>
            ) : null}
          </dl>
          <details>
            <summary>{m.heartbeatTitle}</summary>
            <TelemetryTable fields={heartbeat.fields} fieldLabel={m.field} purposeLabel={m.purpose} />
            {heartbeat.lastPayload ? <pre class="payload">{JSON.stringify(heartbeat.lastPayload, null, 2)}</pre> : null}
          </details>
        </section>
      </div>
      <div class="columns">
        <section class="card" aria-labelledby="backup-title" id="sauvegardes">
          <h2 id="backup-title">{m.backupsTitle}</h2>
          <BackupFacts chrome={chrome} backup={view.backup} />
        </section>
        {view.mail ? <MailSection chrome={chrome} mail={view.mail} /> : null}
        <section class="card" aria-labelledby="identity-title" id="identite">
          <h2 id="identity-title">{m.identityTitle}</h2>
          <dl class="facts">
            <dt>{m.cabinetName}</dt>
            <dd>{view.identity.name}</dd>
            <dt>{m.siret}</dt>
            <dd>{view.identity.siret ?? '—'}</dd>
            <dt>{m.address}</dt>
            <dd>{view.identity.address ?? '—'}</dd>
            <dt>{m.colour}</dt>
            <dd>
              <span class="swatch" aria-hidden="true" /> {view.identity.color}
            </dd>
            <dt>{m.logo}</dt>
            <dd>{view.identity.logoUrl ? <img src={view.identity.logoUrl} alt={view.identity.name} class="logo-preview" /> : '—'}</dd>
          </dl>
          <p class="hint">{m.identityHelp}</p>
        </section>
      </div>
      <SupportBundleSection chrome={chrome} />
      <section class="card" aria-labelledby="audit-title" id="audit">
        <h2 id="audit-title">{m.auditTitle}</h2>
        {view.audit === null ? (
          <p>{m.noAudit}</p>
        ) : (
          <table>
            <tbody>
              {view.audit.map((a) => (
                <tr>
                  <td>
                    <time datetime={a.at}>{formatDate(a.at, chrome.locale, true)}</time>
                  </td>
                  <td>{a.who}</td>
                  <td>{a.action}</td>
                  <td>{a.target}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

function UsersSection({ chrome, users }: { chrome: Chrome; users: UsersView }) {
  const m = CATALOGUES[chrome.locale];
  const e = users.errors;
  return (
    <section class="card" aria-labelledby="users-title" id="utilisateurs">
      <h2 id="users-title">{m.users}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{m.adminName}</th>
            <th scope="col">{m.email}</th>
            <th scope="col">{m.role}</th>
            <th scope="col">{m.status}</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.users.map((u) => (
            <tr>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>{u.roleLabel}</td>
              <td>{u.active ? m.active : m.inactive}</td>
              <td>
                {u.self ? null : (
                  <ActionButton
                    action={`/admin/utilisateurs/${encodeURIComponent(u.id)}/${u.active ? 'desactiver' : 'activer'}`}
                    label={u.active ? m.disable : m.enable}
                    csrf={chrome.csrf}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{m.addUser}</h3>
      <ErrorSummary errors={e} m={m} />
      <form method="post" action="/admin/utilisateurs" novalidate class="grid2">
        <Csrf token={chrome.csrf} />
        <Field name="name" label={m.adminName} value={users.values.name} errors={e} required />
        <Field name="email" label={m.email} type="email" value={users.values.email} errors={e} required autocomplete="off" />
        <SelectField
          name="role"
          label={m.role}
          value={users.values.role ?? 'avocat'}
          errors={e}
          required
          options={users.roles.map((r) => ({ value: r.name, label: r.label }))}
        />
        <Field name="password" label={m.password} type="password" hint={m.passwordHint} errors={e} required autocomplete="new-password" />
        <div>
          <button type="submit" class="button primary">
            {m.addUser}
          </button>
        </div>
      </form>
    </section>
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
