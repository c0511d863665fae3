/**
 * Signed update manifests: the vendor names one appliance version and the exact image it is —
 * `repository@sha256:<digest>`, never a tag a registry or a LAN could repoint — and signs that
 * with its license key (`control-plane release sign`). `appliance update` installs nothing else.
 *
 * The manifest is a compact JWS whose protected header carries the signer's public key (`jwk`),
 * so the Docker host, which holds no key set of its own, can check it against VENDOR_KEY_PINS in
 * the bundle's `.env`: the key's thumbprint is computed from the key, never taken from its `kid`.
 * Unpinned installs fall back to the keys received at enrollment (license.json). Its own `typ`
 * and a `kind` claim keep a license — signed by the same keys — from passing for a manifest.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, compactVerify, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { DomainError } from './errors.js';
import { keyId, publicJwk, verificationKey } from './keys.js';
import { SIGNING_ALG, ed25519PublicJwkSchema, semverSchema, type Ed25519PublicJwk, type Jwks } from './schemas.js';
import { formatIssues } from './validation.js';

export const UPDATE_TYP = 'appliance-update+jwt';

/**
 * An image pinned by content: lowercase repository path (optionally with a registry host and
 * port), `@sha256:` and the 64 hex digits of the image's manifest digest. No tag.
 */
export const pinnedImageSchema = z
  .string()
  .regex(/^(?:[a-z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*@sha256:[0-9a-f]{64}$/, {
    error:
      'must be an image pinned by digest, repository@sha256:<64 hex digits>, e.g. iamanager/appliance@sha256:3f5e…; read it with `docker buildx imagetools inspect iamanager/appliance:x.y.z`',
  });

export const updateManifestSchema = z.strictObject({
  kind: z.literal('appliance-update', { error: 'must be "appliance-update"' }),
  version: semverSchema,
  image: pinnedImageSchema,
  iat: z
    .int()
    .min(0)
    .max(2 ** 42),
});
export type UpdateManifest = z.infer<typeof updateManifestSchema>;

/** The repository part of a pinned image (`iamanager/appliance@sha256:…` → `iamanager/appliance`). */
export function imageRepository(image: string): string {
  return image.replace(/@sha256:[0-9a-f]{64}$/, '');
}

/** The `sha256:…` digest of a pinned image. */
export function imageDigest(image: string): string {
  return image.slice(image.indexOf('@') + 1);
}

export async function signUpdateManifest(
  manifest: Omit<UpdateManifest, 'kind'>,
  key: { privateKey: KeyObject; kid: string; publicKey: KeyObject },
): Promise<string> {
  const checked = updateManifestSchema.parse({ kind: 'appliance-update', ...manifest });
  return new SignJWT({ ...checked })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: UPDATE_TYP, kid: key.kid, jwk: publicJwk(key.publicKey) })
    .sign(key.privateKey);
}

export interface VerifyUpdateOptions {
  /** VENDOR_KEY_PINS from the bundle's `.env`; when set, only a key with a pinned thumbprint counts. */
  pins: readonly string[] | undefined;
  /** The vendor keys received at enrollment (license.json), for installs without pins. */
  enrolledKeys: Jwks | undefined;
}

/** A manifest checked against the vendor's keys, with the thumbprint of the key that signed it. */
export async function verifyUpdateManifest(
  jws: string,
  options: VerifyUpdateOptions,
): Promise<{ manifest: UpdateManifest; signedBy: string }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws.trim());
  } catch {
    throw new DomainError(
      'update_unsigned',
      'the update manifest is not a signed manifest (compact JWS): ask your vendor for the signed update-x.y.z.jws, or make it with `control-plane release sign`',
    );
  }
  if (header.alg !== SIGNING_ALG || header.typ !== UPDATE_TYP || typeof header.kid !== 'string') {
    throw new DomainError(
      'update_unsigned',
      `the update manifest's header must be { alg: "${SIGNING_ALG}", typ: "${UPDATE_TYP}", kid, jwk }: this file is not an update manifest (a license, or something else)`,
    );
  }
  // Vendor key ids are their thumbprints (control-plane vendorKeys.ts): the one named must be trusted.
  const key = (await trustedKeys(header.jwk, options)).find((k) => k.thumbprint === header.kid);
  if (!key) {
    throw new DomainError(
      'update_untrusted_key',
      options.pins
        ? `the update manifest is signed by key ${header.kid}, whose thumbprint is not in VENDOR_KEY_PINS: refused; if your vendor rotated its keys, copy the VENDOR_KEY_PINS line of its latest bundle into .env first`
        : `the update manifest is signed by key ${header.kid}, which is not among the vendor keys received at enrollment: set VENDOR_KEY_PINS in .env (from your install bundle) if your vendor rotated its keys`,
    );
  }
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(jws.trim(), await verificationKey(key.jwk), { algorithms: [SIGNING_ALG] })).payload;
  } catch {
    throw new DomainError(
      'update_bad_signature',
      "the update manifest's signature does not verify with the vendor's key: it was altered after signing, or not signed by your vendor; refused, nothing was changed",
    );
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new DomainError('update_manifest_invalid', "the update manifest's payload is not JSON");
  }
  const parsed = updateManifestSchema.safeParse(claims);
  if (!parsed.success)
    throw new DomainError('update_manifest_invalid', `the update manifest: ${formatIssues(parsed.error.issues).join('; ')}`);
  return { manifest: parsed.data, signedBy: key.thumbprint };
}

/** The keys a manifest may be verified with: pinned ones (the header's own key included), else those enrolled. */
async function trustedKeys(
  headerJwk: unknown,
  options: VerifyUpdateOptions,
): Promise<Array<{ jwk: Ed25519PublicJwk; thumbprint: string }>> {
  const offered: Ed25519PublicJwk[] = [...(options.enrolledKeys?.keys ?? [])];
  const embedded = ed25519PublicJwkSchema.safeParse(headerJwk);
  // A key a manifest brings along is only ever trusted through a pin.
  if (options.pins && embedded.success) offered.unshift(embedded.data);
  const keys = await Promise.all(offered.map(async (jwk) => ({ jwk, thumbprint: await keyId(jwk) })));
  return options.pins ? keys.filter((k) => options.pins!.includes(k.thumbprint)) : keys;
}
