/**
 * What an admin form's success says on the page it redirects to (redirect after post): the flash,
 * and for an invitation or reset the link or temporary password to pass on. Kept in memory for
 * the next GET of that page by the same session, once, never in an address: a secret in a URL
 * ends up in the history, the logs and Referer headers. Bounded and short-lived like FormReplays.
 */
import type { Context } from 'koa';
import type { Flash } from '@iamanager/kernel/ui';
import type { Caller } from '../auth/authenticate.js';
import type { ShownAccess } from './pages/adminUsers.js';

export interface AdminNotice {
  flash: Flash;
  shown?: ShownAccess;
}

const MAX_ENTRIES = 500;
const TTL_MS = 10 * 60_000;

export class AdminNotices {
  private readonly entries = new Map<string, { notice: AdminNotice; expires: number }>();

  constructor(private readonly now: () => Date) {}

  /** Keeps `notice` for the caller's session and the page `path`, then answers 303 to `path`. */
  redirect(ctx: Context, caller: Caller, path: string, notice: AdminNotice): void {
    const key = keyOf(caller, path);
    this.entries.delete(key);
    this.entries.set(key, { notice, expires: this.now().getTime() + TTL_MS });
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(k);
    }
    ctx.status = 303;
    ctx.redirect(path);
  }

  /** The notice kept for this session and page, once (a reload shows the page without it). */
  take(ctx: Context, caller: Caller): AdminNotice | undefined {
    const key = keyOf(caller, ctx.path);
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry && entry.expires > this.now().getTime() ? entry.notice : undefined;
  }
}

/** By session (two tabs share it; another admin never sees it). An API token has no page to come back to. */
const keyOf = (caller: Caller, path: string) => `${caller.session?.jti ?? `user:${caller.user.id}`}\u0000${path}`;
