/**
 * The two scripts the passkey forms need, served from /static under the pages' CSP (same-origin
 * scripts only, nothing inline): @simplewebauthn/browser's own bundled build, which exposes
 * `SimpleWebAuthnBrowser`, read from the installed package so its version is the lock file's;
 * and ours, which drives a `form[data-passkey]`: it asks the form's `data-options` address for the
 * ceremony's options (posting the form's CSRF token, session or pre-session), lets the browser
 * talk to the authenticator, puts its answer in the `response` field and submits the form, whose
 * POST the server verifies like any form. Without script the button says passkeys need it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** The package exports only its entry points; its UMD bundle sits beside them (`unpkg` in its package.json). */
function browserBundle(): string {
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  const root = path.resolve(path.dirname(entry), '..');
  return fs.readFileSync(path.join(root, 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
}

export const WEBAUTHN_BROWSER_JS = browserBundle();

export const PASSKEY_JS = `'use strict';
(function () {
  var lib = window.SimpleWebAuthnBrowser;
  function say(form, text) {
    var status = form.querySelector('[data-passkey-status]');
    if (status) status.textContent = text;
  }
  function start(form, options) {
    return form.getAttribute('data-passkey') === 'register'
      ? lib.startRegistration({ optionsJSON: options })
      : lib.startAuthentication({ optionsJSON: options });
  }
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var button = form.querySelector('button[type=submit]');
    if (!lib || !lib.browserSupportsWebAuthn()) {
      say(form, form.getAttribute('data-unsupported'));
      if (button) button.disabled = true;
      return;
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (button) button.disabled = true;
      say(form, form.getAttribute('data-waiting'));
      var body = new URLSearchParams();
      body.set('_csrf', form.elements._csrf ? form.elements._csrf.value : '');
      fetch(form.getAttribute('data-options'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
        body: body,
      })
        .then(function (res) {
          return res.json().then(function (json) {
            if (!res.ok) throw { message: json && json.message };
            return json.options;
          }, function () {
            throw { message: form.getAttribute('data-options-failed') };
          });
        })
        .then(function (options) {
          return start(form, options).then(function (answer) {
            form.elements.response.value = JSON.stringify(answer);
            form.submit();
          }, function () {
            throw { message: form.getAttribute('data-cancelled') };
          });
        })
        .catch(function (problem) {
          say(form, (problem && problem.message) || form.getAttribute('data-options-failed'));
          if (button) button.disabled = false;
        });
    });
  });
})();
`;
