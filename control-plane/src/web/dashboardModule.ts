/**
 * The dashboard as a part of `serve`: its session key (generated on first start) and the list of
 * sessions ended by a logout, its login
 * guard (lock-out and hashing queue), its router, and the authenticator that lets a dashboard
 * session call `/api/v1`.
 */
import { FormReplays } from '@iamanager/kernel/web';
import type Router from '@koa/router';
import { BrowserSession, LoginGuard, RevokedSessions, SessionTokens } from '@iamanager/kernel/web';
import type { LoginAttempts, SessionRevocations } from '@iamanager/kernel/web';
import type { Authenticator } from '../auth/authenticate.js';
import type { ControlPlane } from '../controlPlane.js';
import { dashboardRouter } from './router.js';
import type { PendingLogins } from './pendingLogin.js';
import { REVOKED_SESSIONS_FILE, SESSION_COOKIE, sessionAuthenticator, type DashboardSessions } from './session.js';

export interface Dashboard {
  router: Router;
  authenticator: Authenticator;
}

/**
 * Where the login guard counts failures and where logouts are kept. By default this process's
 * memory and DATA_DIR/dashboard-revoked-sessions.json (one node); with several nodes, tables they
 * share (storage/postgres/dashboardLoginAttempts.ts and dashboardRevocations.ts), so failures sent
 * to two nodes add up and a logout on one holds on the other.
 */
export interface DashboardState {
  loginAttempts?: LoginAttempts;
  revocations?: SessionRevocations;
}

export async function openDashboard(cp: ControlPlane, state: DashboardState = {}): Promise<Dashboard> {
  const secret = await cp.admins.dashboardSessionSecret(cp.clock());
  const tokens = new SessionTokens(secret, cp.config.issuer, 'control-plane dashboard session v1');
  const revoked = state.revocations ?? (await RevokedSessions.open(cp.config.dataDir, cp.clock, cp.log, REVOKED_SESSIONS_FILE));
  const sessions: DashboardSessions = {
    cookie: new BrowserSession({
      cookie: SESSION_COOKIE,
      tokens,
      revoked,
      endEverySession: (id) => cp.admins.endSessions(id),
      log: cp.log,
    }),
    admins: cp.admins,
    secondFactors: cp.secondFactors,
    clock: cp.clock,
    audience: `${cp.config.issuer} dashboard`,
    hours: cp.config.dashboard.sessionHours,
  };
  const pending: PendingLogins = {
    tokens: new SessionTokens(secret, cp.config.issuer, 'control-plane dashboard second factor pending v1'),
    audience: `${cp.config.issuer} dashboard second factor`,
    admins: cp.admins,
    clock: cp.clock,
  };
  const loginGuard = new LoginGuard({
    maxFailures: cp.config.dashboard.loginMaxFailures,
    lockSeconds: cp.config.dashboard.loginLockSeconds,
    attempts: state.loginAttempts,
    onLock: ({ account, address, seconds }) =>
      cp.log.warn(
        { email: account, ip: address, seconds },
        'dashboard login: account locked for this address after failed passwords or second factor codes',
      ),
  });
  return {
    router: dashboardRouter({ cp, sessions, loginGuard, replays: new FormReplays(cp.clock), pending }),
    authenticator: sessionAuthenticator(sessions),
  };
}
