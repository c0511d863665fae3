/**
 * Who is calling `/api/v1`. Each authenticator reads one kind of credential; the first that
 * recognises the request wins. Bearer API tokens are the only one today; the dashboard's session
 * cookie will be another authenticator in this list, with nothing else to change.
 */
import type { Context, Next } from 'koa';
import type { AdminDirectory, AdminIdentity } from '../domain/admins.js';
import type { Clock } from '../clock.js';
import { ControlPlaneError } from '../errors.js';

/**
 * Returns the identity a credential proves, `undefined` when the request carries no credential of
 * this kind, or throws `unauthorized` when it carries a bad one.
 */
export type Authenticator = (ctx: Context) => AdminIdentity | undefined | Promise<AdminIdentity | undefined>;

/** Bearer API tokens; a revoked or expired one, or one of a disabled admin, is refused with its own code (domain/admins.ts). */
export function bearerToken(admins: AdminDirectory, clock: Clock): Authenticator {
  return async (ctx) => {
    const header = ctx.get('authorization');
    if (!header) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new ControlPlaneError(
        'unauthorized',
        'Authorization must be "Bearer <API token>" (create one with: control-plane admin token --email E)',
      );
    const identity = await admins.authenticateToken(match[1]!, clock());
    if (!identity)
      throw new ControlPlaneError('unauthorized', 'this API token is not valid: create a new one with control-plane admin token --email E');
    return identity;
  };
}

/** Puts the caller's identity on `ctx.state.admin`, or answers 401. */
export function authenticate(authenticators: readonly Authenticator[]) {
  return async function requireAdmin(ctx: Context, next: Next): Promise<void> {
    for (const authenticator of authenticators) {
      const identity = await authenticator(ctx);
      if (identity) {
        ctx.state.admin = identity;
        return next();
      }
    }
    ctx.set('WWW-Authenticate', 'Bearer realm="control-plane"');
    throw new ControlPlaneError(
      'unauthorized',
      'sign in: send "Authorization: Bearer <API token>" (create one with: control-plane admin token --email E)',
    );
  };
}

export function currentAdmin(ctx: Context): AdminIdentity {
  const admin = ctx.state.admin as AdminIdentity | undefined;
  if (!admin) throw new ControlPlaneError('unauthorized', 'sign in first');
  return admin;
}
