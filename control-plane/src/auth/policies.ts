/**
 * What each vendor role may do. `support` reads cabinets, plans and the fleet (no prices);
 * `billing` also sees money; only `admin` changes plans, cabinets and enrollment codes.
 */
import { DomainError } from '@iamanager/protocol';
import type { AdminIdentity } from '../domain/admins.js';
import type { AdminRole } from '../storage/records.js';

export type Action = 'read' | 'seeMoney' | 'manageCabinets' | 'managePlans';

const ALLOWED: Readonly<Record<Action, readonly AdminRole[]>> = {
  read: ['admin', 'billing', 'support'],
  seeMoney: ['admin', 'billing'],
  manageCabinets: ['admin'],
  managePlans: ['admin'],
};

const DESCRIBED: Readonly<Record<Action, string>> = {
  read: 'read the control plane',
  seeMoney: 'see prices and billing',
  manageCabinets: 'change cabinets',
  managePlans: 'change plans',
};

export function can(admin: Pick<AdminIdentity, 'role'>, action: Action): boolean {
  return ALLOWED[action].includes(admin.role);
}

export function authorize(admin: Pick<AdminIdentity, 'role'>, action: Action): void {
  if (!can(admin, action)) {
    throw new DomainError('forbidden', `the ${admin.role} role cannot ${DESCRIBED[action]}: ask an admin`, { role: admin.role, action });
  }
}
