// A throw-away PostgreSQL cluster for the benchmarks — tests/support/postgres.ts's recipe in plain
// JS (benches run compiled code with plain node, which cannot import TypeScript), with one change
// that matters for the figures: fsync stays ON (PostgreSQL's default), so a commit the control
// plane acknowledges is on disk, as the embedded backend's journal fsync is. Debian's server
// binaries (PG_BIN, default PostgreSQL 15); as root they run as `nobody` (initdb refuses root).
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const IS_ROOT = process.getuid?.() === 0;

async function pgExec(binary, args) {
  const file = path.join(PG_BIN, binary);
  const [cmd, argv] = IS_ROOT ? ['setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', file, ...args]] : [file, args];
  try {
    return (await run(cmd, argv, { env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' } })).stdout;
  } catch (err) {
    throw new Error(`${binary} ${args.join(' ')} failed: ${err.stderr || err.stdout || err.message}`, { cause: err });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) of the postmaster, its live backends, and the backends it reaped. */
function clusterCpuSeconds(dataDir) {
  try {
    const pid = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const stat = (p) => fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = stat(pid);
    // utime, stime, then cutime, cstime: backends that ended are counted in the parent's c-times.
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const child of children) {
      try {
        const f = stat(child);
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // The backend ended between the listing and the read: its time is in the parent's c-times.
      }
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
}

/** Starts a durable cluster on 127.0.0.1; resolves to { url(db), createDatabase(name), cpuSeconds(), destroy() }. */
export async function startPostgres() {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb')))
    throw new Error(`no PostgreSQL server binaries in ${PG_BIN}: apt-get install postgresql (or set PG_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-pgb-'));
  if (IS_ROOT) {
    const { stdout } = await run('id', ['nobody']);
    fs.chownSync(dir, Number(/uid=(\d+)/.exec(stdout)[1]), Number(/gid=(\d+)/.exec(stdout)[1]));
  }
  const data = path.join(dir, 'data');
  await pgExec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [`-c port=${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c max_connections=200'];
  await pgExec('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', options.join(' ')]);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    async createDatabase(name) {
      await pgExec('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return url(name);
    },
    cpuSeconds: () => clusterCpuSeconds(data),
    async destroy() {
      try {
        await pgExec('pg_ctl', ['stop', '-D', data, '-w', '-t', '60', '-m', 'immediate']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let keyFile;

/**
 * The second-factor sealing key every node on the database shares (SECOND_FACTOR_KEY_FILE, required
 * with DATABASE_URL): 32 random bytes in base64, mode 0600, as docs/control-plane.md's command writes.
 */
export function sealingKeyFile() {
  if (!keyFile) {
    keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-2fa-key-')), 'second-factor-key');
    fs.writeFileSync(keyFile, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return keyFile;
}
