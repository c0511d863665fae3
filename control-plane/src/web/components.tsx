/** Small pieces the dashboard's pages share. */
import type { ComponentChildren } from 'preact';

/** The hidden field every state-changing form carries (checked by session.ts). */
export function CsrfField({ token }: { token: string | null }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

/** A form's errors at its top, announced and focusable. */
export function FormErrors({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div class="errors" role="alert">
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((m) => (
            <li>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A labelled select; `value` marks the chosen option. */
export function Select({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}) {
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name}>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A panel with a heading; `id` lets other pages link to it. */
export function Panel({ title, id, children }: { title: string; id?: string; children: ComponentChildren }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section class="panel" id={id} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
