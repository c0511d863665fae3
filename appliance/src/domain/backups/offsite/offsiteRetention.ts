/**
 * A target's own retention (independent of BACKUP_DIR's daily/weekly/monthly policy): keep the
 * newest `keep` copies and drop those older than `days` days. The newest copy is always kept, so
 * a target whose pushes stopped still holds the last one. A pure function: the caller removes.
 * Ages come from the backup's name (the time it was made), not from the target's file times,
 * which a share or an SFTP server may set to the upload time.
 */
import { parseBackupName } from '../backupFiles.js';
import type { OffsiteRetention } from './targetSettings.js';

export function offsiteCopiesToRemove(names: readonly string[], retention: OffsiteRetention, now: Date): string[] {
  const dated = names
    .map((name) => ({ name, createdAt: parseBackupName(name)?.createdAt }))
    .filter((b): b is { name: string; createdAt: Date } => b.createdAt !== undefined)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const cutoff = retention.days === null ? null : now.getTime() - retention.days * 86_400_000;
  return dated
    .filter((b, index) => {
      if (index === 0) return false;
      if (retention.keep !== null && index >= retention.keep) return true;
      return cutoff !== null && b.createdAt.getTime() < cutoff;
    })
    .map((b) => b.name);
}
