/** The new-user forms (the admin page's, the setup wizard's first admin), checked by the users API's `newUserSchema`. */
import type { FormField } from './formIssues.js';
import type { Messages } from './messages.js';

export const newUserFields = (m: Messages): FormField[] => [
  { name: 'name', path: 'name', label: m.adminName },
  { name: 'email', path: 'email', label: m.email },
  { name: 'role', path: 'role', label: m.role },
  { name: 'password', path: 'password', label: m.password },
];
