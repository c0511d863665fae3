/** The calendar page (deadlines and renewal windows by month), and the feed URL shown once right after it is created. */
import type { CalendarMonths } from '../calendarMonths.js';
import { Layout } from '../layout.js';
import { CATALOGUES } from '../messages.js';
import type { Chrome } from '../viewModels.js';
import { DeadlineList } from './dashboard.js';

function monthTitle(month: string, locale: Chrome['locale']): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  // Noon UTC on the 15th: the same month in every time zone.
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15, 12)),
  );
}

export function CalendarPage({ chrome, view }: { chrome: Chrome; view: CalendarMonths }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.calendarPageTitle}>
      <h1>{m.calendarPageTitle}</h1>
      {view.openWindows.length > 0 ? (
        <section class="card wide" aria-labelledby="open-windows">
          <h2 id="open-windows">{m.openWindowsTitle}</h2>
          <DeadlineList items={view.openWindows} m={m} chrome={chrome} />
        </section>
      ) : null}
      {view.months.length === 0 ? <p>{m.noDeadlines}</p> : null}
      {view.months.map((month) => (
        <section class="card wide" aria-labelledby={`month-${month.month}`}>
          <h2 id={`month-${month.month}`}>{monthTitle(month.month, chrome.locale)}</h2>
          <DeadlineList items={month.items} m={m} chrome={chrome} />
        </section>
      ))}
    </Layout>
  );
}

export function CalendarFeedPage({ chrome, url }: { chrome: Chrome; url: string }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.subscribeIcs}>
      <section class="card">
        <h1>{m.subscribeIcs}</h1>
        <p>{m.feedShownOnce}</p>
        <p>
          <label for="ics-url">{m.subscribeIcs}</label>
          <input id="ics-url" type="text" readonly value={url} class="copy" />
        </p>
        <p>
          <a href="/">{m.backHome}</a>
        </p>
      </section>
    </Layout>
  );
}
