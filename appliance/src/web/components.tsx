/** Small building blocks shared by the pages: labelled fields, error summaries, meters. */
import type { ComponentChildren, JSX } from 'preact';
import type { FieldError, Meter } from './viewModels.js';
import type { Messages } from './messages.js';

/** The hidden CSRF field every state-changing form carries. */
export function Csrf({ token }: { token: string | null }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

/** Lists a form's errors at its top, each linking to its field (WCAG 3.3.1), focused by app.js. */
export function ErrorSummary({ errors, m }: { errors: readonly FieldError[]; m: Messages }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} data-autofocus>
      <p>{m.formErrors}</p>
      <ul>
        {errors.map((e) => (
          <li>{e.field ? <a href={`#f-${e.field}`}>{e.message}</a> : e.message}</li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'date' | 'time' | 'url' | 'search' | 'number';
  value?: string | undefined;
  errors?: readonly FieldError[];
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  children?: ComponentChildren;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function Field({ name, label, type = 'text', value, errors = [], required, hint, autocomplete, children }: FieldProps) {
  const error = errors.find((e) => e.field === name);
  const id = `f-${name}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id} class={required ? 'required' : undefined}>
        {label}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error.message}
        </p>
      ) : null}
      {children ?? (
        <input
          {...({
            id,
            name,
            type,
            'value': type === 'password' ? undefined : value,
            required,
            'aria-invalid': error ? 'true' : undefined,
            'aria-describedby': described,
            autocomplete,
          } as JSX.IntrinsicElements['input'])}
        />
      )}
    </div>
  );
}

/** A select with the same labelling as Field. */
export function SelectField(
  props: Omit<FieldProps, 'type' | 'children'> & { options: ReadonlyArray<{ value: string; label: string }>; blank?: string },
) {
  const error = (props.errors ?? []).find((e) => e.field === props.name);
  return (
    <Field {...props}>
      <select
        id={`f-${props.name}`}
        name={props.name}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `f-${props.name}-error` : undefined}
      >
        {props.blank !== undefined ? <option value="">{props.blank}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A usage meter: the native <meter> carries the value for assistive tech, the text says it too. */
export function UsageMeter({ meter }: { meter: Meter }) {
  const { used, limit } = meter;
  const high = limit !== null && used >= limit;
  return (
    <div class={high ? 'meter at-limit' : 'meter'}>
      <div class="meter-label">
        <span>{meter.label}</span>
        <span>
          {used}
          {limit !== null ? ` / ${limit}` : ''}
        </span>
      </div>
      {limit !== null && limit > 0 ? (
        <meter
          min={0}
          max={limit}
          value={Math.min(used, limit)}
          low={limit * 0.8}
          high={limit * 0.95}
          optimum={0}
          aria-label={meter.label}
        />
      ) : null}
      {meter.note ? <p class="hint">{meter.note}</p> : null}
    </div>
  );
}

/** A POST button in its own small form (archive, disable…), with the CSRF token. */
export function ActionButton({
  action,
  label,
  csrf,
  kind = 'secondary',
  fields = {},
}: {
  action: string;
  label: string;
  csrf: string | null;
  kind?: 'primary' | 'secondary' | 'danger';
  fields?: Record<string, string>;
}) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={csrf} />
      {Object.entries(fields).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={`button ${kind}`}>
        {label}
      </button>
    </form>
  );
}

/** The form that imports a license file (the setup wizard's, and the admin page's once set up). */
export function LicenseImportForm({
  action,
  csrf,
  errors,
  m,
}: {
  action: string;
  csrf: string | null;
  errors: readonly FieldError[];
  m: Messages;
}) {
  return (
    <form method="post" action={action} novalidate>
      <Csrf token={csrf} />
      <Field name="license" label={m.licenseFile} errors={errors} required>
        <textarea id="f-license" name="license" rows={6} required spellcheck={false} />
      </Field>
      <button type="submit" class="button secondary">
        {m.licenseImport}
      </button>
    </form>
  );
}
