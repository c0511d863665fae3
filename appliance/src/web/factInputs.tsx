/**
 * The inputs of a fact, as the new-case form and the questionnaire ask it: yes / no / "ne sait pas"
 * as radio buttons in a fieldset (its legend is the question), a list as a select whose blank is
 * "ne sait pas", numbers and dates as inputs. Each is tied to its error like `Field`, and the first
 * radio carries the `f-<name>` id the error summary links to.
 */
import { Field, SelectField } from './components.js';
import { factOptions, type FactKey } from './factLabels.js';
import type { FactsMessages } from './factsMessages.js';
import type { Locale } from './messages.js';
import type { FieldError } from './viewModels.js';

export function YesNoField({
  name,
  legend,
  value,
  errors = [],
  f,
  required,
}: {
  name: string;
  legend: string;
  value: string | undefined;
  errors?: readonly FieldError[];
  f: FactsMessages;
  required?: boolean;
}) {
  const error = errors.find((e) => e.field === name);
  const answers: Array<[string, string]> = [
    ['yes', f.yes],
    ['no', f.no],
    ...(required ? [] : ([['', f.unknown]] as Array<[string, string]>)),
  ];
  return (
    <fieldset
      class={error ? 'field has-error' : 'field'}
      aria-describedby={error ? `f-${name}-error` : undefined}
      aria-invalid={error ? 'true' : undefined}
    >
      <legend>{legend}</legend>
      {error ? (
        <p class="field-error" id={`f-${name}-error`}>
          {error.message}
        </p>
      ) : null}
      <div class="radios">
        {answers.map(([answer, label], i) => (
          <label>
            <input
              type="radio"
              name={name}
              value={answer}
              id={i === 0 ? `f-${name}` : `f-${name}-${answer || 'unknown'}`}
              checked={(value ?? '') === answer}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A fact that takes one of a list: "ne sait pas" first. */
export function ChoiceField({
  name,
  fact,
  label,
  value,
  errors,
  f,
  locale,
  blank,
}: {
  name: string;
  fact: FactKey;
  label: string;
  value: string | undefined;
  errors: readonly FieldError[];
  f: FactsMessages;
  locale: Locale;
  blank?: string;
}) {
  return (
    <SelectField name={name} label={label} value={value} errors={errors} blank={blank ?? f.unknown} options={factOptions(fact, locale)} />
  );
}

export function NumberField({
  name,
  label,
  value,
  errors,
  min,
  max,
}: {
  name: string;
  label: string;
  value: string | undefined;
  errors: readonly FieldError[];
  min: number;
  max: number;
}) {
  const error = errors.find((e) => e.field === name);
  return (
    <Field name={name} label={label} errors={errors}>
      <input
        id={`f-${name}`}
        name={name}
        type="number"
        min={min}
        max={max}
        step={1}
        value={value}
        inputMode="numeric"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `f-${name}-error` : undefined}
      />
    </Field>
  );
}
