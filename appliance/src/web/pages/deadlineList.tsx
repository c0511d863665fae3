/** A list of deadlines, each linking to its case: the dashboard, the case page, the calendar. */
import { fill, type Messages } from '../messages.js';
import { formatDate } from '../format.js';
import { dueDate, relativeDue } from '../urgency.js';
import type { Chrome, DeadlineItem } from '../viewModels.js';

/**
 * Deadlines, each linking to its case. Given `now`, each shows its weekday and what is left
 * (« lun. 7 déc. 2026 — dans 3 jours »); without it, the plain date (the calendar's months).
 */
export function DeadlineList({ items, m, chrome, now }: { items: readonly DeadlineItem[]; m: Messages; chrome: Chrome; now?: Date }) {
  return (
    <ul class="deadlines">
      {items.map((d) => (
        <li>
          <a href={`/dossiers/${encodeURIComponent(d.caseId)}`}>{d.caseLabel}</a>
          {d.opensAt !== undefined ? (
            <span class="window">
              {fill(m.windowOpen, {
                from: now ? dueDate({ dueAt: d.opensAt, hourly: false }, chrome.locale) : formatDate(d.opensAt, chrome.locale),
                to: now ? dueDate(d, chrome.locale) : formatDate(d.dueAt, chrome.locale),
              })}
              {now ? <strong class="left"> {relativeDue(d, now, chrome.locale)}</strong> : null}
            </span>
          ) : now ? (
            <span class="when">
              <time datetime={d.dueAt}>{dueDate(d, chrome.locale)}</time> <strong class="left">{relativeDue(d, now, chrome.locale)}</strong>
            </span>
          ) : (
            <time datetime={d.dueAt}>
              {m.due}
              {m.labelSep}
              {formatDate(d.dueAt, chrome.locale, d.hourly)}
            </time>
          )}
          {/* One line each on the dashboard (assets.ts): the whole text on hover, and on the case page. */}
          <span class="what" title={now ? d.label : undefined}>
            {d.label}
          </span>
          <span class="article" title={now ? d.article : undefined}>
            {d.article}
          </span>
          {d.readings !== undefined && d.readings.length > 1 ? (
            <details class="readings">
              <summary>{m.windowReadings}</summary>
              <ol>
                {d.readings.map((r) => (
                  <li>
                    {r.label} : {fill(m.windowOpen, { from: formatDate(r.opensAt, chrome.locale), to: formatDate(r.dueAt, chrome.locale) })}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
