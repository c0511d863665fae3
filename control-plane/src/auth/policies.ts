/**
 * What each vendor role may do. `support` reads cabinets, plans and the fleet (no prices);
 * `billing` also sees money; only `admin` changes plans, cabinets and enrollment codes.
 * Closing a billing month and issuing credit notes is the billing team's job, so `billing` may
 * do it as well as `admin`; `support` sees no invoice, revenue or price at all. An invoice held
 * at the close for its amount is approved or rejected by an `admin` only: a second pair of eyes
 * beyond the billing team that closed the month. Every role manages its own password and API
 * tokens; only `admin` disables admins and revokes others' tokens.
 */

import type { AdminIdentity } from '../domain/admins.js';
import type { AdminRole } from '../storage/records.js';
import { ControlPlaneError } from '../errors.js';

export type Action = 'read' | 'seeMoney' | 'manageBilling' | 'reviewInvoices' | 'manageCabinets' | 'managePlans' | 'manageAdmins';

const ALLOWED: Readonly<Record<Action, readonly AdminRole[]>> = {
  read: ['admin', 'billing', 'support'],
  seeMoney: ['admin', 'billing'],
  manageBilling: ['admin', 'billing'],
  reviewInvoices: ['admin'],
  manageCabinets: ['admin'],
  managePlans: ['admin'],
  manageAdmins: ['admin'],
};

const DESCRIBED: Readonly<Record<Action, string>> = {
  read: 'read the control plane',
  seeMoney: 'see prices and billing',
  manageBilling: 'close billing months or issue credit notes',
  reviewInvoices: 'approve or reject an invoice held for review',
  manageCabinets: 'change cabinets',
  managePlans: 'change plans',
  manageAdmins: "disable admins or revoke others' API tokens",
};

export function can(admin: Pick<AdminIdentity, 'role'>, action: Action): boolean {
  return ALLOWED[action].includes(admin.role);
}

export function authorize(admin: Pick<AdminIdentity, 'role'>, action: Action): void {
  if (!can(admin, action)) {
    throw new ControlPlaneError('forbidden', `the ${admin.role} role cannot ${DESCRIBED[action]}: ask an admin`, {
      role: admin.role,
      action,
    });
  }
}
