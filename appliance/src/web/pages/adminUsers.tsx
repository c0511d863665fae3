/**
 * `/admin/utilisateurs`: the cabinet's users with their role (changed in place), state, reset and
 * (de)activation; the invitation form (a one-time link or a temporary password); the account
 * created with a password the admin chooses. A link or temporary password is shown once, right
 * after the invitation or reset that made it.
 */
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton, Csrf, ErrorSummary, Field, SelectField } from '../components.js';
import { formatDate } from '../format.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import type { Chrome, FieldError } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';

export interface AdminUserRow {
  id: string;
  name: string;
  email: string;
  role: string;
  roleLabel: string;
  active: boolean;
  self: boolean;
  /** A pending one-time link's end, and whether it has passed. */
  linkExpiresAt: string | null;
  linkExpired: boolean;
  mustChangePassword: boolean;
  /** Whether the user has a second factor (docs/second-factor.md): an admin may reset it. */
  secondFactor: boolean;
}

/** What the admin must pass on now: never stored, shown on this one page view. */
export interface ShownAccess {
  email: string;
  link?: { url: string; expiresAt: string };
  temporaryPassword?: string;
}

export interface AdminUsersView {
  users: readonly AdminUserRow[];
  roles: ReadonlyArray<{ name: string; label: string }>;
  /** Errors and values of the form that failed (`form` says which: invite or create). */
  form: 'invite' | 'create' | null;
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
  shown: ShownAccess | null;
}

export function AdminUsersPage({ chrome, view }: { chrome: Chrome; view: AdminUsersView }) {
  const m = CATALOGUES[chrome.locale];
  const t = ADMIN_TEXTS[chrome.locale];
  const inviteErrors = view.form === 'invite' ? view.errors : [];
  const createErrors = view.form === 'create' ? view.errors : [];
  const values = (form: 'invite' | 'create') => (view.form === form ? view.values : {});
  return (
    <AdminLayout chrome={chrome} title={t.users}>
      {view.shown ? <ShownOnce chrome={chrome} shown={view.shown} /> : null}
      <section class="card" aria-labelledby="users-title" id="utilisateurs">
        <h2 id="users-title">{m.users}</h2>
        <div class="table-scroll" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{m.adminName}</th>
                <th scope="col">{m.email}</th>
                <th scope="col">{m.role}</th>
                <th scope="col">{m.status}</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.users.map((u) => (
                <tr id={`user-${u.id}`}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    {u.self ? (
                      u.roleLabel
                    ) : (
                      <form method="post" action={`/admin/utilisateurs/${encodeURIComponent(u.id)}/role`} class="row-actions">
                        <Csrf token={chrome.csrf} />
                        <label class="visually-hidden" for={`role-${u.id}`}>
                          {fill(t.roleOf, { name: u.name })}
                        </label>
                        <select id={`role-${u.id}`} name="role">
                          {view.roles.map((r) => (
                            <option value={r.name} selected={r.name === u.role}>
                              {r.label}
                            </option>
                          ))}
                        </select>
                        <button type="submit" class="button secondary">
                          {t.changeRole}
                        </button>
                      </form>
                    )}
                  </td>
                  <td>{statusOf(u, chrome)}</td>
                  <td>
                    {u.self ? null : (
                      <div class="row-actions">
                        <ActionButton
                          action={`/admin/utilisateurs/${encodeURIComponent(u.id)}/reinitialiser`}
                          label={t.resetLink}
                          csrf={chrome.csrf}
                          fields={{ method: 'lien' }}
                        />
                        <ActionButton
                          action={`/admin/utilisateurs/${encodeURIComponent(u.id)}/reinitialiser`}
                          label={t.resetPassword}
                          csrf={chrome.csrf}
                          fields={{ method: 'mot-de-passe-provisoire' }}
                        />
                        {u.secondFactor ? (
                          <ActionButton
                            action={`/admin/utilisateurs/${encodeURIComponent(u.id)}/double-facteur`}
                            label={SECOND_FACTOR_TEXTS[chrome.locale].resetSecondFactor}
                            csrf={chrome.csrf}
                          />
                        ) : null}
                        <ActionButton
                          action={`/admin/utilisateurs/${encodeURIComponent(u.id)}/${u.active ? 'desactiver' : 'activer'}`}
                          label={u.active ? m.disable : m.enable}
                          csrf={chrome.csrf}
                          kind={u.active ? 'danger' : 'secondary'}
                        />
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="invite-title" id="inviter">
        <h2 id="invite-title">{t.inviteTitle}</h2>
        <p class="hint">{t.inviteHelp}</p>
        <ErrorSummary errors={inviteErrors} m={m} />
        {/* Field names of their own: the account form below has name, email and role too, and ids must differ. */}
        <form method="post" action="/admin/utilisateurs/invitations" novalidate class="grid2">
          <Csrf token={chrome.csrf} />
          <Field name="inviteName" label={m.adminName} value={values('invite').inviteName} errors={inviteErrors} required />
          <Field
            name="inviteEmail"
            label={m.email}
            type="email"
            value={values('invite').inviteEmail}
            errors={inviteErrors}
            required
            autocomplete="off"
          />
          <SelectField
            name="inviteRole"
            label={m.role}
            value={values('invite').inviteRole ?? 'avocat'}
            errors={inviteErrors}
            required
            options={view.roles.map((r) => ({ value: r.name, label: r.label }))}
          />
          <SelectField
            name="method"
            label={t.method}
            value={values('invite').method ?? 'lien'}
            errors={inviteErrors}
            required
            options={[
              { value: 'lien', label: t.methodLink },
              { value: 'mot-de-passe-provisoire', label: t.methodPassword },
            ]}
          />
          <div>
            <button type="submit" class="button primary">
              {t.invite}
            </button>
          </div>
        </form>
      </section>
      <details class="card" open={view.form === 'create'} id="ajouter">
        <summary>{t.addWithPassword}</summary>
        <ErrorSummary errors={createErrors} m={m} />
        <form method="post" action="/admin/utilisateurs" novalidate class="grid2">
          <Csrf token={chrome.csrf} />
          <Field name="name" label={m.adminName} value={values('create').name} errors={createErrors} required />
          <Field
            name="email"
            label={m.email}
            type="email"
            value={values('create').email}
            errors={createErrors}
            required
            autocomplete="off"
          />
          <SelectField
            name="role"
            label={m.role}
            value={values('create').role ?? 'avocat'}
            errors={createErrors}
            required
            options={view.roles.map((r) => ({ value: r.name, label: r.label }))}
          />
          <Field
            name="password"
            label={m.password}
            type="password"
            hint={m.passwordHint}
            errors={createErrors}
            required
            autocomplete="new-password"
          />
          <div>
            <button type="submit" class="button primary">
              {m.addUser}
            </button>
          </div>
        </form>
      </details>
    </AdminLayout>
  );
}

function statusOf(u: AdminUserRow, chrome: Chrome): string {
  const m = CATALOGUES[chrome.locale];
  const t = ADMIN_TEXTS[chrome.locale];
  if (!u.active) return m.inactive;
  if (u.linkExpiresAt) return fill(u.linkExpired ? t.pendingExpired : t.pending, { at: formatDate(u.linkExpiresAt, chrome.locale, true) });
  if (u.mustChangePassword) return t.mustChange;
  return m.active;
}

function ShownOnce({ chrome, shown }: { chrome: Chrome; shown: ShownAccess }) {
  const t = ADMIN_TEXTS[chrome.locale];
  return (
    <section class="card shown-once" role="status" id="acces-a-transmettre">
      <p>
        <strong>{fill(t.shownOnce, { email: shown.email })}</strong>
      </p>
      <dl class="facts">
        {shown.link ? (
          <>
            <dt>{fill(t.linkLabel, { at: formatDate(shown.link.expiresAt, chrome.locale, true) })}</dt>
            <dd>
              <code id="shown-link">{shown.link.url}</code>
            </dd>
          </>
        ) : null}
        {shown.temporaryPassword ? (
          <>
            <dt>{t.temporaryPassword}</dt>
            <dd>
              <code id="shown-password">{shown.temporaryPassword}</code>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
