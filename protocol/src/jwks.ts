/**
 * The vendor's published key set. Two keys may be valid at once so the vendor can rotate: new
 * licenses are signed with the newest key while licenses signed with the previous one still verify.
 */
import type { Jwks, Ed25519PublicJwk } from './schemas.js';

export function toJwks(keys: ReadonlyArray<{ kid: string; jwk: Ed25519PublicJwk }>): Jwks {
  return { keys: keys.map(({ kid, jwk }) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: 'EdDSA' as const, use: 'sig' as const })) };
}
