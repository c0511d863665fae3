/** The fields of a user that leave the server: never the password hash or token hashes. */
import type { User } from '../storage/userStore.js';
import { tokenExpiry } from '../domain/users/users.js';

export function presentUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    createdAt: user.createdAt,
    /** A temporary password to change at first login (docs/administration.md). */
    mustChangePassword: user.mustChangePassword === true,
    /** When the pending one-time link ends; null when there is none. */
    accessLinkExpiresAt: user.accessLink?.expiresAt ?? null,
    tokens: user.tokens.map((t) => ({
      id: t.id,
      label: t.label,
      createdAt: t.createdAt,
      expiresAt: tokenExpiry(t),
      lastUsedAt: t.lastUsedAt,
    })),
  };
}
