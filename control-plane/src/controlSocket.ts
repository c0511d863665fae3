/**
 * The control socket: while `serve` runs it holds the DATA_DIR lock, so the CLI sends its commands
 * here instead of opening the files (lowdb is single-process). A unix socket in DATA_DIR, mode
 * 0600: being able to open it is the authorization, exactly as being able to read DATA_DIR is.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { errorMiddleware, parseBody, requestContext } from '@iamanager/protocol/http';
import { runCommand } from './commands.js';
import type { ControlPlane } from './controlPlane.js';
import { CONTROL_PLANE_STATUS } from './errorStatus.js';

export const COMMAND_PATH = '/internal/commands';

const commandRequestSchema = z.strictObject({
  command: z.string().min(1).max(64),
  args: z.record(z.string(), z.union([z.string().max(10_000), z.boolean()])),
  input: z.string().max(10_000).optional(),
});

export interface ControlSocket {
  close(): Promise<void>;
}

export async function listenControlSocket(cp: ControlPlane, socketPath: string): Promise<ControlSocket> {
  const app = new Koa();
  app.use(errorMiddleware(CONTROL_PLANE_STATUS, cp.log));
  app.use(requestContext(cp.log));
  const router = new Router();
  router.post(COMMAND_PATH, async (ctx) => {
    const request = await parseBody(ctx, commandRequestSchema);
    cp.log.info({ command: request.command }, 'cli command');
    ctx.body = { ok: true, result: await runCommand(cp, request) };
  });
  app.use(router.routes());
  app.use((ctx) => {
    throw new DomainError('not_found', `nothing at ${ctx.method} ${ctx.path}`);
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
