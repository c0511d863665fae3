import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs Debian's docker-compose `config` on a compose file with the given .env content. */
function composeConfig(file: string, env: string): { status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
  fs.writeFileSync(path.join(dir, '.env'), env);
  const result = spawnSync(
    'docker-compose',
    ['--project-directory', dir, '-f', path.join(ROOT, file), '--env-file', path.join(dir, '.env'), 'config'],
    { encoding: 'utf8' },
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectHardened(config: string): void {
  expect(config).toMatch(/read_only: true/);
  expect(config).toMatch(/- no-new-privileges:true/);
  expect(config).toMatch(/cap_drop:\n\s+- ALL/);
  expect(config).toMatch(/start_period: \d+s/);
  expect(config).toMatch(/restart: unless-stopped/);
  expect(config).toMatch(/tmpfs:\n\s+- \/tmp/);
  expect(config).toMatch(/user: '?1000:1000'?/);
}

describe('the cabinet compose file', () => {
  const file = 'docker/appliance/compose.yaml';

  it('resolves with the install bundle .env and keeps every hardening setting', () => {
    const { status, stdout, stderr } = composeConfig(
      file,
      'CLIENT_ID=dupont\nCLIENT_NAME=Cabinet Dupont\nCONTROL_PLANE_URL=https://cp.example.fr\n',
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expectHardened(stdout);
    expect(stdout).toContain('container_name: iamanager-dupont');
    expect(stdout).toMatch(/- \.?\/?.*:\/data/);
    // Backups: their own volume beside the data, the app told where, off until a passphrase is set.
    expect(stdout).toMatch(/- \.?\/?.*:\/backups/);
    expect(stdout).toMatch(/BACKUP_DIR: \/backups/);
    expect(stdout).toMatch(/BACKUP_PASSPHRASE: ''/);
    // Vendor key pins pass through from .env; a .env without them leaves the appliance unpinned (it warns).
    expect(stdout).toMatch(/VENDOR_KEY_PINS: ''/);
  });

  it('stops at once, naming the variable and the fix, when CLIENT_ID is missing', () => {
    const { status, stderr } = composeConfig(file, 'CLIENT_NAME=Cabinet Dupont\nCONTROL_PLANE_URL=https://cp.example.fr\n');
    expect(status).not.toBe(0);
    expect(stderr).toContain('CLIENT_ID is required - copy the .env from your install bundle');
  });

  it('stops when the control plane URL is missing', () => {
    const { status, stderr } = composeConfig(file, 'CLIENT_ID=dupont\nCLIENT_NAME=Cabinet Dupont\n');
    expect(status).not.toBe(0);
    expect(stderr).toContain('CONTROL_PLANE_URL is required');
  });
});

describe('the vendor compose file', () => {
  const file = 'docker/control-plane/compose.yaml';

  it('resolves and keeps every hardening setting', () => {
    const { status, stdout, stderr } = composeConfig(file, 'PUBLIC_URL=https://cp.example.fr\n');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expectHardened(stdout);
    expect(stdout).toContain('127.0.0.1');
  });

  it('stops when PUBLIC_URL is missing', () => {
    const { status, stderr } = composeConfig(file, '');
    expect(status).not.toBe(0);
    expect(stderr).toContain('PUBLIC_URL is required');
  });
});

describe('the Dockerfile', () => {
  const text = fs.readFileSync(path.join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  /** The lines of one stage: from its FROM line to the next FROM. */
  const stage = (name: string): string => {
    const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
    expect(start, `stage ${name}`).toBeGreaterThanOrEqual(0);
    const next = text.slice(start + 1).search(/^FROM /m);
    return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  };

  it('compiles every package once, in one build stage shared by both images', () => {
    expect(text.match(/^RUN npx tsc -b /gm)).toHaveLength(1);
    expect(stage('build')).toMatch(/^RUN npx tsc -b appliance control-plane$/m);
    expect(text.match(/^RUN npm ci --no-audit/gm)).toHaveLength(1);
    // The kernel is part of both images: its manifest and its compiled code.
    expect(stage('runtime')).toContain('COPY --from=build /src/protocol/kernel/package.json protocol/kernel/');
    expect(stage('runtime')).toContain('COPY --from=build /src/protocol/kernel/dist protocol/kernel/dist');
  });

  for (const name of ['appliance', 'control-plane']) {
    it(`builds ${name} in stages from a digest-pinned Node 24 base, runs as non-root, with a volume and a health check`, () => {
      expect(text).toMatch(/ARG NODE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}/);
      expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
      const target = stage(name);
      expect(target).toMatch(/^FROM runtime AS /m);
      expect(stage(`${name}-deps`)).toMatch(
        new RegExp(`npm ci --omit=dev .*--workspace ${name} --workspace protocol --workspace protocol/kernel`),
      );
      expect(target).toContain(`COPY --from=${name}-deps /src/node_modules node_modules`);
      expect(target).toContain(`COPY --from=build /src/${name}/dist ${name}/dist`);
      expect(target).toMatch(/^USER node$/m);
      expect(target).toMatch(/^VOLUME \["\/data"\]$/m);
      expect(target).toMatch(/^HEALTHCHECK .*--start-period=/m);
      expect(target).toMatch(/healthz/);
      expect(target).toContain(`ENTRYPOINT ["node", "${name}/dist/main.js"]`);
    });
  }
});
