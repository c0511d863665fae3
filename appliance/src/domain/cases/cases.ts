/**
 * Case files: create (within the license's MAX_CASES, which counts open cases), read, edit,
 * archive and unarchive, with a history of changes on the case and every access and change in the
 * audit trail. Editing, archiving and reading never depend on the license: a limit or an expired
 * license refuses only new cases.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NotFoundError } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { DocumentCollection, type Document } from '@iamanager/kernel/storage';
import type { AuditLog } from '../audit/auditLog.js';
import type { LicenseStore } from '../license/licenseStore.js';
import { planAllowingMore } from '../license/planLadder.js';
import type { Users } from '../users/users.js';
import { CaseIndex, type CaseQuery } from './caseIndex.js';
import { caseRecordSchema, type CasePatch, type CaseRecord, type NewCase } from './caseSchema.js';
import { ApplianceError } from '../../errors.js';
import { assertCoherentCase, fieldChanges } from './caseChanges.js';

/** A sub-object without the keys an edit cleared (an optional field emptied is removed, not kept as undefined). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
import { assertNotLikelyDuplicate } from './duplicates.js';

export interface Actor {
  id: string;
  email: string;
}

export class Cases {
  readonly index = new CaseIndex();
  private referenceSeq = new Map<string, number>();
  /** Cases being written: they count against MAX_CASES already, so concurrent creations cannot overshoot it. */
  private creating = 0;

  private constructor(
    private readonly files: DocumentCollection<CaseRecord>,
    private readonly license: LicenseStore,
    private readonly users: Users,
    readonly audit: AuditLog,
    private readonly clock: () => Date,
    private readonly onAuditFailure: (err: unknown) => void,
  ) {
    for (const record of files.values()) this.indexRecord(record);
  }

  static async open(
    dataDir: string,
    deps: { license: LicenseStore; users: Users; audit: AuditLog; clock: () => Date; log: Logger },
  ): Promise<Cases> {
    const files = await DocumentCollection.open<CaseRecord>(path.join(dataDir, 'cases'), {
      schema: caseRecordSchema as never,
      log: deps.log,
      mode: 0o640,
    });
    return new Cases(files, deps.license, deps.users, deps.audit, deps.clock, (err) =>
      deps.log.error({ err }, 'audit: an access could not be logged'),
    );
  }

  private indexRecord(record: CaseRecord): void {
    this.index.put(record);
    const m = /^D-(\d{4})-(\d+)$/.exec(record.reference);
    if (m) this.referenceSeq.set(m[1]!, Math.max(this.referenceSeq.get(m[1]!) ?? 0, Number(m[2])));
  }

  openCount(): number {
    return this.index.openCount();
  }

  private doc(id: string): Document<CaseRecord> {
    const doc = /^[0-9a-f-]{36}$/.test(id) ? this.files.get(id) : undefined;
    if (!doc) throw new NotFoundError('case', id);
    return doc;
  }

  private assertRoomForOpenCase(): void {
    const limits = this.license.assertCanCreate('case');
    if (this.openCount() + this.creating >= limits.maxCases) {
      const better = planAllowingMore('maxCases', limits.maxCases, limits.plan);
      throw new ApplianceError(
        'plan_limit',
        `the ${limits.plan} plan allows ${limits.maxCases} open cases and all are in use${better ? `: the ${better.name} plan allows ${better.maxCases}` : ''}. Archive closed cases or ask your vendor to change plan`,
        { limit: 'maxCases', value: limits.maxCases, upgradePlan: better?.name ?? null },
      );
    }
  }

  private assertUser(id: string | null | undefined): void {
    if (id && !this.users.byId(id)) throw new ApplianceError('invalid_input', `assignedTo: no user ${id} in this cabinet`);
  }

  /**
   * The backup lawyer receives escalations (docs/reminders.md): someone who can act on the case,
   * so an active user who is not the secretariat.
   */
  private assertBackup(id: string | null | undefined): void {
    if (!id) return;
    const u = this.users.byId(id);
    if (!u || !u.active || u.role === 'secretariat')
      throw new ApplianceError(
        'invalid_input',
        `backupAssignedTo: ${u ? `${u.email} is ${u.active ? 'in the secretariat' : 'disabled'}` : `no user ${id} in this cabinet`}; choose an active lawyer or administrator`,
      );
  }

  /** `data` was parsed at the edge with `newCaseSchema` (the API's body, the page's form). */
  async createCase(data: NewCase, actor: Actor): Promise<CaseRecord> {
    this.assertRoomForOpenCase();
    this.assertUser(data.assignedTo);
    // After the license's checks: a refused creation says why it is refused, not that it may be a duplicate.
    assertNotLikelyDuplicate(this.index, data.client, data.confirmDuplicate === true);
    this.assertBackup(data.backupAssignedTo);
    const now = this.clock();
    const year = String(now.getUTCFullYear());
    const next = (this.referenceSeq.get(year) ?? 0) + 1;
    const reference = data.reference ?? `D-${year}-${String(next).padStart(4, '0')}`;
    if (!data.reference) this.referenceSeq.set(year, next);
    const at = now.toISOString();
    const record: CaseRecord = {
      id: randomUUID(),
      reference,
      client: data.client,
      procedure: data.procedure,
      decisionNotifiedAt: data.decisionNotifiedAt,
      decision: data.decision ?? {},
      departement: data.departement ?? null,
      status: 'open',
      outcome: null,
      archived: false,
      assignedTo: data.assignedTo ?? null,
      notes: data.notes ?? '',
      facts: data.facts ?? {},
      documents: [],
      analyses: [],
      history: [{ at, by: actor.email, action: 'created' }],
      createdAt: at,
      createdBy: actor.id,
      updatedAt: at,
      backupAssignedTo: data.backupAssignedTo ?? null,
    };
    this.creating++;
    try {
      await this.files.create(record.id, record);
      this.indexRecord(record);
    } finally {
      this.creating--;
    }
    await this.audit.append({ actor: actor.email, action: 'case.create', caseId: record.id });
    return record;
  }

  /**
   * Logs a read. The entry takes its place in the chain at once and is flushed with the next
   * group commit, but the answer does not wait for that fsync: reading must stay fast, and must
   * keep working even when the audit disk fails (the failure is logged and counted).
   */
  private logRead(entry: { actor: string; action: string; caseId?: string; detail?: string }): void {
    this.audit.append(entry).catch((err: unknown) => this.onAuditFailure(err));
  }

  /** Reads a case and logs the access. */
  readCase(id: string, actor: Actor, action = 'case.read'): Promise<CaseRecord> {
    const record = this.doc(id).data;
    this.logRead({ actor: actor.email, action, caseId: id });
    return Promise.resolve(record);
  }

  /**
   * Applies a change parsed at the edge with `casePatchSchema`. The case's history records each
   * field that changed with its former and new value (caseChanges.ts); the audit log, which leaves
   * the appliance in support bundles, records only which fields. A value equal to the stored one is
   * no change. With `expectedUpdatedAt`, a case changed since the editor read it is refused (409).
   */
  async updateCase(id: string, patch: CasePatch, actor: Actor): Promise<CaseRecord> {
    const doc = this.doc(id);
    const record = doc.data;
    const { expectedUpdatedAt, ...change } = patch;
    if (expectedUpdatedAt !== undefined && expectedUpdatedAt !== record.updatedAt) {
      throw new ApplianceError(
        'case_changed',
        `expectedUpdatedAt: the case was changed at ${record.updatedAt}, after you read it (${expectedUpdatedAt}): read it again and redo your change`,
        { updatedAt: record.updatedAt },
      );
    }
    this.assertUser(change.assignedTo);
    this.assertBackup(change.backupAssignedTo);
    const next: CaseRecord = { ...record };
    const keys: string[] = [];
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) continue;
      keys.push(key);
      if (key === 'client') next.client = withoutUndefined({ ...record.client, ...(value as object) }) as CaseRecord['client'];
      else if (key === 'decision') next.decision = withoutUndefined({ ...record.decision, ...(value as object) });
      else (next as unknown as Record<string, unknown>)[key] = value;
    }
    const changes = fieldChanges(record, next, keys);
    if (changes.length === 0) return record;
    // Checked on the whole case before anything is written: a refused edit leaves it as it was.
    assertCoherentCase(next);
    const fields = keys.filter((k) => changes.some((c) => c.field === k || c.field.startsWith(`${k}.`)));
    const at = this.clock().toISOString();
    Object.assign(record, next, { updatedAt: at });
    record.history.push({ at, by: actor.email, action: 'updated', fields, changes });
    await doc.write();
    this.indexRecord(record);
    await this.audit.append({ actor: actor.email, action: 'case.update', caseId: id, detail: fields.join(',') });
    return record;
  }

  async setArchived(id: string, archived: boolean, actor: Actor): Promise<CaseRecord> {
    const doc = this.doc(id);
    if (doc.data.archived === archived) return doc.data;
    // Archiving closes the file: it needs its outcome first (caseChanges.ts).
    if (archived) assertCoherentCase({ ...doc.data, archived });
    // Unarchiving reopens a case: it needs room under MAX_CASES like a new one.
    if (!archived) this.assertRoomForOpenCase();
    const at = this.clock().toISOString();
    doc.data.archived = archived;
    doc.data.updatedAt = at;
    doc.data.history.push({ at, by: actor.email, action: archived ? 'archived' : 'unarchived' });
    await doc.write();
    this.indexRecord(doc.data);
    await this.audit.append({ actor: actor.email, action: archived ? 'case.archive' : 'case.unarchive', caseId: id });
    return doc.data;
  }

  search(query: CaseQuery, actor: Actor): Promise<{ total: number; cases: CaseRecord[] }> {
    const result = this.index.search(query);
    this.logRead({ actor: actor.email, action: 'case.search', detail: `${result.total} results` });
    return Promise.resolve(result);
  }

  /**
   * Runs `change` on the stored case and writes it durably (documents, analyses). `note` goes into
   * the case's history beside the action (e.g. which pièce was deleted), `detail` into the audit.
   */
  async mutate<T>(id: string, actor: Actor, action: string, change: (record: CaseRecord) => T, detail?: string, note?: string): Promise<T> {
    const doc = this.doc(id);
    const result = change(doc.data);
    const at = this.clock().toISOString();
    doc.data.updatedAt = at;
    doc.data.history.push({ at, by: actor.email, action, ...(note ? { note } : {}) });
    await doc.write();
    this.indexRecord(doc.data);
    await this.audit.append({ actor: actor.email, action: `case.${action}`, caseId: id, ...(detail ? { detail } : {}) });
    return result;
  }

  get(id: string): CaseRecord {
    return this.doc(id).data;
  }

  async flushed(): Promise<void> {
    await this.files.flushed();
  }
}
