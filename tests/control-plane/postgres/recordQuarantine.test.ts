/**
 * The record quarantine is the files' (domain/quarantine.ts): on PostgreSQL nothing is moved
 * aside — a row that does not fit its schema is refused where it is read, with
 * `database_record_invalid` naming the table and the row's key, answered as a 500 with that
 * message — and the control plane passes `NO_RECORD_QUARANTINE`, which lists nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { StorageError } from '@iamanager/kernel/storage';
import { errorMiddleware, listen } from '@iamanager/kernel/http';
import { createLogger } from '@iamanager/kernel/log';
import { DataDirQuarantine, NO_RECORD_QUARANTINE, quarantineAlerts } from '../../../control-plane/src/domain/quarantine.js';
import { CONTROL_PLANE_STATUS } from '../../../control-plane/src/errorStatus.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresCabinetStore } from '../../../control-plane/src/storage/postgres/cabinetStore.js';
import { PostgresPlanStore } from '../../../control-plane/src/storage/postgres/planStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { Database } from '../../../control-plane/src/storage/postgres/pool.js';
import { planRecordSchema } from '../../../control-plane/src/storage/records.js';
import { tempDir } from '../../support/controlPlane.js';
import { usePostgres } from '../../support/postgresPools.js';
import { applianceRecord, cabinetRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();

const plan = planRecordSchema.parse({
  id: 'premium-plus',
  name: 'Premium Plus',
  priceCents: 39_900,
  limits: { maxUsers: 15, maxCases: 5000, maxAnalysesMonthly: 1000 },
  aiModel: 'ceseda-pro-v1',
  advancedFeatures: true,
  overage: { allowed: true, pricePerAnalysisCents: 50 },
  builtIn: false,
  createdAt: '2026-03-01T09:00:00.000Z',
});

async function database(): Promise<Database> {
  const db = pg.pool(await pg.cluster.createDatabase('rows'), 3);
  await migrate(db);
  await new PostgresPlanStore(db).create(plan);
  await new PostgresCabinetStore(db).create(cabinetRecord('dupont', 'code-dupont'));
  await new PostgresApplianceStore(db).create(applianceRecord('app-dupont', 'dupont'));
  return db;
}

describe('PostgreSQL: a row that does not fit its schema', () => {
  it('is refused with database_record_invalid naming its table and key, by every read of it', async () => {
    const db = await database();
    await db.query(`UPDATE plans SET record = jsonb_set(record, '{priceCents}', '"free"') WHERE id = 'premium-plus'`);
    await db.query(`UPDATE appliances SET record = record - 'license' WHERE id = 'app-dupont'`);
    await db.query(`UPDATE cabinets SET record = jsonb_set(record, '{name}', '42') WHERE id = 'dupont'`);
    const plans = new PostgresPlanStore(db);
    const invalid = (table: string, key: string, field: string) => ({
      code: 'database_record_invalid',
      message: expect.stringMatching(
        new RegExp(`^the database's ${table} row ${key} does not fit this version's format \\(${field}: .+\\): repair or restore that row`),
      ) as unknown,
    });
    await expect(plans.get('premium-plus')).rejects.toMatchObject(invalid('plans', 'premium-plus', 'priceCents'));
    await expect(plans.list()).rejects.toMatchObject(invalid('plans', 'premium-plus', 'priceCents'));
    const appliances = new PostgresApplianceStore(db);
    await expect(appliances.get('app-dupont')).rejects.toMatchObject(invalid('appliances', 'app-dupont', 'license'));
    await expect(appliances.list()).rejects.toMatchObject(invalid('appliances', 'app-dupont', 'license'));
    // A change reads the row under its lock first: refused the same way, nothing written.
    await expect(appliances.update('app-dupont', (a) => void (a.lastSeq = 9))).rejects.toMatchObject(
      invalid('appliances', 'app-dupont', 'license'),
    );
    await expect(new PostgresCabinetStore(db).get('dupont')).rejects.toMatchObject(invalid('cabinets', 'dupont', 'name'));
    const { rows } = await db.query<{ seq: number }>(`SELECT last_seq AS seq FROM appliances WHERE id = 'app-dupont'`);
    expect(Number(rows[0]!.seq)).toBe(0);
  });

  it('is answered 500 with its code and message, not as a bare internal error', async () => {
    const db = await database();
    await db.query(`UPDATE plans SET record = record - 'name' WHERE id = 'premium-plus'`);
    const app = new Koa();
    app.use(errorMiddleware(CONTROL_PLANE_STATUS, log));
    app.use(async (ctx) => {
      ctx.body = await new PostgresPlanStore(db).get('premium-plus');
    });
    const server = await listen(app, 0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        ok: false,
        error: 'database_record_invalid',
        message: expect.stringContaining("the database's plans row premium-plus does not fit this version's format (name: ") as unknown,
      });
    } finally {
      await server.close();
    }
  });
});

describe('the record quarantine', () => {
  it('without a DATA_DIR lists nothing, and a file handed to it keeps its read error', async () => {
    expect(NO_RECORD_QUARANTINE.list()).toEqual([]);
    expect(quarantineAlerts(NO_RECORD_QUARANTINE)).toEqual([]);
    const err = new StorageError('storage_corrupt', 'cabinets/x.json: not JSON');
    await expect(NO_RECORD_QUARANTINE.take('cabinets/x.json', err)).rejects.toBe(err);
  });

  it('in DATA_DIR moves the file aside and lists it as a critical alert, also after a restart', async () => {
    const dir = tempDir('cp-quarantine-');
    fs.mkdirSync(path.join(dir, 'cabinets'));
    const file = path.join(dir, 'cabinets', 'padded.json');
    fs.writeFileSync(file, '{');
    const clock = () => new Date('2026-03-02T09:00:00.000Z');
    const quarantine = await DataDirQuarantine.open(dir, clock, log);
    await quarantine.take(file, new StorageError('storage_corrupt', 'cabinets/padded.json: not JSON'));
    expect(fs.existsSync(file)).toBe(false);
    const [listed] = quarantine.list();
    expect(listed).toMatchObject({ file: 'cabinets/padded.json' });
    expect(fs.existsSync(path.join(dir, listed!.movedTo))).toBe(true);
    expect(quarantineAlerts(quarantine)).toMatchObject([{ file: 'cabinets/padded.json', level: 'critical', code: 'record_quarantined' }]);
    expect((await DataDirQuarantine.open(dir, clock, log)).list()).toEqual(quarantine.list());
  });
});
