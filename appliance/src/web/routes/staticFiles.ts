/**
 * /static: the stylesheet, the brand colour, the script and the cabinet's logo. ETags from the
 * content, so a browser revalidates cheaply; a short max-age since an update changes them.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import Router from '@koa/router';
import type { Appliance } from '../../appliance.js';
import { APP_CSS, APP_JS, brandCss } from '../assets.js';
import { sendAsset } from '@iamanager/kernel/web';
import { ApplianceError } from '../../errors.js';
import { PASSKEY_JS, WEBAUTHN_BROWSER_JS } from '../passkeyAssets.js';

const LOGO_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

export function staticFiles(appliance: Appliance): Router {
  const router = new Router({ prefix: '/static' });
  const brand = brandCss(appliance.config.identity.color);
  router.get('/app.css', (ctx) => sendAsset(ctx, 'text/css; charset=utf-8', APP_CSS));
  router.get('/brand.css', (ctx) => sendAsset(ctx, 'text/css; charset=utf-8', brand));
  router.get('/app.js', (ctx) => sendAsset(ctx, 'text/javascript; charset=utf-8', APP_JS));
  // Passkeys (web/passkeyAssets.ts): the WebAuthn browser library, then our form driver.
  router.get('/webauthn.js', (ctx) => sendAsset(ctx, 'text/javascript; charset=utf-8', WEBAUTHN_BROWSER_JS));
  router.get('/passkeys.js', (ctx) => sendAsset(ctx, 'text/javascript; charset=utf-8', PASSKEY_JS));
  // CLIENT_LOGO: a local image file named by the operator's configuration, never by a request.
  router.get('/logo', async (ctx) => {
    const file = appliance.config.identity.logo;
    const type = file ? LOGO_TYPES[path.extname(file).toLowerCase()] : undefined;
    if (!file || !type || /^https?:/i.test(file))
      throw new ApplianceError('not_found', 'no logo configured (CLIENT_LOGO: a local .png, .jpg, .webp or .svg file)');
    const body = await fs
      .readFile(path.resolve(appliance.config.dataDir, '..', file))
      .catch(() => fs.readFile(path.resolve(file)))
      .catch(() => {
        throw new ApplianceError('not_found', `CLIENT_LOGO: ${file} cannot be read`);
      });
    sendAsset(ctx, type, body);
    // An SVG may hold script: never run it, even when opened directly.
    if (type === 'image/svg+xml') ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  });
  return router;
}
