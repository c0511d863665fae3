/**
 * Support bundles appliances sent (docs/support-bundle.md): verified (appliance key, cabinet,
 * fresh token, the body is the one signed), kept for 30 days for the vendor's support staff, then
 * pruned (listings and reads leave out what expired meanwhile). Where they are kept is the
 * archive's business (storage/stores.ts `SupportBundleArchive`: DATA_DIR/support-bundles, or
 * PostgreSQL). Retention: with the files, on every upload and when the control plane starts, as
 * before; with a `JobLeases` (several nodes), on a timer by the one node holding the lease.
 */
import { createHash, randomUUID } from 'node:crypto';
import { MAX_SUPPORT_BUNDLE_BYTES, ProtocolError, verifySupportUpload, type VerifyHeartbeatOptions } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../errors.js';
import type { SupportBundleArchive } from '../storage/stores.js';
import { LeasedSchedule, type JobLeaseHolder } from './leasedSchedule.js';
import type { SupportBundleEntry } from '../storage/supportBundleRecords.js';

export type { SupportBundleEntry } from '../storage/supportBundleRecords.js';

/** Long enough for a support case to be worked on, short enough that diagnostics do not pile up. */
export const SUPPORT_BUNDLE_RETENTION_DAYS = 30;
/** Per cabinet: a loop of uploads cannot fill the vendor's disk. */
export const MAX_BUNDLES_PER_CABINET = 10;

const DAY_MS = 86_400_000;
/** The retention job's name in `job_leases`. */
export const SUPPORT_BUNDLE_RETENTION_JOB = 'support-bundle-retention';

/** Retention run by whichever node holds the lease (several nodes on one database; domain/leasedSchedule.ts). */
export interface SupportBundleRetention extends JobLeaseHolder {
  /** How often the job runs; the lease lasts three periods, so a dead node's job moves on within three. */
  everyMs: number;
  clock: () => Date;
}

export class SupportBundleStore {
  private readonly retention: LeasedSchedule<number> | undefined;

  private constructor(
    private readonly archive: SupportBundleArchive,
    private readonly log: Logger,
    retention: SupportBundleRetention | undefined,
  ) {
    this.retention =
      retention &&
      new LeasedSchedule(SUPPORT_BUNDLE_RETENTION_JOB, () => this.pruneLogged(retention.clock()), {
        ...retention,
        log,
        failure: 'support bundle retention failed; it runs again at the next period',
      });
  }

  /**
   * Without `retention` (the files: one node) expired bundles are pruned now and on every upload,
   * as before the storage seam; with it, by the timer under the job lease, and never on upload
   * (an upload does not wait on the lease).
   */
  static async open(
    archive: SupportBundleArchive,
    log: Logger,
    now: Date,
    retention?: SupportBundleRetention,
  ): Promise<SupportBundleStore> {
    const store = new SupportBundleStore(archive, log, retention);
    if (!store.retention) await archive.prune(now);
    // The first run waits one period, as before: start-up does not wait on the lease.
    else void store.retention.start('after a period');
    return store;
  }

  /** Stops the retention schedule and gives its lease up (shutdown). */
  async close(): Promise<void> {
    await this.retention?.stop();
  }

  /**
   * One run of the retention job: prunes if this node takes (or renews) the lease, else leaves it
   * to the node that holds it. How many bundles were dropped; undefined when another node holds it,
   * or when there is no lease (the files: retention runs on upload and at start instead).
   */
  runRetention(): Promise<number | undefined> {
    return this.retention ? this.retention.tick() : Promise.resolve(undefined);
  }

  private async pruneLogged(now: Date): Promise<number> {
    const dropped = await this.archive.prune(now);
    if (dropped > 0) this.log.info({ dropped }, 'expired support bundles pruned');
    return dropped;
  }

  /**
   * `POST /v1/support-bundles`: the token (Authorization: Bearer) and the base64 bundle. Refusals
   * carry the heartbeat's codes: `unknown_appliance`, `bad_signature`, `revoked_appliance`,
   * `wrong_audience`, `clock_skew`, `malformed` (the body is not the bundle signed, or not a gzip).
   */
  async receive(
    token: string,
    bundleBase64: string,
    options: { findAppliance: VerifyHeartbeatOptions['findAppliance']; now: Date; maxSkewSeconds: number },
  ): Promise<SupportBundleEntry> {
    const claims = await verifySupportUpload(token, options);
    const bytes = Buffer.from(bundleBase64, 'base64');
    if (bytes.length > MAX_SUPPORT_BUNDLE_BYTES)
      throw new ControlPlaneError('payload_too_large', `bundle: ${bytes.length} bytes, at most ${MAX_SUPPORT_BUNDLE_BYTES}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== claims.sha256 || bytes.length !== claims.size)
      throw new ProtocolError(
        'malformed',
        'bundle: its SHA-256 or size is not the one the token signs: send the bundle the token was made for',
      );
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ProtocolError('malformed', 'bundle: must be a .tar.gz (gzip)');
    if (!this.retention) await this.archive.prune(options.now);
    // The same signed upload replayed (a retry whose answer was lost) is the bundle already kept:
    // the archive returns it instead of this new entry.
    return this.archive.keep(
      {
        id: randomUUID(),
        cabinetId: claims.sub,
        applianceId: claims.iss,
        receivedAt: options.now.toISOString(),
        expiresAt: new Date(options.now.getTime() + SUPPORT_BUNDLE_RETENTION_DAYS * DAY_MS).toISOString(),
        bytes: bytes.length,
        sha256,
      },
      bytes,
      MAX_BUNDLES_PER_CABINET,
    );
  }

  /** A cabinet's bundles still kept, newest first. */
  list(cabinetId: string, now: Date): Promise<SupportBundleEntry[]> {
    return this.archive.list(cabinetId, now);
  }

  async read(cabinetId: string, id: string, now: Date): Promise<{ entry: SupportBundleEntry; bytes: Buffer }> {
    const found = await this.archive.read(cabinetId, id, now);
    if (!found) throw new ControlPlaneError('not_found', `support bundle "${id}" of cabinet "${cabinetId}" does not exist or has expired`);
    return found;
  }

  /** Drops what expired at `now`; how many. */
  prune(now: Date): Promise<number> {
    return this.archive.prune(now);
  }
}
