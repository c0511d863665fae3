/**
 * The administration (admin role, docs/administration.md): `/admin` is an overview with one card
 * per subject, and each subject has its own page (pages/adminNav.tsx lists them). Users and their
 * access are in adminUserPages.tsx, the audit log in adminAuditPages.tsx. Every form answers with
 * a redirect (303): a refusal goes back to its page with the errors shown once (formReplay.ts), a
 * success with its flash (adminNotices.ts).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Appliance } from '../../appliance.js';
import { requirePermission } from '../../auth/authenticate.js';
import { PLAN_LADDER } from '../../domain/license/planLadder.js';
import { importLicenseFile } from '../../domain/enrollment/licenseFile.js';
import { fill } from '../messages.js';
import { AdminPage } from '../pages/admin.js';
import { AdminLicensePage } from '../pages/adminLicense.js';
import { AdminConnectionPage } from '../pages/adminConnection.js';
import { AdminBackupsPage } from '../pages/adminBackups.js';
import { AdminIdentityPage } from '../pages/adminIdentity.js';
import { AdminMailPage, AdminSupportPage } from '../pages/adminEmbedded.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm } from '../pageContext.js';
import { telemetryFields } from '../telemetryLabels.js';
import { licenseStateLabel, licenseWarnings } from '../licenseLabels.js';
import { describeError } from '../webErrors.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import { AdminNotices } from '../adminNotices.js';
import type { AdminView, Chrome } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { usageMeters } from './workspacePages.js';
import { mountAdminUserPages } from './adminUserPages.js';
import { mountAdminAuditPages } from './adminAuditPages.js';
import { mountOffsitePages } from './offsitePages.js';

function adminView(appliance: Appliance, ctx: Context): AdminView {
  const m = messagesOf(ctx);
  const status = appliance.license.status();
  const limits = status.limits;
  const next = limits
    ? PLAN_LADDER.find((p) => p.maxUsers > limits.maxUsers || p.maxAnalysesMonthly > limits.maxAnalysesMonthly)
    : undefined;
  const s = appliance.outbox.state;
  const id = appliance.config.identity;
  return {
    license: {
      plan: status.plan,
      state: licenseStateLabel(status.state, m),
      expiresAt: status.expiresAt,
      model: limits?.aiModel ?? null,
      meters: usageMeters(appliance, m),
      warnings: licenseWarnings(status, appliance.license.ignoredEnvSettings(), m, localeOf(ctx)),
      upgrade: next
        ? {
            plan: next.name,
            maxUsers: next.maxUsers,
            maxCases: next.maxCases,
            maxAnalysesMonthly: next.maxAnalysesMonthly,
            model: next.aiModel,
          }
        : null,
    },
    heartbeat: {
      enabled: appliance.config.heartbeatEnabled,
      controlPlaneUrl: appliance.config.controlPlaneUrl ?? null,
      lastSentAt: s.lastSentAt,
      lastAcknowledgedAt: s.lastAckAt,
      queued: s.queue.length,
      lastError: s.lastError,
      fields: telemetryFields(localeOf(ctx)),
      lastPayload: s.lastPayload,
    },
    backup: appliance.backups.status(),
    mail: appliance.reminders.status(),
    identity: {
      name: id.name ?? appliance.license.cabinetId ?? '',
      siret: id.siret ?? null,
      address: id.address ?? null,
      logoUrl: id.logo ? '/static/logo' : null,
      color: id.color,
    },
  };
}

export const adminPages: AppliancePage = { mount: mountAdminPages };

function mountAdminPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const notices = new AdminNotices(appliance.clock);

  /** The page's chrome with the flash a redirect left for it, if any. */
  const chromeWithNotice = (ctx: Context): Chrome => {
    const caller = requirePermission(ctx, 'admin.view');
    const notice = notices.take(ctx, caller);
    return { ...chromeOf(appliance, ctx), ...(notice ? { flash: notice.flash } : {}) };
  };

  pages.get('/admin', (ctx) => {
    const chrome = chromeWithNotice(ctx);
    const users = appliance.users.all();
    sendPage(
      ctx,
      <AdminPage
        chrome={chrome}
        view={adminView(appliance, ctx)}
        users={{
          active: appliance.users.activeCount(),
          max: appliance.license.limits()?.maxUsers ?? null,
          pending: users.filter((u) => u.active && (u.accessLink !== undefined || u.mustChangePassword === true)).length,
        }}
      />,
    );
  });

  pages.get('/admin/licence', (ctx) => {
    const chrome = chromeWithNotice(ctx);
    const refused = replayedForm(ctx, deps);
    sendPage(ctx, <AdminLicensePage chrome={chrome} license={adminView(appliance, ctx).license} errors={refused?.errors ?? []} />);
  });

  pages.get('/admin/connexion-editeur', (ctx) => {
    sendPage(ctx, <AdminConnectionPage chrome={chromeWithNotice(ctx)} heartbeat={adminView(appliance, ctx).heartbeat} />);
  });

  pages.get('/admin/sauvegardes', (ctx) => {
    const offsite = {
      status: appliance.offsite.status(),
      warning: appliance.offsite.staleness(appliance.backups.lastBackupAt()),
    };
    sendPage(ctx, <AdminBackupsPage chrome={chromeWithNotice(ctx)} backup={appliance.backups.status()} offsite={offsite} />);
  });

  pages.get('/admin/identite', (ctx) => {
    sendPage(ctx, <AdminIdentityPage chrome={chromeWithNotice(ctx)} identity={adminView(appliance, ctx).identity} />);
  });

  pages.get('/admin/messagerie', (ctx) => {
    sendPage(ctx, <AdminMailPage chrome={chromeWithNotice(ctx)} mail={appliance.reminders.status()} />);
  });

  pages.get('/admin/assistance', (ctx) => {
    sendPage(ctx, <AdminSupportPage chrome={chromeWithNotice(ctx)} />);
  });

  /** "Envoyer un test": a mail to the admin's own address through the configured server; its answer shown on the mail page. */
  pages.post('/admin/messagerie/test', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const m = messagesOf(ctx);
    try {
      const sent = await appliance.reminders.sendTest(caller.user.email);
      notices.redirect(ctx, caller, '/admin/messagerie', {
        flash: { kind: 'ok', text: fill(m.mailTestSent, { server: sent.server, to: sent.to }) },
      });
    } catch (err) {
      notices.redirect(ctx, caller, '/admin/messagerie', {
        flash: { kind: 'error', text: fill(m.mailTestFailed, { reason: (err as Error).message }) },
      });
    }
  });

  /**
   * A license file imported by an admin (a renewal for a cabinet without outbound network, or the
   * repair of a license that stopped verifying): the setup wizard is closed for good once set up.
   */
  pages.post('/admin/licence', async (ctx) => {
    const caller = requirePermission(ctx, 'license.manage');
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const license = (form.get('license') ?? '').trim();
    const refuse = (message: string) =>
      redirectToForm(ctx, deps, { values: {}, errors: [{ field: 'license', message }] }, '/admin/licence');
    if (!license) return refuse(fill(m.required, { field: m.licenseFile }));
    let kind: string;
    try {
      kind = await importLicenseFile(appliance, license);
    } catch (err) {
      return refuse(describeError(err, m, {}, 'licenseImport').text);
    }
    await appliance.audit.append({ actor: caller.user.email, action: 'license.import', detail: kind });
    notices.redirect(ctx, caller, '/admin/licence', { flash: { kind: 'ok', text: m.licenseImported } });
  });

  mountAdminUserPages(pages, deps, notices);
  mountAdminAuditPages(pages, deps);
  mountOffsitePages(pages, deps, notices);
}
