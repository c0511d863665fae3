/**
 * A throw-away PostgreSQL cluster for tests: Debian's PostgreSQL 15 (`postgresql` in .ci/run's
 * APT_PACKAGES), initialised in a temp dir, listening on a unix socket in that dir and on a free TCP
 * port of 127.0.0.1 only, stopped and removed in teardown. Each test file starts its own cluster
 * (test files run in parallel forks: no cross-process coordination, nothing shared between files to
 * clean up) and takes a fresh database per scenario with `createDatabase`.
 *
 * initdb refuses to run as root ("cannot be run as root"), and CI runs as root: then the cluster's
 * directory is handed to `nobody` and the server binaries run through `setpriv` as that user. As
 * any other user they run as that user.
 *
 * `fsync=off` (tests only, never in production): a crash of the machine is not what these tests
 * simulate, and a killed server process still keeps every committed transaction (its WAL is in
 * the OS cache). `synchronous_commit` stays on, so a commit a test sees acknowledged is in the WAL.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL 15's server binaries (they are not on PATH). */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

const IS_ROOT = process.getuid?.() === 0;
/** The unprivileged user the cluster runs as when the tests run as root. */
const RUN_AS = 'nobody';

export interface PostgresCluster {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** The cluster's directory (data/, the socket, the server log). */
  readonly dir: string;
  /** A `postgres://` URL for `database` (superuser `postgres`, trust authentication on loopback). */
  url(database?: string): string;
  /** Creates an empty database with a unique name and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server (fast shutdown: open sessions are ended), keeping its files: `start()` brings it back. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts a stopped server again on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** Runs a server binary, as `nobody` when this process is root. */
async function pgExec(binary: string, args: string[]): Promise<string> {
  const file = path.join(PG_BIN, binary);
  const [cmd, argv] = IS_ROOT ? ['setpriv', ['--reuid', RUN_AS, '--regid', 'nogroup', '--clear-groups', file, ...args]] : [file, args];
  try {
    const { stdout } = await run(cmd, argv, { env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' } });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`, { cause: err });
  }
}

/** A port the kernel just handed out, so free a moment ago (the server binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let databases = 0;

export async function startPostgres(): Promise<PostgresCluster> {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL's server binaries are not in ${PG_BIN}: apt-get install postgresql (or set PG_BIN)`);
  }
  // Short: the socket path (dir + /.s.PGSQL.PORT) must stay under 108 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-pg-'));
  if (IS_ROOT) {
    const { uid, gid } = await idsOf(RUN_AS);
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  await pgExec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  let port = await freePort();
  const options = () =>
    [
      `-c port=${port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
  const start = async () => {
    await pgExec('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', options()]);
  };
  try {
    await start();
  } catch {
    // The port was taken between freePort() and the bind: one more try on another.
    port = await freePort();
    await start();
  }
  let running = true;
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await pgExec('pg_ctl', ['stop', '-D', data, '-w', '-t', '60', '-m', mode]);
    running = false;
  };
  return {
    port,
    dir,
    url,
    async createDatabase(prefix = 'test') {
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async destroy() {
      try {
        await stop('immediate');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', [user]);
  const uid = /uid=(\d+)/.exec(stdout);
  const gid = /gid=(\d+)/.exec(stdout);
  if (!uid || !gid) throw new Error(`cannot read the ids of user ${user}: ${stdout}`);
  return { uid: Number(uid[1]), gid: Number(gid[1]) };
}
