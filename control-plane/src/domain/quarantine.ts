/**
 * The control plane's quarantined records: a file that cannot be read and has no usable last good
 * copy is moved aside (protocol storage/quarantine.ts) instead of stopping the start-up — one
 * cabinet's damaged record must not take heartbeats, enrollment and the dashboard down for every
 * other cabinet. Each quarantined file is a critical alert (`/api/v1/alerts`, the dashboard's
 * alerts page) until an operator restores it and removes its quarantine entry.
 *
 * Which files may go: the per-record ones (cabinets, appliances, billing months, credit notes,
 * held-invoice decisions) and derived state (fleet alerts). A billing document in quarantine
 * leaves the numbering uncertain, so billing stops issuing until it is back (storage/embedded/billingFiles.ts).
 * The single files every request needs (vendor keys, plan catalog, admins) still stop the start-up
 * with the file named: without them there is no service to keep running.
 *
 * Files-only by nature: the control plane holds a `RecordQuarantine` (what the alerts list, and
 * where the embedded stores hand an unreadable file). With PostgreSQL there is no DATA_DIR and
 * nothing is moved aside — every node reads the same rows, and a row that does not fit its schema
 * is refused where it is read (`database_record_invalid`, naming the table and the row's key:
 * storage/postgres/rowCheck.ts) — so that control plane passes `NO_RECORD_QUARANTINE`.
 */
import { listQuarantine, quarantineFile, type QuarantinedFile, type StorageError } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import type { Clock } from '../clock.js';

export interface StorageAlert extends QuarantinedFile {
  level: 'critical';
  code: 'record_quarantined';
  message: string;
}

function alertOf(q: QuarantinedFile): StorageAlert {
  return {
    ...q,
    level: 'critical',
    code: 'record_quarantined',
    message: `${q.file} could not be read and had no usable last good copy: moved to ${q.movedTo}; restore it from a backup (control plane stopped), then delete that quarantine folder`,
  };
}

/** Where unreadable records are set aside, and which ones are. */
export interface RecordQuarantine {
  /** Every record set aside and not restored yet, oldest first. */
  list(): readonly QuarantinedFile[];
  /** Sets an unreadable record aside so that the caller goes on without it (bound: passed as a callback). */
  readonly take: (file: string, err: StorageError) => Promise<void>;
}

/** Every quarantined record as a critical alert, newest first (`/api/v1/alerts`, the dashboard's alerts page). */
export function quarantineAlerts(quarantine: RecordQuarantine): StorageAlert[] {
  return quarantine.list().map(alertOf).reverse();
}

/**
 * No DATA_DIR (PostgreSQL): nothing is ever set aside, so nothing is listed; a file handed here
 * has nowhere to go, and its read error stands.
 */
export const NO_RECORD_QUARANTINE: RecordQuarantine = {
  list: () => [],
  take: (_file, err) => Promise.reject(err),
};

/** The files' quarantine: DATA_DIR/quarantine (kernel storage/quarantine.ts). */
export class DataDirQuarantine implements RecordQuarantine {
  private constructor(
    private readonly dataDir: string,
    private readonly entries: QuarantinedFile[],
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  static async open(dataDir: string, clock: Clock, log: Logger): Promise<DataDirQuarantine> {
    const entries = await listQuarantine(dataDir);
    for (const q of entries)
      log.error({ file: q.file, movedTo: q.movedTo, at: q.at }, 'storage: a record is still in quarantine; restore it from a backup');
    return new DataDirQuarantine(dataDir, entries, clock, log);
  }

  list(): readonly QuarantinedFile[] {
    return this.entries;
  }

  /** Moves an unreadable record aside; the caller goes on without it. */
  readonly take = async (file: string, err: StorageError): Promise<void> => {
    const q = await quarantineFile(this.dataDir, file, this.clock());
    this.entries.push(q);
    this.log.error(
      { file: q.file, movedTo: q.movedTo, reason: err.message },
      'storage: unreadable record quarantined; the service goes on without it',
    );
  };

  /** Every quarantined file as a critical alert, newest first. */
  alerts(): StorageAlert[] {
    return quarantineAlerts(this);
  }

  /** Quarantined files under a folder of DATA_DIR (e.g. `billing/`). */
  under(prefix: string): QuarantinedFile[] {
    return this.entries.filter((q) => q.file.startsWith(prefix));
  }
}

/** `RecordQuarantine.open(dataDir, clock, log)`: the files' quarantine, as it was opened before the interface. */
export const RecordQuarantine = {
  open: (dataDir: string, clock: Clock, log: Logger): Promise<DataDirQuarantine> => DataDirQuarantine.open(dataDir, clock, log),
};
