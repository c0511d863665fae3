/**
 * How both services build their server-rendered pages. Each page file exports a page module —
 * its place in the navigation, if any, and a `mount(router, deps)` that registers its routes —
 * listed once in the service's registry (appliance/src/web/router.ts, control-plane/src/web/
 * router.ts), which mounts them all on one page router. A handler just throws: the one
 * `pageErrors` middleware in front of that router sends a visitor without a session to the login
 * page and turns an error into the service's own error page (never JSON, never a stack trace).
 * After every route, `notFoundPage` gives a browser the service's 404 page; API clients and
 * scripts still get the JSON error.
 */
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { DomainError } from '@iamanager/protocol';

export interface PageModule<Deps, Nav = never> {
  /** Its entry in the navigation (pages reachable by URL only have none). */
  nav?: Nav;
  mount(router: Router, deps: Deps): void;
}

export interface PageErrorOptions {
  /** The service's error page for a domain error (its status from the error's code). */
  render(ctx: Context, err: DomainError): void;
  /**
   * Anything else (a bug, a failed disk): the service's internal-error page, which logs it; without
   * one, the error goes on to the application's error middleware.
   */
  internal?(ctx: Context, err: unknown): void;
  /**
   * Which requests without a session are sent to the login page instead of an error page: reads
   * only (a form posted after the session ended shows the error), or every request (the login
   * then leads to `/`, since a write cannot be replayed from a link).
   */
  login: { path: string; for: 'reads' | 'all' };
}

export function pageErrors(o: PageErrorOptions): Middleware {
  return async function renderPageErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof DomainError)) {
        if (!o.internal) throw err;
        o.internal(ctx, err);
        return;
      }
      const read = ctx.method === 'GET';
      if (err.code === 'unauthorized' && (read || o.login.for === 'all')) {
        ctx.redirect(`${o.login.path}?next=${encodeURIComponent(read ? ctx.originalUrl : '/')}`);
        return;
      }
      o.render(ctx, err);
    }
  };
}

/**
 * Mounted after every route: a browser (a GET that prefers HTML, outside `/api/`) asking for an
 * address that does not exist gets `render`'s 404 page; anything else goes on to the JSON 404.
 */
export function notFoundPage(render: (ctx: Context) => void): Middleware {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' || ctx.path.startsWith('/api/') || ctx.accepts('json', 'html') !== 'html') return next();
    render(ctx);
  };
}

/**
 * The page router of a registry: the error middleware first, then `before` (the session, on the
 * dashboard), then every page module in the registry's order.
 */
export function pageRouter<Deps>(
  pages: ReadonlyArray<PageModule<Deps, unknown>>,
  deps: Deps,
  errors: Middleware,
  ...before: Middleware[]
): Router {
  const router = new Router();
  router.use(errors);
  for (const m of before) router.use(m);
  for (const page of pages) page.mount(router, deps);
  return router;
}
