/**
 * An SFTP target (docs/backup.md « Copies hors site »): a server the cabinet or its IT provider
 * runs, reached with a user name and a private key or a password. The server's host key is pinned
 * by its SHA256 fingerprint: a server answering with another key (a machine put in its place, a
 * redirected address) is refused before any credential is sent. Until one is pinned, `test` shows
 * the fingerprint the server presents so that the IT person compares it and pins it (first use).
 * One connection per operation: a push runs once a day, and nothing is left open between runs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { ApplianceError } from '../../../errors.js';
import { parseBackupName } from '../backupFiles.js';
import type { SftpSettings } from './targetSettings.js';
import type { OffsiteFile, OffsiteTarget } from './target.js';

const PART = '.part';
const PROBE = '.iamanager-offsite-probe';
/** A server that does not finish the handshake within this is reported unreachable (not hung on). */
const READY_TIMEOUT_MS = 20_000;

/** The fingerprint OpenSSH prints for a host key (`ssh-keygen -lf`): SHA256 of its wire form, unpadded base64. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export class SftpTarget implements OffsiteTarget {
  readonly kind = 'sftp' as const;
  readonly id: string;
  readonly label: string;

  constructor(private readonly settings: SftpSettings) {
    this.id = settings.id;
    this.label = settings.label;
  }

  private where(): string {
    return `${this.settings.username}@${this.settings.host}:${this.settings.port}`;
  }

  /** Connects (checking the host key first), runs `work`, and always disconnects. */
  private async session<T>(work: (client: SftpClient, dir: string) => Promise<T>): Promise<T> {
    const client = new SftpClient('iamanager-offsite');
    let seen: string | null = null;
    const pinned = this.settings.hostKeySha256;
    try {
      await client.connect({
        host: this.settings.host,
        port: this.settings.port,
        username: this.settings.username,
        ...(this.settings.privateKey !== null ? { privateKey: this.settings.privateKey } : {}),
        ...(this.settings.password !== null ? { password: this.settings.password } : {}),
        readyTimeout: READY_TIMEOUT_MS,
        // Called before authentication: a refusal here sends no password and no key signature.
        hostVerifier: (key: Buffer) => {
          seen = hostKeyFingerprint(key);
          return pinned !== null && seen === pinned;
        },
      });
    } catch (err) {
      await client.end().catch(() => undefined);
      throw this.connectFailure(err, seen);
    }
    try {
      return await work(client, this.settings.remoteDir);
    } catch (err) {
      throw this.operationFailure(err);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private connectFailure(err: unknown, seen: string | null): ApplianceError {
    const message = (err as Error).message;
    const code = (err as { code?: unknown }).code;
    const pinned = this.settings.hostKeySha256;
    if (seen !== null && pinned === null)
      return new ApplianceError(
        'offsite_host_key_unpinned',
        `${this.where()} presents the host key ${seen}: compare it with the server's (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the server), then pin it as the target's host key fingerprint; nothing is sent until it is pinned`,
        { fingerprint: seen },
      );
    if (seen !== null && seen !== pinned)
      return new ApplianceError(
        'offsite_host_key_mismatch',
        `${this.where()} presents the host key ${seen}, not the pinned ${pinned}: refused (another machine may be answering in its place). If the server's key was really changed, check the new fingerprint on the server and pin it`,
        { fingerprint: seen, pinned },
      );
    if (/authentication methods failed/i.test(message))
      return new ApplianceError(
        'offsite_auth_failed',
        `${this.where()} refused the ${this.settings.privateKey !== null ? 'private key' : 'password'} for user ${this.settings.username}: check the user name and ${this.settings.privateKey !== null ? 'that the public key is in its ~/.ssh/authorized_keys' : 'the password'}`,
      );
    return new ApplianceError(
      'offsite_unreachable',
      `cannot reach ${this.where()}${typeof code === 'string' ? ` (${code})` : ''}: ${message}; check the host name, the port and that the firewall lets the appliance out to it`,
    );
  }

  private operationFailure(err: unknown): ApplianceError {
    if (err instanceof ApplianceError) return err;
    return new ApplianceError('offsite_write_failed', `${this.where()} in ${this.settings.remoteDir}: ${(err as Error).message}`);
  }

  async put(name: string, localPath: string): Promise<void> {
    const { size } = await fs.stat(localPath);
    await this.session(async (client, dir) => {
      await this.requireDir(client, dir);
      const part = posix.join(dir, `.${name}${PART}`);
      const final = posix.join(dir, name);
      try {
        await client.fastPut(localPath, part);
        const sent = await client.stat(part);
        if (sent.size !== size)
          throw new ApplianceError(
            'offsite_copy_mismatch',
            `${this.where()}: ${part} holds ${sent.size} bytes of ${size}: the server's disk may be full`,
          );
        // The rename is what makes the copy visible under its name: a cut-off upload stays a .part.
        await client.rename(part, final);
      } catch (err) {
        await client.delete(part, true).catch(() => undefined);
        throw err;
      }
    });
  }

  private async requireDir(client: SftpClient, dir: string): Promise<void> {
    if ((await client.exists(dir)) !== 'd')
      throw new ApplianceError(
        'offsite_write_failed',
        `${this.where()}: the remote folder ${dir} does not exist: create it on the server (writable by ${this.settings.username})`,
      );
  }

  async list(): Promise<OffsiteFile[]> {
    return this.session(async (client, dir) => {
      await this.requireDir(client, dir);
      const entries = await client.list(dir);
      return entries
        .filter((e) => e.type === '-' && parseBackupName(e.name) !== undefined)
        .map((e) => ({ name: e.name, size: e.size, modifiedAt: new Date(e.modifyTime).toISOString() }));
    });
  }

  async get(name: string, localPath: string): Promise<void> {
    await this.session(async (client, dir) => {
      const remote = posix.join(dir, name);
      if (!parseBackupName(name) || (await client.exists(remote)) !== '-')
        throw new ApplianceError(
          'backup_not_found',
          `no backup ${name} in ${dir} on ${this.where()} (see appliance backup list --target ${this.id})`,
        );
      await client.fastGet(remote, localPath);
    });
  }

  async remove(name: string): Promise<void> {
    await this.session(async (client, dir) => {
      await client.delete(posix.join(dir, name), true);
    });
  }

  async test(): Promise<void> {
    await this.session(async (client, dir) => {
      await this.requireDir(client, dir);
      const probe = posix.join(dir, PROBE);
      const text = `iamanager off-site probe ${new Date().toISOString()}`;
      try {
        await client.put(Buffer.from(text), probe);
        const back = (await client.get(probe)) as Buffer;
        if (back.toString('utf8') !== text)
          throw new ApplianceError('offsite_read_failed', `${this.where()}: ${probe} reads back different from what was written`);
      } finally {
        await client.delete(probe, true).catch(() => undefined);
      }
    });
  }
}
