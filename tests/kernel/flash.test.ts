/** The flash message both services' layouts show: announced politely for a success, at once for an error. */
import { h } from 'preact';
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { FlashMessage } from '@iamanager/kernel/ui';

describe('flash message', () => {
  it('is a status for a success, an alert for an error, and nothing without a message', () => {
    expect(render(h(FlashMessage, { flash: { kind: 'ok', text: 'Mot de passe changé.' } }))).toBe(
      '<p class="flash ok" role="status">Mot de passe changé.</p>',
    );
    expect(render(h(FlashMessage, { flash: { kind: 'error', text: '<b>Échec</b>' } }))).toBe(
      '<p class="flash error" role="alert">&lt;b>Échec&lt;/b></p>',
    );
    expect(render(h(FlashMessage, { flash: undefined }))).toBe('');
  });
});
