/**
 * The command socket both services open while `serve` runs. The server holds the DATA_DIR lock
 * (lowdb is single-process), so the CLI sends its commands here instead of opening the files.
 * A unix socket in DATA_DIR, mode 0600: being able to open it is the authorization, exactly as
 * being able to read DATA_DIR is.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import Koa from 'koa';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import type { Logger } from '../log.js';
import { parseBody } from './body.js';
import { errorMiddleware } from './errorMiddleware.js';
import { requestContext } from './requestContext.js';

export const COMMAND_SOCKET_PATH = '/internal/commands';

export const commandRequestSchema = z.strictObject({
  command: z.string().min(1).max(64),
  args: z.record(z.string(), z.union([z.string().max(100_000), z.boolean()])),
  input: z.string().max(100_000).optional(),
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export interface CommandSocket {
  close(): Promise<void>;
}

export async function listenCommandSocket(
  socketPath: string,
  run: (request: CommandRequest) => Promise<unknown>,
  options: { log: Logger; statusByCode: Readonly<Record<string, number>> },
): Promise<CommandSocket> {
  const app = new Koa();
  app.use(errorMiddleware(options.statusByCode, options.log));
  app.use(requestContext(options.log));
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== COMMAND_SOCKET_PATH)
      throw new DomainError('not_found', `nothing at ${ctx.method} ${ctx.path}`);
    const request = await parseBody(ctx, commandRequestSchema, { limit: 256 * 1024 });
    options.log.info({ command: request.command }, 'cli command');
    ctx.body = { ok: true, result: await run(request) };
  });
  // We hold the DATA_DIR lock, so a socket file left here is from a process that is gone.
  await fs.rm(socketPath, { force: true });
  const server = http.createServer(app.callback());
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  await fs.chmod(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/**
 * The CLI's side. `undefined` means no server is listening (no socket, or a stale one): the CLI
 * then works on DATA_DIR itself, under its lock.
 */
export function sendCommand(socketPath: string, request: CommandRequest): Promise<{ result: unknown } | undefined> {
  const body = JSON.stringify(request);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        path: COMMAND_SOCKET_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let answer: { ok?: boolean; result?: unknown; error?: string; message?: string; details?: Record<string, unknown> };
          try {
            answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof answer;
          } catch {
            reject(new DomainError('internal', `the server answered ${res.statusCode} with something that is not JSON`));
            return;
          }
          if (answer.ok) resolve({ result: answer.result });
          else
            reject(new DomainError(answer.error ?? 'internal', answer.message ?? `the server answered ${res.statusCode}`, answer.details));
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
