/**
 * What an edit changed in a case, field by field, with the former and the new value: the case's
 * history keeps them (the data stays on the appliance; the audit log records only which fields),
 * so a lawyer can see « Date de notification : 3 mars → 4 mars 2026, par Me X » and undo a slip.
 * Also the rules a whole case must keep after any edit, checked before anything is written.
 */
import type { CaseRecord, FieldChange } from './caseSchema.js';
import { ApplianceError } from '../../errors.js';

/** Leaves of a value as dotted paths (`client.birthDate`, `facts.libertyStatus`); arrays and scalars are leaves. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, `${prefix}.${k}`, out);
    return;
  }
  if (value !== undefined) out.set(prefix, value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The changes from `before` to `after` for the top-level keys edited (in their order): a nested
 * object (client, decision, facts) gives one change per sub-field that differs. A value removed
 * has `after: null`, a value added `before: null`.
 */
export function fieldChanges(before: CaseRecord, after: CaseRecord, keys: readonly string[]): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const was = new Map<string, unknown>();
    const now = new Map<string, unknown>();
    leaves((before as unknown as Record<string, unknown>)[key], key, was);
    leaves((after as unknown as Record<string, unknown>)[key], key, now);
    for (const path of new Set([...was.keys(), ...now.keys()])) {
      const a = was.get(path) ?? null;
      const b = now.get(path) ?? null;
      if (!same(a, b)) changes.push({ field: path, before: a, after: b });
    }
  }
  return changes;
}

/**
 * Rules on the case as a whole, whichever edit led there; the API and the pages meet the same
 * refusal, each naming the field to correct.
 */
export function assertCoherentCase(record: CaseRecord): void {
  // A closed or archived case says how it ended: the cabinet's record of outcomes is what the
  // enterprise model learns from (domain/ceseda/calibration.ts), and a file closed without one
  // is lost to it.
  if ((record.status === 'closed' || record.archived) && record.outcome === null) {
    throw new ApplianceError(
      'outcome_required',
      `outcome: a ${record.archived ? 'archived' : 'closed'} case needs its outcome (won, lost, withdrawn, moot or other): record it with the closing`,
      { field: 'outcome' },
    );
  }
  // A person is born before the decision about them is notified: a later birth date is a typo in one of the two.
  const notified = record.decisionNotifiedAt.slice(0, 10);
  if (record.client.birthDate > notified) {
    throw new ApplianceError(
      'invalid_input',
      `client.birthDate: (${record.client.birthDate}) is after the notification of the decision (${notified}): check both dates`,
    );
  }
}
