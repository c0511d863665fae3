/**
 * The new-case form's warning when the client likely has a case already (same last name and birth
 * date, domain/cases/duplicates.ts): links to the existing case(s), and « Créer quand même » — its
 * own form carrying every answer again with the confirmation as a hidden field, so the main form's
 * button never confirms by accident after the lawyer corrected the name.
 */
import { Csrf } from '../components.js';
import { DASHBOARD_CATALOGUES } from '../dashboardMessages.js';
import type { Locale } from '../messages.js';
import type { NewCaseView } from '../viewModels.js';

export function DuplicateWarning({ view, locale, csrf }: { view: NewCaseView; locale: Locale; csrf: string | null }) {
  const existing = view.duplicates ?? [];
  if (existing.length === 0) return null;
  const d = DASHBOARD_CATALOGUES[locale];
  return (
    <div class="duplicate-warning" role="alert" aria-labelledby="dup-title">
      <h2 id="dup-title">{d.duplicateTitle}</h2>
      <p>{d.duplicateIntro}</p>
      <ul>
        {existing.map((c) => (
          <li>
            <a href={`/dossiers/${encodeURIComponent(c.id)}`}>
              {c.reference} — {c.clientName}
            </a>
            {c.archived ? ` (${d.duplicateArchived})` : null}
          </li>
        ))}
      </ul>
      <form method="post" action="/dossiers/nouveau">
        <Csrf token={csrf} />
        {Object.entries(view.values).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirmDuplicate" value="1" />
        <button type="submit" class="button secondary">
          {d.duplicateConfirm}
        </button>
      </form>
      <p class="hint">{d.duplicateHint}</p>
    </div>
  );
}
