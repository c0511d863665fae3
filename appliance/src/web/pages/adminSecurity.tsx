/**
 * `/admin/securite`: who must have a second factor (docs/second-factor.md) — nobody, everyone, or
 * the roles ticked — and how many users have one.
 */
import { CATALOGUES, fill } from '../messages.js';
import { Csrf, ErrorSummary } from '../components.js';
import { formatDate } from '../format.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import type { Chrome, FieldError } from '../viewModels.js';
import type { SecondFactorRequirement } from '../../storage/securitySettingsStore.js';
import { AdminLayout } from './adminNav.js';

export interface AdminSecurityView {
  required: SecondFactorRequirement;
  roles: readonly string[];
  allRoles: ReadonlyArray<{ name: string; label: string }>;
  updatedAt: string | null;
  updatedBy: string | null;
  enrolled: number;
  total: number;
  errors: readonly FieldError[];
}

export function AdminSecurityPage({ chrome, view }: { chrome: Chrome; view: AdminSecurityView }) {
  const m = CATALOGUES[chrome.locale];
  const t = SECOND_FACTOR_TEXTS[chrome.locale];
  const option = (value: SecondFactorRequirement, label: string) => (
    <div class="field check">
      <label>
        <input type="radio" name="required" value={value} checked={view.required === value} /> {label}
      </label>
    </div>
  );
  return (
    <AdminLayout chrome={chrome} title={t.adminNav}>
      <section class="card" aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">{t.policyTitle}</h2>
        <p class="hint">{t.policyIntro}</p>
        <p>{fill(t.enrolledCount, { count: view.enrolled, total: view.total })}</p>
        {view.updatedAt ? (
          <p class="hint">{fill(t.policyUpdated, { at: formatDate(view.updatedAt, chrome.locale, true), by: view.updatedBy ?? '' })}</p>
        ) : null}
        <ErrorSummary errors={view.errors} m={m} />
        <form method="post" action="/admin/securite" novalidate>
          <Csrf token={chrome.csrf} />
          <fieldset id="f-required">
            <legend>{t.policyTitle}</legend>
            {option('off', t.policyOff)}
            {option('everyone', t.policyEveryone)}
            {option('roles', t.policyRoles)}
            <div class="field" id="f-roles">
              {view.allRoles.map((r) => (
                <div class="check">
                  <label>
                    <input type="checkbox" name="roles" value={r.name} checked={view.roles.includes(r.name)} /> {r.label}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <button type="submit" class="button primary">
            {t.policySave}
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}
