/**
 * `/admin`, the administration's overview (admin role): one short card per subject with its state,
 * each linking to the subject's own page (adminNav.tsx lists them).
 */
import type { ComponentChildren } from 'preact';
import { planLabel } from '../planLabels.js';
import { CATALOGUES, fill } from '../messages.js';
import { formatDate } from '../format.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { AdminView, Chrome } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';

/** Who uses the appliance: active users (pending invitations included: they hold a seat) and the plan's limit. */
export interface UsersSummary {
  active: number;
  max: number | null;
  pending: number;
}

export function AdminPage({ chrome, view, users }: { chrome: Chrome; view: AdminView; users: UsersSummary }) {
  const m = CATALOGUES[chrome.locale];
  const t = ADMIN_TEXTS[chrome.locale];
  const { license, heartbeat, backup, mail, identity } = view;
  const heartbeatText = !heartbeat.enabled
    ? t.heartbeatOff
    : heartbeat.lastError
      ? fill(t.heartbeatFailing, { count: String(heartbeat.queued) })
      : heartbeat.lastAcknowledgedAt
        ? fill(t.heartbeatOk, { at: formatDate(heartbeat.lastAcknowledgedAt, chrome.locale, true) })
        : t.heartbeatNever;
  return (
    <AdminLayout chrome={chrome} title={m.adminTitle}>
      <div class="admin-cards">
        <Card id="card-users" href="/admin/utilisateurs" title={t.users}>
          {users.max === null
            ? fill(t.usersCountNoLimit, { active: String(users.active) })
            : fill(t.usersCount, { active: String(users.active), max: String(users.max) })}
          {users.pending > 0 ? ` (${fill(t.pendingCount, { count: String(users.pending) })})` : ''}
        </Card>
        <Card id="card-license" href="/admin/licence" title={t.license}>
          {license.plan ? planLabel(license.plan, chrome.locale) : '—'}
          {m.labelSep}
          {license.state}
          {license.expiresAt ? ` (${m.expiresAt} ${formatDate(license.expiresAt, chrome.locale)})` : ''}
        </Card>
        <Card id="card-heartbeat" href="/admin/connexion-editeur" title={t.heartbeat}>
          {heartbeatText}
        </Card>
        <Card id="card-backups" href="/admin/sauvegardes" title={t.backups}>
          {!backup.configured
            ? t.backupsDisabled
            : backup.lastBackupAt
              ? fill(t.lastBackupAt, { at: formatDate(backup.lastBackupAt, chrome.locale, true) })
              : t.noBackupYet}
          {backup.lastError ? ` ${m.backupFailed}.` : ''}
        </Card>
        <Card id="card-mail" href="/admin/messagerie" title={t.mail}>
          {mail?.configured && mail.server ? fill(t.mailOn, { server: mail.server }) : t.mailOff}
        </Card>
        <Card id="card-identity" href="/admin/identite" title={t.identity}>
          {fill(t.identityShort, { name: identity.name, color: identity.color })}
        </Card>
        <Card id="card-audit" href="/admin/journal" title={t.audit}>
          {t.auditShort}
        </Card>
        <Card id="card-support" href="/admin/assistance" title={t.support}>
          {t.supportShort}
        </Card>
      </div>
    </AdminLayout>
  );
}

function Card({ id, href, title, children }: { id: string; href: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>
        <a href={href}>{title}</a>
      </h2>
      <p>{children}</p>
    </section>
  );
}
