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

describe('the vendor compose file on PostgreSQL', () => {
  const file = 'docker/control-plane/compose.postgres.yaml';
  const env = 'PUBLIC_URL=https://cp.example.fr\nPOSTGRES_PASSWORD=bench-secret-42\n';
  /** The resolved text of one service: from its name line to the next service at the same indent. */
  const service = (config: string, name: string): string => {
    const start = config.search(new RegExp(`^  ${name}:$`, 'm'));
    expect(start, `service ${name}`).toBeGreaterThanOrEqual(0);
    const next = config.slice(start + 1).search(/^ {2}\S/m);
    return next < 0 ? config.slice(start) : config.slice(start, start + 1 + next);
  };

  it('resolves with two hardened nodes on the same database, waiting for it to be healthy', () => {
    const { status, stdout, stderr } = composeConfig(file, env);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const urls = ['control-plane-1', 'control-plane-2'].map((name) => {
      const node = service(stdout, name);
      expectHardened(node);
      expect(node).toMatch(/depends_on:\n\s+postgres:\n\s+condition: service_healthy/);
      expect(node).toMatch(/- \S+\/secrets:\/run\/secrets:ro/);
      expect(node).not.toMatch(/ports:/);
      return /DATABASE_URL: (\S+)/.exec(node)?.[1];
    });
    expect(urls[0]).toBe('postgres://iamanager:bench-secret-42@postgres:5432/iamanager');
    expect(urls[1]).toBe(urls[0]);
    // Each node keeps its own DATA_DIR: nothing on files is shared between them.
    expect(service(stdout, 'control-plane-1')).toContain('control-plane-1:/data');
    expect(service(stdout, 'control-plane-2')).toContain('control-plane-2:/data');
  });

  it('runs the official PostgreSQL image with its password from .env, a data volume and a health check, unpublished', () => {
    const db = service(composeConfig(file, env).stdout, 'postgres');
    expect(db).toMatch(/image: postgres:\d+/);
    expect(db).toContain('POSTGRES_PASSWORD: bench-secret-42');
    expect(db).toMatch(/:\/var\/lib\/postgresql\/data/);
    expect(db).toContain('pg_isready');
    expect(db).toMatch(/start_period: \d+s/);
    expect(db).not.toMatch(/ports:/);
  });

  it('publishes only the proxy, on loopback, with its config naming both nodes', () => {
    const { stdout } = composeConfig(file, env);
    const proxy = service(stdout, 'proxy');
    expect(proxy).toMatch(/image: nginx:\d/);
    expect(proxy).toMatch(/- 127\.0\.0\.1:4000:8080/);
    expect(proxy).toMatch(/nginx\.conf:\/etc\/nginx\/nginx\.conf:ro/);
    expect(proxy).toMatch(/read_only: true/);
    expect(proxy).toMatch(/cap_drop:\n\s+- ALL/);
    const conf = fs.readFileSync(path.join(ROOT, 'docker/control-plane/nginx.conf'), 'utf8');
    const upstream = /upstream control_plane \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(upstream).toMatch(/server control-plane-1:4000 max_fails=\d+ fail_timeout=\d+s;/);
    expect(upstream).toMatch(/server control-plane-2:4000 max_fails=\d+ fail_timeout=\d+s;/);
    expect(conf).toContain('proxy_pass http://control_plane;');
    expect(conf).toMatch(/proxy_next_upstream error timeout;/);
    expect(conf).toMatch(/listen 8080;/);
  });

  it('stops, naming the variable, when the database password is missing', () => {
    const { status, stderr } = composeConfig(file, 'PUBLIC_URL=https://cp.example.fr\n');
    expect(status).not.toBe(0);
    expect(stderr).toContain('POSTGRES_PASSWORD is required - the database password');
  });

  it('stops when PUBLIC_URL is missing', () => {
    const { status, stderr } = composeConfig(file, 'POSTGRES_PASSWORD=bench-secret-42\n');
    expect(status).not.toBe(0);
    expect(stderr).toContain('PUBLIC_URL is required');
  });

  it.runIf(fs.existsSync('/usr/sbin/nginx'))('has a proxy config nginx -t accepts', () => {
    // Debian's nginx, only where it is installed: the node names resolve on the compose network only,
    // so they stand for 127.0.0.1 here.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-'));
    const conf = fs
      .readFileSync(path.join(ROOT, 'docker/control-plane/nginx.conf'), 'utf8')
      .replace(/control-plane-[12]:4000/g, '127.0.0.1:4000');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
    const result = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.stderr).toContain('syntax is ok');
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
