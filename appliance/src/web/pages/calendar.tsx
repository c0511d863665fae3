/** The calendar feed URL, shown once right after it is created. */
import { Layout } from '../layout.js';
import { CATALOGUES } from '../messages.js';
import type { Chrome } from '../viewModels.js';

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
