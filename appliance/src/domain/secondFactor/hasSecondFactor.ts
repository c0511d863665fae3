/**
 * Whether a user has a second factor: the one place that says so (login asks for it, the policy
 * forces its setup, removal refuses to take the last one). Passkeys add their own test here.
 */
import type { User } from '../../storage/userStore.js';

/** Who holds passkeys (domain/passkeys/passkeys.ts, in their own store): a passkey is a second factor too. */
export interface PasskeyHolders {
  has(userId: string): boolean;
}

export function hasSecondFactor(user: Pick<User, 'id' | 'secondFactor'>, passkeys: PasskeyHolders): boolean {
  return user.secondFactor?.totp !== undefined || passkeys.has(user.id);
}
