/**
 * The certificate this process serves over HTTPS, held in one place from the moment the appliance
 * opens: `/ca.crt`, the setup wizard and the doctor read it, `tls import` swaps it. It stays empty
 * unless `serve` starts the HTTPS servers: with TLS=false, or in a CLI command run while no server
 * runs, nothing is served, so there is nothing to show or to swap.
 */
import type { TlsMaterial } from './certificates.js';

/** What the running HTTPS servers offer: the material in use, and a way to re-read and swap it. */
export interface TlsSource {
  material(): TlsMaterial;
  reload(): Promise<TlsMaterial>;
}

export class ServedTls {
  private source: TlsSource | undefined;

  /** Called once, by the HTTPS servers when they listen. */
  serveFrom(source: TlsSource): void {
    this.source = source;
  }

  material(): TlsMaterial | undefined {
    return this.source?.material();
  }

  /** Re-reads the certificate files and serves them at once; resolves to nothing when no HTTPS server runs. */
  async reload(): Promise<TlsMaterial | undefined> {
    return this.source?.reload();
  }
}
