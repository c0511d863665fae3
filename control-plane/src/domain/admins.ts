/**
 * Vendor admins: people who run the control plane. Passwords are scrypt-hashed; API tokens are
 * random and only their SHA-256 is stored, so a copy of DATA_DIR yields no usable token.
 * Roles: `admin` changes everything, `billing` reads and sees money, `support` only reads.
 *
 * An admin who leaves, or whose password or token leaked, is shut out here: a token can be revoked
 * and always expires (tokenLifetime.ts); disabling an admin or changing their password revokes all
 * their tokens and ends all their dashboard sessions (the session epoch moves on). There is always
 * at least one active `admin`, or nobody could let anyone back in.
 *
 * The directory keeps no copy of the admins: each call reads what it needs from the AdminStore and
 * each change goes through `store.update`, which runs it on the latest record under the store's
 * lock — with several nodes on one database, a token revoked, a password changed or an admin
 * disabled on one node holds at the next request to any node (docs/control-plane-postgres.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import type { AdminRecord, AdminRole, ApiTokenRecord } from '../storage/records.js';
import type { AdminStore } from '../storage/stores.js';
import { hashPassword, verifyPassword } from '@iamanager/kernel/passwords';
import { TOKEN_PREFIX, expiryOf, statusOf, summaryOf, tokenHash, type TokenSummary } from './apiTokens.js';
import { ControlPlaneError } from '../errors.js';

export const MIN_PASSWORD_LENGTH = 12;
/** Tokens an admin may hold at once that are neither revoked nor expired: keeps admins.json small. */
export const MAX_ACTIVE_TOKENS = 20;
/** How long a revoked or expired token stays listed (and answers with its own code) before it is dropped. */
const KEEP_ENDED_TOKEN_MS = 90 * 86_400_000;
/** `lastUsedAt` is written at most once an hour per token: a script calling every second costs no writes. */
export const LAST_USED_RESOLUTION_MS = 3_600_000;

/** Who is acting: what the auth middleware puts on the request, whatever proved it. */
export interface AdminIdentity {
  id: string;
  email: string;
  role: AdminRole;
}

export interface AdminSummary extends AdminIdentity {
  createdAt: string;
  disabledAt: string | null;
  passwordChangedAt: string | null;
  /** When the admin's second factor was confirmed (null: none); domain/adminSecondFactor.ts. */
  secondFactorEnrolledAt: string | null;
  secondFactorReset: { at: string; by: string } | null;
}

function identityOf(admin: AdminRecord): AdminIdentity {
  return { id: admin.id, email: admin.email, role: admin.role };
}

function summaryOfAdmin(a: AdminRecord): AdminSummary {
  return {
    ...identityOf(a),
    createdAt: a.createdAt,
    disabledAt: a.disabledAt,
    passwordChangedAt: a.passwordChangedAt,
    secondFactorEnrolledAt: a.secondFactor?.enrolledAt ?? null,
    secondFactorReset: a.secondFactorReset,
  };
}

/** Revokes every live token of the admin and ends all their sessions, inside the caller's change. */
function shutOut(admin: AdminRecord, now: Date): void {
  for (const token of admin.tokens) if (!token.revokedAt) token.revokedAt = now.toISOString();
  admin.sessionEpoch += 1;
}

/** Drops tokens that ended (revoked or expired) long enough ago: the record does not grow with every rotation. */
function pruneEndedTokens(admin: AdminRecord, now: Date): void {
  const cutoff = now.getTime() - KEEP_ENDED_TOKEN_MS;
  admin.tokens = admin.tokens.filter((t) => {
    const endedAt = t.revokedAt ? Date.parse(t.revokedAt) : Date.parse(expiryOf(t));
    return endedAt > cutoff;
  });
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ControlPlaneError('invalid_input', `password: must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

export class AdminDirectory {
  /**
   * The last use of each token this node saw, newer than the stored `lastUsedAt` (written at most
   * hourly): only what this node's listings show — never a decision — so another node's change
   * cannot make it wrong, only make this node's listing more recent than the others'.
   */
  private readonly recentUse = new Map<string, string>();

  constructor(
    private readonly store: AdminStore,
    private readonly log: Logger,
  ) {}

  async list(): Promise<AdminSummary[]> {
    return (await this.store.list()).map(summaryOfAdmin);
  }

  private async byEmail(email: string): Promise<AdminRecord> {
    const admin = await this.store.findByEmail(email.trim().toLowerCase());
    if (!admin) throw new NotFoundError('admin', email.trim().toLowerCase());
    return admin;
  }

  private async byId(id: string): Promise<AdminRecord> {
    const admin = await this.store.get(id);
    if (!admin) throw new NotFoundError('admin', id);
    return admin;
  }

  /** The admin with this id (the dashboard names admins by id in its URLs). */
  async get(id: string): Promise<AdminSummary> {
    return summaryOfAdmin(await this.byId(id));
  }

  /** Creates a vendor admin; the password must be at least 12 characters. */
  async createAdmin(input: { email: string; role: AdminRole; password: string }, now: Date): Promise<AdminIdentity> {
    const email = input.email.trim().toLowerCase();
    // Checked first for the message; the store refuses the same e-mail made meanwhile by any node.
    if (await this.store.findByEmail(email))
      throw new ControlPlaneError('already_exists', `an admin with email ${email} already exists`, { email });
    checkPassword(input.password);
    const admin: AdminRecord = {
      id: randomUUID(),
      email,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: now.toISOString(),
      tokens: [],
      sessionEpoch: 0,
      disabledAt: null,
      passwordChangedAt: null,
      secondFactor: null,
      secondFactorPending: null,
      secondFactorReset: null,
    };
    await this.store.create(admin);
    return identityOf(admin);
  }

  /**
   * Issues a new Bearer API token for the admin, expiring at `expiresAt` (see tokenLifetime.ts);
   * the token itself is shown once and never stored.
   */
  async createApiToken(email: string, expiresAt: Date, now: Date): Promise<{ token: string; summary: TokenSummary }> {
    const { id } = await this.byEmail(email);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: ApiTokenRecord = {
      id: randomUUID(),
      hash: tokenHash(token),
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    // Disabled and the cap are checked on the locked record: a disable or another token made on
    // another node at the same moment is counted.
    const admin = await this.store.update(id, (admin) => {
      if (admin.disabledAt)
        throw new ControlPlaneError('admin_disabled', `${admin.email} is disabled: a disabled admin gets no token`, { email: admin.email });
      pruneEndedTokens(admin, now);
      const active = admin.tokens.filter((t) => statusOf(t, now) === 'active').length;
      if (active >= MAX_ACTIVE_TOKENS) {
        throw new ControlPlaneError(
          'too_many_tokens',
          `${admin.email} already has ${active} active tokens (at most ${MAX_ACTIVE_TOKENS}): revoke unused ones first (control-plane admin token list --email ${admin.email}, then admin token revoke ID)`,
          { email: admin.email },
        );
      }
      admin.tokens.push(record);
    });
    return { token, summary: summaryOf(admin, record, now) };
  }

  /** A token's summary, with the last use this node saw if it is more recent than the stored one. */
  private summary(admin: AdminRecord, token: ApiTokenRecord, now: Date): TokenSummary {
    const summary = summaryOf(admin, token, now);
    const seen = this.recentUse.get(token.id);
    if (seen && (!summary.lastUsedAt || seen > summary.lastUsedAt)) summary.lastUsedAt = seen;
    return summary;
  }

  /** Every token (or one admin's), newest first; revoked and expired ones stay listed for 90 days. */
  async listTokens(filter: { email?: string | undefined }, now: Date): Promise<TokenSummary[]> {
    const admins = filter.email === undefined ? await this.store.list() : [await this.byEmail(filter.email)];
    return admins.flatMap((a) => a.tokens.map((t) => this.summary(a, t, now))).sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  }

  /**
   * Revokes one token at once (the next request with it, on any node, is refused). `ownerId`
   * limits it to that admin's own tokens: someone else's is answered "does not exist", as an
   * unknown id is. Revoking a revoked token changes nothing.
   */
  async revokeToken(id: string, now: Date, ownerId?: string): Promise<TokenSummary> {
    const owner = (await this.store.list()).find((a) => (ownerId === undefined || a.id === ownerId) && a.tokens.some((t) => t.id === id));
    if (!owner) throw new NotFoundError('API token', id);
    const admin = await this.store.update(owner.id, (admin) => {
      const token = admin.tokens.find((t) => t.id === id);
      // Dropped meanwhile (ended 90 days ago): as unknown as it would be now.
      if (!token) throw new NotFoundError('API token', id);
      token.revokedAt ??= now.toISOString();
    });
    return this.summary(
      admin,
      admin.tokens.find((t) => t.id === id)!,
      now,
    );
  }

  /**
   * The admin a Bearer token belongs to, or undefined for a token this control plane never issued.
   * A token it did issue but that no longer works gets its own code, so a script's owner knows to
   * make a new one rather than suspect the network.
   */
  async authenticateToken(token: string, now: Date): Promise<AdminIdentity | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const found = await this.store.findByTokenHash(tokenHash(token));
    if (!found) return undefined;
    const { admin, token: record } = found;
    if (admin.disabledAt) throw new ControlPlaneError('admin_disabled', `${admin.email} is disabled: its tokens no longer work`);
    const status = statusOf(record, now);
    if (status === 'revoked')
      throw new ControlPlaneError(
        'token_revoked',
        `this API token was revoked on ${record.revokedAt}: create a new one with control-plane admin token --email ${admin.email}`,
      );
    if (status === 'expired')
      throw new ControlPlaneError(
        'token_expired',
        `this API token expired on ${expiryOf(record)}: create a new one with control-plane admin token --email ${admin.email}`,
      );
    await this.noteUse(admin.id, record, now);
    return identityOf(admin);
  }

  /**
   * Records the token's use in the store to the hour: one write per token per hour at most, on
   * whichever node — the stored `lastUsedAt` decides, so a script calling every second through
   * several nodes costs no more writes than through one.
   */
  private async noteUse(adminId: string, token: ApiTokenRecord, now: Date): Promise<void> {
    this.recentUse.set(token.id, now.toISOString());
    const due = (t: ApiTokenRecord): boolean => !t.lastUsedAt || now.getTime() - Date.parse(t.lastUsedAt) >= LAST_USED_RESOLUTION_MS;
    if (!due(token)) return;
    // A full disk or a busy database must not turn a good token into an error: the use is simply recorded later.
    await this.store
      .update(adminId, (admin) => {
        const stored = admin.tokens.find((t) => t.id === token.id);
        // Checked again on the locked record: another node may have written this hour's use meanwhile.
        if (stored && due(stored)) stored.lastUsedAt = now.toISOString();
      })
      .catch((err: unknown) => this.log.warn({ err, tokenId: token.id }, 'could not record when an API token was last used'));
  }

  /** The admin behind a dashboard session, if that session was not ended since (`endSessions`) and the admin is not disabled. */
  async sessionIdentity(id: string, epoch: number): Promise<AdminIdentity | undefined> {
    const admin = await this.store.get(id);
    return admin && !admin.disabledAt && admin.sessionEpoch === epoch ? identityOf(admin) : undefined;
  }

  async sessionEpoch(id: string): Promise<number> {
    return (await this.byId(id)).sessionEpoch;
  }

  /**
   * The admin's record, for domain/adminSecondFactor.ts only (which keeps its part of it): read it
   * as it is now, or change it with `fn`, which runs synchronously on the latest record under the
   * store's lock — a check and the change it leads to (a TOTP step marked used) happen with no
   * other request, on any node, in between. Committed before resolving; a change that changed
   * nothing is not written (embedded store). What `fn` returns is returned.
   */
  recordOf(id: string): Promise<Readonly<AdminRecord>> {
    return this.byId(id);
  }

  async changeRecord<T>(id: string, fn: (admin: AdminRecord) => T): Promise<T> {
    let result: T | undefined;
    await this.store.update(id, (admin) => {
      result = fn(admin);
    });
    return result as T;
  }

  /** The admin with this email, by id (the CLI names admins by email). */
  async idOf(email: string): Promise<string> {
    return (await this.byEmail(email)).id;
  }

  /** Ends every dashboard session of the admin (logout): cookies carrying the old epoch stop working. */
  async endSessions(id: string): Promise<void> {
    await this.store
      .update(id, (admin) => {
        admin.sessionEpoch += 1;
      })
      .catch((err: unknown) => {
        // An admin who no longer exists has no session to end.
        if (!(err instanceof NotFoundError)) throw err;
      });
  }

  /**
   * Sets a new password (at least 12 characters, not the current one). Every session and token
   * of the admin ends with it: whoever knew the old password, or holds a token made with it, is out.
   */
  async changePassword(email: string, password: string, now: Date): Promise<AdminSummary> {
    const found = await this.byEmail(email);
    const disabled = (admin: AdminRecord) =>
      new ControlPlaneError('admin_disabled', `${admin.email} is disabled: a password change would not let them back in`);
    if (found.disabledAt) throw disabled(found);
    checkPassword(password);
    if (await verifyPassword(password, found.passwordHash))
      throw new ControlPlaneError('invalid_input', 'password: must differ from the current password');
    // Hashing takes time (scrypt) and cannot run under the lock: done first, then set on the latest record.
    const passwordHash = await hashPassword(password);
    const admin = await this.store.update(found.id, (admin) => {
      if (admin.disabledAt) throw disabled(admin);
      admin.passwordHash = passwordHash;
      admin.passwordChangedAt = now.toISOString();
      shutOut(admin, now);
    });
    this.log.info({ email: admin.email }, 'admin password changed; sessions and tokens ended');
    return summaryOfAdmin(admin);
  }

  /**
   * Disables an admin: no login, no session, no token from now on. The last active `admin` cannot
   * be disabled — the control plane would have nobody left to manage it. Disabling a disabled
   * admin changes nothing.
   */
  async disableAdmin(email: string, now: Date): Promise<AdminSummary> {
    const found = await this.byEmail(email);
    if (found.disabledAt) return summaryOfAdmin(found);
    // Decided with every other admin locked: two nodes disabling the last two admins at the same
    // instant run one after the other, and the second is refused.
    const admin = await this.store.updateWithOthers(found.id, (admin, others) => {
      if (admin.disabledAt) return;
      if (admin.role === 'admin' && !others.some((a) => a.role === 'admin' && !a.disabledAt)) {
        throw new ControlPlaneError(
          'last_admin',
          `${admin.email} is the last active admin: create another one first (control-plane admin create --email E --role admin)`,
          { email: admin.email },
        );
      }
      admin.disabledAt = now.toISOString();
      shutOut(admin, now);
    });
    this.log.info({ email: admin.email }, 'admin disabled; sessions and tokens ended');
    return summaryOfAdmin(admin);
  }

  /**
   * Checks an email and password (for the dashboard's login). A disabled admin with the right
   * password is told so (`admin_disabled`) rather than "wrong password": only someone who knows
   * the password learns it, and they are spared guessing.
   */
  async authenticatePassword(email: string, password: string): Promise<AdminIdentity | undefined> {
    const admin = await this.store.findByEmail(email.trim().toLowerCase());
    if (!admin) return undefined;
    if (!(await verifyPassword(password, admin.passwordHash))) return undefined;
    if (admin.disabledAt) throw new ControlPlaneError('admin_disabled', `${admin.email} is disabled: ask another admin`);
    return identityOf(admin);
  }

  /**
   * The secret the dashboard signs its session cookies with: made (32 random bytes) by the first
   * node to ask, the same for every node afterwards, so a session works on any node.
   */
  dashboardSessionSecret(now: Date): Promise<string> {
    return this.store.sessionSecret(() => randomBytes(32).toString('base64url'), now);
  }
}
