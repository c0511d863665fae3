/**
 * « Clés d'accès » (/compte/cles-d-acces, docs/second-factor.md): the caller's passkeys, the
 * registration ceremony (options as JSON for /static/passkeys.js, then the form's POST with the
 * browser's answer and the name), rename and remove. Each change is audited by the domain
 * (`user.passkey_added`, `_renamed`, `_removed`). A refused form comes back to the page with its
 * sentence (redirect after post).
 *
 * And the passkey on the login's verification step (`/connexion/verification/cle-d-acces`): the
 * browser holds a pending login (auth/secondFactorLogin.ts) and a pre-session CSRF token, no
 * session; an accepted passkey ends the login through `finishLogin`.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { callerOf } from '../../auth/authenticate.js';
import { VERIFICATION_PAGE, finishLogin, guardedCodeCheck, pendingLoginOf } from '../../auth/secondFactorLogin.js';
import type { StoredPasskey } from '../../storage/passkeyStore.js';
import { ApplianceError } from '../../errors.js';
import { fill } from '../messages.js';
import { callerOrNone, checkPreSessionToken, chromeOf, localeOf, messagesOf, preSessionToken, readForm, text } from '../pageContext.js';
import { PASSKEY_CATALOGUES } from '../passkeyMessages.js';
import { PASSKEY_NAME_MAX } from '../../domain/passkeys/passkeyName.js';
import { passkeyRefusal } from '../passkeyErrors.js';
import { answerOptions, relyingPartyFor } from '../passkeyContext.js';
import { PasskeysPage } from '../pages/passkeys.js';
import { sendPage } from '../render.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { AppliancePage, WebDeps } from '../webPage.js';

const PAGE = '/compte/cles-d-acces';
/** What `?fait=` may say, and the sentence for it. */
const FLASH = { ajoutee: 'added', renommee: 'renamed', supprimee: 'removed' } as const;

export const passkeyPages: AppliancePage = { mount: mountPasskeyPages };

function mountPasskeyPages(router: Router, deps: WebDeps): void {
  const { appliance } = deps;

  /** A refusal the page can say goes back to the form; anything else is the error page's. */
  const refuse = (ctx: Context, err: unknown, values: Record<string, string> = {}): void => {
    const refusal = passkeyRefusal(err, localeOf(ctx));
    if (!refusal) throw err;
    redirectToForm(ctx, deps, { values, errors: [refusal] }, PAGE);
  };
  /**
   * After a change, back to the page with what was done and the passkey's name: the sentence is
   * built from this page's own texts (a link cannot make the page say anything else).
   */
  const done = (ctx: Context, what: keyof typeof FLASH, name: string) => {
    ctx.status = 303;
    ctx.redirect(`${PAGE}?${new URLSearchParams({ fait: what, nom: name }).toString()}`);
  };

  /**
   * Who is on the page: a session, or a login the cabinet's policy holds until a second factor is
   * set up (the pending login's 'enrol' stage): adding a passkey then finishes that login.
   */
  const visitorOf = async (ctx: Context) => {
    const caller = callerOrNone(ctx);
    if (caller) return { user: caller.user, pending: null };
    const pending = await pendingLoginOf(appliance, ctx);
    if (pending?.stage === 'enrol') return { user: pending.user, pending };
    return { user: callerOf(ctx).user, pending: null };
  };

  router.get(PAGE, async (ctx) => {
    const visitor = await visitorOf(ctx);
    const p = PASSKEY_CATALOGUES[localeOf(ctx)];
    const refused = replayedForm(ctx, deps);
    let host: string | null = null;
    const errors = [...(refused?.errors ?? [])];
    try {
      host = relyingPartyFor(appliance, ctx).id;
    } catch (err) {
      // Opened by an IP address (or a name the appliance was not given): say so before the user tries.
      const refusal = passkeyRefusal(err, localeOf(ctx));
      if (!refusal) throw err;
      if (!errors.some((e) => e.message === refusal.message)) errors.push(refusal);
    }
    const what =
      typeof ctx.query.fait === 'string' && Object.hasOwn(FLASH, ctx.query.fait) ? FLASH[ctx.query.fait as keyof typeof FLASH] : null;
    const name = typeof ctx.query.nom === 'string' ? ctx.query.nom.slice(0, PASSKEY_NAME_MAX) : '';
    const chrome = {
      ...(visitor.pending ? { ...chromeOf(appliance, ctx, preSessionToken(ctx)), user: null } : chromeOf(appliance, ctx)),
      ...(what && !refused ? { flash: { kind: 'ok' as const, text: fill(p[what], { name }) } } : {}),
    };
    sendPage(
      ctx,
      <PasskeysPage
        chrome={chrome}
        passkeys={appliance.passkeys.list(visitor.user.id)}
        enrol={visitor.pending !== null}
        host={host}
        errors={errors}
        name={refused?.values.name ?? ''}
      />,
    );
  });

  router.post(`${PAGE}/options`, async (ctx) => {
    await answerOptions(ctx, async () => {
      const visitor = await visitorOf(ctx);
      // A session's CSRF token was checked by authenticate(); a held login's is the pre-session one.
      if (visitor.pending) checkPreSessionToken(ctx, await readForm(ctx));
      return appliance.passkeys.registrationOptions(visitor.user, relyingPartyFor(appliance, ctx));
    });
  });

  router.post(PAGE, async (ctx) => {
    const visitor = await visitorOf(ctx);
    const form = await readForm(ctx);
    if (visitor.pending) checkPreSessionToken(ctx, form);
    const name = text(form, 'name', 200);
    try {
      const added = await appliance.passkeys.register(visitor.user, relyingPartyFor(appliance, ctx), form.get('response') ?? '', name);
      if (visitor.pending) {
        // The second factor the policy asked for is there: the held login becomes a session.
        ctx.status = 303;
        return ctx.redirect(await finishLogin(appliance, ctx, visitor.pending, 'passkey'));
      }
      done(ctx, 'ajoutee', added.name);
    } catch (err) {
      refuse(ctx, err, { name });
    }
  });

  router.post(`${PAGE}/:id/nom`, async (ctx) => {
    const caller = callerOf(ctx);
    const form = await readForm(ctx);
    try {
      const renamed = await appliance.passkeys.rename(caller.user, ctx.params.id ?? '', text(form, 'name', 200));
      done(ctx, 'renommee', renamed.name);
    } catch (err) {
      refuse(ctx, err);
    }
  });

  router.post(`${PAGE}/:id/suppression`, async (ctx) => {
    const caller = callerOf(ctx);
    try {
      const removed = await appliance.passkeys.remove(caller.user, ctx.params.id ?? '');
      done(ctx, 'supprimee', removed.name);
    } catch (err) {
      refuse(ctx, err);
    }
  });

  // ---- The login's verification step ----

  const LOGIN = `${VERIFICATION_PAGE}/cle-d-acces`;
  /** The browser's pending login at the verification stage; 401 (said in the page's language) otherwise. */
  const pendingOf = async (ctx: Context) => {
    const pending = await pendingLoginOf(appliance, ctx);
    if (!pending || pending.stage !== 'verify')
      throw new ApplianceError('unauthorized', 'the login to verify has expired (5 minutes): log in again with your password');
    return pending;
  };

  router.post(`${LOGIN}/options`, async (ctx) => {
    await answerOptions(ctx, async () => {
      checkPreSessionToken(ctx, await readForm(ctx));
      const pending = await pendingOf(ctx);
      return appliance.passkeys.authenticationOptions(pending.user, relyingPartyFor(appliance, ctx));
    });
  });

  router.post(LOGIN, async (ctx) => {
    const form = await readForm(ctx);
    checkPreSessionToken(ctx, form);
    const pending = await pendingLoginOf(appliance, ctx);
    if (!pending || pending.stage !== 'verify') return ctx.redirect('/connexion?verification=expiree');
    const { user } = pending;
    const back = (message: string) => redirectToForm(ctx, deps, { values: {}, errors: [{ field: '', message }] }, VERIFICATION_PAGE);
    try {
      // Under the login guard like a code: a locked account cannot try, and a refused passkey counts
      // as a failed login for the account and address.
      const outcome = await guardedCodeCheck(
        appliance,
        ctx,
        user.email,
        async (): Promise<{ used: StoredPasskey } | { refused: unknown }> => {
          try {
            return { used: await appliance.passkeys.authenticate(user, relyingPartyFor(appliance, ctx), form.get('response') ?? '') };
          } catch (err) {
            return { refused: err };
          }
        },
        (r) => 'used' in r,
      );
      if ('refused' in outcome) {
        const refusal = passkeyRefusal(outcome.refused, localeOf(ctx));
        if (!refusal) throw outcome.refused;
        return back(refusal.message);
      }
      ctx.status = 303;
      return ctx.redirect(await finishLogin(appliance, ctx, pending, 'passkey'));
    } catch (err) {
      const message = lockMessage(ctx, err);
      if (message === null) throw err;
      return back(message);
    }
  });
}

/** A login lock-out (or a full hashing queue) as the sentence the login page uses. */
function lockMessage(ctx: Context, err: unknown): string | null {
  if (!(err instanceof DomainError) || (err.code !== 'rate_limited' && err.code !== 'login_busy')) return null;
  const m = messagesOf(ctx);
  const seconds = Number(err.details?.retryAfterSeconds ?? 60);
  return err.code === 'login_busy' ? m.loginBusy : fill(m.lockedOut, { minutes: Math.max(1, Math.ceil(seconds / 60)) });
}
