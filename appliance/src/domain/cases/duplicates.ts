/**
 * A likely duplicate: a new case for a client who already has one (same last name, accent- and
 * case-insensitive, and same birth date). Two files for one person split the history and the
 * deadlines; but namesakes born the same day exist, so it is a warning the caller may override
 * (`confirmDuplicate`), never a refusal.
 */
import { ApplianceError } from '../../errors.js';
import type { CaseIndex } from './caseIndex.js';
import type { CaseRecord } from './caseSchema.js';

export function assertNotLikelyDuplicate(index: CaseIndex, client: { lastName: string; birthDate: string }, confirmed: boolean): void {
  if (confirmed) return;
  const existing: CaseRecord[] = index.likelyDuplicates(client);
  if (existing.length === 0) return;
  throw new ApplianceError(
    'likely_duplicate',
    `client: ${existing.length === 1 ? 'a case' : `${existing.length} cases`} with the same last name and birth date already exist (${existing
      .map((c) => c.reference)
      .join(', ')}); open it, or send confirmDuplicate: true to create this one anyway`,
    { field: 'client', cases: existing.map((c) => ({ id: c.id, reference: c.reference, archived: c.archived })) },
  );
}
