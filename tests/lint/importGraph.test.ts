/**
 * The import-graph check of `npm run lint` (tests/lint/dependency-cruiser.cjs) fails on the arrows
 * the layout forbids: run on small trees shaped like the services, each breaking one rule (the
 * repository itself is checked by `npm run lint`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, 'tests/lint/dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-'));
  dirs.push(dir);
  const all = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function cruise(cwd: string, ...targets: string[]) {
  const result = spawnSync(DEPCRUISE, ['--config', CONFIG, ...targets], { cwd, encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('the import-graph check of npm run lint', () => {
  it('fails on storage importing the domain, naming the rule and both files', () => {
    const dir = tree({
      'appliance/src/domain/cases/caseRules.ts': 'export const MAX = 3;\n',
      'appliance/src/storage/caseStore.ts': "import { MAX } from '../domain/cases/caseRules.js';\nexport const store = MAX;\n",
    });
    const result = cruise(dir, 'appliance/src');
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/storage-stays-down: appliance\/src\/storage\/caseStore\.ts → appliance\/src\/domain\/cases\/caseRules\.ts/);
  });

  it('fails on the domain importing a router, and on pages importing the API', () => {
    const dir = tree({
      'control-plane/src/api/cabinets.ts': "export const route = '/api/v1/cabinets';\n",
      'control-plane/src/domain/cabinets.ts': "import { route } from '../api/cabinets.js';\nexport const r = route;\n",
      'control-plane/src/web/cabinetPage.ts': "import { route } from '../api/cabinets.js';\nexport const p = route;\n",
    });
    const result = cruise(dir, 'control-plane/src');
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/domain-below-edges: control-plane\/src\/domain\/cabinets\.ts → control-plane\/src\/api\/cabinets\.ts/);
    expect(result.out).toMatch(
      /pages-and-api-are-siblings: control-plane\/src\/web\/cabinetPage\.ts → control-plane\/src\/api\/cabinets\.ts/,
    );
  });

  it('fails on a circle of imports', () => {
    const dir = tree({
      'appliance/src/domain/a.ts': "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n",
      'appliance/src/domain/b.ts': "import { a } from './a.js';\nexport const b = (): number => (a ? 1 : 0);\n",
    });
    const result = cruise(dir, 'appliance/src');
    expect(result.status).not.toBe(0);
    expect(result.out).toContain('no-circular');
  });

  it('fails on one service importing the other, and on the wire contract importing the kernel', () => {
    const dir = tree({
      'control-plane/src/domain/plans.ts': 'export const plans = 3;\n',
      'appliance/src/domain/limits.ts': "import { plans } from '../../../control-plane/src/domain/plans.js';\nexport const l = plans;\n",
      'protocol/kernel/src/log.ts': 'export const log = 1;\n',
      'protocol/src/license.ts': "import { log } from '../kernel/src/log.js';\nexport const license = log;\n",
    });
    const result = cruise(dir, 'appliance/src', 'protocol/src');
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/services-stay-apart: appliance\/src\/domain\/limits\.ts → control-plane\/src\/domain\/plans\.ts/);
    expect(result.out).toMatch(/wire-is-only-the-wire: protocol\/src\/license\.ts → protocol\/kernel\/src\/log\.ts/);
  });
});
