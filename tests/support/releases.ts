/** A vendor key of the test's own, signing update manifests as `control-plane release sign` does. */
import { signUpdateManifest, type SigningKey } from '@iamanager/protocol';
import { testKey } from './keys.js';

export const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
export const DIGEST_B = `sha256:${'b2'.repeat(32)}`;

export async function vendorSigner(): Promise<{ pin: string; key: SigningKey; sign(version: string, image: string): Promise<string> }> {
  const { key, kid } = await testKey();
  return {
    pin: kid,
    key,
    sign: (version, image) =>
      signUpdateManifest(
        { version, image, iat: Math.floor(Date.now() / 1000) },
        { privateKey: key.privateKey, publicKey: key.publicKey, kid },
      ),
  };
}
