/**
 * `/invitation/<secret>` (no session: the link is the credential, docs/administration.md): the
 * invited or reset user chooses a password, then is logged in. The form is protected like the
 * login's, by the pre-session cookie; a refused password comes back once (redirect after post).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { beginLogin } from '../../auth/secondFactorLogin.js';
import { acceptAccessLink, userOfAccessLink } from '../../domain/users/invitations.js';
import { passwordSchema } from '../../domain/users/users.js';
import { fill } from '../messages.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import { InvitationPage, InvitationRefusedPage } from '../pages/invitation.js';
import { sendPage } from '../render.js';
import { checkPreSessionToken, chromeOf, localeOf, messagesOf, preSessionToken, readForm } from '../pageContext.js';
import { parseForm } from '../formIssues.js';
import { formatDate } from '../format.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import type { User } from '../../storage/userStore.js';
import { z } from 'zod';

export const invitationPages: AppliancePage = { mount: mountInvitationPages };

function mountInvitationPages(router: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const userAdmin = { users: appliance.users, audit: appliance.audit, clock: appliance.clock };
  const chrome = (ctx: Context) => ({ ...chromeOf(appliance, ctx, preSessionToken(ctx)), user: null });

  /** The link's user, or the refusal page (404 unknown or used, 410 expired) and undefined. */
  const linkUser = (ctx: Context): User | undefined => {
    const t = ADMIN_TEXTS[localeOf(ctx)];
    try {
      return userOfAccessLink(userAdmin, ctx.params.secret ?? '');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const expired = err.code === 'access_link_expired';
      const text = expired
        ? fill(t.invitationExpired, { at: formatDate(String(err.details?.expiresAt ?? ''), localeOf(ctx), true) })
        : t.invitationInvalid;
      sendPage(ctx, <InvitationRefusedPage chrome={chrome(ctx)} text={text} />, expired ? 410 : 404);
      return undefined;
    }
  };

  router.get('/invitation/:secret', (ctx) => {
    const user = linkUser(ctx);
    if (!user) return;
    const refused = replayedForm(ctx, deps);
    sendPage(ctx, <InvitationPage chrome={chrome(ctx)} action={ctx.path} user={user} errors={refused?.errors ?? []} />);
  });

  router.post('/invitation/:secret', async (ctx) => {
    const form = await readForm(ctx);
    checkPreSessionToken(ctx, form);
    const m = messagesOf(ctx);
    if (!linkUser(ctx)) return;
    const password = form.get('password') ?? '';
    const parsed = parseForm(
      z.object({ password: passwordSchema }),
      { password },
      [{ name: 'password', path: 'password', label: m.newPassword }],
      m,
    );
    if (!parsed.ok) return redirectToForm(ctx, deps, { values: {}, errors: parsed.errors }, ctx.path);
    const user = await acceptAccessLink(userAdmin, ctx.params.secret ?? '', parsed.data.password);
    const fresh = appliance.users.get(user.id);
    // A reset link does not skip the user's second factor, nor the policy's setup (docs/second-factor.md).
    const to = await beginLogin(appliance, ctx, fresh, '/');
    ctx.status = 303;
    ctx.redirect(to);
  });
}
