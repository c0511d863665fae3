/**
 * The reminder settings pages (docs/reminders.md): « Mes rappels » for every user, and
 * /admin/rappels for the admins (the cabinet's reminder policy, the mail server, the test mail).
 * Saving changes what the next run of the schedule does; a new mail server is used at once.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Caller } from '../../auth/authenticate.js';
import { requirePermission } from '../../auth/authenticate.js';
import { MyRemindersPage, RemindersAdminPage, SetupMailPage } from '../pages/reminderSettings.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, readForm } from '../pageContext.js';
import { fill } from '../messages.js';
import { describeError } from '../webErrors.js';
import { REMINDERS_CATALOGUES } from '../remindersMessages.js';
import { mailDomainError, mailFormValues, parseMailForm, parsePolicyForm, policyFormValues } from '../reminderForms.js';
import type { FieldError } from '../viewModels.js';
import type { Flash } from '@iamanager/kernel/ui';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { redirectToForm, replayedForm, type ReplayedForm } from '../formReplay.js';

export const reminderPages: AppliancePage = { mount: mountReminderPages };

function mountReminderPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const settings = appliance.reminderSettings;

  const myPage = (ctx: Context, caller: Caller, flash?: Flash) =>
    sendPage(
      ctx,
      <MyRemindersPage
        chrome={{ ...chromeOf(appliance, ctx), ...(flash ? { flash } : {}) }}
        preference={settings.preference(caller.user.id)}
        points={settings.points()}
        digestHour={settings.policy().digestHour}
      />,
    );

  pages.get('/mes-rappels', (ctx) => {
    const caller = requirePermission(ctx, 'cases.read');
    myPage(ctx, caller, ctx.query.ok === '1' ? { kind: 'ok', text: REMINDERS_CATALOGUES[localeOf(ctx)].preferencesSaved } : undefined);
  });

  pages.post('/mes-rappels', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.read');
    const form = await readForm(ctx);
    // The form lists the points received (checked boxes); the store keeps the ones turned off.
    const on = new Set(form.getAll('on'));
    const off = settings
      .points()
      .filter((p) => !p.minimum && !on.has(p.point))
      .map((p) => p.point);
    const mode = form.get('mode') === 'digest' ? 'digest' : 'individual';
    await settings.savePreference(caller.user.id, { mode, off });
    await appliance.audit.append({
      actor: caller.user.email,
      action: 'reminders.preferences',
      detail: `${mode}; off: ${off.join(',') || '-'}`,
    });
    ctx.redirect('/mes-rappels?ok=1');
  });

  const admin = new Router({ prefix: '/admin/rappels' });
  const adminPage = (
    ctx: Context,
    opts: {
      flash?: Flash;
      policy?: Record<string, string>;
      policyErrors?: FieldError[];
      mailValues?: Record<string, string>;
      mailErrors?: FieldError[];
    } = {},
  ) =>
    sendPage(
      ctx,
      <RemindersAdminPage
        chrome={{ ...chromeOf(appliance, ctx), ...(opts.flash ? { flash: opts.flash } : {}) }}
        policy={opts.policy ?? policyFormValues(settings.policy())}
        policyErrors={opts.policyErrors ?? []}
        mail={appliance.mailSettings.view()}
        mailValues={opts.mailValues}
        mailErrors={opts.mailErrors ?? []}
      />,
    );

  admin.get('/', (ctx) => {
    requirePermission(ctx, 'admin.view');
    const r = REMINDERS_CATALOGUES[localeOf(ctx)];
    // After a post (redirect after post): the refused form of the two (`_form`), or what was done, once.
    const back = replayedForm(ctx, deps);
    if (back) {
      const { _form, ...values } = back.values;
      return adminPage(ctx, {
        ...(back.notice ? { flash: back.notice } : {}),
        ...(_form === 'policy' ? { policy: values, policyErrors: back.errors } : {}),
        ...(_form === 'mail' ? { mailValues: values, mailErrors: back.errors } : {}),
      });
    }
    const text = ctx.query.ok === 'politique' ? r.policySaved : ctx.query.ok === 'env' ? r.mailForgotten : undefined;
    adminPage(ctx, text ? { flash: { kind: 'ok', text } } : {});
  });
  const backToAdmin = (ctx: Context, form: Partial<ReplayedForm>) =>
    redirectToForm(ctx, deps, { values: {}, errors: [], ...form }, '/admin/rappels');

  admin.post('/politique', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const parsed = parsePolicyForm(await readForm(ctx), REMINDERS_CATALOGUES[localeOf(ctx)]);
    if (!parsed.ok) return backToAdmin(ctx, { values: { ...parsed.values, _form: 'policy' }, errors: parsed.errors });
    await settings.savePolicy(parsed.data);
    await appliance.audit.append({
      actor: caller.user.email,
      action: 'reminders.policy',
      detail: Object.values(policyFormValues(parsed.data)).join(' | '),
    });
    ctx.redirect('/admin/rappels?ok=politique');
  });

  admin.post('/messagerie', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const m = messagesOf(ctx);
    const r = REMINDERS_CATALOGUES[localeOf(ctx)];
    const form = await readForm(ctx);
    const mailValues = mailFormValues(form);
    const parsed = parseMailForm(form, r, m);
    const typed = { ...mailValues, _form: 'mail' };
    if (!parsed.ok) return backToAdmin(ctx, { values: typed, errors: parsed.errors });
    try {
      await appliance.mailSettings.save(parsed.data, caller.user.email);
    } catch (err) {
      const fields = mailDomainError(err, r, m);
      if (fields) return backToAdmin(ctx, { values: typed, errors: fields });
      return backToAdmin(ctx, { values: typed, notice: { kind: 'error', text: describeError(err, m).text } });
    }
    // Which server, never the login or the password.
    await appliance.audit.append({ actor: caller.user.email, action: 'reminders.mail', detail: `${parsed.data.host}:${parsed.data.port}` });
    backToAdmin(ctx, { notice: { kind: 'ok', text: fill(r.mailSaved, { server: appliance.reminders.status().server ?? '' }) } });
  });

  admin.post('/messagerie/env', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    await appliance.mailSettings.forget(caller.user.email);
    await appliance.audit.append({ actor: caller.user.email, action: 'reminders.mail', detail: '.env' });
    ctx.redirect('/admin/rappels?ok=env');
  });

  /** "Envoyer un test": to the admin's own address through the server in use, with its answer. */
  admin.post('/test', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const m = messagesOf(ctx);
    try {
      const sent = await appliance.reminders.sendTest(caller.user.email);
      backToAdmin(ctx, { notice: { kind: 'ok', text: fill(m.mailTestSent, { server: sent.server, to: sent.to }) } });
    } catch (err) {
      backToAdmin(ctx, { notice: { kind: 'error', text: fill(m.mailTestFailed, { reason: (err as Error).message }) } });
    }
  });

  pages.use(admin.routes());

  /** The setup wizard's optional mail step, once the first admin exists (setupPages.tsx sends them here). */
  const setupPage = (ctx: Context, opts: { values?: Record<string, string>; errors?: FieldError[]; flash?: Flash; sent?: boolean } = {}) =>
    sendPage(
      ctx,
      <SetupMailPage
        chrome={{ ...chromeOf(appliance, ctx), ...(opts.flash ? { flash: opts.flash } : {}) }}
        mail={appliance.mailSettings.view()}
        values={opts.values}
        errors={opts.errors ?? []}
        sent={opts.sent ?? false}
      />,
    );

  pages.get('/setup/messagerie', (ctx) => {
    requirePermission(ctx, 'admin.view');
    const back = replayedForm(ctx, deps);
    if (!back) return setupPage(ctx);
    const { _sent, ...values } = back.values;
    setupPage(ctx, { values, errors: back.errors, sent: _sent === '1', ...(back.notice ? { flash: back.notice } : {}) });
  });
  const backToSetup = (ctx: Context, form: Partial<ReplayedForm>) =>
    redirectToForm(ctx, deps, { values: {}, errors: [], ...form }, '/setup/messagerie');

  pages.post('/setup/messagerie', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const m = messagesOf(ctx);
    const r = REMINDERS_CATALOGUES[localeOf(ctx)];
    const form = await readForm(ctx);
    const values = mailFormValues(form);
    const parsed = parseMailForm(form, r, m);
    if (!parsed.ok) return backToSetup(ctx, { values, errors: parsed.errors });
    try {
      await appliance.mailSettings.save(parsed.data, caller.user.email);
    } catch (err) {
      const fields = mailDomainError(err, r, m);
      if (fields) return backToSetup(ctx, { values, errors: fields });
      throw err;
    }
    await appliance.audit.append({ actor: caller.user.email, action: 'reminders.mail', detail: `${parsed.data.host}:${parsed.data.port}` });
    // Saved either way; the test says whether the server takes mail, in its own words.
    try {
      const sent = await appliance.reminders.sendTest(caller.user.email);
      backToSetup(ctx, {
        values: { _sent: '1' },
        notice: { kind: 'ok', text: fill(m.mailTestSent, { server: sent.server, to: sent.to }) },
      });
    } catch (err) {
      backToSetup(ctx, { values, notice: { kind: 'error', text: fill(m.mailTestFailed, { reason: (err as Error).message }) } });
    }
  });
}
