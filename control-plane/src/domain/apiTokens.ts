/**
 * What a vendor API token is, apart from who holds it: its secret form (a prefix, so a leaked one
 * is recognisable in logs and scanners), the SHA-256 that is all the control plane keeps, its
 * status at a given time, and the listing of it, which never carries the hash.
 */
import { createHash } from 'node:crypto';
import type { AdminRecord, ApiTokenRecord } from '../storage/records.js';
import { legacyTokenExpiry } from '@iamanager/kernel/web';

export const TOKEN_PREFIX = 'cpat_';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** What a token listing shows: never its hash. */
export interface TokenSummary {
  id: string;
  adminId: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: TokenStatus;
}

export function expiryOf(token: ApiTokenRecord): string {
  return token.expiresAt ?? legacyTokenExpiry(token.createdAt);
}

export function statusOf(token: ApiTokenRecord, now: Date): TokenStatus {
  if (token.revokedAt) return 'revoked';
  return Date.parse(expiryOf(token)) <= now.getTime() ? 'expired' : 'active';
}

export function summaryOf(admin: AdminRecord, token: ApiTokenRecord, now: Date): TokenSummary {
  return {
    id: token.id,
    adminId: admin.id,
    email: admin.email,
    createdAt: token.createdAt,
    expiresAt: expiryOf(token),
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    status: statusOf(token, now),
  };
}
