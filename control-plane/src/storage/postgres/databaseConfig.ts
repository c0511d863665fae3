/**
 * `DATABASE_URL` (or `DATABASE_URL_FILE`, since it holds a password) chooses the PostgreSQL
 * backend (docs/control-plane-postgres.md); unset, the control plane keeps its embedded files in
 * DATA_DIR. Checked at start-up like every variable: a URL PostgreSQL cannot use is refused before
 * any connection is tried, with what to write instead.
 */
import { z } from 'zod';
import { envInt } from '@iamanager/kernel/config';

export interface DatabaseSettings {
  /** The connection URL as given (it may hold a password: never log it, see `describeDatabase`). */
  url: string;
  /** Connections this node keeps at most (several nodes share the server's max_connections). */
  poolSize: number;
  /** How long a request waits for a connection or for the server to answer a connect, in ms. */
  connectTimeoutMs: number;
}

const EXAMPLE = 'postgres://USER:PASSWORD@HOST:5432/DATABASE';

export const databaseUrlSchema = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    let url: URL;
    try {
      url = new URL(v.trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a URL: write ${EXAMPLE}, or unset it to keep the files in DATA_DIR` });
      return z.NEVER;
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      ctx.addIssue({ code: 'custom', message: `must start with postgres:// (got ${url.protocol}//): write ${EXAMPLE}` });
      return z.NEVER;
    }
    // A unix socket is written postgres:///DB?host=/run/postgresql: the host is then in the query.
    if (url.hostname === '' && !url.searchParams.get('host')) {
      ctx.addIssue({ code: 'custom', message: `names no host: write ${EXAMPLE} (or ?host=/path/to/socket/dir)` });
      return z.NEVER;
    }
    if (url.pathname.replace(/^\//, '') === '') {
      ctx.addIssue({ code: 'custom', message: `names no database: end it with /DATABASE, e.g. ${EXAMPLE}` });
      return z.NEVER;
    }
    return v.trim();
  });

/** The variables, spread into the control plane's environment schema (config.ts). */
export const databaseEnvFields = {
  DATABASE_URL: databaseUrlSchema,
  DATABASE_POOL_SIZE: envInt(1, 500, 10),
  DATABASE_CONNECT_TIMEOUT_SECONDS: envInt(1, 300, 10),
};

export function databaseSettingsFrom(env: {
  DATABASE_URL: string | undefined;
  DATABASE_POOL_SIZE: number;
  DATABASE_CONNECT_TIMEOUT_SECONDS: number;
}): DatabaseSettings | undefined {
  if (env.DATABASE_URL === undefined) return undefined;
  return { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000 };
}

/** Where the database is, for logs and errors: host, port and database, never the user or password. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  const host = u.hostname || u.searchParams.get('host') || 'localhost';
  return `${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, ''))}`;
}
