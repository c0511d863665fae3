/**
 * `/admin/connexion-editeur`: the heartbeat to the vendor. The « Statut » row says the state in
 * words; the control plane's address has its own row (it used to stand in for the state).
 */
import { CATALOGUES } from '../messages.js';
import { formatDate } from '../format.js';
import { ADMIN_TEXTS, type AdminTexts } from '../adminMessages.js';
import { TelemetryTable } from './setup.js';
import type { Chrome, HeartbeatView } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';

/** The state in words: off, on, or on but failing (an error since the last acknowledgement). */
export function heartbeatState(heartbeat: HeartbeatView, t: AdminTexts): string {
  if (!heartbeat.enabled) return t.heartbeatStateOff;
  return heartbeat.lastError ? t.heartbeatStateFailing : t.heartbeatStateOn;
}

export function AdminConnectionPage({ chrome, heartbeat }: { chrome: Chrome; heartbeat: HeartbeatView }) {
  const m = CATALOGUES[chrome.locale];
  const t = ADMIN_TEXTS[chrome.locale];
  return (
    <AdminLayout chrome={chrome} title={t.heartbeat}>
      <section class="card" aria-labelledby="hbs-title" id="heartbeat">
        <h2 id="hbs-title">{m.heartbeatStatus}</h2>
        <dl class="facts">
          <dt>{m.status}</dt>
          <dd id="heartbeat-state">{heartbeatState(heartbeat, t)}</dd>
          <dt>{t.address}</dt>
          <dd>{heartbeat.controlPlaneUrl ? <code>{heartbeat.controlPlaneUrl}</code> : '—'}</dd>
          <dt>{m.lastSent}</dt>
          <dd>{formatDate(heartbeat.lastSentAt, chrome.locale, true) || m.never}</dd>
          <dt>{m.lastAck}</dt>
          <dd>{formatDate(heartbeat.lastAcknowledgedAt, chrome.locale, true) || m.never}</dd>
          <dt>{m.queued}</dt>
          <dd>{heartbeat.queued}</dd>
          {heartbeat.lastError ? (
            <>
              <dt>{m.lastError}</dt>
              <dd>{heartbeat.lastError}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section class="card" aria-labelledby="hb-fields-title">
        <h2 id="hb-fields-title">{m.heartbeatTitle}</h2>
        <div class="table-scroll" tabindex={0}>
          <TelemetryTable fields={heartbeat.fields} fieldLabel={m.field} purposeLabel={m.purpose} />
        </div>
        {heartbeat.lastPayload ? (
          <details>
            <summary>{m.lastSent}</summary>
            <pre class="payload">{JSON.stringify(heartbeat.lastPayload, null, 2)}</pre>
          </details>
        ) : null}
      </section>
    </AdminLayout>
  );
}
