/**
 * Vendor admins: people who run the control plane. Passwords are scrypt-hashed; API tokens are
 * random and only their SHA-256 is stored, so a copy of DATA_DIR yields no usable token.
 * Roles: `admin` changes everything, `billing` reads and sees money, `support` only reads.
 *
 * An admin who leaves, or whose password or token leaked, is shut out here: a token can be revoked
 * and always expires (tokenLifetime.ts); disabling an admin or changing their password revokes all
 * their tokens and ends all their dashboard sessions (the session epoch moves on). There is always
 * at least one active `admin`, or nobody could let anyone back in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { NotFoundError } from '@iamanager/protocol';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { adminsFileSchema, type AdminRecord, type AdminRole, type AdminsFile, type ApiTokenRecord } from '../storage/records.js';
import { hashPassword, verifyPassword } from '@iamanager/kernel/passwords';
import { TOKEN_PREFIX, expiryOf, statusOf, summaryOf, tokenHash, type TokenSummary } from './apiTokens.js';
import { legacyTokenExpiry } from '@iamanager/kernel/web';
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

export class AdminDirectory {
  private byTokenHash = new Map<string, { admin: AdminRecord; token: ApiTokenRecord }>();
  /** When each token's `lastUsedAt` last reached the disk (epoch ms). */
  private readonly persistedUse = new Map<string, number>();

  private constructor(
    private readonly doc: Document<AdminsFile>,
    private readonly log: Logger,
  ) {
    for (const admin of doc.data.admins) {
      for (const token of admin.tokens) {
        token.expiresAt ??= legacyTokenExpiry(token.createdAt);
        if (token.lastUsedAt) this.persistedUse.set(token.id, Date.parse(token.lastUsedAt));
      }
    }
    this.index();
  }

  static async open(dataDir: string, log: Logger): Promise<AdminDirectory> {
    const doc = await openDocument<AdminsFile>(
      path.join(dataDir, 'admins.json'),
      { admins: [] },
      { schema: adminsFileSchema, log, mode: 0o600 },
    );
    return new AdminDirectory(doc, log);
  }

  private index(): void {
    this.byTokenHash = new Map(
      this.doc.data.admins.flatMap((admin) => admin.tokens.map((token) => [token.hash, { admin, token }] as const)),
    );
  }

  list(): AdminSummary[] {
    return this.doc.data.admins.map((a) => ({
      ...identityOf(a),
      createdAt: a.createdAt,
      disabledAt: a.disabledAt,
      passwordChangedAt: a.passwordChangedAt,
      secondFactorEnrolledAt: a.secondFactor?.enrolledAt ?? null,
      secondFactorReset: a.secondFactorReset,
    }));
  }

  private find(email: string): AdminRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return this.doc.data.admins.find((a) => a.email === wanted);
  }

  private byEmail(email: string): AdminRecord {
    const admin = this.find(email);
    if (!admin) throw new NotFoundError('admin', email.trim().toLowerCase());
    return admin;
  }

  /** The admin with this id (the dashboard names admins by id in its URLs). */
  get(id: string): AdminSummary {
    const admin = this.list().find((a) => a.id === id);
    if (!admin) throw new NotFoundError('admin', id);
    return admin;
  }

  private static checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new ControlPlaneError('invalid_input', `password: must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }

  /** Creates a vendor admin; the password must be at least 12 characters. */
  async createAdmin(input: { email: string; role: AdminRole; password: string }, now: Date): Promise<AdminIdentity> {
    const email = input.email.trim().toLowerCase();
    if (this.find(email)) throw new ControlPlaneError('already_exists', `an admin with email ${email} already exists`, { email });
    AdminDirectory.checkPassword(input.password);
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
    this.doc.data.admins.push(admin);
    await this.doc.write();
    return identityOf(admin);
  }

  /** Drops tokens that ended (revoked or expired) long enough ago: the file does not grow with every rotation. */
  private pruneEndedTokens(admin: AdminRecord, now: Date): void {
    const cutoff = now.getTime() - KEEP_ENDED_TOKEN_MS;
    admin.tokens = admin.tokens.filter((t) => {
      const endedAt = t.revokedAt ? Date.parse(t.revokedAt) : Date.parse(expiryOf(t));
      return endedAt > cutoff;
    });
  }

  /**
   * Issues a new Bearer API token for the admin, expiring at `expiresAt` (see tokenLifetime.ts);
   * the token itself is shown once and never stored.
   */
  async createApiToken(email: string, expiresAt: Date, now: Date): Promise<{ token: string; summary: TokenSummary }> {
    const admin = this.byEmail(email);
    if (admin.disabledAt)
      throw new ControlPlaneError('admin_disabled', `${admin.email} is disabled: a disabled admin gets no token`, { email: admin.email });
    this.pruneEndedTokens(admin, now);
    const active = admin.tokens.filter((t) => statusOf(t, now) === 'active').length;
    if (active >= MAX_ACTIVE_TOKENS) {
      throw new ControlPlaneError(
        'too_many_tokens',
        `${admin.email} already has ${active} active tokens (at most ${MAX_ACTIVE_TOKENS}): revoke unused ones first (control-plane admin token list --email ${admin.email}, then admin token revoke ID)`,
        { email: admin.email },
      );
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: ApiTokenRecord = {
      id: randomUUID(),
      hash: tokenHash(token),
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    admin.tokens.push(record);
    await this.doc.write();
    this.index();
    return { token, summary: summaryOf(admin, record, now) };
  }

  /** Every token (or one admin's), newest first; revoked and expired ones stay listed for 90 days. */
  listTokens(filter: { email?: string | undefined }, now: Date): TokenSummary[] {
    const admins = filter.email === undefined ? this.doc.data.admins : [this.byEmail(filter.email)];
    return admins.flatMap((a) => a.tokens.map((t) => summaryOf(a, t, now))).sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  }

  /**
   * Revokes one token at once (the next request with it is refused). `ownerId` limits it to that
   * admin's own tokens: someone else's is answered "does not exist", as an unknown id is.
   * Revoking a revoked token changes nothing.
   */
  async revokeToken(id: string, now: Date, ownerId?: string): Promise<TokenSummary> {
    const admin = this.doc.data.admins.find((a) => (ownerId === undefined || a.id === ownerId) && a.tokens.some((t) => t.id === id));
    const token = admin?.tokens.find((t) => t.id === id);
    if (!admin || !token) throw new NotFoundError('API token', id);
    if (!token.revokedAt) {
      token.revokedAt = now.toISOString();
      await this.doc.write();
    }
    return summaryOf(admin, token, now);
  }

  /**
   * The admin a Bearer token belongs to, or undefined for a token this control plane never issued.
   * A token it did issue but that no longer works gets its own code, so a script's owner knows to
   * make a new one rather than suspect the network.
   */
  async authenticateToken(token: string, now: Date): Promise<AdminIdentity | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const found = this.byTokenHash.get(tokenHash(token));
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
    await this.noteUse(record, now);
    return identityOf(admin);
  }

  /** Keeps `lastUsedAt` current in memory, and on disk to the hour: one write per token per hour at most. */
  private async noteUse(token: ApiTokenRecord, now: Date): Promise<void> {
    token.lastUsedAt = now.toISOString();
    if (now.getTime() - (this.persistedUse.get(token.id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.persistedUse.set(token.id, now.getTime());
    // A full disk must not turn a good token into an error: the use is simply recorded later.
    await this.doc.write().catch((err: unknown) => {
      this.persistedUse.delete(token.id);
      this.log.warn({ err, tokenId: token.id }, 'could not record when an API token was last used');
    });
  }

  /** The admin behind a dashboard session, if that session was not ended since (`endSessions`) and the admin is not disabled. */
  sessionIdentity(id: string, epoch: number): AdminIdentity | undefined {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    return admin && !admin.disabledAt && admin.sessionEpoch === epoch ? identityOf(admin) : undefined;
  }

  sessionEpoch(id: string): number {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    if (!admin) throw new NotFoundError('admin', id);
    return admin.sessionEpoch;
  }

  /**
   * The admin's record, for domain/adminSecondFactor.ts only (which keeps its part of it): read it,
   * or change it with `fn` and write the file before resolving (unless `changed` says `fn` changed
   * nothing). `fn` runs synchronously, so a check and the change it leads to (a TOTP step marked
   * used) happen with no other request in between.
   */
  recordOf(id: string): Readonly<AdminRecord> {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    if (!admin) throw new NotFoundError('admin', id);
    return admin;
  }

  async changeRecord<T>(id: string, fn: (admin: AdminRecord) => T, changed: (result: T) => boolean = () => true): Promise<T> {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    if (!admin) throw new NotFoundError('admin', id);
    const result = fn(admin);
    if (changed(result)) await this.doc.write();
    return result;
  }

  /** The admin with this email, by id (the CLI names admins by email). */
  idOf(email: string): string {
    return this.byEmail(email).id;
  }

  /** Ends every dashboard session of the admin (logout): cookies carrying the old epoch stop working. */
  async endSessions(id: string): Promise<void> {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    if (!admin) return;
    admin.sessionEpoch += 1;
    await this.doc.write();
  }

  /** Revokes every live token of the admin and ends all their sessions — written by the caller, with its own change. */
  private shutOut(admin: AdminRecord, now: Date): void {
    for (const token of admin.tokens) if (!token.revokedAt) token.revokedAt = now.toISOString();
    admin.sessionEpoch += 1;
  }

  /**
   * Sets a new password (at least 12 characters, not the current one). Every session and token
   * of the admin ends with it: whoever knew the old password, or holds a token made with it, is out.
   */
  async changePassword(email: string, password: string, now: Date): Promise<AdminSummary> {
    const admin = this.byEmail(email);
    if (admin.disabledAt)
      throw new ControlPlaneError('admin_disabled', `${admin.email} is disabled: a password change would not let them back in`);
    AdminDirectory.checkPassword(password);
    if (await verifyPassword(password, admin.passwordHash))
      throw new ControlPlaneError('invalid_input', 'password: must differ from the current password');
    admin.passwordHash = await hashPassword(password);
    admin.passwordChangedAt = now.toISOString();
    this.shutOut(admin, now);
    await this.doc.write();
    this.log.info({ email: admin.email }, 'admin password changed; sessions and tokens ended');
    return this.get(admin.id);
  }

  /**
   * Disables an admin: no login, no session, no token from now on. The last active `admin` cannot
   * be disabled — the control plane would have nobody left to manage it. Disabling a disabled
   * admin changes nothing.
   */
  async disableAdmin(email: string, now: Date): Promise<AdminSummary> {
    const admin = this.byEmail(email);
    if (admin.disabledAt) return this.get(admin.id);
    if (admin.role === 'admin' && !this.doc.data.admins.some((a) => a !== admin && a.role === 'admin' && !a.disabledAt)) {
      throw new ControlPlaneError(
        'last_admin',
        `${admin.email} is the last active admin: create another one first (control-plane admin create --email E --role admin)`,
        { email: admin.email },
      );
    }
    admin.disabledAt = now.toISOString();
    this.shutOut(admin, now);
    await this.doc.write();
    this.log.info({ email: admin.email }, 'admin disabled; sessions and tokens ended');
    return this.get(admin.id);
  }

  /**
   * Checks an email and password (for the dashboard's login). A disabled admin with the right
   * password is told so (`admin_disabled`) rather than "wrong password": only someone who knows
   * the password learns it, and they are spared guessing.
   */
  async authenticatePassword(email: string, password: string): Promise<AdminIdentity | undefined> {
    const admin = this.find(email);
    if (!admin) return undefined;
    if (!(await verifyPassword(password, admin.passwordHash))) return undefined;
    if (admin.disabledAt) throw new ControlPlaneError('admin_disabled', `${admin.email} is disabled: ask another admin`);
    return identityOf(admin);
  }
}
