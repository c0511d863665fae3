/**
 * An off-site backup target (docs/backup.md « Copies hors site »): somewhere away from the
 * appliance's own disk the encrypted backups are pushed to after each run, so that a fire, a theft
 * or ransomware on the appliance does not take the backups with it. Every kind (a mounted folder,
 * SFTP, S3-compatible storage) offers the same operations; the archives it holds are the same
 * encrypted `.iabak` files as in BACKUP_DIR, so a target never sees the cabinet's data in clear.
 */
export type OffsiteKind = 'folder' | 'sftp' | 's3';

export interface OffsiteFile {
  name: string;
  size: number;
  modifiedAt: string;
}

export interface OffsiteTarget {
  /** Stable id chosen at creation. */
  readonly id: string;
  readonly kind: OffsiteKind;
  /** What pages show, never a secret. */
  readonly label: string;
  /** Uploads under a temporary name then renames (or the store's equivalent): a half-sent copy never looks complete. */
  put(name: string, localPath: string): Promise<void>;
  list(): Promise<OffsiteFile[]>;
  get(name: string, localPath: string): Promise<void>;
  remove(name: string): Promise<void>;
  /** Connects, writes, reads back and removes a probe file; throws ApplianceError with a stable code naming what failed. */
  test(): Promise<void>;
  /** Closes a connection the target keeps open between calls (SFTP); a no-op for the others. */
  close?(): Promise<void>;
}
