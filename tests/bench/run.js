// `npm run bench`: runs every tests/bench/*.bench.js in sequence (each in its own process, so one
// benchmark's warm caches or leftover sockets never colour the next) and prints their figures.
// A benchmark prints its own figures; a failing one makes this runner exit non-zero.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv[2];
const scripts = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.join(dir, script)], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed++;
    console.log(`--- ${script} FAILED (exit ${result.status ?? result.signal}) after ${seconds} s`);
  } else {
    console.log(`--- ${script} done in ${seconds} s`);
  }
}
console.log(`\n${scripts.length - failed}/${scripts.length} benchmarks ran`);
process.exit(failed > 0 ? 1 : 0);
