/**
 * A bare HTTP/1.1 client for hostile-input tests: keep-alive sockets (so 100 000 requests do not
 * cost 100 000 TCP handshakes), any method, path, header and body Node lets through, bodies sent
 * with a Content-Length or chunked. It never throws: a request that got no answer resolves with
 * status 0 and the socket error, so the fuzzer can count it instead of stopping.
 */
import http from 'node:http';

export interface WireRequest {
  method: string;
  /** Path and query, sent as is (already percent-encoded where the test wants it). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked (two chunks) instead of a Content-Length. */
  chunked?: boolean;
}

export interface WireResponse {
  /** 0 when the connection ended without an answer (see `error`). */
  status: number;
  error?: string;
  /**
   * The request went out on a kept-alive socket: a reset with no answer may then be the server
   * closing that idle socket as the request was written (Node's documented keep-alive race), which
   * the caller may retry once on a fresh connection.
   */
  reusedSocket?: boolean;
  location?: string;
  contentType?: string;
}

export class KeepAliveClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    url: string,
    maxSockets = 32,
    private readonly timeoutMs = 30_000,
  ) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    // Idle sockets are dropped before the server's 5 s keep-alive timeout, so a request never races
    // the server closing the socket it was written to (ECONNRESET with no answer).
    this.agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 2_000 });
  }

  send(r: WireRequest, options: { fresh?: boolean } = {}): Promise<WireResponse> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (res: WireResponse) => {
        if (settled) return;
        settled = true;
        resolve(res);
      };
      const headers = { ...r.headers };
      // Node frames a GET's body only when told to: without the header it would send it unframed.
      if (r.body) headers[r.chunked ? 'transfer-encoding' : 'content-length'] = r.chunked ? 'chunked' : String(r.body.length);
      let req: http.ClientRequest;
      try {
        req = http.request(
          { agent: options.fresh ? false : this.agent, host: this.host, port: this.port, method: r.method, path: r.path, headers },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () =>
              done({ status: res.statusCode ?? 0, location: res.headers.location, contentType: res.headers['content-type'] }),
            );
            res.on('error', (err) => done({ status: res.statusCode ?? 0, error: (err as NodeJS.ErrnoException).code ?? err.message }));
          },
        );
      } catch (err) {
        // Node refused to build the request (a header or path it will not send): nothing left this process.
        done({ status: -1, error: (err as Error).message });
        return;
      }
      req.setTimeout(this.timeoutMs, () => {
        done({ status: 0, error: 'timeout' });
        req.destroy();
      });
      // Once answered, a reset (the server closing on an unread oversized body) is expected.
      req.on('error', (err) =>
        done({ status: 0, error: (err as NodeJS.ErrnoException).code ?? err.message, reusedSocket: req.reusedSocket }),
      );
      if (!r.body) req.end();
      else if (r.chunked) {
        const half = Math.floor(r.body.length / 2);
        req.write(r.body.subarray(0, half));
        req.end(r.body.subarray(half));
      } else req.end(r.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `items` through `worker` with at most `concurrency` in flight, in order of start. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}
