/**
 * Browser sessions: a JWT (HS256, key derived from SECRET_KEY by the shared web kernel's
 * `SessionTokens`) in an HttpOnly, SameSite=Strict cookie. Its audience is the cabinet id, so a
 * cookie minted by another cabinet's appliance is refused even if it were signed with the same key.
 * It carries the user's session epoch (bumped to end every session) and the CSRF token that
 * cookie-authenticated writes must echo.
 */
import { SessionTokens } from '@iamanager/kernel/web';

export type { SessionClaims } from '@iamanager/kernel/web';
export const SESSION_COOKIE = 'iam_session';

export class SessionKeys extends SessionTokens {
  constructor(secretKey: string) {
    super(secretKey, 'iamanager-appliance');
  }
}
