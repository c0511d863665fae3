// Fails on merge-conflict markers left anywhere in the tree (part of `npm run lint`): a README once
// shipped with `<<<<<<< HEAD` in it. Reads every file git tracks, plus untracked files it does not
// ignore, so a marker is caught before it is committed too.
//   node tests/lint/conflictMarkers.js [DIR]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// A marker is seven of <, = (between the other two), | or > at the start of a line; `=======`
// alone also underlines Markdown headings, so it counts only inside a <<<<<<< … >>>>>>> block.
const OPEN = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const SPLIT = /^={7}$/;
const CLOSE = /^>{7}(?: |$)/;

export function conflictMarkers(text) {
  const found = [];
  let inside = false;
  text.split('\n').forEach((line, i) => {
    const l = line.replace(/\r$/, '');
    if (OPEN.test(l)) inside = true;
    if (OPEN.test(l) || CLOSE.test(l) || BASE.test(l) || (inside && SPLIT.test(l))) found.push({ line: i + 1, text: l });
    if (CLOSE.test(l)) inside = false;
  });
  return found;
}

function filesOf(root) {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  return out.split('\0').filter(Boolean);
}

function main() {
  const root = path.resolve(process.argv[2] ?? '.');
  const problems = [];
  for (const file of filesOf(root)) {
    let bytes;
    try {
      bytes = fs.readFileSync(path.join(root, file));
    } catch {
      continue; // deleted in the working tree
    }
    if (bytes.includes(0)) continue; // binary
    for (const m of conflictMarkers(bytes.toString('utf8')))
      problems.push(`${file}:${m.line}: merge conflict marker "${m.text.slice(0, 40)}": resolve the conflict and remove the marker`);
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
