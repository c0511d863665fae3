/** The target object for saved settings, by kind (each kind registers here). */
import { FolderTarget } from './folderTarget.js';
import { SftpTarget } from './sftpTarget.js';
import { S3Target } from './s3Target.js';
import type { TargetSettings } from './targetSettings.js';
import type { OffsiteTarget } from './target.js';

export function openTarget(settings: TargetSettings): OffsiteTarget {
  switch (settings.kind) {
    case 'folder':
      return new FolderTarget(settings);
    case 'sftp':
      return new SftpTarget(settings);
    case 's3':
      return new S3Target(settings);
  }
}
