export { writeFileDurable, appendOrCutBack, removeFileDurable, fsyncDir, sweepTempFiles, isAuxiliaryFile, backupPathOf, StorageError, storageFailure } from './durableWrite.js';
export { DurableJsonAdapter, type JsonAdapterOptions } from './jsonAdapter.js';
export { openDocument, type Document } from './document.js';
export { DocumentCollection, assertSafeId } from './collection.js';
export { Journal } from './journal.js';
export { GroupCommit } from './groupCommit.js';
export { storageProbe } from './storageProbe.js';
export { acquireDirLock, readDirLock, type DirLock } from './lock.js';
export { duringWrite, quiesceWrites } from './writeGate.js';
