/**
 * Vendor admins: people who run the control plane. Passwords are scrypt-hashed; API tokens are
 * random and only their SHA-256 is stored, so a copy of DATA_DIR yields no usable token.
 * Roles: `admin` changes everything, `billing` reads and sees money, `support` only reads.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { ConflictError, DomainError, NotFoundError } from '@iamanager/protocol';
import { openDocument, type Document } from '@iamanager/protocol/storage';
import type { Logger } from '@iamanager/protocol/log';
import { adminsFileSchema, type AdminRecord, type AdminRole, type AdminsFile } from '../storage/records.js';
import { hashPassword, verifyPassword } from '@iamanager/protocol';

export const MIN_PASSWORD_LENGTH = 12;
const TOKEN_PREFIX = 'cpat_';

/** Who is acting: what the auth middleware puts on the request, whatever proved it. */
export interface AdminIdentity {
  id: string;
  email: string;
  role: AdminRole;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function identityOf(admin: AdminRecord): AdminIdentity {
  return { id: admin.id, email: admin.email, role: admin.role };
}

export class AdminDirectory {
  private byTokenHash = new Map<string, string>();

  private constructor(private readonly doc: Document<AdminsFile>) {
    this.index();
  }

  static async open(dataDir: string, log: Logger): Promise<AdminDirectory> {
    const doc = await openDocument<AdminsFile>(path.join(dataDir, 'admins.json'), { admins: [] }, { schema: adminsFileSchema, log, mode: 0o600 });
    return new AdminDirectory(doc);
  }

  private index(): void {
    this.byTokenHash = new Map(this.doc.data.admins.flatMap((a) => a.tokens.map((t) => [t.hash, a.id] as const)));
  }

  list(): AdminIdentity[] {
    return this.doc.data.admins.map(identityOf);
  }

  private find(email: string): AdminRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return this.doc.data.admins.find((a) => a.email === wanted);
  }

  /** Creates a vendor admin; the password must be at least 12 characters. */
  async createAdmin(input: { email: string; role: AdminRole; password: string }, now: Date): Promise<AdminIdentity> {
    const email = input.email.trim().toLowerCase();
    if (this.find(email)) throw new ConflictError('already_exists', `an admin with email ${email} already exists`, { email });
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new DomainError('invalid_input', `password: must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const admin: AdminRecord = { id: randomUUID(), email, role: input.role, passwordHash: await hashPassword(input.password), createdAt: now.toISOString(), tokens: [], sessionEpoch: 0 };
    this.doc.data.admins.push(admin);
    await this.doc.write();
    return identityOf(admin);
  }

  /** Issues a new Bearer API token for the admin; the token itself is shown once and never stored. */
  async createApiToken(email: string, now: Date): Promise<{ token: string; admin: AdminIdentity }> {
    const admin = this.find(email);
    if (!admin) throw new NotFoundError('admin', email);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    admin.tokens.push({ id: randomUUID(), hash: tokenHash(token), createdAt: now.toISOString() });
    await this.doc.write();
    this.index();
    return { token, admin: identityOf(admin) };
  }

  /** The admin a Bearer token belongs to, or undefined. */
  authenticateToken(token: string): AdminIdentity | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const id = this.byTokenHash.get(tokenHash(token));
    const admin = id && this.doc.data.admins.find((a) => a.id === id);
    return admin ? identityOf(admin) : undefined;
  }

  /** The admin behind a dashboard session, if that session was not ended since (`endSessions`). */
  sessionIdentity(id: string, epoch: number): AdminIdentity | undefined {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    return admin && admin.sessionEpoch === epoch ? identityOf(admin) : undefined;
  }

  sessionEpoch(id: string): number {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    if (!admin) throw new NotFoundError('admin', id);
    return admin.sessionEpoch;
  }

  /** Ends every dashboard session of the admin (logout): cookies carrying the old epoch stop working. */
  async endSessions(id: string): Promise<void> {
    const admin = this.doc.data.admins.find((a) => a.id === id);
    if (!admin) return;
    admin.sessionEpoch += 1;
    await this.doc.write();
  }

  /** Checks an email and password (for the dashboard's login). */
  async authenticatePassword(email: string, password: string): Promise<AdminIdentity | undefined> {
    const admin = this.find(email);
    if (!admin) return undefined;
    return (await verifyPassword(password, admin.passwordHash)) ? identityOf(admin) : undefined;
  }
}
