/**
 * "Mes échéances" (docs/reminders.md): the deadlines of the cases assigned to the signed-in user,
 * the next reminder each will send, and the "pris en charge" button that spares the admins the
 * escalation.
 */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton } from '../components.js';
import { formatDate } from '../format.js';
import type { Chrome } from '../viewModels.js';
import { REMINDERS_CATALOGUES } from '../remindersMessages.js';
import type { MyDeadline } from '../../domain/reminders/reminders.js';

export function MyDeadlinesPage({ chrome, deadlines }: { chrome: Chrome; deadlines: readonly MyDeadline[] }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.myDeadlinesTitle}>
      <h1>{m.myDeadlinesTitle}</h1>
      <p class="hint">{m.myDeadlinesIntro}</p>
      <p>
        <a href="/mes-rappels" id="my-reminders-link">
          {REMINDERS_CATALOGUES[chrome.locale].myRemindersLink}
        </a>
      </p>
      {deadlines.length === 0 ? (
        <p id="my-deadlines-none">{m.myDeadlinesNone}</p>
      ) : (
        <table id="my-deadlines">
          <thead>
            <tr>
              <th scope="col">{m.myDeadlinesCase}</th>
              <th scope="col">{m.myDeadlinesRemedy}</th>
              <th scope="col">{m.myDeadlinesDue}</th>
              <th scope="col">{m.myDeadlinesNextReminder}</th>
              <th scope="col">{m.myDeadlinesStatus}</th>
            </tr>
          </thead>
          <tbody>
            {deadlines.map((d) => (
              <tr>
                <td>
                  <a href={`/dossiers/${encodeURIComponent(d.caseId)}`}>{d.reference}</a>
                </td>
                <td>{d.label}</td>
                <td>{d.dueText}</td>
                <td>{formatDate(d.nextReminderAt, chrome.locale, true) || '—'}</td>
                <td>
                  {d.acknowledged ? (
                    fill(m.myDeadlinesAcked, { at: formatDate(d.acknowledged.at, chrome.locale, true) })
                  ) : (
                    <ActionButton
                      action={`/mes-echeances/${encodeURIComponent(d.caseId)}/${encodeURIComponent(d.remedy)}/prise-en-charge`}
                      label={m.myDeadlinesAck}
                      csrf={chrome.csrf}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
