/**
 * The appliance's Ed25519 key: generated on the appliance, private part kept in DATA_DIR with
 * mode 0600 and never sent anywhere (only the public JWK goes to the control plane at enrollment).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { generateSigningKey, privateKeyFromPem, privateKeyToPem, type SigningKey } from '@iamanager/protocol';
import { duringWrite, writeFileDurable } from '@iamanager/kernel/storage';

export function applianceKeyPath(dataDir: string): string {
  return path.join(dataDir, 'appliance-key.pem');
}

export async function loadApplianceKey(dataDir: string): Promise<SigningKey | undefined> {
  try {
    return privateKeyFromPem(await fs.readFile(applianceKeyPath(dataDir), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A fresh key pair, not yet saved: it replaces the current key only once enrollment succeeds. */
export function newApplianceKey(): SigningKey {
  return generateSigningKey();
}

export async function saveApplianceKey(dataDir: string, key: SigningKey): Promise<void> {
  await writeFileDurable(applianceKeyPath(dataDir), privateKeyToPem(key.privateKey), { mode: 0o600, keepBackup: false });
}

/**
 * Offline enrollment: the key of a request written to a file waits here until the vendor's answer
 * is imported, so the current key (if any) keeps working meanwhile.
 */
function pendingKeyPath(dataDir: string): string {
  return path.join(dataDir, 'appliance-key.pending.pem');
}

export async function savePendingApplianceKey(dataDir: string, key: SigningKey): Promise<void> {
  await writeFileDurable(pendingKeyPath(dataDir), privateKeyToPem(key.privateKey), { mode: 0o600, keepBackup: false });
}

/** Makes the pending key the appliance key; false when there is none. */
export async function promotePendingApplianceKey(dataDir: string): Promise<boolean> {
  const pending = pendingKeyPath(dataDir);
  try {
    await duringWrite(() => fs.rename(pending, applianceKeyPath(dataDir)));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
