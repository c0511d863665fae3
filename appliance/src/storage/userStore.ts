/**
 * The cabinet's users, their custom roles and personal API tokens: one small file (a cabinet has
 * at most a few dozen users). Passwords and tokens are stored as scrypt / SHA-256 hashes only.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

/** `expiresAt` is absent from tokens made before tokens expired: those last the longest a token may (see Users). */
const tokenSchema = z.object({
  id: z.string(),
  label: z.string(),
  hash: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  lastUsedAt: z.string().nullable(),
});
const secondFactorSchema = z.object({
  /** A confirmed authenticator app: its base32 secret and the last time step accepted (one code, one use). */
  totp: z.object({ secret: z.string(), lastUsedStep: z.number().int().nullable(), enrolledAt: z.string() }).optional(),
  /** A secret shown at enrolment and not yet confirmed with a first code. */
  pendingTotp: z.object({ secret: z.string(), createdAt: z.string() }).optional(),
  /** SHA-256 of the recovery codes not used yet (a used one is removed). */
  recoveryCodes: z.array(z.string()).default([]),
});
const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  passwordHash: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Bumped to end every session of the user (disable, password change, role change). */
  sessionEpoch: z.number().int(),
  tokens: z.array(tokenSchema),
  /**
   * Set by an invitation or a reset with a temporary password: every session of the user reaches
   * only the password page until they choose their own (auth/authenticate.ts).
   */
  mustChangePassword: z.boolean().optional(),
  /**
   * A pending one-time link (invitation or reset): the SHA-256 of its secret only, single use,
   * removed once the password is set (domain/users/invitations.ts).
   */
  accessLink: z.object({ hash: z.string(), createdAt: z.string(), expiresAt: z.string() }).optional(),
  /**
   * The user's second factor (docs/second-factor.md). The TOTP secret is kept as is: the appliance
   * has no key of its own to seal it with, so, like the mail server's password, it is protected by
   * this file's mode (0600, the appliance's user only) and by the backups' encryption.
   */
  secondFactor: secondFactorSchema.optional(),
});
const roleSchema = z.object({ name: z.string(), label: z.string(), permissions: z.array(z.string()) });
const usersFileSchema = z.object({ users: z.array(userSchema), customRoles: z.array(roleSchema) });

export type User = z.infer<typeof userSchema>;
export type UserSecondFactor = z.infer<typeof secondFactorSchema>;
export type ApiToken = z.infer<typeof tokenSchema>;
export type CustomRole = z.infer<typeof roleSchema>;
export type UsersFile = z.infer<typeof usersFileSchema>;

export async function openUserStore(dataDir: string, log: Logger): Promise<Document<UsersFile>> {
  return openDocument<UsersFile>(
    path.join(dataDir, 'users.json'),
    { users: [], customRoles: [] },
    { schema: usersFileSchema, log, mode: 0o600 },
  );
}
