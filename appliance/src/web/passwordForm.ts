/**
 * The password-change form. The new password is checked by the domain's `passwordSchema` (what
 * `Users.changePassword` parses it with); the current one is checked by the domain only, against
 * the stored hash: the form asks only that it be given.
 */
import { z } from 'zod';
import { passwordSchema } from '../domain/users/users.js';
import type { FormField } from './formIssues.js';
import type { Messages } from './messages.js';

export const passwordChangeFormSchema = z.object({ currentPassword: z.string().min(1), newPassword: passwordSchema });

export const passwordChangeFields = (m: Messages): FormField[] => [
  { name: 'currentPassword', path: 'currentPassword', label: m.currentPassword },
  { name: 'newPassword', path: 'newPassword', label: m.newPassword },
];
