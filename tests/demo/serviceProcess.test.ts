import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServiceProcess } from './serviceProcess.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-service-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

describe('startServiceProcess', () => {
  it('resolves with the port of the "listening" line, skipping other output', async () => {
    const file = script(
      'listens.mjs',
      `import http from 'node:http';
       console.log('not json');
       console.log(JSON.stringify({ msg: 'starting' }));
       const server = http.createServer((_, res) => res.end('pong')).listen(0, '127.0.0.1', () => {
         console.log(JSON.stringify({ level: 30, msg: 'listening', port: server.address().port }));
       });
       process.on('SIGTERM', () => server.close(() => process.exit(0)));`,
    );
    const service = await startServiceProcess(file, []);
    const res = await fetch(`http://127.0.0.1:${service.port}/`);
    expect(await res.text()).toBe('pong');
    expect(await service.stop()).toBe(0);
  });

  it('rejects with the process output when it exits before listening', async () => {
    const file = script('fails.mjs', `console.error('DATA_DIR: is not writable'); process.exit(3);`);
    await expect(startServiceProcess(file, [])).rejects.toThrow(/exited \(code 3[\s\S]*DATA_DIR: is not writable/);
  });

  it('gives up after the timeout and kills the process', async () => {
    const file = script('silent.mjs', `setInterval(() => {}, 1000);`);
    await expect(startServiceProcess(file, [], { timeoutMs: 500 })).rejects.toThrow(/no "listening" line within 500 ms/);
  });
});
