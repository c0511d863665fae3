/**
 * The second factor's pages: the code asked after the password, the enrolment (QR code and the
 * secret as text, for an application that cannot scan), and the recovery codes — shown once, on
 * the answer to the form that made them, never again.
 */
import type { Enrolment } from '../../domain/adminSecondFactor.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, FormErrors } from '../components.js';
import { Layout } from '../layout.js';

/** The code field every second factor form shares: digits from the application, or a recovery code. */
function CodeField({ label, recovery }: { label: string; recovery: boolean }) {
  return (
    <div class="field">
      <label for="f-code">{label}</label>
      <input
        id="f-code"
        name="code"
        type="text"
        inputMode={recovery ? 'text' : 'numeric'}
        autocomplete="one-time-code"
        maxLength={64}
        required
        autofocus
      />
      {recovery ? <p class="hint">Sans votre téléphone, saisissez l'un de vos codes de secours : chacun ne sert qu'une fois.</p> : null}
    </div>
  );
}

export function VerifyPage({ chrome, email, next, errors }: { chrome: Chrome; email: string; next: string; errors: readonly string[] }) {
  return (
    <Layout chrome={chrome} title="Vérification en deux étapes">
      <section class="panel narrow" aria-labelledby="verify-title">
        <h1 id="verify-title">Vérification en deux étapes</h1>
        <p>{email}</p>
        <FormErrors messages={errors} />
        <form method="post" action={`/connexion/verification?next=${encodeURIComponent(next)}`}>
          <CsrfField token={chrome.csrf} />
          <CodeField label="Code à 6 chiffres de votre application d'authentification" recovery={true} />
          <button type="submit" class="button">
            Vérifier
          </button>
        </form>
        <p class="hint">
          <a href="/connexion">Recommencer la connexion</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * The QR code, its SVG inlined (the kernel's `totpQrSvg` makes it from the otpauth URI alone and
 * refuses any active content): no image request, nothing for the Content-Security-Policy to allow.
 */
function QrCode({ svg }: { svg: string }) {
  return (
    <div
      class="qr"
      role="img"
      aria-label="QR code à scanner avec votre application d'authentification"
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}

/** The secret in groups of four, easier to type by hand (applications ignore the spaces). */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function EnrolPage({
  chrome,
  action,
  enrolment,
  forced,
  errors,
}: {
  chrome: Chrome;
  /** Where the confirming code is posted. */
  action: string;
  enrolment: Enrolment;
  /** At login, because the admin's role requires a second factor. */
  forced: boolean;
  errors: readonly string[];
}) {
  return (
    <Layout chrome={chrome} title="Activer la vérification en deux étapes">
      <section class={forced ? 'panel narrow' : 'panel'} aria-labelledby="enrol-title">
        <h1 id="enrol-title">Activer la vérification en deux étapes</h1>
        {forced ? <p>Votre rôle exige un second facteur : activez-le pour accéder à la console.</p> : null}
        <FormErrors messages={errors} />
        <ol>
          <li>
            Scannez ce QR code avec votre application d'authentification (FreeOTP, Aegis, Google Authenticator…).
            <br />
            <QrCode svg={enrolment.qrSvg} />
          </li>
          <li>
            Ou saisissez cette clé à la main (type « basé sur le temps ») :{' '}
            <span class="typed-secret">
              <code class="secret">{grouped(enrolment.secret)}</code>
            </span>
          </li>
          <li>Puis saisissez le code à 6 chiffres qu'affiche l'application.</li>
        </ol>
        <form method="post" action={action}>
          <CsrfField token={chrome.csrf} />
          <CodeField label="Code à 6 chiffres" recovery={false} />
          <button type="submit" class="button">
            Confirmer
          </button>
        </form>
        <p class="hint">Cette clé reste valable 30 minutes ; ensuite, recommencez.</p>
      </section>
    </Layout>
  );
}

export function RecoveryCodesPage({ chrome, codes, continueHref }: { chrome: Chrome; codes: readonly string[]; continueHref: string }) {
  return (
    <Layout chrome={chrome} title="Codes de secours">
      <section class="panel narrow" aria-labelledby="codes-title">
        <h1 id="codes-title">Vos codes de secours</h1>
        <p>
          Notez-les ou imprimez-les maintenant et rangez-les hors de votre téléphone : <strong>ils ne seront plus jamais affichés</strong>.
          Chacun remplace une fois le code de l'application, si vous la perdez.
        </p>
        <ul class="recovery-codes">
          {codes.map((c) => (
            <li>
              <code class="secret">{c}</code>
            </li>
          ))}
        </ul>
        <p>
          <a class="button" href={continueHref}>
            J'ai noté mes codes : continuer
          </a>
        </p>
      </section>
    </Layout>
  );
}
