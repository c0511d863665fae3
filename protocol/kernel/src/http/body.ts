/**
 * Request bodies, read with a hard size limit before anything parses them. The content type is
 * checked first, so a form post or a stray upload never reaches JSON.parse.
 */
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { z } from 'zod';
import { DomainError, parseWith } from '@iamanager/protocol';

export interface ReadBodyOptions {
  /** Maximum body size in bytes. */
  limit: number;
}

async function readRaw(ctx: Context, type: string, options: ReadBodyOptions): Promise<string> {
  const contentType = (ctx.get('content-type') || '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== type) {
    throw new DomainError('unsupported_media_type', `Content-Type must be ${type}${contentType ? `, not ${contentType}` : ''}`);
  }
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > options.limit) throw tooLarge(options.limit);
  try {
    return await getRawBody(ctx.req, { limit: options.limit, encoding: 'utf8', length: ctx.get('content-length') || undefined });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') throw tooLarge(options.limit);
    if (e.type === 'request.size.invalid') throw new DomainError('invalid_input', 'the body is shorter or longer than its Content-Length');
    if (e.type === 'encoding.unsupported' || e.status === 415) throw new DomainError('unsupported_media_type', 'the body must be UTF-8');
    throw new DomainError('invalid_input', 'the request body could not be read');
  }
}

function tooLarge(limit: number): DomainError {
  return new DomainError('payload_too_large', `the body is larger than ${limit} bytes`, { limit });
}

/** Reads and parses a JSON body (Content-Type application/json) with the given size limit. */
export async function readJson(ctx: Context, options: ReadBodyOptions = { limit: 64 * 1024 }): Promise<unknown> {
  const text = await readRaw(ctx, 'application/json', options);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DomainError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads a JSON body and validates it: the handler receives typed data or the client a field-by-field error. */
export async function parseBody<S extends z.ZodType>(ctx: Context, schema: S, options?: ReadBodyOptions): Promise<z.output<S>> {
  return parseWith(schema, await readJson(ctx, options));
}

/** Reads a text body of the given media type (e.g. application/jose). */
export function readText(ctx: Context, type: string, options: ReadBodyOptions): Promise<string> {
  return readRaw(ctx, type, options);
}

/** Validates the query string; repeated keys arrive as arrays and are left to the schema. */
export function parseQuery<S extends z.ZodType>(ctx: Context, schema: S): z.output<S> {
  return parseWith(schema, { ...ctx.query }, 'query');
}
