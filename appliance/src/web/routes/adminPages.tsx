/** The administration page (admin role) and its user management forms. */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Appliance } from '../../appliance.js';
import { requirePermission, type Caller } from '../../auth/authenticate.js';
import { ROLE_LABELS } from '../../auth/permissions.js';
import { PLAN_LADDER } from '../../domain/license/planLadder.js';
import { importLicenseFile } from '../../domain/enrollment/licenseFile.js';
import { fill } from '../messages.js';
import { AdminPage } from '../pages/admin.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm, text } from '../pageContext.js';
import { telemetryFields } from '../telemetryLabels.js';
import { actionLabel } from '../actionLabels.js';
import { licenseStateLabel, licenseWarnings } from '../licenseLabels.js';
import { describeError, isLimitRefusal } from '../webErrors.js';
import { parseForm } from '../formIssues.js';
import { newUserFields } from '../userForm.js';
import { newUserSchema } from '../../domain/users/users.js';
import type { AdminView, FieldError, UsersView } from '../viewModels.js';
import type { AppliancePage, AuditSource, WebDeps } from '../webPage.js';
import { usageMeters } from './workspacePages.js';

/** Audit entries for the viewer, when the audit module is mounted. */

async function adminView(appliance: Appliance, ctx: Context, audit: AuditSource | undefined): Promise<AdminView> {
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
    audit: audit ? (await audit()).map((a) => ({ ...a, action: actionLabel(a.action, localeOf(ctx)) })) : null,
  };
}

function usersView(appliance: Appliance, caller: Caller, errors: FieldError[] = [], values: Record<string, string> = {}): UsersView {
  return {
    users: appliance.users.all().map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      roleLabel: ROLE_LABELS[u.role] ?? u.role,
      active: u.active,
      self: u.id === caller.user.id,
    })),
    roles: appliance.users.roles().map((r) => ({ name: r.name, label: ROLE_LABELS[r.name] ?? r.name })),
    errors,
    values,
  };
}

export const adminPages: AppliancePage = { mount: mountAdminPages };

function mountAdminPages(pages: Router, { appliance, sources }: WebDeps): void {
  const router = new Router({ prefix: '/admin' });
  const audit = () => sources.audit;

  const render = async (
    ctx: Context,
    caller: Caller,
    errors: FieldError[] = [],
    values: Record<string, string> = {},
    flash?: { kind: 'ok' | 'error'; text: string },
  ) => {
    const view = await adminView(appliance, ctx, audit());
    const chrome = { ...chromeOf(appliance, ctx), ...(flash ? { flash } : {}) };
    sendPage(ctx, <AdminPage chrome={chrome} view={view} users={usersView(appliance, caller, errors, values)} />);
  };

  router.get('/', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const m = messagesOf(ctx);
    const flash = ctx.query.ajout === '1' ? m.userAdded : ctx.query.licence === '1' ? m.licenseImported : undefined;
    await render(ctx, caller, [], {}, flash ? { kind: 'ok', text: flash } : undefined);
  });

  /** "Envoyer un test": a mail to the admin's own address through the configured server, its answer shown. */
  router.post('/messagerie/test', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const m = messagesOf(ctx);
    try {
      const sent = await appliance.reminders.sendTest(caller.user.email);
      await render(ctx, caller, [], {}, { kind: 'ok', text: fill(m.mailTestSent, { server: sent.server, to: sent.to }) });
    } catch (err) {
      await render(ctx, caller, [], {}, { kind: 'error', text: fill(m.mailTestFailed, { reason: (err as Error).message }) });
    }
  });

  /**
   * A license file imported by an admin (a renewal for a cabinet without outbound network, or the
   * repair of a license that stopped verifying): the setup wizard is closed for good once set up.
   */
  router.post('/licence', async (ctx) => {
    const caller = requirePermission(ctx, 'license.manage');
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const license = (form.get('license') ?? '').trim();
    if (!license) return render(ctx, caller, [{ field: 'license', message: fill(m.required, { field: m.licenseFile }) }]);
    let kind: string;
    try {
      kind = await importLicenseFile(appliance, license);
    } catch (err) {
      return render(ctx, caller, [{ field: 'license', message: describeError(err, m, {}, 'licenseImport').text }]);
    }
    await appliance.audit.append({ actor: caller.user.email, action: 'license.import', detail: kind });
    ctx.redirect('/admin?licence=1#licence');
  });

  router.post('/utilisateurs', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const values = {
      name: text(form, 'name', 120),
      email: text(form, 'email', 254),
      role: text(form, 'role', 32),
      password: form.get('password') ?? '',
    };
    const kept = { name: values.name, email: values.email, role: values.role };
    const parsed = parseForm(newUserSchema, values, newUserFields(m), m);
    if (!parsed.ok) return render(ctx, caller, parsed.errors, kept);
    try {
      await appliance.users.createUser(parsed.data);
    } catch (err) {
      // The plan's limit ends on the upgrade path's page (pageErrors.tsx); what else the schema cannot
      // know — a role that does not exist, an email already taken — is said on the form.
      if (isLimitRefusal(err)) throw err;
      const d = describeError(err, m, { name: m.adminName, email: m.email, password: m.password, role: m.role });
      if (d.fields.length > 0) return render(ctx, caller, d.fields, kept);
      return render(ctx, caller, [], kept, { kind: 'error', text: d.text });
    }
    ctx.redirect('/admin?ajout=1#utilisateurs');
  });

  for (const [action, active] of [
    ['desactiver', false],
    ['activer', true],
  ] as const) {
    router.post(`/utilisateurs/:id/${action}`, async (ctx) => {
      const caller = requirePermission(ctx, 'users.manage');
      // The domain refuses it too (in English, for the API): said here in the page's language.
      if (!active && ctx.params.id === caller.user.id)
        return render(ctx, caller, [], {}, { kind: 'error', text: messagesOf(ctx).cannotDisableSelf });
      try {
        await appliance.users.updateUser(ctx.params.id ?? '', { active }, caller.user.id);
      } catch (err) {
        return render(ctx, caller, [], {}, { kind: 'error', text: describeError(err, messagesOf(ctx)).text });
      }
      ctx.redirect('/admin#utilisateurs');
    });
  }
  pages.use(router.routes());
}
