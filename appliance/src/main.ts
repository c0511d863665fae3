#!/usr/bin/env node
/**
 * `appliance` — the cabinet's command line (docs/appliance.md): parse (cli/commandTable.ts),
 * dispatch (cli/dispatch.ts), print. `serve` runs the app; every other command goes through the
 * running server's command socket, or opens DATA_DIR itself under its lock when no server runs.
 * `--json` prints machine-readable output; exit 0 on success, non-zero with a one-line reason
 * otherwise (2 for a configuration problem, or no command at all).
 */
import path from 'node:path';
import { DomainError } from '@iamanager/protocol';
import { ConfigError } from '@iamanager/kernel/config';
import { APPLIANCE_CLI } from './cli/commandTable.js';
import { dispatch } from './cli/dispatch.js';
import { printResult } from './cli/printResult.js';

const APP_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

async function main(argv: string[]): Promise<number> {
  const parsed = APPLIANCE_CLI.parse(argv);
  if (parsed.kind === 'help') {
    console.log(parsed.text);
    return parsed.asked ? 0 : 2;
  }
  const outcome = await dispatch(parsed, { appDir: APP_DIR });
  if (outcome === 'running') return -1; // keeps running
  printResult(parsed.json ? outcome.result : (outcome.text ?? outcome.result), parsed.json);
  return outcome.exitCode ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    // With --json, a failure is JSON too, with its stable code, for scripts (and `appliance update`).
    if (process.argv.includes('--json') && err instanceof DomainError)
      console.log(JSON.stringify({ ok: false, error: err.code, message: err.message }));
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`appliance: ${(err as Error).message}`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  },
);
