/**
 * Whether a user has a second factor: the one place that says so (login asks for it, the policy
 * forces its setup, removal refuses to take the last one). Passkeys add their own test here.
 */
import type { User } from '../../storage/userStore.js';

export function hasSecondFactor(user: Pick<User, 'secondFactor'>): boolean {
  return user.secondFactor?.totp !== undefined;
}
