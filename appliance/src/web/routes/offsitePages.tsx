/**
 * The forms of the « Copies hors site » section of `/admin/sauvegardes` (docs/backup.md): add,
 * change, test and remove an off-site target. Each answers with a redirect to the section; what
 * happened is the flash (the French sentence for the stable code, then the exact refusal, which
 * names the field and the fix). Changes are audited; secrets never reach the audit or a page.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { requirePermission } from '../../auth/authenticate.js';
import type { TargetFields } from '../../domain/backups/offsite/targetFields.js';
import { fill } from '../messages.js';
import { localeOf, readForm } from '../pageContext.js';
import { OFFSITE_TEXTS, offsiteFailure, type OffsiteMessages } from '../offsiteMessages.js';
import type { AdminNotices } from '../adminNotices.js';
import type { WebDeps } from '../webPage.js';

// The notice is kept under the page's path (AdminNotices matches the GET's path, which has no fragment).
const PAGE = '/admin/sauvegardes';
const FIELDS = [
  'kind',
  'id',
  'label',
  'path',
  'host',
  'port',
  'username',
  'password',
  'privateKey',
  'remoteDir',
  'hostKeySha256',
  'keep',
  'days',
  'endpoint',
  'region',
  'bucket',
  'prefix',
  'accessKeyId',
  'secretAccessKey',
];

async function fieldsOf(ctx: Context): Promise<TargetFields> {
  const form = await readForm(ctx);
  const fields: TargetFields = {};
  for (const name of FIELDS) fields[name] = form.get(name) ?? undefined;
  // An unticked box is not sent at all: the hidden field says the form had it.
  if (form.get('enabledField') !== null) fields.enabled = form.get('enabled') === 'on' ? 'true' : 'false';
  if (form.get('pathStyleField') !== null) fields.pathStyle = form.get('pathStyle') === 'on' ? 'true' : 'false';
  return fields;
}

/** The flash text for a refusal: the sentence for its code, then the exact message (field and fix). */
function reason(t: OffsiteMessages, err: unknown): string {
  if (!(err instanceof DomainError)) throw err;
  return `${offsiteFailure(t, err.code)} — ${err.message}`;
}

export function mountOffsitePages(pages: Router, deps: WebDeps, notices: AdminNotices): void {
  const { appliance } = deps;
  const textsOf = (ctx: Context) => OFFSITE_TEXTS[localeOf(ctx)];

  pages.post('/admin/sauvegardes/cibles', async (ctx) => {
    const caller = requirePermission(ctx, 'backups.manage');
    const t = textsOf(ctx);
    try {
      const added = await appliance.offsite.save(await fieldsOf(ctx));
      await appliance.audit.append({ actor: caller.user.email, action: 'offsite.target.add', detail: `${added.id} (${added.kind})` });
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: fill(t.added, { label: added.label }) } });
    } catch (err) {
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'error', text: fill(t.refused, { reason: reason(t, err) }) } });
    }
  });

  pages.post('/admin/sauvegardes/cibles/:id', async (ctx) => {
    const caller = requirePermission(ctx, 'backups.manage');
    const t = textsOf(ctx);
    try {
      const changed = await appliance.offsite.save({ ...(await fieldsOf(ctx)), id: undefined, kind: undefined }, ctx.params.id!);
      await appliance.audit.append({ actor: caller.user.email, action: 'offsite.target.change', detail: changed.id });
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: fill(t.changed, { label: changed.label }) } });
    } catch (err) {
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'error', text: fill(t.refused, { reason: reason(t, err) }) } });
    }
  });

  pages.post('/admin/sauvegardes/cibles/:id/tester', async (ctx) => {
    const caller = requirePermission(ctx, 'backups.manage');
    await readForm(ctx); // the CSRF token only
    const t = textsOf(ctx);
    const id = ctx.params.id!;
    const label = appliance.offsite.status().targets.find((x) => x.id === id)?.label ?? id;
    try {
      await appliance.offsite.test(id);
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: fill(t.testOk, { label }) } });
    } catch (err) {
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'error', text: fill(t.testFailed, { label, reason: reason(t, err) }) } });
    }
  });

  pages.post('/admin/sauvegardes/cibles/:id/supprimer', async (ctx) => {
    const caller = requirePermission(ctx, 'backups.manage');
    await readForm(ctx);
    const t = textsOf(ctx);
    try {
      await appliance.offsite.remove(ctx.params.id!);
      await appliance.audit.append({ actor: caller.user.email, action: 'offsite.target.remove', detail: ctx.params.id! });
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'ok', text: t.removed } });
    } catch (err) {
      notices.redirect(ctx, caller, PAGE, { flash: { kind: 'error', text: fill(t.refused, { reason: reason(t, err) }) } });
    }
  });
}
