/**
 * One contract, two implementations (issue 20): cabinets, their plan history and enrollment, driven
 * through the domain (`CabinetRegistry`, `enrollAppliance`) over DATA_DIR's files and over
 * PostgreSQL — the same cases, the same codes and messages. What one instance changes, another
 * sees: a second pool on the same database for PostgreSQL (another node), the files opened again
 * for the embedded store (a restart: one DATA_DIR belongs to one process).
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { createClock } from '../../../control-plane/src/clock.js';
import { ApplianceRegistry } from '../../../control-plane/src/domain/appliances.js';
import { CabinetRegistry } from '../../../control-plane/src/domain/cabinets.js';
import { enrollAppliance, type EnrollmentContext } from '../../../control-plane/src/domain/enrollAppliance.js';
import { PlanCatalog } from '../../../control-plane/src/domain/planCatalog.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import { VendorKeys } from '../../../control-plane/src/domain/vendorKeys.js';
import { EmbeddedApplianceStore } from '../../../control-plane/src/storage/embedded/applianceStore.js';
import { EmbeddedCabinetStore } from '../../../control-plane/src/storage/embedded/cabinetStore.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresCabinetStore } from '../../../control-plane/src/storage/postgres/cabinetStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { ApplianceStore } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { EmbeddedPlanStore } from '../../../control-plane/src/storage/embedded/planStore.js';
import { EmbeddedVendorKeyStore } from '../../../control-plane/src/storage/embedded/vendorKeyStore.js';
import { usePostgres } from '../../support/postgresPools.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();
let plans: PlanCatalog;
let keys: VendorKeys;

// Cabinets are created on 2 March 2026 at 09:00 UTC; their codes are valid 7 days
// (ENROLLMENT_CODE_TTL_DAYS): until 9 March 2026 09:00 UTC, refused from that instant on.
const CREATED = new Date('2026-03-02T09:00:00.000Z');
const DURING = new Date('2026-03-03T10:00:00.000Z');
const EXPIRY = new Date('2026-03-09T09:00:00.000Z');
const BY = 'admin@vendor.example';

beforeAll(async () => {
  const shared = tempDir('cp-cabinet-contract-');
  plans = await PlanCatalog.open(await EmbeddedPlanStore.open(shared, log));
  keys = await VendorKeys.open(await EmbeddedVendorKeyStore.open(shared, log), { clock: () => CREATED, log });
});

/** What one node (or one process) has: the registry, the enrollment context, its appliance store. */
interface Node {
  cabinets: CabinetRegistry;
  appliances: ApplianceStore;
  enroll(code: string, now: Date, name?: string): ReturnType<typeof enrollAppliance>;
}

/** A fresh store: `node` for the first instance, `concurrent` for another at the same time, `reopen` for one opened afterwards. */
interface Fresh {
  node: Node;
  /** Another node on the same database; for the files, the same process (a DATA_DIR has one). */
  concurrent: Node;
  reopen(): Promise<Node>;
}

function nodeOf(cabinets: CabinetRegistry, appliances: ApplianceStore): Node {
  const ctx: EnrollmentContext = {
    config: {
      issuer: 'https://cp.test.example',
      licenseValidityDays: 30,
      licenseGraceDays: 14,
      salesContact: undefined,
      heartbeatIntervalSeconds: 3600,
    },
    plans,
    keys,
    cabinets,
  };
  return {
    cabinets,
    appliances,
    enroll: (code, now, name = 'cabinet-prod') => {
      const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
      return enrollAppliance(
        ctx,
        { code, publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, instanceName: name, version: '1.4.0' },
        now,
      );
    },
  };
}

async function embeddedNode(dir: string): Promise<Node> {
  const quarantine = await RecordQuarantine.open(dir, createClock(0), log);
  const appliances = new EmbeddedApplianceStore(await ApplianceRegistry.open(dir, log, quarantine));
  const store = await EmbeddedCabinetStore.open(dir, appliances, { log, onUnreadable: quarantine.take });
  return nodeOf(new CabinetRegistry(store, plans), appliances);
}

function postgresNode(db: Database): Node {
  return nodeOf(new CabinetRegistry(new PostgresCabinetStore(db), plans), new PostgresApplianceStore(db));
}

const backends: [string, () => Promise<Fresh>][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-cabinets-');
      const node = await embeddedNode(dir);
      return { node, concurrent: node, reopen: () => embeddedNode(dir) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.cluster.createDatabase('cabinets');
      const first = pg.pool(url);
      await migrate(first);
      return { node: postgresNode(first), concurrent: postgresNode(pg.pool(url)), reopen: async () => postgresNode(pg.pool(url)) };
    },
  ],
];

const newCabinet = (id: string, plan = 'starter') => ({ id, name: `Cabinet ${id}`, plan });

/** The claims of a compact JWS (the license), read without verifying: the test checks what was signed for whom. */
function claimsOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe.each(backends)('cabinets and enrollment (%s)', (_name, fresh) => {
  it('creates a cabinet with its first code, refuses a taken id and invalid fields by name, creating nothing', async () => {
    const { node, reopen } = await fresh();
    const { cabinet, enrollmentCode } = await node.cabinets.createCabinet(newCabinet('martin'), BY, CREATED);
    await node.cabinets.createCabinet(newCabinet('dupont', 'professional'), BY, CREATED);
    expect(enrollmentCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(cabinet).toMatchObject({ id: 'martin', status: 'active', licenseRevision: 1, applianceId: null });

    await expect(node.cabinets.createCabinet(newCabinet('martin', 'professional'), BY, CREATED)).rejects.toMatchObject({
      code: 'already_exists',
      message: 'cabinet "martin" already exists: choose another id',
    });
    await expect(node.cabinets.createCabinet(newCabinet('leroy', 'platinum'), BY, CREATED)).rejects.toMatchObject({
      code: 'invalid_input',
      issues: ['plan: unknown plan "platinum": choose one of starter, professional, enterprise'],
    });
    // SIREN 732829320 in the SIRET, 123456789 in the VAT number: two businesses.
    await expect(
      node.cabinets.createCabinet({ ...newCabinet('leroy'), siret: '73282932000074', vatNumber: 'FR32123456789' }, BY, CREATED),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      issues: [expect.stringMatching(/^vatNumber: FR32123456789 is the VAT number of SIREN 123456789/)],
    });

    const other = await reopen();
    expect((await other.cabinets.list()).map((c) => [c.id, c.plan])).toEqual([
      ['dupont', 'professional'],
      ['martin', 'starter'],
    ]);
    expect(await other.cabinets.get('martin')).toEqual(cabinet);
    expect(await other.cabinets.find('leroy')).toBeUndefined();
    await expect(other.cabinets.get('leroy')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('dates a plan change in the history and bumps the license revision; a contact change does neither', async () => {
    const { node, reopen } = await fresh();
    await node.cabinets.createCabinet(newCabinet('martin'), BY, CREATED);
    const upgraded = new Date('2026-03-10T14:30:00.000Z');
    await node.cabinets.updateCabinet('martin', { plan: 'professional', overrides: { maxUsers: 12 } }, BY, upgraded);
    await node.cabinets.updateCabinet('martin', { email: 'contact@cabinet-martin.fr' }, 'support@vendor.example', DURING);
    await expect(
      node.cabinets.updateCabinet('martin', { siret: '73282932000074', vatNumber: 'FR32123456789' }, BY, DURING),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(node.cabinets.updateCabinet('ghost', { name: 'Ghost' }, BY, DURING)).rejects.toMatchObject({ code: 'not_found' });

    const after = await (await reopen()).cabinets.get('martin');
    expect(after).toMatchObject({
      plan: 'professional',
      overrides: { maxUsers: 12 },
      licenseRevision: 2,
      email: 'contact@cabinet-martin.fr',
    });
    // The refused change left the SIRET as it was.
    expect(after.siret).toBeNull();
    expect(after.planHistory).toEqual([
      { effectiveAt: CREATED.toISOString(), plan: 'starter', overrides: {}, status: 'active', by: BY },
      { effectiveAt: upgraded.toISOString(), plan: 'professional', overrides: { maxUsers: 12 }, status: 'active', by: BY },
    ]);
  });

  it('peeks at a cabinet as get reads it, a change seen at the next peek and never made to what was peeked', async () => {
    const { node, concurrent } = await fresh();
    await node.cabinets.createCabinet(newCabinet('martin'), BY, CREATED);
    const before = await concurrent.cabinets.peek('martin');
    expect(before).toEqual(await node.cabinets.get('martin'));
    await node.cabinets.updateCabinet('martin', { plan: 'professional' }, BY, DURING);
    // The change replaced the record: what was peeked still says what it said.
    expect(before).toMatchObject({ plan: 'starter', licenseRevision: 1 });
    expect(await concurrent.cabinets.peek('martin')).toMatchObject({ plan: 'professional', licenseRevision: 2 });
    expect(await node.cabinets.peek('ghost')).toBeUndefined();
  });

  it('enrolls once when the same code is used twice at the same moment', async () => {
    const { node, concurrent, reopen } = await fresh();
    await node.cabinets.createCabinet(newCabinet('bernard'), BY, CREATED);
    const { enrollmentCode } = await node.cabinets.issueEnrollmentCode('bernard', CREATED);
    const results = await Promise.allSettled([node.enroll(enrollmentCode, DURING), concurrent.enroll(enrollmentCode, DURING)]);
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(ok).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []))).toEqual([
      'enrollment_code_used',
    ]);
    const winner = ok[0]!;
    expect(winner.cabinetId).toBe('bernard');
    expect(claimsOf(winner.license)).toMatchObject({ sub: 'bernard', aud: winner.applianceId, plan: 'starter' });

    const other = await reopen();
    const cabinet = await other.cabinets.get('bernard');
    expect(cabinet.applianceId).toBe(winner.applianceId);
    expect(cabinet.enrollmentCodes.at(-1)).toMatchObject({ usedAt: DURING.toISOString(), applianceId: winner.applianceId });
    expect((await other.appliances.list()).map((a) => a.id)).toEqual([winner.applianceId]);
    // Used: refused again later, from any node.
    await expect(other.enroll(enrollmentCode, DURING)).rejects.toMatchObject({
      code: 'enrollment_code_used',
      message: 'this enrollment code was already used: ask your vendor for a new one',
    });
  });

  it('re-enrolling a cabinet revokes its previous appliance', async () => {
    const { node, reopen } = await fresh();
    const { enrollmentCode: first } = await node.cabinets.createCabinet(newCabinet('petit'), BY, CREATED);
    const old = await node.enroll(first, DURING, 'petit-old');
    const { enrollmentCode: second } = await node.cabinets.issueEnrollmentCode('petit', DURING);
    const later = new Date('2026-03-05T16:00:00.000Z');
    const replacement = await (await reopen()).enroll(second, later, 'petit-new');

    const other = await reopen();
    expect((await other.appliances.get(old.applianceId))!.revokedAt).toBe(later.toISOString());
    expect((await other.appliances.get(replacement.applianceId))!.revokedAt).toBeNull();
    expect((await other.cabinets.get('petit')).applianceId).toBe(replacement.applianceId);
  });

  it('refuses an unknown, expired, superseded or suspended-cabinet code, leaving the code unused and no appliance', async () => {
    const { node, reopen } = await fresh();
    await expect(node.enroll('AAAA-BBBB-CCCC-DDDD', DURING)).rejects.toMatchObject({
      code: 'invalid_enrollment_code',
      message: 'this enrollment code is unknown: check it, or ask your vendor for a new one',
    });
    const { enrollmentCode: stale } = await node.cabinets.createCabinet(newCabinet('leroy'), BY, CREATED);
    await expect(node.enroll(stale, EXPIRY)).rejects.toMatchObject({
      code: 'enrollment_code_expired',
      message: `this enrollment code expired on ${EXPIRY.toISOString()}: ask your vendor for a new one`,
    });
    const { enrollmentCode: latest } = await node.cabinets.issueEnrollmentCode('leroy', DURING);
    await expect(node.enroll(stale, DURING)).rejects.toMatchObject({
      code: 'enrollment_code_used',
      message: 'this enrollment code was replaced by a newer one: use the latest code your vendor gave you',
    });
    await node.cabinets.updateCabinet('leroy', { status: 'suspended' }, BY, DURING);
    await expect(node.enroll(latest, DURING)).rejects.toMatchObject({
      code: 'cabinet_not_active',
      message: 'cabinet "leroy" is suspended: contact your vendor',
    });
    await expect(node.cabinets.issueEnrollmentCode('leroy', DURING)).rejects.toMatchObject({
      code: 'cabinet_not_active',
      message: 'cabinet "leroy" is suspended: reactivate it (cabinet update leroy --status active) before enrolling',
    });

    const other = await reopen();
    const cabinet = await other.cabinets.get('leroy');
    expect(cabinet.applianceId).toBeNull();
    expect(cabinet.enrollmentCodes.map((c) => [c.usedAt, c.applianceId, c.supersededAt])).toEqual([
      [null, null, DURING.toISOString()],
      [null, null, null],
    ]);
    expect(await other.appliances.list()).toEqual([]);
    // Reactivated, the latest code works: the refusal did not spend it.
    await other.cabinets.updateCabinet('leroy', { status: 'active' }, BY, DURING);
    await expect(other.enroll(latest, DURING)).resolves.toMatchObject({ cabinetId: 'leroy' });
  });
});
