/**
 * The page frame: skip link, product name, the navigation the admin's role may see, who is signed
 * in (with their role) and the logout button, the flash message, and the main landmark.
 */
import type { ComponentChildren } from 'preact';
import { FlashMessage } from '@iamanager/kernel/ui';
import { ROLE_LABELS } from './labels.js';
import type { Chrome } from './chrome.js';
import { CsrfField } from './components.js';

export function Layout({ chrome, title, children }: { chrome: Chrome; title: string; children: ComponentChildren }) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — Console IAManager`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/dashboard.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Aller au contenu
        </a>
        <header class="bar">
          <span class="product">Console IAManager</span>
          {chrome.nav.length > 0 ? (
            <nav aria-label="Navigation principale">
              <ul>
                {chrome.nav.map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.current ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {chrome.admin ? (
            <div class="who">
              <a href="/compte" title="Mon compte : mot de passe et jetons d'API">
                {chrome.admin.email}
              </a>
              <span class="role">{ROLE_LABELS[chrome.admin.role]}</span>
              <form method="post" action="/deconnexion" class="inline">
                <CsrfField token={chrome.csrf} />
                <button type="submit" class="as-link">
                  Se déconnecter
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabIndex={-1}>
          <FlashMessage flash={chrome.flash} />
          {children}
        </main>
      </body>
    </html>
  );
}
