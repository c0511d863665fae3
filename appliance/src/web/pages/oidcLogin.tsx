/**
 * The single sign-on pages a visitor sees: the refusal of a login (what happened and what to do,
 * never a stack or the provider's raw answer), and the step after a successful one. That step is a
 * page, not a redirect: the session cookie is SameSite=Strict, and a browser sends none on a
 * redirect chain that began at the provider's site; a navigation this page starts is same-site.
 */
import { Layout } from '../layout.js';
import { OIDC_CATALOGUES } from '../oidcMessages.js';
import type { Chrome } from '../viewModels.js';

export function OidcRefusedPage({ chrome, message }: { chrome: Chrome; message: string }) {
  const o = OIDC_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={o.refusedTitle}>
      <section class="card narrow">
        <h1>{o.refusedTitle}</h1>
        <p id="sso-refusal">{message}</p>
        <p>
          <a href="/connexion">{o.backToLogin}</a>
        </p>
      </section>
    </Layout>
  );
}

export function OidcContinuePage({ chrome, next }: { chrome: Chrome; next: string }) {
  const o = OIDC_CATALOGUES[chrome.locale];
  return (
    <html lang={chrome.locale}>
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${next}`} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{o.continueTitle}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <main id="main">
          <section class="card narrow">
            <h1>{o.continueTitle}</h1>
            <p>
              <a href={next} class="button primary" id="sso-continue">
                {o.continueLink}
              </a>
            </p>
          </section>
        </main>
      </body>
    </html>
  );
}
