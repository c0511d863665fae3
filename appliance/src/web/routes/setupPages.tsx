/**
 * The setup wizard's pages. They call the same domain functions as the setup API (enroll,
 * importLicenseFile, createUser as first admin); the app's setup fence keeps everything else
 * unreachable until they are done. Once an admin exists, the wizard is an admin's only (see
 * `setupAuthority`): a visitor is sent to the login page, and the forms carry the session's CSRF
 * token instead of the pre-session one.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Appliance } from '../../appliance.js';
import { enroll } from '../../domain/enrollment/enroll.js';
import { enrollInputSchema } from '../../domain/enrollment/enrollInput.js';
import { importLicenseFile } from '../../domain/enrollment/licenseFile.js';
import type { Caller } from '../../auth/authenticate.js';
import { enrollmentUrl, hasOwner, isSetupDone } from '../../domain/enrollment/setupState.js';
import { setupAuthority } from '../../auth/setupAuthority.js';
import { tlsFacts } from '../../domain/tls/tlsFacts.js';
import { startSession } from '../../auth/sessionActions.js';
import { fill } from '../messages.js';
import { SetupPage } from '../pages/setup.js';
import { sendPage } from '../render.js';
import { checkPreSessionToken, chromeOf, localeOf, messagesOf, preSessionToken, readForm, text } from '../pageContext.js';
import { telemetryFields, telemetryRetention } from '../telemetryLabels.js';
import { describeError } from '../webErrors.js';
import { parseForm } from '../formIssues.js';
import { newUserSchema } from '../../domain/users/users.js';
import { newUserFields } from '../userForm.js';
import type { FieldError, SetupView } from '../viewModels.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { ApplianceError } from '../../errors.js';

/** Facts other modules expose to the wizard (the TLS module: the certificate's SHA-256 fingerprint). */
/** The TLS facts the core exposes (tls/tlsRoutes.ts), read defensively. */
function tlsOf(
  facts: Record<string, unknown>,
): Pick<SetupView, 'certificateFingerprint' | 'caFingerprint' | 'caDownload' | 'caNotAfter' | 'caRenewal'> {
  const tls = (facts.tls && typeof facts.tls === 'object' ? facts.tls : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const renewal = (tls.caRenewal && typeof tls.caRenewal === 'object' ? tls.caRenewal : null) as Record<string, unknown> | null;
  const caRenewal =
    renewal &&
    typeof renewal.renewedAt === 'string' &&
    typeof renewal.reason === 'string' &&
    typeof renewal.previousFingerprint === 'string'
      ? { renewedAt: renewal.renewedAt, reason: renewal.reason, previousFingerprint: renewal.previousFingerprint }
      : null;
  return {
    certificateFingerprint: str(tls.certificateFingerprint),
    caFingerprint: str(tls.caFingerprint),
    caDownload: str(tls.caDownload),
    caNotAfter: str(tls.caNotAfter),
    caRenewal,
  };
}

function render(appliance: Appliance, ctx: Context, errors: FieldError[] = [], values: Record<string, string> = {}): void {
  const locale = localeOf(ctx);
  const view = {
    step: appliance.license.enrolled ? ('admin' as const) : ('enroll' as const),
    cabinetId: appliance.license.cabinetId,
    controlPlaneUrl: appliance.config.controlPlaneUrl ?? null,
    ...tlsOf(tlsFacts(appliance)),
    heartbeatFields: telemetryFields(locale),
    retention: telemetryRetention(locale),
    errors,
    values,
  };
  const caller = ctx.state.caller as Caller | undefined;
  sendPage(ctx, <SetupPage chrome={chromeOf(appliance, ctx, caller?.csrf ?? preSessionToken(ctx))} view={view} />);
}

export const setupPages: AppliancePage = { mount: mountSetupPages };

function mountSetupPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const router = new Router({ prefix: '/setup' });
  // A refused step goes back to the wizard's page with what was typed (no password) and why: a reload never re-posts it.
  const refuse = (ctx: Context, errors: FieldError[], values: Record<string, string> = {}) =>
    redirectToForm(ctx, deps, { values, errors }, '/setup');
  const done = (ctx: Context, to: string) => {
    ctx.status = 303;
    ctx.redirect(to);
  };
  const guard = (ctx: Context): boolean => {
    if (isSetupDone(appliance)) {
      ctx.redirect('/');
      return false;
    }
    setupAuthority(appliance, ctx);
    return true;
  };
  /** A session's form was checked by `authenticate` (its CSRF token); a visitor's by the pre-session cookie. */
  const checkForm = (ctx: Context, form: URLSearchParams): void => {
    if (!ctx.state.caller) checkPreSessionToken(ctx, form);
  };

  router.get('/', (ctx) => {
    if (hasOwner(appliance) && !isSetupDone(appliance) && !ctx.state.caller) return ctx.redirect('/connexion?next=%2Fsetup');
    if (!guard(ctx)) return;
    const refused = replayedForm(ctx, deps);
    render(appliance, ctx, refused?.errors ?? [], refused?.values ?? {});
  });

  router.post('/enroll', async (ctx) => {
    if (!guard(ctx)) return;
    const admin = setupAuthority(appliance, ctx);
    const form = await readForm(ctx);
    checkForm(ctx, form);
    const m = messagesOf(ctx);
    const values = { code: text(form, 'code', 64), controlPlaneUrl: text(form, 'controlPlaneUrl', 300) };
    if (appliance.license.enrolled && !hasOwner(appliance)) throw new ApplianceError('already_enrolled', 'already enrolled');
    const parsed = parseForm(
      enrollInputSchema,
      { code: values.code, ...(values.controlPlaneUrl ? { controlPlaneUrl: values.controlPlaneUrl } : {}) },
      [
        { name: 'code', path: 'code', label: m.enrollmentCode },
        { name: 'controlPlaneUrl', path: 'controlPlaneUrl', label: m.controlPlaneUrl },
      ],
      m,
    );
    if (!parsed.ok) return refuse(ctx, parsed.errors, values);
    try {
      await enroll(appliance, parsed.data.code, enrollmentUrl(appliance, admin, parsed.data.controlPlaneUrl));
    } catch (err) {
      // What the schema cannot know: the code's exact shape (checked by `enroll`, for the CLI too), the vendor's answer.
      const d = describeError(err, m, { code: m.enrollmentCode, controlPlaneUrl: m.controlPlaneUrl });
      return refuse(ctx, d.fields.length ? d.fields : [{ field: 'code', message: d.text }], values);
    }
    done(ctx, '/setup');
  });

  router.post('/license', async (ctx) => {
    if (!guard(ctx)) return;
    const form = await readForm(ctx);
    checkForm(ctx, form);
    const m = messagesOf(ctx);
    const license = (form.get('license') ?? '').trim();
    if (!license) return refuse(ctx, [{ field: 'license', message: fill(m.required, { field: m.licenseFile }) }]);
    try {
      await importLicenseFile(appliance, license);
    } catch (err) {
      return refuse(ctx, [{ field: 'license', message: describeError(err, m, {}, 'licenseImport').text }]);
    }
    done(ctx, '/setup');
  });

  router.post('/admin', async (ctx) => {
    if (!guard(ctx)) return;
    const form = await readForm(ctx);
    checkForm(ctx, form);
    const m = messagesOf(ctx);
    const values = { name: text(form, 'name', 120), email: text(form, 'email', 254), password: form.get('password') ?? '' };
    if (!appliance.license.enrolled) return done(ctx, '/setup');
    const parsed = parseForm(newUserSchema, { ...values, role: 'admin' }, newUserFields(m), m);
    if (!parsed.ok) return refuse(ctx, parsed.errors, { name: values.name, email: values.email });
    if (appliance.users.all().length > 0) throw new ApplianceError('already_exists', 'the first admin already exists');
    let user;
    try {
      user = await appliance.users.createUser(parsed.data, { firstAdmin: true });
    } catch (err) {
      const d = describeError(err, m, { name: m.adminName, email: m.email, password: m.password });
      return refuse(ctx, d.fields.length ? d.fields : [{ field: '', message: d.text }], { name: values.name, email: values.email });
    }
    await startSession(appliance, ctx, user.id, user.sessionEpoch);
    // The optional mail step (reminderPages.tsx), unless .env already names a mail server.
    done(ctx, appliance.reminders.configured ? '/' : '/setup/messagerie');
  });

  pages.use(router.routes());
}
