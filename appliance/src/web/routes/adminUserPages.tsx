/**
 * `/admin/utilisateurs` (users.manage): the list, invitations (a one-time link or a temporary
 * password, shown once after the redirect), resets, role changes and (de)activation. The rules —
 * the last active admin, the plan's seats, single-use links — are the domain's
 * (domain/users/invitations.ts); this file turns them into forms and French sentences.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { requirePermission, type Caller } from '../../auth/authenticate.js';
import { ROLE_LABELS } from '../../auth/permissions.js';
import { newUserSchema } from '../../domain/users/users.js';
import { hasSecondFactor } from '../../domain/secondFactor/hasSecondFactor.js';
import { changeUser, inviteUser, invitationSchema, resetUserAccess, type GrantedAccess } from '../../domain/users/invitations.js';
import { fill, type Messages } from '../messages.js';
import { ADMIN_TEXTS, type AdminTexts } from '../adminMessages.js';
import { AdminUsersPage, type AdminUsersView, type ShownAccess } from '../pages/adminUsers.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm, text } from '../pageContext.js';
import { describeError, isLimitRefusal } from '../webErrors.js';
import { parseForm, type FormField } from '../formIssues.js';
import { newUserFields } from '../userForm.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { AdminNotices } from '../adminNotices.js';
import type { WebDeps } from '../webPage.js';
import type { Appliance } from '../../appliance.js';

const PAGE = '/admin/utilisateurs';

/** The invitation form's fields (named apart from the account form's on the same page: ids must differ) and the schema's paths. */
const invitationFields = (m: Messages, t: AdminTexts): FormField[] => [
  { name: 'inviteName', path: 'name', label: m.adminName },
  { name: 'inviteEmail', path: 'email', label: m.email },
  { name: 'inviteRole', path: 'role', label: m.role },
  { name: 'method', path: 'method', label: t.method },
];

function usersView(appliance: Appliance, caller: Caller): Omit<AdminUsersView, 'form' | 'errors' | 'values' | 'shown'> {
  const now = appliance.clock().getTime();
  return {
    users: appliance.users.all().map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      roleLabel: ROLE_LABELS[u.role] ?? u.role,
      active: u.active,
      self: u.id === caller.user.id,
      linkExpiresAt: u.accessLink?.expiresAt ?? null,
      linkExpired: u.accessLink !== undefined && now >= Date.parse(u.accessLink.expiresAt),
      mustChangePassword: u.mustChangePassword === true,
      secondFactor: hasSecondFactor(u, appliance.passkeys),
    })),
    roles: appliance.users.roles().map((r) => ({ name: r.name, label: ROLE_LABELS[r.name] ?? r.name })),
  };
}

/** What the admin passes on: the link as a full address of this appliance, or the temporary password. */
function shownOf(ctx: Context, email: string, access: GrantedAccess): ShownAccess {
  return access.method === 'lien'
    ? { email, link: { url: `${ctx.protocol}://${ctx.host}/invitation/${access.secret}`, expiresAt: access.expiresAt } }
    : { email, temporaryPassword: access.password };
}

export function mountAdminUserPages(pages: Router, deps: WebDeps, notices: AdminNotices): void {
  const { appliance } = deps;
  const userAdmin = { users: appliance.users, audit: appliance.audit, clock: appliance.clock };

  /** A refusal the domain said in English, in the page's language, as the page's error summary. */
  const refusal = (ctx: Context, err: unknown): string => {
    const m = messagesOf(ctx);
    const t = ADMIN_TEXTS[localeOf(ctx)];
    if (err instanceof DomainError && err.code === 'last_admin') {
      const id = String(err.details?.userId ?? '');
      return fill(t.lastAdmin, { email: appliance.users.byId(id)?.email ?? '' });
    }
    return describeError(err, m).text;
  };
  const refuse = (ctx: Context, message: string) => redirectToForm(ctx, deps, { values: {}, errors: [{ field: '', message }] }, PAGE);

  pages.get(PAGE, (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const refused = replayedForm(ctx, deps);
    const notice = notices.take(ctx, caller);
    const chrome = { ...chromeOf(appliance, ctx), ...(notice ? { flash: notice.flash } : {}) };
    const form = refused?.values._form === 'invite' || refused?.values._form === 'create' ? refused.values._form : null;
    const view: AdminUsersView = {
      ...usersView(appliance, caller),
      form,
      errors: refused && form ? refused.errors : [],
      values: refused?.values ?? {},
      shown: notice?.shown ?? null,
    };
    // An error of a row's action (not of a form) is said at the top of the page.
    const rowError = refused && !form ? refused.errors[0]?.message : undefined;
    sendPage(ctx, <AdminUsersPage chrome={rowError ? { ...chrome, flash: { kind: 'error', text: rowError } } : chrome} view={view} />);
  });

  pages.post(`${PAGE}/invitations`, async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const t = ADMIN_TEXTS[localeOf(ctx)];
    const values = {
      inviteName: text(form, 'inviteName', 120),
      inviteEmail: text(form, 'inviteEmail', 254),
      inviteRole: text(form, 'inviteRole', 32),
      method: text(form, 'method', 40),
    };
    const back = (errors: Array<{ field: string; message: string }>) =>
      redirectToForm(ctx, deps, { values: { ...values, _form: 'invite' }, errors }, PAGE);
    const input = { name: values.inviteName, email: values.inviteEmail, role: values.inviteRole, method: values.method };
    const parsed = parseForm(invitationSchema, input, invitationFields(m, t), m);
    if (!parsed.ok) return back(parsed.errors);
    try {
      const { user, access } = await inviteUser(userAdmin, parsed.data, caller.user);
      notices.redirect(ctx, caller, PAGE, {
        flash: { kind: 'ok', text: fill(t.invited, { email: user.email }) },
        shown: shownOf(ctx, user.email, access),
      });
    } catch (err) {
      if (isLimitRefusal(err)) throw err;
      const d = describeError(err, m, { name: m.adminName, email: m.email, role: m.role });
      // The domain names the schema's path (email); the form's field is inviteEmail.
      const renamed = d.fields.map((f) => ({ ...f, field: f.field ? `invite${f.field[0]!.toUpperCase()}${f.field.slice(1)}` : f.field }));
      back(renamed.length > 0 ? renamed : [{ field: '', message: d.text }]);
    }
  });

  // The account made with a password the admin chooses (the form there was before invitations).
  pages.post(PAGE, async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const values = {
      name: text(form, 'name', 120),
      email: text(form, 'email', 254),
      role: text(form, 'role', 32),
      password: form.get('password') ?? '',
    };
    const back = (errors: Array<{ field: string; message: string }>) =>
      redirectToForm(ctx, deps, { values: { name: values.name, email: values.email, role: values.role, _form: 'create' }, errors }, PAGE);
    const parsed = parseForm(newUserSchema, values, newUserFields(m), m);
    if (!parsed.ok) return back(parsed.errors);
    try {
      const user = await appliance.users.createUser(parsed.data);
      await appliance.audit.append({ actor: caller.user.email, action: 'user.create', detail: `${user.email} (${user.role})` });
    } catch (err) {
      // The plan's limit ends on the upgrade path's page (pageErrors.tsx); what else the schema cannot
      // know — a role that does not exist, an email already taken — is said on the form.
      if (isLimitRefusal(err)) throw err;
      const d = describeError(err, m, { name: m.adminName, email: m.email, password: m.password, role: m.role });
      return back(d.fields.length > 0 ? d.fields : [{ field: '', message: d.text }]);
    }
    notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: m.userAdded } });
  });

  pages.post(`${PAGE}/:id/reinitialiser`, async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    const t = ADMIN_TEXTS[localeOf(ctx)];
    if (ctx.params.id === caller.user.id) return refuse(ctx, t.cannotResetSelf);
    try {
      const { user, access } = await resetUserAccess(userAdmin, ctx.params.id ?? '', { method: form.get('method') ?? '' }, caller.user);
      notices.redirect(ctx, caller, PAGE, {
        flash: { kind: 'ok', text: fill(t.reset, { email: user.email }) },
        shown: shownOf(ctx, user.email, access),
      });
    } catch (err) {
      refuse(ctx, refusal(ctx, err));
    }
  });

  pages.post(`${PAGE}/:id/role`, async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    const t = ADMIN_TEXTS[localeOf(ctx)];
    // The domain refuses an admin's own demotion too (in English, for the API).
    if (ctx.params.id === caller.user.id) return refuse(ctx, t.cannotChangeOwnRole);
    try {
      const user = await changeUser(userAdmin, ctx.params.id ?? '', { role: text(form, 'role', 32) }, caller.user);
      notices.redirect(ctx, caller, PAGE, {
        flash: { kind: 'ok', text: fill(t.roleChanged, { email: user.email, role: ROLE_LABELS[user.role] ?? user.role }) },
      });
    } catch (err) {
      if (isLimitRefusal(err)) throw err;
      refuse(ctx, refusal(ctx, err));
    }
  });

  for (const [action, active] of [
    ['desactiver', false],
    ['activer', true],
  ] as const) {
    pages.post(`${PAGE}/:id/${action}`, async (ctx) => {
      const caller = requirePermission(ctx, 'users.manage');
      const m = messagesOf(ctx);
      const t = ADMIN_TEXTS[localeOf(ctx)];
      // The domain refuses it too (in English, for the API): said here in the page's language.
      if (!active && ctx.params.id === caller.user.id) return refuse(ctx, m.cannotDisableSelf);
      try {
        const user = await changeUser(userAdmin, ctx.params.id ?? '', { active }, caller.user);
        notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: fill(active ? t.enabled : t.disabled, { email: user.email }) } });
      } catch (err) {
        if (isLimitRefusal(err)) throw err;
        refuse(ctx, refusal(ctx, err));
      }
    });
  }
}
