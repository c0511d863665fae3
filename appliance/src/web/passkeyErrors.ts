/**
 * A refused passkey ceremony as a sentence in the page's language, from the error's code and
 * details (never its English message), and the form field it belongs to.
 */
import { DomainError } from '@iamanager/protocol';
import { fill, type Locale } from './messages.js';
import { PASSKEY_CATALOGUES } from './passkeyMessages.js';
import type { FieldError } from './viewModels.js';

const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : '');

/** The sentence for a passkey refusal, or null for an error that is not one (left to the error page). */
export function passkeyRefusal(err: unknown, locale: Locale): FieldError | null {
  if (!(err instanceof DomainError)) return null;
  const p = PASSKEY_CATALOGUES[locale];
  const d = err.details ?? {};
  switch (err.code) {
    case 'passkey_host_unsupported':
      if (typeof d.host !== 'string') return { field: '', message: fill(p.hostOther, { names: list(d.names) }) };
      return { field: '', message: fill(/^[\d.:a-f]+$/i.test(d.host) ? p.hostIp : p.hostUnknown, { host: d.host, names: list(d.names) }) };
    case 'passkey_challenge_missing':
      return { field: '', message: p.challengeMissing };
    case 'passkey_challenge_expired':
      return { field: '', message: p.challengeExpired };
    case 'passkey_unknown':
      return { field: '', message: d.reason === 'none' ? p.noPasskey : p.unknown };
    case 'passkey_refused':
      return { field: '', message: p.refused };
    case 'passkey_counter_regression':
      return { field: '', message: fill(p.counterRegression, { name: String(d.passkey ?? '') }) };
    case 'already_exists':
      return { field: '', message: p.alreadyRegistered };
    case 'second_factor_kept_by_policy':
      return { field: '', message: p.lastFactorKept };
    case 'not_found':
      return { field: '', message: p.notFound };
    case 'invalid_input':
      if (d.field !== 'name') return null;
      return {
        field: 'name',
        message: d.reason === 'too_long' ? p.nameTooLong : d.reason === 'control_characters' ? p.nameControl : p.nameRequired,
      };
    default:
      return null;
  }
}
