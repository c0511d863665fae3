export {
  writeFileDurable,
  appendOrCutBack,
  removeFileDurable,
  fsyncDir,
  fsyncPath,
  sweepTempFiles,
  isAuxiliaryFile,
  backupPathOf,
  StorageError,
  storageFailure,
} from './durableWrite.js';
export { DurableJsonAdapter, type JsonAdapterOptions } from './jsonAdapter.js';
export { openDocument, type Document } from './document.js';
export { DocumentCollection, assertSafeId, type CollectionOptions } from './collection.js';
export { quarantineFile, listQuarantine, QUARANTINE_DIR, type QuarantinedFile } from './quarantine.js';
export { Journal } from './journal.js';
export { GroupCommit } from './groupCommit.js';
export { storageProbe } from './storageProbe.js';
export { acquireDirLock, readDirLock, type DirLock } from './lock.js';
export { duringWrite, quiesceWrites } from './writeGate.js';
export { openFd, closeFd, fsyncFd, fstatFd } from './fd.js';
