#!/usr/bin/env node
// The `appliance` command. npm links a package's bins when it installs (`npm ci`), before `tsc` has
// built dist/ on a fresh clone — a bin pointing into dist/ would not be linked, and `npx appliance`
// would then fetch an unrelated package from the registry. This file is in the repository, so the
// link always exists; it runs the compiled command, or says how to build it.
import { access } from 'node:fs/promises';

const main = new URL('../dist/main.js', import.meta.url);
try {
  await access(main);
} catch {
  console.error('appliance: not built yet: run `npm run build` (or `npm start`) in the repository first');
  process.exit(2);
}
await import(main.href);
