/**
 * Cabinets in PostgreSQL: the cabinet row (its record as jsonb, less the plan history and the
 * enrollment codes), `cabinet_plan_history` (append-only, one row per entry) and
 * `enrollment_codes` (one row per code, claimed once by a conditional update). The store puts the
 * three back together into the record the domain knows (storage/records.ts CabinetRecord).
 */
import { NotFoundError } from '@iamanager/protocol';
import type pg from 'pg';
import { ControlPlaneError } from '../../errors.js';
import {
  cabinetRecordSchema,
  type ApplianceRecord,
  type CabinetRecord,
  type EnrollmentCodeRecord,
  type PlanHistoryEntry,
} from '../records.js';
import type { CabinetStore } from '../stores.js';
import { APPLIANCE_COLUMNS, applianceFromRow, applianceValues, saveAppliance } from './applianceStore.js';
import type { Database } from './pool.js';
import { rowRecord } from './rowCheck.js';
import { isUniqueViolation } from './sqlErrors.js';

/** A pooled client in a transaction, or the pool itself: what reads and writes take. */
interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

interface CodeRow {
  hash: string;
  cabinet_id: string;
  issued_at: Date;
  expires_at: Date;
  used_at: Date | null;
  appliance_id: string | null;
  superseded_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function codeFromRow(row: CodeRow): EnrollmentCodeRecord {
  return {
    hash: row.hash,
    issuedAt: row.issued_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    usedAt: iso(row.used_at),
    applianceId: row.appliance_id,
    supersededAt: iso(row.superseded_at),
  };
}

/** Reads cabinets (all, or those `ids`) with their history and codes, `FOR UPDATE` when asked. */
async function load(db: Queryable, ids: string[] | undefined, lock = false): Promise<CabinetRecord[]> {
  const where = ids ? 'WHERE id = ANY($1)' : '';
  const args = ids ? [ids] : [];
  const cabinets = await db.query<{ id: string; record: Record<string, unknown> }>(
    `SELECT id, record FROM cabinets ${where} ORDER BY id ${lock ? 'FOR UPDATE' : ''}`,
    args,
  );
  const history = await db.query<{ cabinet_id: string; record: PlanHistoryEntry }>(
    `SELECT cabinet_id, record FROM cabinet_plan_history ${ids ? 'WHERE cabinet_id = ANY($1)' : ''} ORDER BY cabinet_id, position`,
    args,
  );
  // In the order they were issued, as the files keep them (the domain takes the last as the
  // latest): two codes issued in the same millisecond — a cabinet created, then a code asked for at
  // once — come superseded or used first, the live one last.
  const codes = await db.query<CodeRow>(
    `SELECT * FROM enrollment_codes ${ids ? 'WHERE cabinet_id = ANY($1)' : ''}
     ORDER BY cabinet_id, issued_at, COALESCE(superseded_at, used_at) NULLS LAST, hash`,
    args,
  );
  // Grouped once, in the queries' order: a filter per cabinet was quadratic (10 000 cabinets: 10^8
  // comparisons, most of a fleet page's second on PostgreSQL).
  const historyOf = groupBy(history.rows, (h) => h.cabinet_id);
  const codesOf = groupBy(codes.rows, (c) => c.cabinet_id);
  return cabinets.rows.map((row) =>
    rowRecord(cabinetRecordSchema, 'cabinets', row.id, {
      ...row.record,
      planHistory: (historyOf.get(row.id) ?? []).map((h) => h.record),
      enrollmentCodes: (codesOf.get(row.id) ?? []).map(codeFromRow),
    }),
  );
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/** The cabinet row's jsonb: the record less what has its own table. */
function cabinetRow(record: CabinetRecord): string {
  const { planHistory: _history, enrollmentCodes: _codes, ...rest } = record;
  return JSON.stringify(rest);
}

async function writeCodes(db: Queryable, cabinetId: string, codes: readonly EnrollmentCodeRecord[]): Promise<void> {
  for (const c of codes) {
    await db.query(
      `INSERT INTO enrollment_codes (hash, cabinet_id, issued_at, expires_at, used_at, appliance_id, superseded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (hash) DO UPDATE SET superseded_at = EXCLUDED.superseded_at WHERE enrollment_codes.cabinet_id = EXCLUDED.cabinet_id`,
      [c.hash, cabinetId, c.issuedAt, c.expiresAt, c.usedAt, c.applianceId, c.supersededAt],
    );
  }
}

async function appendHistory(db: Queryable, cabinetId: string, entries: readonly PlanHistoryEntry[], from: number): Promise<void> {
  for (let i = from; i < entries.length; i++) {
    await db.query('INSERT INTO cabinet_plan_history (cabinet_id, position, effective_at, record) VALUES ($1, $2, $3, $4)', [
      cabinetId,
      i,
      entries[i]!.effectiveAt,
      JSON.stringify(entries[i]),
    ]);
  }
}

async function saveCabinet(db: Queryable, record: CabinetRecord): Promise<void> {
  await db.query('UPDATE cabinets SET status = $2, license_revision = $3, appliance_id = $4, record = $5 WHERE id = $1', [
    record.id,
    record.status,
    record.licenseRevision,
    record.applianceId,
    cabinetRow(record),
  ]);
}

/**
 * What the three tables a listing reads hold, in one value: every row's key and `xmin` (the
 * transaction that last wrote it, moved by every INSERT and UPDATE whichever node or tool makes
 * it), digested per table. Any row written, added or deleted since changes it; reading it costs
 * PostgreSQL a scan of the keys and sends back one row, where the listing sends every record.
 */
const LISTING_FINGERPRINT = `SELECT
  (SELECT md5(coalesce(string_agg(id || ':' || xmin::text, ',' ORDER BY id COLLATE "C"), '')) FROM cabinets)
  || (SELECT md5(coalesce(string_agg(cabinet_id || ':' || position || ':' || xmin::text, ',' ORDER BY cabinet_id COLLATE "C", position), ''))
        FROM cabinet_plan_history)
  || (SELECT md5(coalesce(string_agg(hash || ':' || xmin::text, ',' ORDER BY hash COLLATE "C"), '')) FROM enrollment_codes)
  AS fingerprint`;

export class PostgresCabinetStore implements CabinetStore {
  /**
   * This node's last listing with the fingerprint read before it: cabinets change rarely (an
   * admin's edit, an enrollment), and the fleet reads all of them on every page — at 10 000,
   * fetching and checking every record against the schema was a good part of the page's second
   * (docs/performance.md, "Control plane on PostgreSQL"). The fingerprint is read before the
   * listing, so a write between the two leaves a listing newer than its fingerprint, read again
   * next time, never an older one kept.
   */
  private listed: { fingerprint: string; cabinets: readonly CabinetRecord[] } | undefined;

  constructor(private readonly db: Database) {}

  async get(id: string): Promise<CabinetRecord | undefined> {
    return (await load(this.db, [id]))[0];
  }

  peek(id: string): Promise<Readonly<CabinetRecord> | undefined> {
    return this.get(id);
  }

  /** Copies, as the embedded store gives them: the callers may change what they are given. */
  async list(): Promise<CabinetRecord[]> {
    const { rows } = await this.db.query<{ fingerprint: string }>(LISTING_FINGERPRINT);
    const fingerprint = rows[0]!.fingerprint;
    if (this.listed?.fingerprint !== fingerprint) this.listed = { fingerprint, cabinets: await load(this.db, undefined) };
    return structuredClone(this.listed.cabinets) as CabinetRecord[];
  }

  create(record: CabinetRecord): Promise<void> {
    const valid = cabinetRecordSchema.parse(record);
    return this.db.transaction(async (client) => {
      try {
        await client.query('INSERT INTO cabinets (id, status, license_revision, appliance_id, record) VALUES ($1, $2, $3, $4, $5)', [
          valid.id,
          valid.status,
          valid.licenseRevision,
          valid.applianceId,
          cabinetRow(valid),
        ]);
      } catch (err) {
        if (isUniqueViolation(err, 'cabinets_pkey'))
          throw new ControlPlaneError('already_exists', `cabinet "${valid.id}" already exists: choose another id`, { id: valid.id });
        throw err;
      }
      await appendHistory(client, valid.id, valid.planHistory, 0);
      await writeCodes(client, valid.id, valid.enrollmentCodes);
    });
  }

  update(id: string, change: (cabinet: CabinetRecord) => void): Promise<CabinetRecord> {
    return this.db.transaction(async (client) => {
      const [cabinet] = await load(client, [id], true);
      if (!cabinet) throw new NotFoundError('cabinet', id);
      const historyBefore = cabinet.planHistory.length;
      change(cabinet);
      const valid = cabinetRecordSchema.parse(cabinet);
      if (valid.planHistory.length < historyBefore) {
        throw new Error(
          `cabinet store: the plan history of ${id} only grows (it had ${historyBefore} entries, the change left ${valid.planHistory.length})`,
        );
      }
      await saveCabinet(client, valid);
      await appendHistory(client, id, valid.planHistory, historyBefore);
      await writeCodes(client, id, valid.enrollmentCodes);
      return valid;
    });
  }

  enroll(
    codeHash: string,
    now: Date,
    applianceIdFor: (cabinetId: string) => string,
    build: (cabinet: CabinetRecord, applianceId: string) => Promise<ApplianceRecord>,
  ): Promise<{ cabinet: CabinetRecord; appliance: ApplianceRecord }> {
    return this.db.transaction(async (client) => {
      const found = await client.query<CodeRow>('SELECT * FROM enrollment_codes WHERE hash = $1', [codeHash]);
      if (!found.rows[0]) {
        throw new ControlPlaneError(
          'invalid_enrollment_code',
          'this enrollment code is unknown: check it, or ask your vendor for a new one',
        );
      }
      // The cabinet is locked first: its enrollments (and changes) go one after the other.
      const [cabinet] = await load(client, [found.rows[0].cabinet_id], true);
      if (!cabinet) throw new NotFoundError('cabinet', found.rows[0].cabinet_id);
      const applianceId = applianceIdFor(cabinet.id);
      // The claim: one conditional update, so a code is used once whatever ran at the same time.
      const claimed = await client.query<CodeRow>(
        `UPDATE enrollment_codes SET used_at = $2, appliance_id = $3
         WHERE hash = $1 AND used_at IS NULL AND superseded_at IS NULL AND expires_at > $2 RETURNING *`,
        [codeHash, now, applianceId],
      );
      if (!claimed.rows[0])
        throw refusal(codeFromRow((await client.query<CodeRow>('SELECT * FROM enrollment_codes WHERE hash = $1', [codeHash])).rows[0]!));
      if (cabinet.status !== 'active') {
        throw new ControlPlaneError('cabinet_not_active', `cabinet "${cabinet.id}" is ${cabinet.status}: contact your vendor`);
      }
      const appliance = await build(cabinet, applianceId);
      await client.query(`INSERT INTO appliances (${APPLIANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, applianceValues(appliance));
      const previous = cabinet.applianceId;
      if (previous && previous !== applianceId) {
        const { rows } = await client.query<{ record: unknown }>('SELECT record FROM appliances WHERE id = $1 FOR UPDATE', [previous]);
        const old = rows[0] && applianceFromRow(rows[0]);
        if (old && !old.revokedAt) {
          old.revokedAt = now.toISOString();
          await saveAppliance(client, old);
        }
      }
      cabinet.applianceId = applianceId;
      const code = cabinet.enrollmentCodes.find((c) => c.hash === codeHash)!;
      code.usedAt = now.toISOString();
      code.applianceId = applianceId;
      await saveCabinet(client, cabinet);
      return { cabinet, appliance };
    });
  }
}

/** Why a code that exists could not be claimed (read after the failed claim, so what won is seen). */
function refusal(code: EnrollmentCodeRecord): ControlPlaneError {
  if (code.usedAt)
    return new ControlPlaneError('enrollment_code_used', 'this enrollment code was already used: ask your vendor for a new one');
  if (code.supersededAt)
    return new ControlPlaneError(
      'enrollment_code_used',
      'this enrollment code was replaced by a newer one: use the latest code your vendor gave you',
    );
  return new ControlPlaneError(
    'enrollment_code_expired',
    `this enrollment code expired on ${code.expiresAt}: ask your vendor for a new one`,
  );
}
