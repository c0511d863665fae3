/**
 * Vendor key pins (`VENDOR_KEY_PINS`): the RFC 7638 SHA-256 thumbprints of the vendor's license
 * keys, set outside DATA_DIR (the install bundle's `.env`, the VM image's appliance.env).
 *
 * license.json keeps the vendor's public keys as received at enrollment. Without pins, whoever can
 * write DATA_DIR can put a key of their own there beside a license signed with it, and the
 * appliance trusts it. With pins, a license verifies only with a key whose thumbprint — computed
 * here from the key itself, never taken from the `kid` it claims — is pinned.
 */
import { compactVerify } from 'jose';
import { DomainError, ProtocolError } from './errors.js';
import { keyId, unverifiedKid, verificationKey } from './keys.js';
import { verifyLicense, type VerifiedLicense, type VerifyLicenseOptions } from './license.js';
import { SIGNING_ALG, type Jwks } from './schemas.js';

/** How to set the pins right, appended to every refusal. */
const FIX =
  'if your vendor rotated its keys, copy the VENDOR_KEY_PINS line of its latest install bundle into the appliance configuration and restart; otherwise the license or its keys were replaced: import the license file from your vendor again';

/** A SHA-256 JWK thumbprint: 32 bytes as unpadded base64url (43 characters), canonical. */
export function isKeyThumbprint(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value) && Buffer.from(value, 'base64url').toString('base64url') === value;
}

type VendorKey = Jwks['keys'][number];

/** The pins for a key set: each key's thumbprint, computed from the key (what the vendor hands out). */
export async function keyThumbprints(keys: Jwks): Promise<string[]> {
  return Promise.all(keys.keys.map((k) => keyId(k)));
}

/** `keys` split by whether the thumbprint of each key is pinned. */
export async function partitionByPins(keys: Jwks, pins: readonly string[]): Promise<{ pinned: VendorKey[]; unpinned: VendorKey[] }> {
  const pinned: VendorKey[] = [];
  const unpinned: VendorKey[] = [];
  for (const key of keys.keys) (pins.includes(await keyId(key)) ? pinned : unpinned).push(key);
  return { pinned, unpinned };
}

/**
 * `verifyLicense` with pins: only pinned keys are offered to it, so the key the license's `kid`
 * selects is necessarily pinned. Without pins (development, tests, older installs) it is
 * `verifyLicense` unchanged: the keys held are trusted as they were received.
 *
 * A license signed by a key that is held but not pinned is `untrusted_vendor_key`, as is any
 * license when no held key is pinned; a license no held key signed stays `bad_signature`.
 */
export async function verifyPinnedLicense(
  jws: string,
  options: VerifyLicenseOptions,
  pins: readonly string[] | undefined,
): Promise<VerifiedLicense> {
  if (!pins) return verifyLicense(jws, options);
  const { pinned, unpinned } = await partitionByPins(options.keys, pins);
  let failure: unknown;
  if (pinned.length > 0) {
    try {
      return await verifyLicense(jws, { ...options, keys: { keys: pinned } });
    } catch (err) {
      if (!(err instanceof ProtocolError && err.code === 'bad_signature')) throw err;
      failure = err;
    }
  }
  const signer = await signerAmong(jws, unpinned);
  if (signer)
    throw new DomainError(
      'untrusted_vendor_key',
      `the license is signed by vendor key "${signer.kid}" (thumbprint ${signer.thumbprint}), which is not in VENDOR_KEY_PINS: ${FIX}`,
      { thumbprint: signer.thumbprint },
    );
  if (failure) throw failure;
  throw new DomainError('untrusted_vendor_key', `none of the vendor keys this appliance holds is in VENDOR_KEY_PINS: ${FIX}`);
}

/** The held, unpinned key (selected by `kid`, as a verification would) whose signature this is, if any. */
async function signerAmong(jws: string, keys: readonly VendorKey[]): Promise<{ kid: string; thumbprint: string } | undefined> {
  const kid = unverifiedKid(jws);
  if (kid === undefined) return undefined;
  for (const key of keys.filter((k) => k.kid === kid)) {
    try {
      await compactVerify(jws, await verificationKey(key), { algorithms: [SIGNING_ALG] });
      return { kid: key.kid, thumbprint: await keyId(key) };
    } catch {
      // not this one
    }
  }
  return undefined;
}
