/**
 * The admin page's mail section (docs/reminders.md): whether deadline reminders can go out, through
 * which server (host and port: the login never reaches a page), its last success or its failures
 * and back-off, and the "send a test" button.
 */
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton } from '../components.js';
import { formatDate } from '../format.js';
import type { Chrome, MailView } from '../viewModels.js';

export function MailSection({ chrome, mail }: { chrome: Chrome; mail: MailView }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <section class="card" aria-labelledby="mail-title" id="messagerie">
      <h2 id="mail-title">{m.mailTitle}</h2>
      {mail.configured ? (
        <>
          <dl class="facts">
            <dt>{m.mailServer}</dt>
            <dd>
              <code>{mail.server}</code>
            </dd>
            <dt>{m.mailLastSuccess}</dt>
            <dd>{formatDate(mail.lastSuccessAt, chrome.locale, true) || m.never}</dd>
          </dl>
          {mail.consecutiveFailures > 0 ? (
            <p class="warning" id="mail-failing">
              {fill(m.mailFailing, {
                count: String(mail.consecutiveFailures),
                at: formatDate(mail.lastErrorAt, chrome.locale, true),
                retry: formatDate(mail.retryAfter, chrome.locale, true),
              })}{' '}
              <code>{mail.lastError}</code>
            </p>
          ) : null}
          <ActionButton action="/admin/messagerie/test" label={m.mailSendTest} csrf={chrome.csrf} />
        </>
      ) : (
        <p class="warning" id="mail-off">
          {m.mailOff}
        </p>
      )}
    </section>
  );
}
