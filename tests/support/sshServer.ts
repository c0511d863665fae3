/**
 * A real OpenSSH server for the SFTP off-site target's tests: Debian's `/usr/sbin/sshd` started in
 * the foreground (`-D -e`) as the current user, on a free loopback port, with a host key and a
 * client key generated here (ssh-keygen), `Subsystem sftp internal-sftp`, no PAM and no
 * StrictModes (the temp folder's modes are the test's, not a real home's). Nothing is skipped:
 * without sshd the test fails and says which package to install.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './appliance.js';

const SSHD = '/usr/sbin/sshd';

export interface SshServer {
  host: string;
  port: number;
  user: string;
  /** The client's private key (OpenSSH format), authorised on the server. */
  privateKey: string;
  privateKeyFile: string;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it: `SHA256:…`. */
  fingerprint: string;
  /** A folder on the server (the same machine) the tests point the target at. */
  remoteDir: string;
  stop(): Promise<void>;
}

/** A key pair made by ssh-keygen (no passphrase); returns the private key's path. */
function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'iamanager-test', '-f', file]);
}

export async function startSshServer(root: string): Promise<SshServer> {
  if (!fs.existsSync(SSHD))
    throw new Error(`${SSHD} is missing: install Debian's openssh-server (apt-get install -y openssh-server; .ci/run lists it)`);
  const dir = fs.mkdtempSync(path.join(root, 'sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  fs.copyFileSync(`${clientKey}.pub`, path.join(dir, 'authorized_keys'));
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  const remoteDir = path.join(dir, 'remote');
  fs.mkdirSync(remoteDir);
  // Run as root, sshd separates privileges into /run/sshd, which Debian creates only at boot.
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('Server listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sshd exited (${code}) before listening:\n${log}`)));
    child.once('error', reject);
  });
  return {
    host: '127.0.0.1',
    port,
    user: os.userInfo().username,
    privateKey: fs.readFileSync(clientKey, 'utf8'),
    privateKeyFile: clientKey,
    fingerprint,
    remoteDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
