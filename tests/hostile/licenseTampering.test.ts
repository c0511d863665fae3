/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * License tampering on the cabinet's own machine: raising limits through the environment or
 * `.env`, editing the license, swapping in another appliance's license or one signed by another
 * key, editing the usage counters down, setting the clock back (and emptying the file that
 * remembers it), replacing the trust anchor (a key of one's own written into license.json beside a
 * license it signed: refused once VENDOR_KEY_PINS is set, outside DATA_DIR). Each time: no limit is raised — the plan's users, cases, analyses, model and
 * features stay what the vendor signed — and existing data stays readable.
 *
 * The plan is a tiny custom one (2 users, 3 cases, 2 analyses a month, no overage), filled first
 * by requests racing in (which must not overshoot it either), so any raised limit would show as
 * an accepted creation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, keyThumbprints, toJwks, type Jwks, type LicenseClaims } from '@iamanager/protocol';
import { environment, readConfig } from '../../appliance/src/config.js';
import { effectiveLimits } from '../../appliance/src/domain/license/effectiveLimits.js';
import { monthOf } from '../../appliance/src/domain/usage/usageCounters.js';
import {
  FakeAppliance,
  api,
  createAdminToken,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';
import { UNPINNED_WARNING } from '../../appliance/src/domain/license/licenseStore.js';
import { testKey } from '../support/keys.js';

const PASSWORD = 'correct horse battery staple';
const TINY = { maxUsers: 2, maxCases: 3, maxAnalysesMonthly: 2 };
const DAY = 86_400;
let cp: TestControlPlane;
let dir: string;
let appliance: TestAppliance;
let admin: Browser;
/** The admin's API token: a session cookie would expire when the clock is moved 60 days on. */
let token: string;
let caseId: string;
let genuineLicenseFile: string;

const licenseFile = () => path.join(dir, 'license.json');
const claimsOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as LicenseClaims;

/**
 * What someone with write access to DATA_DIR can make: a key of their own, listed in license.json
 * under the vendor's kid, and a richer license it signed.
 */
async function forgedTrustAnchor(): Promise<{ file: string; license: string; vendorKeys: Jwks }> {
  const stored = JSON.parse(genuineLicenseFile);
  const genuine = claimsOf(stored.license);
  const header = JSON.parse(Buffer.from(stored.license.split('.')[0], 'base64url').toString('utf8'));
  const attacker = await testKey();
  const vendorKeys = toJwks([{ kid: header.kid, jwk: attacker.jwk }]);
  expect(attacker.kid).not.toBe(header.kid);
  const license = await new SignJWT({
    ...genuine,
    plan: 'enterprise',
    limits: { maxUsers: 500, maxCases: 100_000, maxAnalysesMonthly: 100_000 },
    iat: genuine.iat + 1,
  })
    .setProtectedHeader(header)
    .sign(attacker.key.privateKey);
  return { file: JSON.stringify({ ...stored, license, vendorKeys }), license, vendorKeys };
}

/** A call as the admin, by API token. */
const call = (method: string, route: string, body?: unknown) => admin.call(method, route, body, { authorization: `Bearer ${token}` });

/** Restarts the appliance with `env`. */
async function restart(env: Record<string, string> = {}): Promise<void> {
  await appliance.stop();
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'tamper', ...env });
  admin.url = appliance.url;
}

/** What the appliance lets the admin create now: each answer's status and error code. */
async function creations(): Promise<Record<string, string>> {
  const user = await call('POST', '/api/users', {
    email: `extra${Date.now()}@tamper.fr`,
    name: 'Extra',
    role: 'juriste',
    password: PASSWORD,
  });
  const kase = await call('POST', '/api/cases', {
    client: { lastName: 'Extra', firstName: 'Case', nationality: 'FR', birthDate: '1990-01-01' },
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-11-02',
  });
  const analysis = await call('POST', `/api/cases/${caseId}/analyses`, {});
  const role = await call('POST', '/api/roles', { name: 'stagiaire', label: 'Stagiaire', permissions: ['cases.read'] });
  const show = (r: { status: number; body: any }) => `${r.status} ${r.body?.error ?? ''}`.trim();
  return { user: show(user), case: show(kase), analysis: show(analysis), customRole: show(role) };
}

const FULL = { user: '403 plan_limit', case: '403 plan_limit', analysis: '403 quota_exceeded', customRole: '403 feature_not_in_plan' };

beforeAll(async () => {
  const cpDir = tempDir('cp-tamper-');
  cp = await startControlPlane(cpDir);
  const vendor = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const plan = await api(cp.url, vendor, 'POST', '/api/v1/plans', {
    id: 'tiny',
    name: 'Tiny',
    priceCents: 1000,
    limits: TINY,
    aiModel: 'ceseda-basic-v1',
    advancedFeatures: false,
    overage: { allowed: false, pricePerAnalysisCents: 0 },
  });
  expect(plan.status).toBe(201);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'tamper', '--name', 'Cabinet Tamper', '--plan', 'tiny', '--json']);
  dir = tempDir('tamper-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'tamper' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@tamper.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@tamper.fr', PASSWORD);
  token = (await admin.call('POST', '/api/tokens', { label: 'tamper' })).body.token;
  admin.cookie = '';
  admin.csrf = '';
  genuineLicenseFile = fs.readFileSync(licenseFile(), 'utf8');
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('license tampering', () => {
  it('lets requests racing in fill the plan exactly, never past it', async () => {
    const created = (answers: Array<{ status: number }>) => answers.filter((a) => a.status === 201).length;
    const race = <T>(n: number, make: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => make(i)));
    // The admin is one of the 2 users: one more fits, of 8 asked for at once.
    expect(
      created(
        await race(8, (i) =>
          call('POST', '/api/users', { email: `racer${i}@tamper.fr`, name: 'Racer', role: 'avocat', password: PASSWORD }),
        ),
      ),
    ).toBe(TINY.maxUsers - 1);
    const cases = await race(10, (i) =>
      call('POST', '/api/cases', {
        client: { lastName: `Dossier${i}`, firstName: 'Test', nationality: 'FR', birthDate: '1990-01-01' },
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-02',
      }),
    );
    expect(created(cases)).toBe(TINY.maxCases);
    caseId = cases.find((c) => c.status === 201)!.body.case.id;
    expect(created(await race(8, () => call('POST', `/api/cases/${caseId}/analyses`, {})))).toBe(TINY.maxAnalysesMonthly);
    expect((await call('GET', '/api/billing/usage')).body).toMatchObject({
      users_active: TINY.maxUsers,
      cases_open: TINY.maxCases,
      analyses_used: TINY.maxAnalysesMonthly,
    });
    expect(await creations()).toEqual(FULL);
  });

  it('ignores limits raised through the environment, and reports each', async () => {
    await restart({
      MAX_USERS: '500',
      MAX_CASES: '100000',
      MAX_ANALYSIS_MONTHLY: '100000',
      AI_MODEL: 'ceseda-enterprise-v1',
      ADVANCED_FEATURES: 'true',
      SUBSCRIPTION_PLAN: 'enterprise',
    });
    const license = (await call('GET', '/api/license')).body;
    expect(license.limits).toMatchObject({
      plan: 'tiny',
      ...TINY,
      aiModel: 'ceseda-basic-v1',
      advancedFeatures: false,
      overageAllowed: false,
    });
    expect(license.warnings).toEqual(
      expect.arrayContaining([
        "MAX_USERS=500 is above the license's 2: ignored (limits come from the signed license)",
        "MAX_CASES=100000 is above the license's 3: ignored (limits come from the signed license)",
        "MAX_ANALYSIS_MONTHLY=100000 is above the license's 2: ignored (limits come from the signed license)",
        "AI_MODEL=ceseda-enterprise-v1 is above the license's ceseda-basic-v1: ignored",
        'ADVANCED_FEATURES=true is not in the license: ignored',
        'SUBSCRIPTION_PLAN=enterprise differs from the license\'s plan "tiny": ignored (the plan comes from the license)',
      ]),
    );
    expect(await creations()).toEqual(FULL);
  });

  it('reads a .env file the same way: what it would raise is ignored', async () => {
    const appDir = tempDir('tamper-app-');
    fs.writeFileSync(
      path.join(appDir, '.env'),
      'MAX_USERS=500\nMAX_CASES=100000\nMAX_ANALYSIS_MONTHLY=100000\nAI_MODEL=ceseda-enterprise-v1\nADVANCED_FEATURES=true\nSUBSCRIPTION_PLAN=enterprise\n',
    );
    const config = await readConfig(environment(appDir, { DATA_DIR: path.join(appDir, 'data'), TLS: 'false' }));
    const claims = claimsOf(JSON.parse(genuineLicenseFile).license);
    const { limits, warnings } = effectiveLimits(claims, config.envLimits);
    expect(limits).toMatchObject({ plan: 'tiny', ...TINY, aiModel: 'ceseda-basic-v1', advancedFeatures: false });
    expect(warnings).toHaveLength(6);
  });

  it('grants nothing from a license edited to raise its limits, and keeps the data readable', async () => {
    const stored = JSON.parse(genuineLicenseFile);
    const [h, p, s] = stored.license.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    Object.assign(claims, {
      plan: 'enterprise',
      limits: { maxUsers: 500, maxCases: 100_000, maxAnalysesMonthly: 100_000 },
      aiModel: 'ceseda-enterprise-v1',
      advancedFeatures: true,
      exp: claims.exp + 3650 * DAY,
    });
    fs.writeFileSync(
      licenseFile(),
      JSON.stringify({ ...stored, license: `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}` }),
    );
    await restart();
    expect((await call('GET', '/api/license')).body).toMatchObject({ state: 'invalid', limits: null });
    expect(await creations()).toEqual({
      user: '403 license_invalid',
      case: '403 license_invalid',
      analysis: '403 license_invalid',
      customRole: '403 feature_not_in_plan',
    });
    expect((await call('GET', `/api/cases/${caseId}`)).status).toBe(200);
    expect((await call('GET', '/api/cases')).body.total).toBe(TINY.maxCases);
  });

  it("grants nothing from a license signed by another key, or from another appliance's genuine license", async () => {
    const stored = JSON.parse(genuineLicenseFile);
    const genuine = claimsOf(stored.license);
    const forged = await new SignJWT({
      ...genuine,
      plan: 'enterprise',
      limits: { maxUsers: 500, maxCases: 100_000, maxAnalysesMonthly: 100_000 },
    })
      .setProtectedHeader(JSON.parse(Buffer.from(stored.license.split('.')[0], 'base64url').toString('utf8')))
      .sign(generateSigningKey().privateKey);
    const other = new FakeAppliance(cp.url);
    const code = (
      await runCli(cp.dataDir, ['cabinet', 'create', '--id', 'rich', '--name', 'Cabinet Riche', '--plan', 'enterprise', '--json'])
    ).json.enrollmentCode;
    expect((await other.enroll(code)).status).toBe(201);
    for (const license of [forged, other.license]) {
      fs.writeFileSync(licenseFile(), JSON.stringify({ ...stored, license }));
      await restart();
      expect((await call('GET', '/api/license')).body.state).toBe('invalid');
      expect(await creations()).toMatchObject({
        user: '403 license_invalid',
        case: '403 license_invalid',
        analysis: '403 license_invalid',
      });
    }
    fs.writeFileSync(licenseFile(), genuineLicenseFile);
    await restart();
    expect((await call('GET', '/api/license')).body.state).toBe('valid');
    expect(await creations()).toEqual(FULL);
  });

  it('trusts a key written into license.json beside a license it signed while VENDOR_KEY_PINS is unset, and warns of it', async () => {
    const { file } = await forgedTrustAnchor();
    fs.writeFileSync(licenseFile(), file);
    await restart();
    const license = (await call('GET', '/api/license')).body;
    // The gap pins close: without them the forged plan is in force (nothing is created here, so
    // the tests after this one still find the plan full).
    expect({
      state: license.state,
      plan: license.plan,
      maxUsers: license.limits.maxUsers,
      vendorKeysPinned: license.vendorKeysPinned,
    }).toEqual({ state: 'valid', plan: 'enterprise', maxUsers: 500, vendorKeysPinned: false });
    expect(license.warnings).toContain(UNPINNED_WARNING);
    expect(appliance.service.output()).toContain(UNPINNED_WARNING);
    fs.writeFileSync(licenseFile(), genuineLicenseFile);
  });

  it('refuses that license once VENDOR_KEY_PINS holds the vendor keys: nothing is created, data stays readable, imports are refused too', async () => {
    const { file, license: forged, vendorKeys } = await forgedTrustAnchor();
    const pins = (await keyThumbprints((await api(cp.url, undefined, 'GET', '/v1/keys')).body as Jwks)).join(',');
    fs.writeFileSync(licenseFile(), file);
    await restart({ VENDOR_KEY_PINS: pins });
    const license = (await call('GET', '/api/license')).body;
    expect({ state: license.state, limits: license.limits, vendorKeysPinned: license.vendorKeysPinned }).toEqual({
      state: 'invalid',
      limits: null,
      vendorKeysPinned: true,
    });
    const reason = license.warnings.find((w: string) => w.startsWith('the installed license does not verify'));
    expect(reason).toMatch(
      /^the installed license does not verify \(the license is signed by vendor key ".+" \(thumbprint .+\), which is not in VENDOR_KEY_PINS: /,
    );
    expect(license.warnings).not.toContain(UNPINNED_WARNING);
    expect(appliance.service.output()).toContain('untrusted_vendor_key');
    expect(await creations()).toMatchObject({ user: '403 license_invalid', case: '403 license_invalid', analysis: '403 license_invalid' });
    expect((await call('GET', `/api/cases/${caseId}`)).status).toBe(200);
    expect((await call('GET', '/api/cases')).body.total).toBe(TINY.maxCases);

    // The same key and license brought in as a vendor's license file: refused, nothing written.
    fs.writeFileSync(licenseFile(), genuineLicenseFile);
    await restart({ VENDOR_KEY_PINS: pins });
    const stored = JSON.parse(genuineLicenseFile);
    const importFile = path.join(tempDir('tamper-import-'), 'licence.json');
    fs.writeFileSync(
      importFile,
      JSON.stringify({ applianceId: stored.applianceId, cabinetId: 'tamper', license: forged, heartbeatIntervalSeconds: 900, vendorKeys }),
    );
    const imported = await runApplianceCli(dir, ['license', 'import', importFile, '--json']);
    expect(imported.code).not.toBe(0);
    expect(imported.stderr + imported.stdout).toContain('untrusted_vendor_key');
    expect(fs.readFileSync(licenseFile(), 'utf8')).toBe(genuineLicenseFile);

    // The genuine license verifies with pins: the plan is the vendor's, and no warning about pins.
    const genuine = (await call('GET', '/api/license')).body;
    expect({ state: genuine.state, plan: genuine.plan, vendorKeysPinned: genuine.vendorKeysPinned }).toEqual({
      state: 'valid',
      plan: 'tiny',
      vendorKeysPinned: true,
    });
    expect(genuine.warnings).not.toContain(UNPINNED_WARNING);
    expect(await creations()).toEqual(FULL);
  });

  it('frees no analysis quota when the usage counter is edited down or deleted', async () => {
    const month = path.join(dir, 'usage', `${monthOf(new Date())}.json`);
    for (const tamper of [
      () => fs.writeFileSync(month, JSON.stringify({ month: monthOf(new Date()), analysesUsed: 0, analysesOverage: 0 })),
      () => fs.rmSync(month),
    ]) {
      await appliance.stop();
      tamper();
      fs.rmSync(`${month}.bak`, { force: true });
      await restart();
      expect(appliance.service.output()).toContain('usage: the month counter was below the analyses the case files hold');
      expect((await call('GET', '/api/billing/usage')).body).toMatchObject({ analyses_used: TINY.maxAnalysesMonthly });
      expect(await creations()).toEqual(FULL);
    }
  });

  it('does not revive an expired license when the clock is set back, even with its mark erased', async () => {
    // 60 days on: past the license's 30 days and 14 days of grace. A lawyer opens a case (audited).
    await restart({ CLOCK_OFFSET_SECONDS: String(60 * DAY) });
    expect((await call('GET', '/api/license')).body.state).toBe('expired');
    expect((await call('GET', `/api/cases/${caseId}`)).status).toBe(200);
    expect(
      (
        await call('POST', '/api/cases', {
          client: { lastName: 'Late', firstName: 'Case', nationality: 'FR', birthDate: '1990-01-01' },
          procedure: 'oqtf',
          decisionNotifiedAt: '2026-11-02',
        })
      ).body.error,
    ).toBe('license_expired');
    // The clock put back to today; then also the file that remembers the latest time, erased.
    for (const erase of [false, true]) {
      await appliance.stop();
      if (erase) for (const f of ['clock.json', 'clock.json.bak']) fs.rmSync(path.join(dir, f), { force: true });
      await restart({ CLOCK_OFFSET_SECONDS: '0' });
      const license = (await call('GET', '/api/license')).body;
      expect({ state: license.state, clockSetBack: license.clockSetBack }).toEqual({ state: 'expired', clockSetBack: true });
      expect(license.warnings.some((w: string) => w.startsWith('the system clock is behind a time this appliance already saw'))).toBe(true);
      expect(
        (
          await call('POST', '/api/cases', {
            client: { lastName: 'Late', firstName: 'Case', nationality: 'FR', birthDate: '1990-01-01' },
            procedure: 'oqtf',
            decisionNotifiedAt: '2026-11-02',
          })
        ).body.error,
      ).toBe('license_expired');
      expect((await call('GET', `/api/cases/${caseId}`)).status).toBe(200);
    }
    // A year back: judged by the later time still, never "not yet valid" and never valid.
    await restart({ CLOCK_OFFSET_SECONDS: String(-365 * DAY) });
    expect((await call('GET', '/api/license')).body.state).toBe('expired');
  });
});
