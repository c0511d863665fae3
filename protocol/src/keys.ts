/**
 * Ed25519 keys for both sides: the vendor's license keys and each appliance's heartbeat key.
 * Private keys are kept as PKCS#8 PEM files with mode 0600 and never serialised anywhere else.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, type webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK } from 'jose';
import { ed25519PublicJwkSchema, type Ed25519PublicJwk } from './schemas.js';
import { parseWith } from './validation.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey };
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function privateKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the key file does not hold an Ed25519 private key');
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The public half as a JWK with only the public members (kty, crv, x). */
export function publicJwk(key: KeyObject): Ed25519PublicJwk {
  const jwk = key.export({ format: 'jwk' }) as { kty?: string; crv?: string; x?: string };
  return parseWith(ed25519PublicJwkSchema, { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'publicKey');
}

/** RFC 7638 thumbprint: a key id that anyone holding the public key can recompute. */
export function keyId(jwk: Ed25519PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'sha256');
}

/** A public key ready for jose to verify with, imported once and reused (see `verifyHeartbeat`). */
export async function verificationKey(jwk: Ed25519PublicJwk): Promise<webcrypto.CryptoKey> {
  return (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'EdDSA')) as webcrypto.CryptoKey;
}

/** The `kid` a compact JWS names, unverified (to pick the key to verify with); undefined for a non-JWS. */
export function unverifiedKid(jws: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(jws);
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
