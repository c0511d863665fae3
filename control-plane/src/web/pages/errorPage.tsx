import type { Chrome } from '../chrome.js';
import { Layout } from '../layout.js';

export function ErrorPage({ chrome, status, message }: { chrome: Chrome; status: number; message: string }) {
  return (
    <Layout chrome={chrome} title="Erreur">
      <section class="panel narrow">
        <h1>Impossible d'afficher cette page</h1>
        <p>{message}</p>
        <p class="hint">Code HTTP {status}</p>
        <p>
          <a href="/">Retour au parc</a>
        </p>
      </section>
    </Layout>
  );
}
