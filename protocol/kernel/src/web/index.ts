/**
 * The web kernel both services' server-rendered pages stand on: security headers, static assets,
 * session tokens and the session cookie (with its CSRF check and the revocation list a logout writes),
 * login rate limiting, the page pattern (page modules, one error middleware, the 404 page), form handling (CSRF, bounded bodies, safe redirects) and downloads.
 */
export { CONTENT_SECURITY_POLICY, setSecurityHeaders, sendHtml } from './securityHeaders.js';
export { sendAsset } from './staticAsset.js';
export { SessionTokens, SESSION_CLOCK_TOLERANCE_SECONDS, type SessionClaims } from './sessionTokens.js';
export { BrowserSession, isSafeMethod, sentCsrfToken, checkCsrfToken, type BrowserSessionOptions } from './browserSession.js';
export { RevokedSessions, MAX_REVOKED, type SessionRevocations } from './revokedSessions.js';
export {
  LoginLimiter,
  ACCOUNT_MAX_DELAY_SECONDS,
  loginScopeRules,
  loginLockedError,
  type LoginLimits,
  type LoginAttempt,
  type LoginAttempts,
  type AttemptOutcome,
  type ScopeRule,
} from './loginLimiter.js';
export { HashingQueue, LOGIN_HASHING_LIMITS, BUSY_RETRY_AFTER_SECONDS, type HashingQueueLimits } from './hashingQueue.js';
export { LoginGuard, type LoginGuardOptions, type LockEvent } from './loginGuard.js';
export { readForm, formText, sameToken, preSessionToken, checkPreSessionToken, safeNext } from './forms.js';
export { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, legacyTokenExpiry } from './tokenLifetime.js';
export { pageErrors, notFoundPage, pageRouter, type PageModule, type PageErrorOptions } from './pages.js';
export {
  FormReplays,
  FORM_REPLAY_LIMITS,
  replayableValues,
  type ReplayedForm,
  type FieldIssue,
  type FormReplayLimits,
} from './formReplay.js';
export { sendDownload, contentDisposition, type Download } from './sendDownload.js';
