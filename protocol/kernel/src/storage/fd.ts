/**
 * File-descriptor calls for the hot write paths. `fs/promises` FileHandles cost about twice the
 * CPU of the callback API per open/write/sync/close (a FileHandle object, its promise plumbing and
 * its finalisation), and a case write makes a dozen such calls: measured 940 µs against 470 µs
 * for open+write+fsync+close (50 concurrent writers, tests/bench/appliance.bench.js shows the
 * effect on write latency). Plain descriptors, closed in `finally` by the callers. Likewise
 * `readFile`: 10 000 small case files read 64 at a time take 740 ms through `fs/promises` and
 * 260–320 ms through the callback API — most of an appliance's cold start at the enterprise
 * ceiling.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';

export const openFd = promisify(fs.open);
export const closeFd = promisify(fs.close);
export const fsyncFd = promisify(fs.fsync);
export const fdatasyncFd = promisify(fs.fdatasync);
export const fstatFd = promisify(fs.fstat);
export const ftruncateFd = promisify(fs.ftruncate);
/** Writes all of `data` at the descriptor's position (fs.writeFile loops over short writes). */
export const writeAllFd = promisify(fs.writeFile) as (fd: number, data: string | Uint8Array) => Promise<void>;

const readFileCb = promisify(fs.readFile);
/** A whole file as UTF-8 text. */
export const readTextFile = (file: string): Promise<string> => readFileCb(file, 'utf8');
