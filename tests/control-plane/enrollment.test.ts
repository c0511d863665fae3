import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FakeAppliance, api, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';

/** Enrollment (docs/control-plane.md#enrollment): one-time codes that expire after 7 days, guessing rate-limited per address. */
describe('enrollment codes', () => {
  const root = tempDir('cp-enroll-');
  let cp: TestControlPlane | undefined;
  let n = 0;

  async function freshDataDir(): Promise<string> {
    const dir = `${root}/data-${++n}`;
    fs.mkdirSync(dir);
    return dir;
  }

  async function cabinetCode(dataDir: string, env: Record<string, string> = {}): Promise<string> {
    const res = await runCli(dataDir, ['cabinet', 'create', '--id', 'martin', '--name', 'Cabinet Martin', '--plan', 'starter', '--json'], {
      env,
    });
    expect(res.code, res.stderr).toBe(0);
    return res.json.enrollmentCode as string;
  }

  afterEach(async () => {
    await cp?.stop();
    cp = undefined;
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('accepts a code once and refuses it the second time', async () => {
    const dataDir = await freshDataDir();
    const code = await cabinetCode(dataDir);
    cp = await startControlPlane(dataDir);
    expect((await new FakeAppliance(cp.url).enroll(code)).status).toBe(201);
    const again = await new FakeAppliance(cp.url).enroll(code);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      ok: false,
      error: 'enrollment_code_used',
      message: 'this enrollment code was already used: ask your vendor for a new one',
    });
  });

  it('accepts a code typed in lower case with spaces instead of dashes', async () => {
    const dataDir = await freshDataDir();
    const code = await cabinetCode(dataDir);
    cp = await startControlPlane(dataDir);
    expect((await new FakeAppliance(cp.url).enroll(code.toLowerCase().replace(/-/g, ' '))).status).toBe(201);
  });

  it('refuses a code older than 7 days', async () => {
    const dataDir = await freshDataDir();
    // Issued "8 days ago": the CLI runs with its clock moved back.
    const code = await cabinetCode(dataDir, { CLOCK_OFFSET_SECONDS: String(-8 * 86_400) });
    cp = await startControlPlane(dataDir);
    const res = await new FakeAppliance(cp.url).enroll(code);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('enrollment_code_expired');
    expect(res.body.message).toMatch(/^this enrollment code expired on \d{4}-\d\d-\d\dT.*: ask your vendor for a new one$/);
  });

  it('refuses a code replaced by a newer one', async () => {
    const dataDir = await freshDataDir();
    const first = await cabinetCode(dataDir);
    const second = await runCli(dataDir, ['cabinet', 'code', 'martin', '--json']);
    expect(second.code).toBe(0);
    cp = await startControlPlane(dataDir);
    expect((await new FakeAppliance(cp.url).enroll(first)).body.error).toBe('enrollment_code_used');
    expect((await new FakeAppliance(cp.url).enroll(second.json.enrollmentCode)).status).toBe(201);
  });

  it('answers 429 with Retry-After once an address has guessed wrong too often, even for a good code', async () => {
    const dataDir = await freshDataDir();
    const code = await cabinetCode(dataDir);
    cp = await startControlPlane(dataDir, { ENROLL_MAX_FAILURES: '3', ENROLL_FAILURE_WINDOW_SECONDS: '600' });
    for (let i = 0; i < 3; i++) {
      const res = await new FakeAppliance(cp.url).enroll(`AAAA-BBBB-CCCC-000${i}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('invalid_enrollment_code');
    }
    const raw = await fetch(`${cp.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(raw.status).toBe(429);
    const retryAfter = Number(raw.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await raw.json()).toMatchObject({ ok: false, error: 'rate_limited' });
  });

  it('refuses a request carrying a private key, naming the field', async () => {
    const dataDir = await freshDataDir();
    const code = await cabinetCode(dataDir);
    cp = await startControlPlane(dataDir);
    const res = await api(cp.url, undefined, 'POST', '/v1/enroll', {
      code,
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), d: 'B'.repeat(43) },
      instanceName: 'martin-prod',
      version: '1.0.0',
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('publicKey.d: a private key was sent: send only the public part (kty, crv, x)');
    expect((await api(cp.url, undefined, 'POST', '/v1/enroll', '{"code":')).body.error).toBe('invalid_json');
  });

  it('refuses to enroll a suspended cabinet', async () => {
    const dataDir = await freshDataDir();
    const code = await cabinetCode(dataDir);
    expect((await runCli(dataDir, ['cabinet', 'update', 'martin', '--status', 'suspended'])).code).toBe(0);
    cp = await startControlPlane(dataDir);
    const res = await new FakeAppliance(cp.url).enroll(code);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('cabinet_not_active');
  });
});
