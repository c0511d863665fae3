/**
 * `appliance proof verify FILE` and `appliance proof public-key` (docs/deadlines.md): a proof of
 * diligence checked against this appliance's key, and the public key a third party checks it with.
 */
import type { Appliance } from '../appliance.js';
import { ApplianceError } from '../errors.js';

export async function verifyProofCommand(appliance: Appliance, input: string | undefined): Promise<unknown> {
  if (!input) throw new ApplianceError('invalid_input', 'FILE: the proof file is empty');
  const claims = await appliance.proofs.verify(input);
  return { valid: true, claims };
}

export function publicKeyCommand(appliance: Appliance): Promise<unknown> {
  return appliance.proofs.publicKey();
}
