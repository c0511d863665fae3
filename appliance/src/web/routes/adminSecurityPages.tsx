/**
 * `/admin/securite` (users.manage): the second factor policy; and the reset of a user's second
 * factor from `/admin/utilisateurs` (docs/second-factor.md). The rules are the domain's
 * (domain/secondFactor/); this file turns them into forms and sentences.
 */
import type Router from '@koa/router';
import { requirePermission } from '../../auth/authenticate.js';
import { ROLE_LABELS } from '../../auth/permissions.js';
import { hasSecondFactor } from '../../domain/secondFactor/hasSecondFactor.js';
import { fill } from '../messages.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import { AdminSecurityPage } from '../pages/adminSecurity.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm, text } from '../pageContext.js';
import { describeError } from '../webErrors.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { AdminNotices } from '../adminNotices.js';
import type { WebDeps } from '../webPage.js';

const PAGE = '/admin/securite';

export function mountAdminSecurityPages(pages: Router, deps: WebDeps, notices: AdminNotices): void {
  const { appliance } = deps;

  pages.get(PAGE, (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const refused = replayedForm(ctx, deps);
    const notice = notices.take(ctx, caller);
    const policy = appliance.secondFactorPolicy.current();
    const active = appliance.users.all().filter((u) => u.active);
    const chrome = chromeOf(appliance, ctx);
    sendPage(
      ctx,
      <AdminSecurityPage
        chrome={notice ? { ...chrome, flash: notice.flash } : chrome}
        view={{
          required: (refused?.values.required as typeof policy.required | undefined) ?? policy.required,
          roles: refused ? (refused.values.roles ?? '').split(',').filter(Boolean) : policy.roles,
          allRoles: appliance.users.roles().map((r) => ({ name: r.name, label: ROLE_LABELS[r.name] ?? r.name })),
          updatedAt: policy.updatedAt,
          updatedBy: policy.updatedBy,
          enrolled: active.filter((u) => hasSecondFactor(u, appliance.passkeys)).length,
          total: active.length,
          errors: refused?.errors ?? [],
        }}
      />,
    );
  });

  pages.post(PAGE, async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const form = await readForm(ctx);
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    const required = text(form, 'required', 20);
    const roles = form.getAll('roles').map((r) => r.slice(0, 32));
    const back = (errors: Array<{ field: string; message: string }>) =>
      redirectToForm(ctx, deps, { values: { required, roles: roles.join(',') }, errors }, PAGE);
    // Said in the page's language here; the domain refuses it too (in English, for other callers).
    if (required === 'roles' && roles.length === 0) return back([{ field: 'roles', message: t.policyRolesRequired }]);
    try {
      await appliance.secondFactorPolicy.set(
        { required, roles },
        appliance.users.roles().map((r) => r.name),
        caller.user,
      );
    } catch (err) {
      const d = describeError(err, messagesOf(ctx), { required: t.policyTitle, roles: t.policyRoles });
      return back(d.fields.length > 0 ? d.fields : [{ field: '', message: d.text }]);
    }
    notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: t.policySaved } });
  });

  pages.post('/admin/utilisateurs/:id/double-facteur', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    await readForm(ctx);
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    try {
      const user = await appliance.secondFactors.reset(ctx.params.id ?? '', caller.user.email);
      notices.redirect(ctx, caller, '/admin/utilisateurs', {
        flash: { kind: 'ok', text: fill(t.secondFactorReset, { email: user.email }) },
      });
    } catch (err) {
      redirectToForm(
        ctx,
        deps,
        { values: {}, errors: [{ field: '', message: describeError(err, messagesOf(ctx)).text }] },
        '/admin/utilisateurs',
      );
    }
  });
}
