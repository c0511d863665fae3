/** The case page's « Modifier » block (caseEditSummary.ts): one line in CasePage. */
import { FlashMessage } from '@iamanager/kernel/ui';
import { CASE_EDIT_CATALOGUES } from '../caseEditMessages.js';
import type { CaseEditSummary } from '../caseEditViews.js';
import { CATALOGUES } from '../messages.js';
import type { Chrome } from '../viewModels.js';
import { ChangeList } from './caseEdit.js';

export function CaseEditBlock({ chrome, edit }: { chrome: Chrome; edit: CaseEditSummary | undefined }) {
  if (!edit) return null;
  const e = CASE_EDIT_CATALOGUES[chrome.locale];
  const m = CATALOGUES[chrome.locale];
  return (
    <>
      {edit.saved ? <FlashMessage flash={{ kind: 'ok', text: e.saved }} /> : null}
      {edit.staleAnalysis ? (
        <p class="warning" role="status">
          {edit.staleAnalysis}
        </p>
      ) : null}
      <section class="card" aria-labelledby="case-changes-title">
        <div class="title-row">
          <h2 id="case-changes-title">{e.changesTitle}</h2>
          {edit.canEdit ? (
            <a class="button secondary" href={edit.href}>
              {e.editLink}
            </a>
          ) : null}
        </div>
        <dl class="facts">
          <dt>{m.status}</dt>
          <dd>{edit.status}</dd>
          {edit.outcome ? (
            <>
              <dt>{e.outcomeShown}</dt>
              <dd>{edit.outcome}</dd>
            </>
          ) : null}
        </dl>
        <ChangeList changes={edit.changes} chrome={chrome} />
      </section>
    </>
  );
}
