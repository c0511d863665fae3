/**
 * Key fixtures: an Ed25519 key of the test's own, with its public JWK and its RFC 7638 thumbprint.
 * The thumbprint is both the `kid` the vendor signs licenses and manifests with and the pin an
 * appliance's VENDOR_KEY_PINS holds. One copy here, for every test that plays the vendor (or an
 * attacker with a key of their own).
 */
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
