/**
 * A control plane that misbehaves on demand: an HTTP proxy in front of the real one whose mode the
 * test switches — refuse connections, accept and never answer, answer 500, forward slowly, or
 * forward and then lose the answer. It logs every heartbeat it forwards (sequence number and the
 * control plane's status), so a test can check what was counted, in what order, and how often.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyMode = 'refuse' | 'hang' | 'error500' | 'slow' | 'pass';

export interface ForwardedHeartbeat {
  seq: number;
  iat: number;
  status: number;
  /** True when the control plane answered but the proxy dropped the answer. */
  answerLost: boolean;
}

export class FlakyProxy {
  mode: ProxyMode = 'pass';
  /** In `pass` mode, drop the answer to every n-th heartbeat (0: never). */
  loseEvery = 0;
  slowMs = 1_500;
  readonly forwarded: ForwardedHeartbeat[] = [];
  /** Requests that reached the proxy while it was not forwarding. */
  refusedOrFailed = 0;
  private server: http.Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(public target: string) {
    this.server = this.createServer();
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Switches mode; `refuse` closes the port (connections are refused), leaving it reopens it. */
  async setMode(mode: ProxyMode): Promise<void> {
    if (mode === 'refuse' && this.mode !== 'refuse') await this.closeListener();
    if (mode !== 'refuse' && this.mode === 'refuse') {
      this.server = this.createServer();
      await this.listen();
    }
    this.mode = mode;
  }

  private async closeListener(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    if (this.mode !== 'refuse') await this.closeListener();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (this.mode === 'hang') {
      this.refusedOrFailed++;
      return; // never answered: the client's own timeout must end it
    }
    if (this.mode === 'error500') {
      this.refusedOrFailed++;
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>500 Internal Server Error</h1>');
      return;
    }
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, this.slowMs));
    let answer: Response;
    try {
      answer = await fetch(`${this.target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
        body: req.method === 'GET' ? undefined : body,
      });
    } catch {
      this.refusedOrFailed++;
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      return;
    }
    const text = await answer.text();
    if (req.url === '/v1/heartbeats') {
      const claims = JSON.parse(Buffer.from(body.toString('utf8').split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        seq: number;
        iat: number;
      };
      const lost =
        this.loseEvery > 0 && answer.status === 202 && (this.forwarded.filter((f) => f.status === 202).length + 1) % this.loseEvery === 0;
      this.forwarded.push({ seq: claims.seq, iat: claims.iat, status: answer.status, answerLost: lost });
      if (lost) {
        req.socket.destroy(); // counted by the control plane, but the appliance never hears it
        return;
      }
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
  }
}
