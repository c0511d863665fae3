/**
 * What a browser gets when a page fails or an address does not exist: a page in its language,
 * never JSON or an English message; scripts calling the API still get JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMiddleware } from '@iamanager/kernel/http';
import type { Appliance } from '../../../appliance/src/appliance.js';
import { pageRouter } from '@iamanager/kernel/web';
import { notFoundPage, pageErrors } from '../../../appliance/src/web/pageErrors.js';

const logged: unknown[] = [];
// Only what a page's frame and the error log read from the appliance.
const appliance = {
  config: { identity: { name: 'Cabinet Dupont', color: '#2c3e50' }, clientId: 'dupont' },
  license: { cabinetId: 'dupont' },
  log: { error: (fields: unknown) => logged.push(fields) },
} as unknown as Appliance;

let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = new Koa();
  const log = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } as never;
  app.use(errorMiddleware({}, log));
  app.use(async (ctx, next) => {
    ctx.state.requestId = 'req-42';
    await next();
  });
  // One page module on the page router, as router.ts mounts them: its handler just throws.
  const boom = { mount: (router: Router) => void router.get('/boom', () => Promise.reject(new Error('disk on fire'))) };
  const pages = pageRouter([boom], {}, pageErrors(appliance));
  app.use(pages.routes()).use(pages.allowedMethods());
  app.use(notFoundPage(appliance));
  app.use(() => {
    throw Object.assign(new Error('nothing here'), { status: 404, expose: true });
  });
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('error pages for browsers', () => {
  it('shows an internal error as a French page with the request id, and logs it', async () => {
    const res = await fetch(`${base}/boom`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain(
      'Une erreur interne est survenue. Si elle se reproduit, communiquez cette référence à votre prestataire : req-42.',
    );
    expect(html).not.toContain('disk on fire');
    expect(logged).toEqual([expect.objectContaining({ requestId: 'req-42', path: '/boom' })]);
  });

  it('shows an unknown address as the French 404 page to a browser, and as JSON to a script', async () => {
    const page = await fetch(`${base}/dossiers/x/nulle-part`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<p>Cette page n’existe pas.</p>');
    const api = await fetch(`${base}/api/nulle-part`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ ok: false, error: 'not_found' });
    const script = await fetch(`${base}/dossiers/x/nulle-part`, { headers: { accept: 'application/json' } });
    expect(await script.json()).toMatchObject({ ok: false, error: 'not_found' });
  });
});
