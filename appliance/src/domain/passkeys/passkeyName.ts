/** The name a user gives a passkey (« Clé USB du bureau », « iPhone »): what the list and the audit show. */
import { ApplianceError } from '../../errors.js';

export const PASSKEY_NAME_MAX = 60;

export function passkeyNameOf(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name === '')
    throw new ApplianceError('invalid_input', 'name: give the passkey a name you will recognise (e.g. « Clé USB du bureau »)', {
      field: 'name',
      reason: 'empty',
    });
  if (name.length > PASSKEY_NAME_MAX)
    throw new ApplianceError('invalid_input', `name: at most ${PASSKEY_NAME_MAX} characters`, { field: 'name', reason: 'too_long' });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new ApplianceError('invalid_input', 'name: no control characters', { field: 'name', reason: 'control_characters' });
  return name;
}
