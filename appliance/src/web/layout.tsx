/**
 * The page frame: skip link, the cabinet's name, logo and colour (CLIENT_NAME, CLIENT_LOGO,
 * CLIENT_COLOR — the colour arrives through /static/brand.css so no inline style is needed under
 * the CSP), navigation, language switch, flash message, main landmark.
 */
import type { ComponentChildren } from 'preact';
import { FlashMessage } from '@iamanager/kernel/ui';
import { CATALOGUES, fill } from './messages.js';
import { REMINDERS_CATALOGUES } from './remindersMessages.js';
import { Csrf } from './components.js';
import type { Chrome } from './viewModels.js';
import { UPGRADE_CATALOGUES } from './upgradeLabels.js';

export function Layout({ chrome, title, children }: { chrome: Chrome; title: string; children: ComponentChildren }) {
  const m = CATALOGUES[chrome.locale];
  const other = chrome.locale === 'fr' ? 'en' : 'fr';
  return (
    <html lang={chrome.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${chrome.cabinetName}`}</title>
        {/* No favicon request: it would hit the setup fence or a 404 on every page. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href="/static/brand.css" />
        <script src="/static/app.js" defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {m.skipToContent}
        </a>
        <header class="topbar">
          <div class="brand">
            {chrome.logoUrl ? <img src={chrome.logoUrl} alt="" class="logo" /> : null}
            <span class="cabinet">{chrome.cabinetName}</span>
            <span class="product">{m.appName}</span>
          </div>
          {chrome.user ? (
            <nav aria-label={m.mainNav}>
              <ul>
                <li>
                  <a href="/" aria-current={chrome.path === '/' ? 'page' : undefined}>
                    {m.navDashboard}
                  </a>
                </li>
                <li>
                  <a href="/dossiers" aria-current={chrome.path.startsWith('/dossiers') ? 'page' : undefined}>
                    {m.navCases}
                  </a>
                </li>
                <li>
                  <a href="/mes-echeances" aria-current={chrome.path.startsWith('/mes-echeances') ? 'page' : undefined}>
                    {m.myDeadlinesTitle}
                    <UnreadBadge chrome={chrome} />
                  </a>
                </li>
                {chrome.user.isAdmin ? (
                  <li>
                    <a href="/admin" aria-current={chrome.path.startsWith('/admin') ? 'page' : undefined}>
                      {m.navAdmin}
                    </a>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
          <div class="account">
            <a href={`/langue?l=${other}&next=${encodeURIComponent(chrome.path)}`} lang={other} title={m.languageLabel}>
              {m.language}
            </a>
            {chrome.user ? (
              <>
                <a href="/mot-de-passe" title={chrome.user.email}>
                  {chrome.user.name}
                </a>
                <form method="post" action="/deconnexion" class="inline">
                  <Csrf token={chrome.csrf} />
                  <button type="submit" class="link">
                    {m.logout}
                  </button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {chrome.planBanner ? (
            <p class="plan-banner" role="status">
              {chrome.planBanner.text}{' '}
              {chrome.planBanner.href ? <a href={chrome.planBanner.href}>{UPGRADE_CATALOGUES[chrome.locale].bannerLink}</a> : null}
            </p>
          ) : null}
          <FlashMessage flash={chrome.flash} />
          {children}
        </main>
      </body>
    </html>
  );
}

/** The count of unread reminders beside « Mes échéances » (docs/reminders.md), said in words to screen readers. */
function UnreadBadge({ chrome }: { chrome: Chrome }) {
  const n = chrome.unreadReminders ?? 0;
  if (n === 0) return null;
  const label = fill(REMINDERS_CATALOGUES[chrome.locale].unreadBadge, { count: n });
  return (
    <span class="badge unread" id="unread-reminders" title={label}>
      <span aria-hidden="true">{n}</span>
      <span class="visually-hidden">{label}</span>
    </span>
  );
}
