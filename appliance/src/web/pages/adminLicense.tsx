/** `/admin/licence`: the plan, its state and limits, importing a license file, what an upgrade brings. */
import { CATALOGUES, fill } from '../messages.js';
import { planLabel } from '../planLabels.js';
import { LicenseImportForm, UsageMeter } from '../components.js';
import { formatDate } from '../format.js';
import { UPGRADE_CATALOGUES } from '../upgradeLabels.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { Chrome, FieldError, LicenseView } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';

export function AdminLicensePage({ chrome, license, errors }: { chrome: Chrome; license: LicenseView; errors: readonly FieldError[] }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <AdminLayout chrome={chrome} title={ADMIN_TEXTS[chrome.locale].license}>
      <section class="card" aria-labelledby="license-title" id="licence">
        <h2 id="license-title">{m.licenseTitle}</h2>
        <dl class="facts">
          <dt>{m.plan}</dt>
          <dd>{license.plan ? planLabel(license.plan, chrome.locale) : '—'}</dd>
          <dt>{m.status}</dt>
          <dd>{license.state}</dd>
          <dt>{m.expiresAt}</dt>
          <dd>{formatDate(license.expiresAt, chrome.locale)}</dd>
          <dt>{m.model}</dt>
          <dd>{license.model ?? '—'}</dd>
        </dl>
        {license.warnings.map((w) => (
          <p class="warning">{w}</p>
        ))}
        {license.meters.map((meter) => (
          <UsageMeter meter={meter} />
        ))}
        <p>
          <a href="/admin/formule">{UPGRADE_CATALOGUES[chrome.locale].limitSeePlans}</a>
        </p>
      </section>
      <section class="card" aria-labelledby="import-title">
        <h2 id="import-title">{m.licenseImportAdmin}</h2>
        <LicenseImportForm action="/admin/licence" csrf={chrome.csrf} errors={errors} m={m} />
      </section>
      {license.upgrade ? (
        <section class="card" aria-labelledby="upgrade-title">
          <h2 id="upgrade-title">{fill(m.upgradeBrings, { plan: planLabel(license.upgrade.plan, chrome.locale) })}</h2>
          <ul class="plain">
            <li>
              {m.usageUsers}
              {m.labelSep}
              {license.upgrade.maxUsers}
            </li>
            <li>
              {m.usageCases}
              {m.labelSep}
              {license.upgrade.maxCases}
            </li>
            <li>
              {m.usageAnalyses}
              {m.labelSep}
              {license.upgrade.maxAnalysesMonthly}
            </li>
            <li>
              {m.model}
              {m.labelSep}
              {license.upgrade.model}
            </li>
          </ul>
        </section>
      ) : null}
    </AdminLayout>
  );
}
