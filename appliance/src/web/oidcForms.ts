/**
 * The single sign-on form (/admin/connexion-unique) read and refused in the page's language: each
 * error names its field and says what it accepts. The schema is the domain's
 * (domain/oidc/oidcSettings.ts): one source of validation.
 */
import { DomainError } from '@iamanager/protocol';
import { formText as text } from '@iamanager/kernel/web';
import { oidcSettingsInput, type OidcSettingsInput } from '../domain/oidc/oidcSettings.js';
import { fill } from './messages.js';
import type { OidcMessages } from './oidcMessages.js';
import type { FieldError } from './viewModels.js';

type Result<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/**
 * What was typed, to show back on a refused form (never the client secret). Read one character past
 * each field's limit, so that a value too long is refused by the schema, naming its field, rather
 * than cut short without a word.
 */
export const oidcFormValues = (form: URLSearchParams): Record<string, string> => ({
  issuer: text(form, 'issuer', 501),
  clientId: text(form, 'clientId', 256),
  displayName: text(form, 'displayName', 41),
  allowedDomains: text(form, 'allowedDomains', 1001),
  createUsers: form.get('createUsers') === '1' ? '1' : '',
  newUserRole: text(form, 'newUserRole', 33),
  localLoginOff: form.get('localLoginOff') === '1' ? '1' : '',
  breakGlassEmail: text(form, 'breakGlassEmail', 255),
});

function fields(o: OidcMessages) {
  return [
    { name: 'issuer', label: o.issuer, hint: o.issuerHint },
    { name: 'clientId', label: o.clientId, hint: o.clientIdHint },
    { name: 'clientSecret', label: o.clientSecret, hint: o.clientSecretNone },
    { name: 'displayName', label: o.displayName, hint: o.displayNameHint },
    { name: 'allowedDomains', label: o.allowedDomains, hint: o.allowedDomainsHint },
    { name: 'newUserRole', label: o.newUserRole, hint: o.newUserRoleHint },
    { name: 'breakGlassEmail', label: o.breakGlassEmail, hint: o.breakGlassEmailHint },
  ];
}

export function parseOidcForm(form: URLSearchParams, o: OidcMessages): Result<OidcSettingsInput> {
  const v = oidcFormValues(form);
  // Not `text`: a secret is taken as typed (bounded by the schema), never trimmed to a limit silently.
  const secret = (form.get('clientSecret') ?? '').trim();
  const parsed = oidcSettingsInput.safeParse({
    ...v,
    clientSecret: secret || undefined,
    createUsers: v.createUsers === '1',
    localLoginOff: v.localLoginOff === '1',
  });
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldError[] = [];
  for (const f of fields(o)) {
    const issue = parsed.error.issues.find((i) => String(i.path[0]) === f.name);
    if (issue)
      errors.push({
        field: f.name,
        message: fill(o.fieldFix, { field: f.label, fix: f.name === 'issuer' ? issuerFix(issue.message, o) : f.hint }),
      });
  }
  return { ok: false, errors: errors.length > 0 ? errors : [{ field: '', message: o.issuerRequired }] };
}

/** The issuer's refusal says which rule it broke: https, or not an address at all. */
function issuerFix(message: string, o: OidcMessages): string {
  return /https/.test(message) ? o.discoveryNotHttps.replace(' {detail}', '') : o.issuerHint;
}

/** A domain refusal of the settings (`field: problem`) beside its field; null when it names none of them. */
export function oidcDomainError(err: unknown, o: OidcMessages): FieldError[] | null {
  if (!(err instanceof DomainError) || err.code !== 'invalid_input') return null;
  const field = /^(\w+):/.exec(err.message)?.[1];
  const message =
    field === 'clientSecret'
      ? o.clientSecretRequired
      : field === 'newUserRole'
        ? o.newUserRoleInvalid
        : field === 'breakGlassEmail'
          ? o.breakGlassInvalid
          : null;
  return field && message ? [{ field, message }] : null;
}
