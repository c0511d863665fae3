/**
 * The nationality input of the case forms (new case; the edit page reuses it): a text input tied
 * to a `<datalist>` of the country names in the page's language, so the browser filters the list
 * as the person types without any script of ours (the CSP forbids inline scripts). What is sent
 * is the name (or a code typed by hand); the route reads it back with `nationalityFromInput`.
 */
import { Field } from './components.js';
import { nationalityChoices, nationalityFromInput, nationalityName } from './countries.js';
import type { Locale } from './messages.js';
import { NATIONALITY_CATALOGUES } from './nationalityMessages.js';
import type { FieldError } from './viewModels.js';

const LIST_ID = 'nationality-choices';

/**
 * `value` is what to show: a stored code (shown as its name) or the text a refused form sent back
 * (shown as typed, so the person corrects their own words).
 */
export function NationalityField({
  label,
  value,
  errors,
  locale,
  name = 'nationality',
}: {
  label: string;
  value: string | undefined;
  errors: readonly FieldError[];
  locale: Locale;
  name?: string;
}) {
  const error = errors.find((e) => e.field === name);
  const id = `f-${name}`;
  const code = value ? nationalityFromInput(value) : undefined;
  const shown = code !== undefined && !error ? nationalityName(code, locale) : (value ?? '');
  const hint = NATIONALITY_CATALOGUES[locale].nationalityHint;
  return (
    <Field name={name} label={label} errors={errors} hint={hint} required>
      <input
        id={id}
        name={name}
        type="text"
        list={LIST_ID}
        value={shown}
        required
        autocomplete="off"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
      />
      <datalist id={LIST_ID}>
        {nationalityChoices(locale).map((c) => (
          <option value={c.name} label={c.code} />
        ))}
      </datalist>
    </Field>
  );
}
