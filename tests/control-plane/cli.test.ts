import fs from 'node:fs';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLicense } from '@iamanager/protocol';
import { FakeAppliance, api, onPostgres, runCli, startControlPlane, storedText, tempDir } from '../support/controlPlane.js';

/** docs/control-plane.md: the same commands work with and without the server running. */
describe('control-plane CLI', () => {
  const root = tempDir('cp-cli-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data');

  describe('without a server (the CLI takes the DATA_DIR lock)', () => {
    it("lists the seed's plans with prices in cents", async () => {
      const res = await runCli(dataDir, ['plan', 'list', '--json']);
      expect(res.code).toBe(0);
      expect(
        res.json.plans.map((p: { id: string; priceCents: number; limits: object; overageAllowed: boolean }) => [
          p.id,
          p.priceCents,
          p.limits,
          p.overageAllowed,
        ]),
      ).toEqual([
        ['starter', 9900, { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 }, false],
        ['professional', 29900, { maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500 }, true],
        ['enterprise', 59900, { maxUsers: 50, maxCases: 10000, maxAnalysesMonthly: 2000 }, true],
      ]);
      expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);
    });

    it('creates an admin with the password from stdin, and refuses one without', async () => {
      const created = await runCli(dataDir, ['admin', 'create', '--email', 'Ops@Vendor.test', '--role', 'billing', '--json'], {
        input: 'a long enough password\n',
      });
      expect(created.code).toBe(0);
      expect(created.json.admin).toMatchObject({ email: 'ops@vendor.test', role: 'billing' });
      expect(await storedText(dataDir)).not.toContain('a long enough password');

      const missing = await runCli(dataDir, ['admin', 'create', '--email', 'other@vendor.test']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      expect(missing.stderr).toMatch(/^control-plane: password: pass it on stdin/);

      const badRole = await runCli(dataDir, ['admin', 'create', '--email', 'x@vendor.test', '--role', 'root', '--json'], {
        input: 'a long enough password',
      });
      expect(badRole.code).toBe(1);
      expect(badRole.json).toEqual({ ok: false, error: 'invalid_input', message: 'role: must be one of admin, billing, support' });
    });

    it('issues an API token and stores only its hash', async () => {
      const res = await runCli(dataDir, ['admin', 'token', '--email', 'ops@vendor.test', '--json']);
      expect(res.code).toBe(0);
      expect(res.json.token).toMatch(/^cpat_/);
      expect(await storedText(dataDir)).not.toContain(res.json.token);
    });

    it('lists tokens with their expiry and status, and revokes one by id (three-word commands)', async () => {
      const made = await runCli(dataDir, ['admin', 'token', '--email', 'ops@vendor.test', '--expires-in', '7d', '--json']);
      expect(made.json).toMatchObject({ token: expect.stringMatching(/^cpat_/), id: expect.any(String), expiresAt: expect.any(String) });
      const listed = await runCli(dataDir, ['admin', 'token', 'list', '--email', 'ops@vendor.test']);
      expect(listed.code, listed.stderr).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^id\s+admin\s+created\s+expires\s+last used\s+status$/);
      expect(lines.find((l) => l.startsWith(made.json.id))).toMatch(
        new RegExp(`ops@vendor.test .*${made.json.expiresAt}\\s+never\\s+active$`),
      );
      const revoked = await runCli(dataDir, ['admin', 'token', 'revoke', made.json.id]);
      expect(revoked.stdout).toBe(`revoked API token ${made.json.id} of ops@vendor.test\n`);
      const missing = await runCli(dataDir, ['admin', 'token', 'revoke']);
      expect(missing.stderr).toBe(
        'control-plane: ID: is required: control-plane admin token revoke ID (the ids are in control-plane admin token list)\n',
      );
      expect((await runCli(dataDir, ['help'])).stdout).toMatch(
        /admin token revoke ID[\s\S]*admin disable --email E[\s\S]*admin password --email E/,
      );
    });

    it('creates a cabinet with overrides and prints its enrollment code', async () => {
      const res = await runCli(dataDir, [
        'cabinet',
        'create',
        '--id',
        'dupont',
        '--name',
        'Cabinet Dupont & Associés',
        '--plan',
        'professional',
        '--siret',
        '73282932000074',
        '--email',
        'contact@dupont.test',
        '--max-cases',
        '5000',
        '--max-analyses',
        '1000',
        '--json',
      ]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json.cabinet).toMatchObject({
        id: 'dupont',
        plan: 'professional',
        overrides: { maxCases: 5000, maxAnalysesMonthly: 1000 },
        status: 'active',
      });
      expect(res.json.enrollmentCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    });

    it('refuses a bad SIRET or a bad number with the field named, exit non-zero', async () => {
      const siret = await runCli(dataDir, [
        'cabinet',
        'create',
        '--id',
        'martin',
        '--name',
        'Cabinet Martin',
        '--plan',
        'starter',
        '--siret',
        '12345678901234',
      ]);
      expect(siret.code).toBe(1);
      expect(siret.stderr).toBe('control-plane: siret: must be 14 digits with a valid checksum\n');
      const number = await runCli(dataDir, [
        'cabinet',
        'create',
        '--id',
        'martin',
        '--name',
        'M',
        '--plan',
        'starter',
        '--max-users',
        'ten',
      ]);
      expect(number.stderr).toBe('control-plane: max-users: must be a whole number, e.g. --max-users 10\n');
      const flag = await runCli(dataDir, ['cabinet', 'list', '--colour']);
      expect(flag.code).toBe(1);
      expect(flag.stderr).toMatch(/^control-plane: Unknown option '--colour'/);
    });

    it('lists, shows and updates cabinets, and issues a new code', async () => {
      expect((await runCli(dataDir, ['cabinet', 'list', '--json'])).json.cabinets.map((c: { id: string }) => c.id)).toEqual(['dupont']);
      // Issue 18: a plan change says what becomes of the overrides it does not set (here max-analyses).
      const updated = await runCli(dataDir, [
        'cabinet',
        'update',
        'dupont',
        '--plan',
        'enterprise',
        '--max-cases',
        'default',
        '--keep-overrides',
        '--json',
      ]);
      expect(updated.code).toBe(0);
      expect(updated.json.cabinet.effective.limits).toEqual({ maxUsers: 50, maxCases: 10000, maxAnalysesMonthly: 1000 });
      const shown = await runCli(dataDir, ['cabinet', 'show', 'dupont', '--json']);
      expect(shown.json.cabinet.planHistory.map((h: { plan: string; by: string }) => [h.plan, h.by])).toEqual([
        ['professional', 'cli'],
        ['enterprise', 'cli'],
      ]);
      const code = await runCli(dataDir, ['cabinet', 'code', 'dupont', '--json']);
      expect(code.json.enrollmentCode).toMatch(/^[0-9A-Z]{4}-/);
      const missing = await runCli(dataDir, ['cabinet', 'show', 'nobody']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('control-plane: cabinet "nobody" does not exist\n');
    });
    it("prints one command's usage, and refuses a flag the command does not take with that usage", async () => {
      const help = await runCli(dataDir, ['help', 'cabinet', 'update']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^usage: control-plane cabinet update ID \[--plan PLAN\]/);
      expect(help.stdout).toContain('--json');
      expect(help.stdout).not.toContain('billing');
      const flag = await runCli(dataDir, ['admin', 'token', 'list', '--help']);
      expect(flag.code).toBe(0);
      expect(flag.stdout).toMatch(/^usage: control-plane admin token list \[--email E\] +# tokens: id, owner/);
      expect((await runCli(dataDir, ['help'])).stdout).toContain('control-plane help <command> (or control-plane <command> --help)');

      const refused = await runCli(dataDir, ['admin', 'list', '--email', 'ops@vendor.test']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        "control-plane: Unknown option '--email': control-plane admin list does not take it (usage: control-plane admin list)\n",
      );
      const refusedJson = await runCli(dataDir, ['billing', 'close', '2026-01', '--cabinet', 'dupont', '--json']);
      expect(refusedJson.code).toBe(1);
      expect(refusedJson.json).toEqual({
        ok: false,
        error: 'invalid_input',
        message: "Unknown option '--cabinet': control-plane billing close does not take it (usage: control-plane billing close YYYY-MM)",
      });
      // serve prints no result: --json is not one of its flags
      const serve = await runCli(dataDir, ['serve', '--json']);
      expect(serve.code).toBe(1);
      expect(serve.stderr).toContain("Unknown option '--json': control-plane serve does not take it");
      const unknown = await runCli(dataDir, ['cabinet', 'delete', 'dupont', '--json']);
      expect(unknown.json).toEqual({
        ok: false,
        error: 'unknown_command',
        message: 'unknown command "cabinet delete": run control-plane help',
      });
    });

    it('prints JSON that scripts can parse with --json', async () => {
      const keys = await runCli(dataDir, ['keys', 'list', '--json']);
      expect(keys.code, keys.stderr).toBe(0);
      expect(keys.json.vendorKeyPins).toHaveLength(keys.json.keys.length);
      const months = await runCli(dataDir, ['billing', 'months', '--json']);
      expect(months.code, months.stderr).toBe(0);
      expect(Array.isArray(months.json.months)).toBe(true);
      const revenue = await runCli(dataDir, ['revenue', '--months', '3', '--json']);
      expect(revenue.code, revenue.stderr).toBe(0);
      expect(revenue.json).toMatchObject({ mrrCents: expect.any(Number), arrCents: expect.any(Number) });
    });
  });

  describe('with the server running (the CLI goes through the control socket)', () => {
    it('runs commands through the server, which sees their effect at once', async () => {
      const cp = await startControlPlane(dataDir);
      try {
        // On PostgreSQL there is no control socket: the CLI changes the database itself, which the server reads.
        if (!onPostgres()) expect(fs.statSync(path.join(dataDir, 'control.sock')).mode & 0o777).toBe(0o600);
        const created = await runCli(dataDir, [
          'cabinet',
          'create',
          '--id',
          'martin',
          '--name',
          'Cabinet Martin',
          '--plan',
          'starter',
          '--json',
        ]);
        expect(created.code, created.stderr).toBe(0);
        const token = (await runCli(dataDir, ['admin', 'token', '--email', 'ops@vendor.test', '--json'])).json.token as string;
        const listed = await api(cp.url, token, 'GET', '/api/v1/cabinets');
        expect(listed.body.cabinets.map((c: { id: string }) => c.id)).toEqual(['dupont', 'martin']);
        // The enrollment code printed by the CLI works against the running server.
        expect((await new FakeAppliance(cp.url).enroll(created.json.enrollmentCode)).status).toBe(201);
        // Through the socket, the server ran (and logged) the command; on PostgreSQL the CLI ran it on the database.
        if (!onPostgres()) expect(cp.service.output()).toContain('"command":"cabinet create"');
      } finally {
        expect(await cp.stop()).toBe(0);
      }
      expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);
    });

    // Files only: the server rotates at once because the CLI asks it through the control socket. On
    // PostgreSQL the CLI rotates in the database and a node signs with the new key once its 30 s key
    // cache expires (tests/control-plane/postgres/planKeyContract.test.ts proves that, clock moved by hand).
    it.skipIf(onPostgres())('rotates the vendor key: both keys published, the newest signs, old licenses still verify', async () => {
      const cp = await startControlPlane(dataDir);
      try {
        const before = await api(cp.url, undefined, 'GET', '/v1/keys');
        expect(before.body.keys).toHaveLength(1);
        const first = new FakeAppliance(cp.url);
        await first.enroll((await runCli(dataDir, ['cabinet', 'code', 'martin', '--json'])).json.enrollmentCode);

        const rotated = await runCli(dataDir, ['keys', 'rotate', '--json']);
        expect(rotated.code).toBe(0);
        expect(rotated.json.published).toEqual([before.body.keys[0].kid, rotated.json.kid]);
        const after = (await api(cp.url, undefined, 'GET', '/v1/keys')).body;
        expect(after.keys.map((k: { kid: string }) => k.kid)).toEqual(rotated.json.published);

        const second = new FakeAppliance(cp.url);
        await second.enroll((await runCli(dataDir, ['cabinet', 'code', 'dupont', '--json'])).json.enrollmentCode);
        expect(decodeProtectedHeader(second.license).kid).toBe(rotated.json.kid);
        expect(decodeProtectedHeader(first.license).kid).toBe(before.body.keys[0].kid);
        await expect(
          verifyLicense(first.license, { keys: after, issuer: 'iamanager-control-plane', audience: first.applianceId }),
        ).resolves.toMatchObject({ state: 'valid' });
      } finally {
        await cp.stop();
      }
    });
  });

  describe('configuration', () => {
    it('lists every configuration problem and exits non-zero', async () => {
      const res = await runCli(dataDir, ['serve'], {
        env: { PORT: 'eighty', HEARTBEAT_INTERVAL_SECONDS: '5', LATEST_APPLIANCE_VERSION: 'latest' },
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('PORT: must be a whole number from 0 to 65535 (got "eighty")');
      expect(res.stderr).toContain('HEARTBEAT_INTERVAL_SECONDS: must be a whole number from 10 to 86400 (got "5")');
      expect(res.stderr).toContain('LATEST_APPLIANCE_VERSION: must be a version as x.y.z, e.g. 1.4.0');
    });

    // Files only: the DATA_DIR lock. On PostgreSQL two nodes may serve one DATA_DIR's database at once.
    it.skipIf(onPostgres())('refuses to serve a DATA_DIR another server holds', async () => {
      const cp = await startControlPlane(dataDir);
      try {
        const second = await runCli(dataDir, ['serve']);
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(/is in use by control-plane serve \(pid \d+/);
      } finally {
        await cp.stop();
      }
    });
  });
});
