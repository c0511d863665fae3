/**
 * Which fields of a case need more than `cases.write`. Who answers for a file (its lawyer) and
 * whether it is over (status « clos », its outcome) are a lawyer's decisions: they need
 * `cases.archive`, held by the avocat and admin roles (permissions.ts), the permission that
 * already ends a file by archiving it. A juriste or the secrétariat edits every other field.
 */
import type { Permission } from './permissions.js';
import { ApplianceError } from '../errors.js';

export const LAWYER_DECISION_FIELDS = ['assignedTo', 'status', 'outcome'] as const;
export const LAWYER_DECISION_PERMISSION: Permission = 'cases.archive';

/** Refuses a change to one of those fields without the permission, naming the field (403 forbidden). */
export function assertMayChangeFields(change: Readonly<Record<string, unknown>>, permissions: ReadonlySet<Permission>): void {
  if (permissions.has(LAWYER_DECISION_PERMISSION)) return;
  const field = LAWYER_DECISION_FIELDS.find((f) => change[f] !== undefined);
  if (field !== undefined)
    throw new ApplianceError(
      'forbidden',
      `${field}: changing it needs the ${LAWYER_DECISION_PERMISSION} permission (avocat or admin role)`,
      {
        field,
      },
    );
}
