/**
 * The case page's deadline follow-up block (docs/deadlines.md): for each deadline, « Pris en
 * charge », « Clôturer », a pending closure's « Confirmer » / « Refuser » for another person, what
 * was done once closed, and the proof of diligence.
 */
import { ActionButton } from '../components.js';
import { CATALOGUES, fill, type Locale } from '../messages.js';
import { formatDate, formatDateValue } from '../format.js';
import { DEADLINE_CATALOGUES, type DeadlineMessages } from '../deadlineMessages.js';
import type { DeadlineActionItem, DeadlineActionsView } from '../deadlineActionsView.js';
import type { DeadlineClosure } from '../../domain/cases/deadlineClosure.js';
import type { Chrome } from '../viewModels.js';

/** A due date as the case page shows it: the day, or the day and hour for a délai in hours. */
export function dueText(due: string, hourly: boolean, locale: Locale): string {
  return hourly ? formatDate(due, locale, true) : formatDateValue(due, locale);
}

/** What was done, in one sentence (the block, the closing page). */
export function closureText(cl: DeadlineClosure, t: DeadlineMessages, locale: Locale): string {
  const at = formatDate(cl.requestedAt, locale, true);
  if (cl.state === 'pending') return fill(t.pendingBy, { by: cl.requestedBy, at });
  const receipt = `${cl.receiptNumber ? fill(t.receiptNo, { n: cl.receiptNumber }) : ''}${cl.receiptDocumentId ? t.receiptDoc : ''}`;
  const main =
    cl.kind === 'filed'
      ? fill(t.closedFiled, { filedOn: formatDateValue(cl.filedOn ?? '', locale), receipt, by: cl.requestedBy, at })
      : fill(cl.kind === 'no_remedy' ? t.closedNoRemedy : t.closedDismissed, { reason: cl.reason ?? '', by: cl.requestedBy, at });
  return cl.confirmedBy
    ? `${main}${fill(t.confirmedBy, { by: cl.confirmedBy, at: formatDate(cl.confirmedAt ?? '', locale, true) })}`
    : main;
}

export function DeadlineActions({ chrome, view }: { chrome: Chrome; view: DeadlineActionsView | undefined }) {
  if (!view || view.items.length === 0) return null;
  const t = DEADLINE_CATALOGUES[chrome.locale];
  return (
    <div class="deadline-actions" id="deadline-actions">
      <h3>{t.blockTitle}</h3>
      <p class="hint">{t.blockIntro}</p>
      <ul class="plain deadline-action-list">
        {view.items.map((d) => (
          <DeadlineActionRow chrome={chrome} view={view} d={d} t={t} />
        ))}
      </ul>
    </div>
  );
}

function DeadlineActionRow({
  chrome,
  view,
  d,
  t,
}: {
  chrome: Chrome;
  view: DeadlineActionsView;
  d: DeadlineActionItem;
  t: DeadlineMessages;
}) {
  const base = `/dossiers/${encodeURIComponent(view.caseId)}/echeances/${encodeURIComponent(d.remedy)}`;
  const cl = d.closure;
  return (
    <li class={`deadline-action ${cl ? `is-${cl.state}` : 'is-open'}`} data-remedy={d.remedy}>
      <p>
        <strong>{d.label}</strong> — {t.due}
        {CATALOGUES[chrome.locale].labelSep}
        {dueText(d.due, d.hourly, chrome.locale)} <span class="hint">({d.legalBasis})</span>
      </p>
      <p class="deadline-status">
        {cl
          ? closureText(cl, t, chrome.locale)
          : d.acknowledged
            ? fill(t.acknowledgedBy, { by: d.acknowledged.by, at: formatDate(d.acknowledged.at, chrome.locale, true) })
            : t.notAcknowledged}
      </p>
      {cl?.state === 'pending' && d.requestedByMe ? <p class="hint">{t.pendingMine}</p> : null}
      <div class="actions">
        {!cl && !d.acknowledged ? <ActionButton action={`${base}/prise-en-charge`} label={t.acknowledge} csrf={chrome.csrf} /> : null}
        {!cl && view.can.close ? (
          <a class="button primary" href={`${base}/cloturer`}>
            {t.close}
          </a>
        ) : null}
        {cl?.state === 'pending' && view.can.close && !d.requestedByMe ? (
          <>
            <ActionButton action={`${base}/confirmer`} label={t.confirm} csrf={chrome.csrf} kind="primary" />
            <ActionButton action={`${base}/refuser`} label={t.refuse} csrf={chrome.csrf} kind="danger" />
          </>
        ) : null}
        {cl && view.can.reopen ? (
          <a class="button secondary" href={`${base}/cloturer#reopen-title`}>
            {t.reopen}
          </a>
        ) : null}
        {view.can.proof ? (
          <>
            <a class="button secondary" href={`${base}/preuve`} download>
              {t.proofPdf}
            </a>
            <a class="button secondary" href={`${base}/preuve.jws`} download>
              {t.proofJws}
            </a>
          </>
        ) : null}
      </div>
    </li>
  );
}
