/**
 * Cabinet users: creating one checks the license (MAX_USERS counts active users), disabling one ends
 * its sessions and tokens at once. Verb-named commands; the routes and the CLI both call these.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError, parseWith } from '@iamanager/protocol';
import { hashPassword, verifyPassword } from '@iamanager/kernel/passwords';
import type { Document } from '@iamanager/kernel/storage';
import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, legacyTokenExpiry } from '@iamanager/kernel/web';
import type { LicenseStore } from '../license/licenseStore.js';
import { planAllowingMore } from '../license/planLadder.js';
import { BUILT_IN_ROLES, PERMISSIONS, type Permission } from '../../auth/permissions.js';
import type { ApiToken, User, UsersFile } from '../../storage/userStore.js';
import { ApplianceError } from '../../errors.js';

export const passwordSchema = z
  .string()
  .min(12, { error: 'must be at least 12 characters' })
  .max(200, { error: 'must be at most 200 characters' });
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address, e.g. marie.durand@cabinet.fr' }));
const roleNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,31}$/, { error: 'must be a role name: 2–32 lowercase letters, digits, "_" or "-"' });

export const newUserSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1, { error: 'is required' }).max(120),
  role: roleNameSchema,
  password: passwordSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

export const userPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  role: roleNameSchema.optional(),
  active: z.boolean().optional(),
});

/** How an invited or reset user gets in: a pending one-time link, or a temporary password to change. */
export type PendingAccess = Pick<User, 'mustChangePassword' | 'accessLink'>;

const DAY_MS = 86_400_000;
export const tokenDaysSchema = z
  .number({ error: 'must be a whole number of days' })
  .int({ error: 'must be a whole number of days' })
  .min(1, { error: `must be from 1 to ${TOKEN_MAX_DAYS} days` })
  .max(TOKEN_MAX_DAYS, { error: `must be from 1 to ${TOKEN_MAX_DAYS} days: create a new token when it ends` });
/**
 * `lastUsedAt` moves only when it is this much behind: it says when a token was last used to within
 * 15 minutes, for one write of users.json per token and quarter-hour instead of one per request.
 */
const LAST_USED_STEP_MS = 15 * 60_000;

/** When a token ends; tokens from before expiry existed end a year after their creation. */
export function tokenExpiry(token: Pick<ApiToken, 'createdAt' | 'expiresAt'>): string {
  return token.expiresAt ?? legacyTokenExpiry(token.createdAt);
}

export class Users {
  constructor(
    private readonly doc: Document<UsersFile>,
    private readonly license: LicenseStore,
    private readonly clock: () => Date,
  ) {}

  all(): readonly User[] {
    return this.doc.data.users;
  }

  activeCount(): number {
    return this.doc.data.users.filter((u) => u.active).length;
  }

  byId(id: string): User | undefined {
    return this.doc.data.users.find((u) => u.id === id);
  }

  byEmail(email: string): User | undefined {
    const e = email.trim().toLowerCase();
    return this.doc.data.users.find((u) => u.email === e);
  }

  get(id: string): User {
    const user = this.byId(id);
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  permissionsOf(user: Pick<User, 'role'>): ReadonlySet<Permission> {
    const builtIn = BUILT_IN_ROLES[user.role];
    if (builtIn) return new Set(builtIn);
    const custom = this.doc.data.customRoles.find((r) => r.name === user.role);
    // A custom role from a license that no longer has advanced features grants read access only.
    if (!custom) return new Set();
    if (!this.license.limits()?.advancedFeatures) return new Set(custom.permissions.filter((p) => p.endsWith('.read')) as Permission[]);
    return new Set(custom.permissions as Permission[]);
  }

  roles(): Array<{ name: string; builtIn: boolean; permissions: readonly string[] }> {
    return [
      ...Object.entries(BUILT_IN_ROLES).map(([name, permissions]) => ({ name, builtIn: true, permissions })),
      ...this.doc.data.customRoles.map((r) => ({ name: r.name, builtIn: false, permissions: r.permissions })),
    ];
  }

  private assertRoleExists(role: string): void {
    if (!BUILT_IN_ROLES[role] && !this.doc.data.customRoles.some((r) => r.name === role)) {
      throw new ApplianceError(
        'invalid_input',
        `role: "${role}" does not exist (built-in roles: ${Object.keys(BUILT_IN_ROLES).join(', ')})`,
      );
    }
  }

  /**
   * Creates a user, within the license's MAX_USERS (active users). `firstAdmin` is the setup
   * wizard's; `access` is an invitation's (invitations.ts): a pending one-time link or a temporary
   * password to change at first login. An invited user is active from the start, so a pending
   * invitation holds a seat: the plan's limit cannot be passed by inviting more than it allows.
   */
  async createUser(input: unknown, options: { firstAdmin?: boolean; access?: PendingAccess } = {}): Promise<User> {
    const data = parseWith(newUserSchema, input);
    const assertRoom = () => {
      if (!options.firstAdmin) {
        const limits = this.license.assertCanCreate('user');
        if (this.activeCount() >= limits.maxUsers) {
          const better = planAllowingMore('maxUsers', limits.maxUsers, limits.plan);
          throw new ApplianceError(
            'plan_limit',
            `the ${limits.plan} plan allows ${limits.maxUsers} active users and all are in use${better ? `: the ${better.name} plan allows ${better.maxUsers}` : ''}. Disable a user or ask your vendor to change plan`,
            { limit: 'maxUsers', value: limits.maxUsers, upgradePlan: better?.name ?? null },
          );
        }
      }
      this.assertRoleExists(data.role);
      if (this.byEmail(data.email)) throw new ApplianceError('already_exists', `email: a user with ${data.email} already exists`);
    };
    assertRoom();
    const passwordHash = await hashPassword(data.password);
    // Checked again after hashing, in the same step as the insert: requests racing in while the
    // hash was computed could otherwise add users past the plan's limit, or the same email twice.
    assertRoom();
    const now = this.clock().toISOString();
    const user: User = {
      id: randomUUID(),
      email: data.email,
      name: data.name,
      role: data.role,
      passwordHash,
      active: true,
      createdAt: now,
      updatedAt: now,
      sessionEpoch: 0,
      tokens: [],
      ...options.access,
    };
    this.doc.data.users.push(user);
    await this.doc.write();
    return user;
  }

  async updateUser(id: string, input: unknown, actorId: string): Promise<User> {
    const patch = parseWith(userPatchSchema, input);
    const user = this.get(id);
    if (patch.role !== undefined) this.assertRoleExists(patch.role);
    if (id === actorId && (patch.active === false || (patch.role !== undefined && patch.role !== 'admin' && user.role === 'admin'))) {
      throw new ApplianceError('invalid_input', 'you cannot disable yourself or remove your own admin role: ask another admin');
    }
    const losesAdmin = (patch.role !== undefined && patch.role !== 'admin') || patch.active === false;
    // Nobody could manage users, the license or backups any more: only the setup wizard makes an admin.
    if (user.role === 'admin' && user.active && losesAdmin && this.activeAdmins() <= 1)
      throw new ApplianceError(
        'last_admin',
        `${user.email} is the last active admin: make another user admin first, then change this one`,
        { userId: user.id },
      );
    if (patch.active === true && !user.active) {
      const limits = this.license.assertCanCreate('user');
      if (this.activeCount() >= limits.maxUsers)
        throw new ApplianceError(
          'plan_limit',
          `the ${limits.plan} plan allows ${limits.maxUsers} active users: disable another user first`,
          { limit: 'maxUsers', value: limits.maxUsers },
        );
    }
    if (patch.name !== undefined) user.name = patch.name;
    if (patch.role !== undefined && patch.role !== user.role) {
      user.role = patch.role;
      user.sessionEpoch += 1;
    }
    if (patch.active !== undefined && patch.active !== user.active) {
      user.active = patch.active;
      // Disabling ends every session at once (the epoch is checked on each request).
      user.sessionEpoch += 1;
    }
    user.updatedAt = this.clock().toISOString();
    await this.doc.write();
    return user;
  }

  async checkPassword(email: string, password: string): Promise<User | undefined> {
    const user = this.byEmail(email);
    // Hash anyway when the user is unknown, so timing does not reveal which emails exist.
    const ok = await verifyPassword(
      password,
      user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    return ok && user?.active ? user : undefined;
  }

  /** Returns how many personal API tokens the change ended (see setPassword). */
  async changePassword(id: string, current: string, next: string): Promise<number> {
    const user = this.get(id);
    if (!(await verifyPassword(current, user.passwordHash)))
      throw new ApplianceError('invalid_input', 'currentPassword: is not your current password', { field: 'currentPassword' });
    return this.setPassword(id, parseWith(passwordSchema, next, 'newPassword'));
  }

  /**
   * Sets a new password: every session and every personal API token of the user ends with the old
   * one (whoever learnt the password may have made tokens with it). Returns how many tokens ended.
   */
  async setPassword(id: string, password: string): Promise<number> {
    const user = this.get(id);
    user.passwordHash = await hashPassword(parseWith(passwordSchema, password, 'password'));
    user.sessionEpoch += 1;
    const revoked = user.tokens.length;
    user.tokens = [];
    // The user's own password now: no temporary one to change, no pending link left usable.
    delete user.mustChangePassword;
    delete user.accessLink;
    user.updatedAt = this.clock().toISOString();
    await this.doc.write();
    return revoked;
  }

  /** Active users holding the built-in admin role. */
  activeAdmins(): number {
    return this.doc.data.users.filter((u) => u.active && u.role === 'admin').length;
  }

  /**
   * A reset by an admin (invitations.ts): the old password stops working, every session and API
   * token ends, and the user gets back in only through `access` (a new link or a temporary
   * password). `password` is the temporary one, or a random one nobody knows for a link.
   */
  async resetAccess(id: string, password: string, access: PendingAccess): Promise<User> {
    const user = this.get(id);
    user.passwordHash = await hashPassword(password);
    user.sessionEpoch += 1;
    user.tokens = [];
    delete user.mustChangePassword;
    delete user.accessLink;
    Object.assign(user, access);
    user.updatedAt = this.clock().toISOString();
    await this.doc.write();
    return user;
  }

  /** The user whose pending one-time link has this SHA-256 (compared in constant time). */
  byAccessLinkHash(hash: string): User | undefined {
    return this.doc.data.users.find((u) => u.accessLink !== undefined && safeEqual(u.accessLink.hash, hash));
  }

  /**
   * Takes the user's pending link away at once (no await before it): of two requests racing with
   * the same link, only the first finds it. Written with the password that follows.
   */
  claimAccessLink(id: string): void {
    delete this.get(id).accessLink;
  }

  /** Ends every session of the user at once (the epoch moves on), as a password change does. */
  async endSessions(id: string): Promise<void> {
    this.get(id).sessionEpoch += 1;
    await this.doc.write();
  }

  /** A personal API token (`iam_<id>_<secret>`) for `days` days, shown once; only its hash is kept. */
  async createToken(userId: string, label: string, days: number = TOKEN_DEFAULT_DAYS): Promise<{ token: string; info: ApiToken }> {
    const user = this.get(userId);
    const lifetime = parseWith(tokenDaysSchema, days, 'expiresInDays');
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    const now = this.clock();
    const info: ApiToken = {
      id,
      label: label.slice(0, 80) || 'script',
      hash: sha256(secret),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetime * DAY_MS).toISOString(),
      lastUsedAt: null,
    };
    user.tokens.push(info);
    await this.doc.write();
    return { token: `iam_${id}_${secret}`, info };
  }

  async revokeToken(userId: string, tokenId: string): Promise<void> {
    const user = this.get(userId);
    const before = user.tokens.length;
    user.tokens = user.tokens.filter((t) => t.id !== tokenId);
    if (user.tokens.length === before) throw new NotFoundError('token', tokenId);
    await this.doc.write();
  }

  /**
   * The active user a personal API token belongs to, if the token is genuine; `token_expired` once
   * it has ended. Notes when it was used (see LAST_USED_STEP_MS).
   */
  async useToken(token: string): Promise<User | undefined> {
    const m = /^iam_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(token);
    if (!m) return undefined;
    const [, id, secret] = m as unknown as [string, string, string];
    for (const user of this.doc.data.users) {
      const t = user.tokens.find((x) => x.id === id);
      if (!t) continue;
      if (!user.active || !safeEqual(t.hash, sha256(secret))) return undefined;
      const now = this.clock();
      const expiresAt = tokenExpiry(t);
      if (now.getTime() >= Date.parse(expiresAt))
        throw new ApplianceError(
          'token_expired',
          `the API token "${t.label}" expired at ${expiresAt}: create a new one (POST /api/tokens, or \`appliance token create\`)`,
          { tokenId: t.id, expiresAt },
        );
      if (t.lastUsedAt === null || now.getTime() - Date.parse(t.lastUsedAt) >= LAST_USED_STEP_MS) {
        t.lastUsedAt = now.toISOString();
        // A refused write (a full disk) must not refuse the request: the time stays in memory and
        // goes to disk with the next write of users.json.
        await this.doc.write().catch(() => undefined);
      }
      return user;
    }
    return undefined;
  }

  async createRole(input: unknown): Promise<void> {
    const data = parseWith(
      z.strictObject({ name: roleNameSchema, label: z.string().trim().min(1).max(60), permissions: z.array(z.enum(PERMISSIONS)).min(1) }),
      input,
    );
    if (!this.license.limits()?.advancedFeatures)
      throw new ApplianceError('feature_not_in_plan', 'custom roles need a plan with advanced features (professional or enterprise)');
    if (BUILT_IN_ROLES[data.name] || this.doc.data.customRoles.some((r) => r.name === data.name))
      throw new ApplianceError('already_exists', `name: the role "${data.name}" already exists`);
    this.doc.data.customRoles.push(data);
    await this.doc.write();
  }
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
