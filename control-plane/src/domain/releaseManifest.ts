/**
 * `control-plane release sign`: the signed manifest an appliance update needs (protocol
 * updateManifest.ts). The vendor publishes an image, reads its digest, and signs version + digest
 * with the current license key; cabinets receive `update-<version>.jws` with the release notes and
 * `appliance update` installs exactly that image, or nothing.
 */
import { createPublicKey } from 'node:crypto';
import { parseWith, pinnedImageSchema, semverSchema, signUpdateManifest, verifyUpdateManifest, keyThumbprints } from '@iamanager/protocol';
import type { VendorKeys } from './vendorKeys.js';
import { ControlPlaneError } from '../errors.js';

export async function signRelease(
  keys: VendorKeys,
  input: { version: string | undefined; image: string | undefined },
  now: Date,
): Promise<{ version: string; image: string; kid: string; filename: string; manifest: string }> {
  if (!input.version)
    throw new ControlPlaneError('invalid_input', '--version: give the appliance version this image is, e.g. --version 0.2.0');
  if (!input.image)
    throw new ControlPlaneError(
      'invalid_input',
      '--image: give the published image pinned by digest, e.g. --image iamanager/appliance@sha256:<64 hex> (docker buildx imagetools inspect iamanager/appliance:0.2.0)',
    );
  const version = parseWith(semverSchema, input.version, '--version');
  const image = parseWith(pinnedImageSchema, input.image, '--image');
  const { privateKey, kid } = await keys.signingKey();
  const manifest = await signUpdateManifest(
    { version, image, iat: Math.floor(now.getTime() / 1000) },
    { privateKey, kid, publicKey: createPublicKey(privateKey) },
  );
  // Checked as an appliance will check it, against the pins bundles carry, before it is handed out.
  await verifyUpdateManifest(manifest, { pins: await keyThumbprints(await keys.jwks()), enrolledKeys: undefined });
  return { version, image, kid, filename: `update-${version}.jws`, manifest };
}
