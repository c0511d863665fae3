/**
 * Key fixtures: an Ed25519 key of the test's own, with its public JWK and its RFC 7638 thumbprint.
 * The thumbprint is both the `kid` the vendor signs licenses and manifests with and the pin an
 * appliance's VENDOR_KEY_PINS holds. One copy here, for every test that plays the vendor (or an
 * attacker with a key of their own) — and the cabinet's own TLS certificate.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { generateSigningKey, keyId, publicJwk, type Ed25519PublicJwk, type SigningKey } from '@iamanager/protocol';

export interface TestKey {
  key: SigningKey;
  jwk: Ed25519PublicJwk;
  /** RFC 7638 SHA-256 thumbprint of `jwk`: the key id, and the pin. */
  kid: string;
}

/** A fresh key pair, its public JWK and its thumbprint. */
export async function testKey(): Promise<TestKey> {
  const key = generateSigningKey();
  const jwk = publicJwk(key.publicKey);
  return { key, jwk, kid: await keyId(jwk) };
}

/**
 * A cabinet's own certificate, as its IT person would bring one to `appliance tls import`: a
 * self-signed RSA certificate for `name`, valid 30 days, and its private key: `<name>.crt` and
 * `<name>.key` in `dir`.
 */
export function ownCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-days', '30', '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
