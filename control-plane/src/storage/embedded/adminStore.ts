/**
 * The admin store over today's files: DATA_DIR/admins.json (every admin with its tokens) and
 * DATA_DIR/dashboard-session.json (the dashboard's session secret), both mode 0600 through the
 * kernel's durable documents — the same files in the same format as before the seam, so an existing
 * DATA_DIR keeps working.
 *
 * One process owns a DATA_DIR (its lock), so this store may keep the file in memory and index it:
 * a Bearer token is found by its hash with one map lookup, as every vendor-API request needs.
 * Records are replaced whole on each change (copy on write) and frozen: what a caller read is a
 * snapshot that neither it nor a later change can alter, as a row read from PostgreSQL is.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { NotFoundError } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import { ControlPlaneError } from '../../errors.js';
import { adminRecordSchema, adminsFileSchema, type AdminRecord, type AdminsFile, type ApiTokenRecord } from '../records.js';
import type { AdminStore } from '../stores.js';

export const ADMINS_FILE = 'admins.json';
export const SESSION_SECRET_FILE = 'dashboard-session.json';

const sessionSecretSchema = z.object({ secret: z.string().min(32), createdAt: z.string() });
type SessionSecretFile = z.infer<typeof sessionSecretSchema> | { secret: null; createdAt: null };

interface Index {
  /** The array the index was built from: a change or a rolled-back write replaces it, and the index with it. */
  admins: readonly AdminRecord[];
  byId: Map<string, AdminRecord>;
  byEmail: Map<string, AdminRecord>;
  byTokenHash: Map<string, { admin: AdminRecord; token: ApiTokenRecord }>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const emailKey = (email: string): string => email.trim().toLowerCase();

function alreadyExists(email: string): ControlPlaneError {
  return new ControlPlaneError('already_exists', `an admin with email ${email} already exists`, { email });
}

export class EmbeddedAdminStore implements AdminStore {
  private indexed: Index | undefined;
  /** Opened by the first `sessionSecret` call only: the CLI never reads the secret. */
  private secret: Promise<string> | undefined;

  private constructor(
    private readonly doc: Document<AdminsFile>,
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  static async open(dataDir: string, log: Logger): Promise<EmbeddedAdminStore> {
    const doc = await openDocument<AdminsFile>(
      path.join(dataDir, ADMINS_FILE),
      { admins: [] },
      { schema: adminsFileSchema, log, mode: 0o600 },
    );
    return new EmbeddedAdminStore(doc, dataDir, log);
  }

  /** The index of the admins as they are now, rebuilt when the array changed (a change, or a write rolled back). */
  private view(): Index {
    const admins = this.doc.data.admins;
    if (this.indexed?.admins === admins) return this.indexed;
    const index: Index = { admins, byId: new Map(), byEmail: new Map(), byTokenHash: new Map() };
    for (const admin of admins) {
      deepFreeze(admin);
      index.byId.set(admin.id, admin);
      index.byEmail.set(emailKey(admin.email), admin);
      for (const token of admin.tokens) index.byTokenHash.set(token.hash, { admin, token });
    }
    this.indexed = index;
    return index;
  }

  list(): Promise<AdminRecord[]> {
    return Promise.resolve([...this.view().admins]);
  }

  get(id: string): Promise<AdminRecord | undefined> {
    return Promise.resolve(this.view().byId.get(id));
  }

  findByEmail(email: string): Promise<AdminRecord | undefined> {
    return Promise.resolve(this.view().byEmail.get(emailKey(email)));
  }

  findByTokenHash(hash: string): Promise<{ admin: AdminRecord; token: ApiTokenRecord } | undefined> {
    return Promise.resolve(this.view().byTokenHash.get(hash));
  }

  async create(admin: AdminRecord): Promise<void> {
    const valid = adminRecordSchema.parse(structuredClone(admin));
    const index = this.view();
    if (index.byEmail.has(emailKey(valid.email))) throw alreadyExists(valid.email);
    if (index.byId.has(valid.id))
      throw new ControlPlaneError('already_exists', `an admin with id ${valid.id} already exists`, { id: valid.id });
    this.doc.data.admins = [...index.admins, valid];
    await this.doc.write();
  }

  update(id: string, change: (admin: AdminRecord) => void): Promise<AdminRecord> {
    return this.updateWithOthers(id, change);
  }

  async updateWithOthers(id: string, change: (admin: AdminRecord, others: readonly AdminRecord[]) => void): Promise<AdminRecord> {
    const index = this.view();
    const current = index.byId.get(id);
    if (!current) throw new NotFoundError('admin', id);
    // `change` runs synchronously on a private copy of the latest record: nothing else runs in
    // between on this event loop, which is this store's lock — over every admin at once.
    const draft = structuredClone(current) as AdminRecord;
    change(
      draft,
      index.admins.filter((a) => a.id !== id),
    );
    const next = adminRecordSchema.parse(draft);
    // A change that changed nothing (a code refused, a use already recorded this hour) costs no write.
    if (isDeepStrictEqual(next, current)) return current;
    const holder = index.byEmail.get(emailKey(next.email));
    if (holder && holder.id !== id) throw alreadyExists(next.email);
    this.doc.data.admins = index.admins.map((a) => (a.id === id ? next : a));
    await this.doc.write();
    return deepFreeze(next);
  }

  /** The session secret as dashboard-session.json holds it, without making one (`db import`). */
  async storedSessionSecret(): Promise<{ secret: string; createdAt: string } | undefined> {
    const doc = await openDocument<SessionSecretFile>(
      path.join(this.dataDir, SESSION_SECRET_FILE),
      { secret: null, createdAt: null },
      { schema: sessionSecretSchema as z.ZodType<SessionSecretFile>, log: this.log, mode: 0o600 },
    );
    return doc.data.secret ? { secret: doc.data.secret, createdAt: doc.data.createdAt } : undefined;
  }

  sessionSecret(generate: () => string, now: Date): Promise<string> {
    // One document per process: two first requests at once must not each generate a secret.
    this.secret ??= this.loadSessionSecret(generate, now).catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }

  private async loadSessionSecret(generate: () => string, now: Date): Promise<string> {
    const doc = await openDocument<SessionSecretFile>(
      path.join(this.dataDir, SESSION_SECRET_FILE),
      { secret: null, createdAt: null },
      { schema: sessionSecretSchema as z.ZodType<SessionSecretFile>, log: this.log, mode: 0o600 },
    );
    if (doc.data.secret) return doc.data.secret;
    const secret = generate();
    doc.data = { secret, createdAt: now.toISOString() };
    await doc.write();
    this.log.info('dashboard session secret generated');
    return secret;
  }
}
