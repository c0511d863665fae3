/**
 * « Clés d'accès » (/compte/cles-d-acces): the user's passkeys — list, add with a name, rename,
 * remove — and the passkey form of the login's verification step. Both ceremony forms are driven
 * by /static/passkeys.js (web/passkeyAssets.ts): the server renders every text the script may
 * show, in the page's language, as data attributes.
 */
import type { VNode } from 'preact';
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { PASSKEY_CATALOGUES, type PasskeyMessages } from '../passkeyMessages.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import { formatDate } from '../format.js';
import type { Chrome, FieldError } from '../viewModels.js';

export interface PasskeyRow {
  id: string;
  name: string;
  rpId: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The scripts, in the body after the form they drive (same-origin files: the CSP forbids inline script). */
function PasskeyScripts() {
  return (
    <>
      <script src="/static/webauthn.js" defer />
      <script src="/static/passkeys.js" defer />
    </>
  );
}

function scriptTexts(p: PasskeyMessages): Record<string, string> {
  return {
    'data-waiting': p.waiting,
    'data-cancelled': p.cancelled,
    'data-unsupported': p.unsupported,
    'data-options-failed': p.optionsFailed,
  };
}

export function PasskeysPage({
  chrome,
  passkeys,
  host,
  errors,
  name,
  enrol = false,
}: {
  chrome: Chrome;
  /** A login held by the cabinet's policy: adding a passkey finishes it; nothing else is offered. */
  enrol?: boolean;
  passkeys: readonly PasskeyRow[];
  /** The host name new passkeys are made for, or null when this address cannot have any (an IP). */
  host: string | null;
  errors: readonly FieldError[];
  name: string;
}) {
  const m = CATALOGUES[chrome.locale];
  const p = PASSKEY_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={p.title}>
      <h1>{p.title}</h1>
      <p class="lead">{p.intro}</p>
      {enrol ? (
        <p class="notice" role="status">
          {p.enrolNotice}
        </p>
      ) : null}
      <section class="card" aria-labelledby="passkeys-list" hidden={enrol}>
        <h2 id="passkeys-list">{p.listTitle}</h2>
        {passkeys.length === 0 ? (
          <p id="passkeys-none">{p.none}</p>
        ) : (
          <table class="passkeys">
            <thead>
              <tr>
                <th scope="col">{p.name}</th>
                <th scope="col">{p.host}</th>
                <th scope="col">{p.createdAt}</th>
                <th scope="col">{p.lastUsedAt}</th>
                <th scope="col">{p.actions}</th>
              </tr>
            </thead>
            <tbody>
              {passkeys.map((k, i) => (
                <tr>
                  <td class="passkey-name">{k.name}</td>
                  <td>{k.rpId}</td>
                  <td>{formatDate(k.createdAt, chrome.locale, true)}</td>
                  <td>{k.lastUsedAt ? formatDate(k.lastUsedAt, chrome.locale, true) : p.neverUsed}</td>
                  <td>
                    <form method="post" action={`/compte/cles-d-acces/${encodeURIComponent(k.id)}/nom`} class="piece-edit">
                      <Csrf token={chrome.csrf} />
                      <label for={`rename-${i}`} class="visually-hidden">
                        {fill(p.newName, { name: k.name })}
                      </label>
                      <input id={`rename-${i}`} name="name" type="text" value={k.name} maxLength={60} required />
                      <button type="submit" class="button secondary">
                        {p.rename}
                      </button>
                    </form>
                    <form method="post" action={`/compte/cles-d-acces/${encodeURIComponent(k.id)}/suppression`} class="inline">
                      <Csrf token={chrome.csrf} />
                      <button type="submit" class="button danger" aria-label={fill(p.removeLabel, { name: k.name })}>
                        {p.remove}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card narrow" aria-labelledby="passkeys-add">
        <h2 id="passkeys-add">{p.addTitle}</h2>
        <ErrorSummary errors={errors} m={m} />
        {host ? <p class="hint">{fill(p.hostNote, { host })}</p> : null}
        <form
          method="post"
          action="/compte/cles-d-acces"
          data-passkey="register"
          data-options="/compte/cles-d-acces/options"
          {...scriptTexts(p)}
        >
          <Csrf token={chrome.csrf} />
          <input type="hidden" name="response" value="" />
          <Field name="name" label={p.addName} hint={p.addNameHint} value={name} errors={errors} required />
          <p class="hint" role="status" data-passkey-status />
          <button type="submit" class="button primary">
            {p.addButton}
          </button>
        </form>
      </section>
      <PasskeyScripts />
    </Layout>
  );
}

/**
 * « Utiliser une clé d'accès » on the login's verification step: `csrf` is the pre-session token
 * of the pending login. Shown only to a user who has a passkey.
 */
export function PasskeyLoginForm({ chrome, csrf, only }: { chrome: Chrome; csrf: string; only: boolean }) {
  const p = PASSKEY_CATALOGUES[chrome.locale];
  return (
    <div class="passkey-login">
      <p>{only ? p.useOnlyIntro : p.useIntro}</p>
      <form
        method="post"
        action="/connexion/verification/cle-d-acces"
        data-passkey="login"
        data-options="/connexion/verification/cle-d-acces/options"
        {...scriptTexts(p)}
      >
        <Csrf token={csrf} />
        <input type="hidden" name="response" value="" />
        <p class="hint" role="status" data-passkey-status />
        <button type="submit" class={only ? 'button primary' : 'button secondary'}>
          {p.useButton}
        </button>
      </form>
      <PasskeyScripts />
    </div>
  );
}

/**
 * The way to « Clés d'accès » from the second factor's card of the password page, and from the
 * second factor's page (`enrol`: the policy holds a login until a second factor is set up, and a
 * passkey is one).
 */
export function PasskeysLink({ chrome, enrol }: { chrome: Chrome; enrol: boolean }) {
  const p = PASSKEY_CATALOGUES[chrome.locale];
  return (
    <p>
      <a href="/compte/cles-d-acces">{enrol ? p.enrolLink : p.accountLink}</a>
    </p>
  );
}

/**
 * The verification page's props for passkeys (one spread in routes/secondFactorPages.tsx): the
 * passkey form when the user has one, and no code form when a passkey is their only second factor.
 */
export function passkeyMethod(
  appliance: { passkeys: { has(userId: string): boolean } },
  user: { id: string; secondFactor?: { totp?: unknown } | undefined },
  chrome: Chrome,
): { extraMethods?: VNode; codes: boolean } {
  if (!appliance.passkeys.has(user.id)) return { codes: true };
  const only = user.secondFactor?.totp === undefined;
  return { extraMethods: <PasskeyLoginForm chrome={chrome} csrf={chrome.csrf ?? ''} only={only} />, codes: !only };
}
