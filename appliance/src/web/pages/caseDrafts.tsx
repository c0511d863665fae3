/**
 * The « Rédiger » block of the case page: the drafts that fit the case's procedure, each a button
 * that writes the .docx and keeps it among the case's pièces (POST /dossiers/:id/brouillons/:kind,
 * web/routes/draftPages.tsx); after one, a link to download it.
 */
import { ActionButton } from '../components.js';
import { DRAFT_CATALOGUES, DRAFT_TITLES_EN, type DraftMessages } from '../draftMessages.js';
import { fill } from '../messages.js';
import { DRAFT_KIND_INFO, type DraftKind } from '../../domain/drafting/draftKinds.js';
import type { CaseDraftsView } from '../caseDraftsView.js';
import type { Chrome } from '../viewModels.js';

export function draftTitle(kind: DraftKind, locale: Chrome['locale']): string {
  return locale === 'fr' ? DRAFT_KIND_INFO[kind].title : DRAFT_TITLES_EN[kind];
}

export function CaseDrafts({ chrome, view }: { chrome: Chrome; view: CaseDraftsView | undefined }) {
  if (!view?.canWrite) return null;
  const d: DraftMessages = DRAFT_CATALOGUES[chrome.locale];
  const base = `/dossiers/${encodeURIComponent(view.caseId)}`;
  return (
    <section class="card" aria-labelledby="drafts-title">
      <h2 id="drafts-title">{d.draftsTitle}</h2>
      <p class="hint">{d.draftsIntro}</p>
      {view.generated ? (
        <p role="status">
          {fill(d.draftGenerated, { name: view.generated.name })}{' '}
          <a href={`${base}/pieces/${encodeURIComponent(view.generated.id)}`} download>
            {d.draftDownload}
          </a>
        </p>
      ) : null}
      {view.kinds.length === 0 ? (
        <p>{d.draftsNone}</p>
      ) : (
        <ul class="plain">
          {view.kinds.map((kind) => (
            <li>
              <ActionButton
                action={`${base}/brouillons/${kind}`}
                label={fill(d.draftGenerate, { title: draftTitle(kind, chrome.locale) })}
                csrf={chrome.csrf}
              />{' '}
              <span class="hint">{DRAFT_KIND_INFO[kind].legalBasis}</span>
            </li>
          ))}
        </ul>
      )}
      {chrome.user?.isAdmin ? (
        <p class="hint">
          <a href="/modeles">{d.templatesLink}</a>
        </p>
      ) : null}
    </section>
  );
}
