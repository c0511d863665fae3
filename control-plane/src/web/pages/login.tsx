/** The vendor admins' login. The error is generic on purpose: it never says which emails exist. */
import type { Chrome } from '../chrome.js';
import { CsrfField, FormErrors } from '../components.js';
import { Layout } from '../layout.js';

export function LoginPage({ chrome, email, next, errors }: { chrome: Chrome; email: string; next: string; errors: readonly string[] }) {
  return (
    <Layout chrome={chrome} title="Connexion">
      <section class="panel narrow" aria-labelledby="login-title">
        <h1 id="login-title">Connexion à la console</h1>
        <FormErrors messages={errors} />
        <form method="post" action={`/connexion?next=${encodeURIComponent(next)}`}>
          <CsrfField token={chrome.csrf} />
          <div class="field">
            <label for="f-email">Adresse e-mail</label>
            <input id="f-email" name="email" type="email" value={email} required autocomplete="username" />
          </div>
          <div class="field">
            <label for="f-password">Mot de passe</label>
            <input id="f-password" name="password" type="password" required autocomplete="current-password" />
          </div>
          <button type="submit" class="button">
            Se connecter
          </button>
        </form>
      </section>
    </Layout>
  );
}
