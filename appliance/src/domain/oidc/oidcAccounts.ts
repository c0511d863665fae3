/**
 * Who an ID token lets in (docs/single-sign-on.md). The e-mail is the key: matched, case
 * apart, to an active user of the appliance. An address the provider says it has not verified
 * (`email_verified: false`) is refused, since anyone could otherwise claim a colleague's address;
 * a provider that does not send the claim at all (Entra ID) vouches for the address by issuing it.
 * An unknown address becomes a user only when the cabinet allows it, with the role it chose, and
 * only within the plan's seats: the same `Users.createUser` the invitations go through, so the
 * limit holds whichever way a user arrives.
 */
import { randomBytes } from 'node:crypto';
import { DomainError } from '@iamanager/protocol';
import type { AuditInput } from '../audit/auditLog.js';
import { emailSchema, type Users } from '../users/users.js';
import { ApplianceError } from '../../errors.js';
import type { SavedOidcProvider } from '../../storage/oidcSettingsStore.js';
import type { User } from '../../storage/userStore.js';

export type OidcRefusal =
  'no_email' | 'email_unverified' | 'domain_not_allowed' | 'unknown_user' | 'disabled' | 'plan_full' | 'cannot_create';

export interface AccountDeps {
  users: Users;
  audit: { append(entry: AuditInput): Promise<void> };
}

export function refusal(reason: OidcRefusal, message: string, email: string | null, extra: Record<string, unknown> = {}): ApplianceError {
  return new ApplianceError('oidc_refused', message, { reason, email, ...extra });
}

/** The appliance's user for the ID token's claims, created when allowed; throws `oidc_refused` with its reason. */
export async function accountFor(
  deps: AccountDeps,
  provider: Pick<SavedOidcProvider, 'allowedDomains' | 'createUsers' | 'newUserRole' | 'displayName'>,
  claims: Readonly<Record<string, unknown>>,
): Promise<{ user: User; created: boolean }> {
  const parsed = emailSchema.safeParse(typeof claims.email === 'string' ? claims.email : '');
  if (!parsed.success)
    throw refusal(
      'no_email',
      `${provider.displayName} sent no e-mail address in the ID token: ask for the scope "email" (Entra ID: add the optional claim "email")`,
      null,
    );
  const email = parsed.data;
  const verified = claims.email_verified;
  if (verified !== undefined && verified !== true && verified !== 'true')
    throw refusal(
      'email_unverified',
      `${provider.displayName} has not verified ${email}: verify it at the provider, then log in again`,
      email,
    );
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (provider.allowedDomains.length > 0 && !provider.allowedDomains.includes(domain))
    throw refusal(
      'domain_not_allowed',
      `${email}: the domain ${domain} is not among this cabinet's (${provider.allowedDomains.join(', ')})`,
      email,
      { domains: provider.allowedDomains },
    );
  const existing = deps.users.byEmail(email);
  if (existing) {
    if (!existing.active) throw refusal('disabled', `${email}: this account is disabled on the appliance: ask an administrator`, email);
    return { user: existing, created: false };
  }
  if (!provider.createUsers)
    throw refusal('unknown_user', `${email} has no account on this appliance: ask an administrator to invite you`, email);
  return { user: await createFromToken(deps, provider, email, claims), created: true };
}

async function createFromToken(
  deps: AccountDeps,
  provider: Pick<SavedOidcProvider, 'newUserRole'>,
  email: string,
  claims: Readonly<Record<string, unknown>>,
): Promise<User> {
  const name = (typeof claims.name === 'string' ? claims.name : '').replace(/\s+/g, ' ').trim().slice(0, 120).trim() || email;
  try {
    // A password nobody knows: this user comes in through the provider (an admin's reset gives one).
    const user = await deps.users.createUser({ email, name, role: provider.newUserRole, password: randomBytes(32).toString('base64url') });
    await deps.audit.append({ actor: email, action: 'user.created_oidc', detail: `${email} (${user.role})` });
    return user;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code === 'plan_limit')
      throw refusal('plan_full', `${email}: ${err.message}`, email, {
        limit: err.details?.value ?? null,
        upgradePlan: err.details?.upgradePlan ?? null,
      });
    // Two first logins of the same person at once: the other one created the account.
    const raced = err.code === 'already_exists' ? deps.users.byEmail(email) : undefined;
    if (raced?.active) return raced;
    throw refusal('cannot_create', `${email}: the account could not be created (${err.message})`, email);
  }
}
