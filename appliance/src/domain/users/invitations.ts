/**
 * How an admin brings a user in and back (docs/administration.md): an invitation or a reset gives
 * either a one-time link (`/invitation/<secret>`, 72 hours, where the user sets their password) or
 * a temporary password shown once, which the user must change at first login. Role changes and
 * (de)activation go through here too, so that each of these acts is audited once, whether the
 * admin used the pages or the API.
 *
 * Secrets are shown once and never stored: a link keeps the SHA-256 of its secret, a temporary
 * password its scrypt hash, like any password.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { parseWith } from '@iamanager/protocol';
import type { AuditInput } from '../audit/auditLog.js';
import type { User } from '../../storage/userStore.js';
import { ApplianceError } from '../../errors.js';
import { emailSchema, passwordSchema, sha256, type PendingAccess, type Users } from './users.js';

/** A link is valid 72 hours: long enough for a weekend, short enough that a forgotten mail goes stale. */
export const ACCESS_LINK_HOURS = 72;
const HOUR_MS = 3_600_000;

export const ACCESS_METHODS = ['lien', 'mot-de-passe-provisoire'] as const;
export type AccessMethod = (typeof ACCESS_METHODS)[number];
const methodSchema = z.enum(ACCESS_METHODS, {
  error: 'must be "lien" (a one-time link) or "mot-de-passe-provisoire" (a temporary password)',
});

export const invitationSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1, { error: 'is required' }).max(120, { error: 'must be at most 120 characters' }),
  role: z.string().trim().min(1, { error: 'is required' }).max(32),
  method: methodSchema,
});
export const resetSchema = z.strictObject({ method: methodSchema });

export interface UserAdminDeps {
  users: Users;
  audit: { append(entry: AuditInput): Promise<void> };
  clock: () => Date;
}

/** What the admin is shown once: the link's secret (the page builds the address) or the temporary password. */
export type GrantedAccess = { method: 'lien'; secret: string; expiresAt: string } | { method: 'mot-de-passe-provisoire'; password: string };

/** No 0/O, 1/l/I: a temporary password is read aloud or copied by hand. */
const READABLE = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 16 characters from 55 (about 92 bits), in four groups for reading. */
export function temporaryPassword(): string {
  const groups = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => READABLE[randomInt(READABLE.length)]).join(''));
  return groups.join('-');
}

function grant(method: AccessMethod, now: Date): { password: string; access: PendingAccess; shown: GrantedAccess } {
  if (method === 'mot-de-passe-provisoire') {
    const password = temporaryPassword();
    return { password, access: { mustChangePassword: true }, shown: { method, password } };
  }
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ACCESS_LINK_HOURS * HOUR_MS).toISOString();
  return {
    // Nobody knows this password: the user sets theirs through the link.
    password: randomBytes(32).toString('base64url'),
    access: { accessLink: { hash: sha256(secret), createdAt: now.toISOString(), expiresAt } },
    shown: { method, secret, expiresAt },
  };
}

/** Invites a user: created active (the invitation holds a seat of the plan) with a link or a temporary password. */
export async function inviteUser(deps: UserAdminDeps, input: unknown, actor: User): Promise<{ user: User; access: GrantedAccess }> {
  const data = parseWith(invitationSchema, input);
  const { password, access, shown } = grant(data.method, deps.clock());
  const user = await deps.users.createUser({ email: data.email, name: data.name, role: data.role, password }, { access });
  await deps.audit.append({ actor: actor.email, action: 'user.invite', detail: `${user.email} (${user.role}, ${data.method})` });
  return { user, access: shown };
}

/** Resets a user's access: the old password, their sessions and API tokens end at once. */
export async function resetUserAccess(
  deps: UserAdminDeps,
  id: string,
  input: unknown,
  actor: User,
): Promise<{ user: User; access: GrantedAccess }> {
  const { method } = parseWith(resetSchema, input);
  const target = deps.users.get(id);
  if (target.id === actor.id)
    throw new ApplianceError('invalid_input', 'you cannot reset your own access: change your password on /mot-de-passe');
  const { password, access, shown } = grant(method, deps.clock());
  const user = await deps.users.resetAccess(id, password, access);
  await deps.audit.append({ actor: actor.email, action: 'user.reset', detail: `${user.email} (${method})` });
  return { user, access: shown };
}

/** Changes a user's role or active state (Users.updateUser keeps the last active admin) and audits it. */
export async function changeUser(deps: UserAdminDeps, id: string, input: unknown, actor: User): Promise<User> {
  const before = deps.users.get(id);
  const [role, active] = [before.role, before.active];
  const user = await deps.users.updateUser(id, input, actor.id);
  if (user.role !== role)
    await deps.audit.append({ actor: actor.email, action: 'user.role', detail: `${user.email}: ${role} → ${user.role}` });
  if (user.active !== active)
    await deps.audit.append({ actor: actor.email, action: user.active ? 'user.enable' : 'user.disable', detail: user.email });
  return user;
}

/** The user a one-time link belongs to, while it is valid: 404 for an unknown or used one, 410 once expired. */
export function userOfAccessLink(deps: Pick<UserAdminDeps, 'users' | 'clock'>, secret: string): User {
  const user = /^[A-Za-z0-9_-]{43}$/.test(secret) ? deps.users.byAccessLinkHash(sha256(secret)) : undefined;
  if (!user?.accessLink || !user.active)
    throw new ApplianceError('access_link_invalid', 'this link is unknown or was already used: ask your administrator for a new one');
  if (deps.clock().getTime() >= Date.parse(user.accessLink.expiresAt))
    throw new ApplianceError(
      'access_link_expired',
      `this link expired at ${user.accessLink.expiresAt}: ask your administrator for a new one`,
      {
        expiresAt: user.accessLink.expiresAt,
      },
    );
  return user;
}

/** Sets the password through a one-time link; the link is used up (Users.setPassword removes it). */
export async function acceptAccessLink(deps: UserAdminDeps, secret: string, password: string): Promise<User> {
  const user = userOfAccessLink(deps, secret);
  const chosen = parseWith(passwordSchema, password, 'password');
  deps.users.claimAccessLink(user.id);
  await deps.users.setPassword(user.id, chosen);
  await deps.audit.append({ actor: user.email, action: 'user.link.used', detail: user.email });
  return user;
}
