/**
 * The CLI's side of the control socket. `undefined` means no server is listening (no socket file,
 * or a stale one): the CLI then works on DATA_DIR itself, under its lock.
 */
import http from 'node:http';
import { DomainError } from '@iamanager/protocol';
import type { CommandRequest } from '../commands.js';
import { COMMAND_PATH } from '../controlSocket.js';

export function sendToServer(socketPath: string, request: CommandRequest): Promise<{ result: unknown } | undefined> {
  const body = JSON.stringify(request);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, path: COMMAND_PATH, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let answer: { ok?: boolean; result?: unknown; error?: string; message?: string };
          try {
            answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof answer;
          } catch {
            reject(new DomainError('internal', `the server answered ${res.statusCode} with something that is not JSON`));
            return;
          }
          if (answer.ok) resolve({ result: answer.result });
          else reject(new DomainError(answer.error ?? 'internal', answer.message ?? `the server answered ${res.statusCode}`));
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(undefined);
      else reject(err);
    });
    req.end(body);
  });
}
