/**
 * The support bundle from the admin page (docs/support-bundle.md): prepare shows every file of
 * the bundle; download and send then use that very bundle (named by its SHA-256), never a new one
 * built behind the IT person's back.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { requirePermission } from '../../auth/authenticate.js';
import { runDoctor } from '../../cli/doctor.js';
import { makeSupportBundle, shownBundle } from '../../domain/support/supportBundles.js';
import type { SupportBundle } from '../../domain/support/supportArchive.js';
import { uploadSupportBundle } from '../../domain/support/uploadSupport.js';
import { fill } from '../messages.js';
import { chromeOf, messagesOf, readForm } from '../pageContext.js';
import { SupportPreviewPage } from '../pages/supportBundle.js';
import { sendPage } from '../render.js';
import { SUPPORT_TEXTS } from '../supportBundleTexts.js';
import { describeError } from '../webErrors.js';
import { formatDate } from '../format.js';
import type { Appliance } from '../../appliance.js';
import { ApplianceError } from '../../errors.js';
import type { AppliancePage, WebDeps } from '../webPage.js';

const manifestLogs = z.object({ logs: z.object({ kept: z.number(), dropped: z.number(), fieldsRemoved: z.number() }) });
const SHA256 = /^[0-9a-f]{64}$/;

function preview(appliance: Appliance, ctx: Context, bundle: SupportBundle, flash?: { kind: 'ok' | 'error'; text: string }): void {
  const manifest = bundle.files.find((f) => f.path === 'manifest.json');
  const { logs } = manifestLogs.parse(JSON.parse(manifest?.content ?? '{}'));
  const chrome = { ...chromeOf(appliance, ctx), ...(flash ? { flash } : {}) };
  sendPage(
    ctx,
    <SupportPreviewPage chrome={chrome} view={{ sha256: bundle.sha256, bytes: bundle.bytes.length, files: bundle.files, logs }} />,
  );
}

export const supportBundlePages: AppliancePage = { mount: mountSupportBundlePages };

function mountSupportBundlePages(pages: Router, { appliance }: WebDeps): void {
  pages.post('/admin/support', async (ctx) => {
    requirePermission(ctx, 'admin.view');
    preview(appliance, ctx, await makeSupportBundle(appliance, () => runDoctor(appliance)));
  });

  pages.get('/admin/support/:file', (ctx) => {
    requirePermission(ctx, 'admin.view');
    const sha = (ctx.params.file ?? '').replace(/\.tar\.gz$/, '');
    if (!SHA256.test(sha)) throw new ApplianceError('support_bundle_not_found', 'give the file named on the preview page: <sha256>.tar.gz');
    const bundle = shownBundle(sha);
    ctx.set('content-disposition', `attachment; filename="support-bundle-${bundle.createdAt.slice(0, 10)}.tar.gz"`);
    ctx.type = 'application/gzip';
    ctx.body = bundle.bytes;
  });

  pages.post('/admin/support/envoi', async (ctx) => {
    const caller = requirePermission(ctx, 'license.manage');
    const form = await readForm(ctx);
    const sha = form.get('sha256') ?? '';
    const m = messagesOf(ctx);
    if (!SHA256.test(sha))
      throw new ApplianceError('invalid_input', 'sha256: must be the fingerprint of the bundle shown (prepare it again)');
    const bundle = shownBundle(sha);
    const t = SUPPORT_TEXTS[chromeOf(appliance, ctx).locale];
    try {
      const receipt = await uploadSupportBundle(appliance, bundle.bytes);
      await appliance.audit.append({ actor: caller.user.email, action: 'support.upload', detail: receipt.id });
      preview(appliance, ctx, bundle, {
        kind: 'ok',
        text: fill(t.sent, { id: receipt.id.slice(0, 8), until: formatDate(receipt.expiresAt, chromeOf(appliance, ctx).locale) }),
      });
    } catch (err) {
      preview(appliance, ctx, bundle, { kind: 'error', text: describeError(err, m).text });
    }
  });
}
