/** `/invitation/<secret>`: where an invited (or reset) user chooses their password through a one-time link. */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { Chrome, FieldError } from '../viewModels.js';

export function InvitationPage({
  chrome,
  action,
  user,
  errors,
}: {
  chrome: Chrome;
  action: string;
  user: { name: string; email: string };
  errors: readonly FieldError[];
}) {
  const m = CATALOGUES[chrome.locale];
  const t = ADMIN_TEXTS[chrome.locale];
  return (
    <Layout chrome={chrome} title={t.invitationTitle}>
      <section class="card narrow">
        <h1>{t.invitationTitle}</h1>
        <p>{fill(t.invitationIntro, { name: user.name, email: user.email })}</p>
        <ErrorSummary errors={errors} m={m} />
        <form method="post" action={action} novalidate>
          <Csrf token={chrome.csrf} />
          <input type="email" name="username" value={user.email} autocomplete="username" hidden readonly />
          <Field
            name="password"
            label={m.newPassword}
            type="password"
            hint={m.passwordHint}
            errors={errors}
            required
            autocomplete="new-password"
          />
          <button type="submit" class="button primary">
            {t.invitationSubmit}
          </button>
        </form>
      </section>
    </Layout>
  );
}

/** An unknown, used or expired link: said plainly, with what to do. */
export function InvitationRefusedPage({ chrome, text }: { chrome: Chrome; text: string }) {
  const t = ADMIN_TEXTS[chrome.locale];
  return (
    <Layout chrome={chrome} title={t.invitationTitle}>
      <section class="card narrow">
        <h1>{t.invitationTitle}</h1>
        <p class="warning" role="alert">
          {text}
        </p>
      </section>
    </Layout>
  );
}
