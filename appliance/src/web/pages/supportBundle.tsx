/**
 * The support bundle on the admin page: a short section with the button that prepares it, and
 * the preview page that shows every file of it — the manifest first — before anything leaves.
 */
import { Layout } from '../layout.js';
import { ActionButton } from '../components.js';
import { CATALOGUES, fill } from '../messages.js';
import { SUPPORT_TEXTS } from '../supportBundleTexts.js';
import type { Chrome } from '../viewModels.js';

export interface SupportPreviewView {
  sha256: string;
  bytes: number;
  files: { path: string; why: string; content: string }[];
  logs: { kept: number; dropped: number; fieldsRemoved: number };
}

export function SupportBundleSection({ chrome }: { chrome: Chrome }) {
  const t = SUPPORT_TEXTS[chrome.locale];
  return (
    <section class="card" aria-labelledby="support-title" id="support">
      <h2 id="support-title">{t.title}</h2>
      <p>{t.intro}</p>
      <ActionButton action="/admin/support" label={t.prepare} csrf={chrome.csrf} />
    </section>
  );
}

export function SupportPreviewPage({ chrome, view }: { chrome: Chrome; view: SupportPreviewView }) {
  const t = SUPPORT_TEXTS[chrome.locale];
  return (
    <Layout chrome={chrome} title={t.title}>
      <h1>{t.title}</h1>
      <p>{t.previewIntro}</p>
      <p>
        {t.fingerprint}
        {CATALOGUES[chrome.locale].labelSep}
        <code>{view.sha256}</code> ({Math.ceil(view.bytes / 1024)} Kio)
      </p>
      <p>{fill(t.logs, { kept: String(view.logs.kept), dropped: String(view.logs.dropped), removed: String(view.logs.fieldsRemoved) })}</p>
      <p>
        <a class="button secondary" href={`/admin/support/${view.sha256}.tar.gz`} download>
          {t.download}
        </a>{' '}
        <ActionButton action="/admin/support/envoi" label={t.send} csrf={chrome.csrf} kind="primary" fields={{ sha256: view.sha256 }} />
      </p>
      {view.files.map((f) => (
        <details open={f.path === 'manifest.json'}>
          <summary>
            <code>{f.path}</code> — {f.why} ({Buffer.byteLength(f.content)} o)
          </summary>
          <pre class="support-file">{f.content}</pre>
        </details>
      ))}
      <p>
        <a href="/admin/assistance">{t.back}</a>
      </p>
    </Layout>
  );
}
