import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = new URL('./conflictMarkers.js', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflict-markers-'));
  dirs.push(dir);
  spawnSync('git', ['init', '-q'], { cwd: dir });
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const run = (dir: string) => spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });

describe('the conflict-marker check of npm run lint', () => {
  it('fails on a conflict left in any file, naming the file and line', () => {
    const dir = repo({ 'README.md': 'intro\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> fleet\n', 'src/a.ts': 'export const a = 1;\n' });
    const result = run(dir);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'README.md:2: merge conflict marker "<<<<<<< HEAD": resolve the conflict and remove the marker',
      'README.md:4: merge conflict marker "=======": resolve the conflict and remove the marker',
      'README.md:6: merge conflict marker ">>>>>>> fleet": resolve the conflict and remove the marker',
    ]);
  });

  it('passes a clean tree, where ======= underlines a Markdown heading', () => {
    const dir = repo({
      'docs/a.md': 'Title\n=======\n\ntext with <<<<<<< inside a line\n',
      'ignored/x.txt': '<<<<<<< HEAD\n',
      '.gitignore': 'ignored/\n',
    });
    const result = run(dir);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
