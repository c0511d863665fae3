/**
 * What the case page shows of its edits (caseEditSummary.ts): the notices at the top (saved, the
 * analysis made stale by a change), the « Modifier le dossier » link beside the facts, and the
 * card of changes near the history — only once there is a change or an outcome to show, so a new
 * case's page stays short.
 */
import { FlashMessage } from '@iamanager/kernel/ui';
import { CASE_EDIT_CATALOGUES } from '../caseEditMessages.js';
import type { CaseEditSummary } from '../caseEditViews.js';
import { CATALOGUES } from '../messages.js';
import type { Chrome } from '../viewModels.js';
import { ChangeList } from './caseEdit.js';

export function CaseEditNotices({ chrome, edit }: { chrome: Chrome; edit: CaseEditSummary | undefined }) {
  if (!edit) return null;
  const e = CASE_EDIT_CATALOGUES[chrome.locale];
  return (
    <>
      {edit.saved ? <FlashMessage flash={{ kind: 'ok', text: e.saved }} /> : null}
      {edit.staleAnalysis ? (
        <p class="warning" role="status">
          {edit.staleAnalysis}
        </p>
      ) : null}
    </>
  );
}

export function CaseEditLink({ chrome, edit }: { chrome: Chrome; edit: CaseEditSummary | undefined }) {
  if (!edit?.canEdit) return null;
  return (
    <a class="button secondary" href={edit.href}>
      {CASE_EDIT_CATALOGUES[chrome.locale].editLink}
    </a>
  );
}

export function CaseChangesCard({ chrome, edit }: { chrome: Chrome; edit: CaseEditSummary | undefined }) {
  if (!edit || (edit.changes.length === 0 && !edit.outcome)) return null;
  const e = CASE_EDIT_CATALOGUES[chrome.locale];
  const m = CATALOGUES[chrome.locale];
  return (
    <section class="card" aria-labelledby="case-changes-title">
      <h2 id="case-changes-title">{e.changesTitle}</h2>
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
  );
}
