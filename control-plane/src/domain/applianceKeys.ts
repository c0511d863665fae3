/**
 * What heartbeat verification needs of an appliance, read from the appliance store: its enrolled
 * public key, cabinet, revocation and last sequence. With several nodes the record is read on each
 * heartbeat (another node may have revoked it or counted a sequence); only the imported key is
 * cached, since an appliance id's key never changes (re-enrolment makes a new appliance).
 */
import { verificationKey, type KnownAppliance } from '@iamanager/protocol';
import type { ApplianceStore } from '../storage/stores.js';
import type { ApplianceKeys } from './heartbeatIngest.js';

export function applianceKeysFrom(store: ApplianceStore): ApplianceKeys {
  const keys = new Map<string, KnownAppliance['publicKey']>();
  return {
    async known(id) {
      const record = await store.get(id);
      if (!record) return undefined;
      let publicKey = keys.get(id);
      if (!publicKey) {
        publicKey = await verificationKey(record.publicKey);
        keys.set(id, publicKey);
      }
      return { publicKey, cabinetId: record.cabinetId, revoked: record.revokedAt !== null, lastSeq: record.lastSeq };
    },
  };
}
