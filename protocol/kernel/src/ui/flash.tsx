/**
 * The flash message: one line saying what just happened (a password changed, a user added) or
 * what went wrong, at the top of the page's main content. Screen readers announce it: a success
 * politely (`status`), an error at once (`alert`). The services' CSS styles `.flash.ok` and
 * `.flash.error`.
 */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

export function FlashMessage({ flash }: { flash: Flash | null | undefined }) {
  if (!flash) return null;
  return (
    <p class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
      {flash.text}
    </p>
  );
}
