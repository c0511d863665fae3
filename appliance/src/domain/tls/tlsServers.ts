/**
 * HTTPS for the cabinet's network: the app on TLS_PORT; plain HTTP on PORT only redirects to it,
 * except `/healthz` (container and VM health checks need no certificate) and `/ca.crt` (the IT
 * person downloads the CA before the browser trusts anything). The certificates are checked at
 * start-up and daily, and swapped in place when renewed or imported, without a restart; a
 * replaced CA is logged as a warning, since the cabinet's browsers must install the new one.
 */
import http from 'node:http';
import https from 'node:https';
import type Koa from 'koa';
import type { RunningServer } from '@iamanager/kernel/http';
import type { Logger } from '@iamanager/kernel/log';
import type { TlsMaterial, TlsStore } from './certificates.js';
import type { ServedTls } from './servedTls.js';

const PLAIN_HTTP_PATHS = new Set(['/healthz', '/ca.crt']);

export interface TlsServers {
  httpPort: number;
  httpsPort: number;
  close(): Promise<void>;
}

/** Says what the IT person must do after the CA was replaced, and which names the CA may not vouch for. */
function announce(material: TlsMaterial, previous: TlsMaterial | null, log: Logger): void {
  const renewal = material.caRenewal;
  if (renewal && renewal.renewedAt !== previous?.caRenewal?.renewedAt) {
    log.warn(
      {
        caFingerprint: material.caFingerprint,
        previousFingerprint: renewal.previousFingerprint,
        reason: renewal.reason,
        renewedAt: renewal.renewedAt,
      },
      "tls: the local CA was replaced: install the new /ca.crt in the cabinet's browsers and remove the previous one",
    );
  }
  if (material.omittedNames.length > 0 && material.omittedNames.join() !== previous?.omittedNames.join()) {
    log.warn(
      { omittedNames: material.omittedNames },
      'tls: the local CA may not vouch for these names of this machine, left out of its certificate: list the names browsers use in TLS_NAMES',
    );
  }
}

/** `served` is the appliance's holder of the certificate in use: it reads and swaps it through these servers once they listen. */
export async function startTlsServers(
  app: Koa,
  options: {
    store: TlsStore;
    served: ServedTls;
    httpPort: number;
    httpsPort: number;
    publicHttpsPort: number;
    host: string;
    clock: () => Date;
    log: Logger;
  },
): Promise<TlsServers> {
  let material = await options.store.ensure(options.clock());
  announce(material, null, options.log);
  const httpsServer = https.createServer({ key: material.key, cert: material.cert, minVersion: 'TLSv1.2' }, app.callback());
  await new Promise<void>((resolve, reject) => {
    httpsServer.once('error', reject);
    httpsServer.listen(options.httpsPort, options.host, () => resolve());
  });
  const httpsPort = (httpsServer.address() as { port: number }).port;

  const handler = app.callback();
  const redirect = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (PLAIN_HTTP_PATHS.has(url.pathname)) return void handler(req, res);
    const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '');
    const port = options.publicHttpsPort === 443 ? '' : `:${options.publicHttpsPort}`;
    res.writeHead(308, { 'Location': `https://${host}${port}${url.pathname}${url.search}`, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Cette application est servie en HTTPS.\n');
  });
  const plain: RunningServer = await listenPlain(redirect, options.httpPort, options.host);

  const reload = async (): Promise<TlsMaterial> => {
    const previous = material;
    material = await options.store.ensure(options.clock());
    announce(material, previous, options.log);
    httpsServer.setSecureContext({ key: material.key, cert: material.cert });
    options.log.info(
      { fingerprint: material.certFingerprint, notAfter: material.notAfter, source: material.source },
      'tls: certificate in use',
    );
    return material;
  };
  const daily = setInterval(() => void reload().catch((err: unknown) => options.log.error({ err }, 'tls: renewal failed')), 86_400_000);
  daily.unref();

  options.served.serveFrom({ material: () => material, reload });
  return {
    httpPort: plain.port,
    httpsPort,
    close: async () => {
      clearInterval(daily);
      await Promise.all([plain.close(), new Promise<void>((resolve) => httpsServer.close(() => resolve()))]);
    },
  };
}

async function listenPlain(server: http.Server, port: number, host: string): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
