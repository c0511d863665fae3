/**
 * The upgrade path's pages: the plan page (`/admin/formule`: usage, quota reset date, the vendor's
 * contact, the plans above with what they add and cost, the request form and past requests) and
 * the page a refusal for a plan limit ends on (the refusal, then the same facts and a way on).
 */
import type { VendorContact } from '@iamanager/protocol';
import { MAX_UPGRADE_MESSAGE_CHARS } from '@iamanager/protocol';
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton, Csrf, ErrorSummary, SelectField, UsageMeter } from '../components.js';
import { formatDate } from '../format.js';
import { UPGRADE_CATALOGUES, type UpgradeMessages } from '../upgradeLabels.js';
import type { PlanPageView, UpgradeView } from '../upgradeView.js';
import type { Chrome } from '../viewModels.js';
import type { Locale } from '../messages.js';
import { planLabel } from '../planLabels.js';

function euros(cents: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** "2027-01-01" as "01/01/2027": a civil date, no time zone involved. */
function civilDate(date: string): string {
  const [y, mo, d] = date.split('-');
  return `${d}/${mo}/${y}`;
}

function Contact({ contact, u }: { contact: VendorContact | null; u: UpgradeMessages }) {
  return (
    <section class="card" aria-labelledby="contact-title" id="contact">
      <h2 id="contact-title">{u.contactTitle}</h2>
      {contact ? (
        <dl class="facts vendor-contact">
          <dt>{u.contactTitle}</dt>
          <dd>{contact.name}</dd>
          {contact.email ? (
            <>
              <dt>{u.contactEmail}</dt>
              <dd>
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
              </dd>
            </>
          ) : null}
          {contact.phone ? (
            <>
              <dt>{u.contactPhone}</dt>
              <dd>
                <a href={`tel:${contact.phone.replace(/[^+0-9]/g, '')}`}>{contact.phone}</a>
              </dd>
            </>
          ) : null}
          {contact.url ? (
            <>
              <dt>{u.contactUrl}</dt>
              <dd>
                <a href={contact.url} rel="noopener noreferrer">
                  {contact.url}
                </a>
              </dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p>{u.contactUnknown}</p>
      )}
    </section>
  );
}

function Offers({ view, locale }: { view: UpgradeView; locale: Locale }) {
  const u = UPGRADE_CATALOGUES[locale];
  const adds = (n: number) => (n > 0 ? <span class="hint"> ({fill(u.offerAdds, { n })})</span> : null);
  return (
    <section class="card" aria-labelledby="offers-title" id="formules">
      <h2 id="offers-title">{u.offersTitle}</h2>
      {view.source === 'ladder' && view.offers.length > 0 ? <p class="hint">{u.offersFromLadder}</p> : null}
      {view.offers.length === 0 ? (
        <p>{u.offersNone}</p>
      ) : (
        <table class="offers">
          <thead>
            <tr>
              <th scope="col">{u.offerPlan}</th>
              <th scope="col">{u.offerUsers}</th>
              <th scope="col">{u.offerCases}</th>
              <th scope="col">{u.offerAnalyses}</th>
              <th scope="col">{u.offerModel}</th>
              <th scope="col">{u.offerPrice}</th>
            </tr>
          </thead>
          <tbody>
            {view.offers.map((o) => (
              <tr>
                <th scope="row">{planLabel(o.name, locale)}</th>
                <td>
                  {o.limits.maxUsers}
                  {adds(o.adds.maxUsers)}
                </td>
                <td>
                  {o.limits.maxCases}
                  {adds(o.adds.maxCases)}
                </td>
                <td>
                  {o.limits.maxAnalysesMonthly}
                  {adds(o.adds.maxAnalysesMonthly)}
                  <div class="hint">
                    {o.overageAllowed
                      ? o.overagePriceCents !== null
                        ? fill(u.offerOverage, { price: euros(o.overagePriceCents, locale) })
                        : ''
                      : u.offerNoOverage}
                  </div>
                </td>
                <td>{o.aiModel}</td>
                <td>{o.priceCents !== null ? euros(o.priceCents, locale) : u.offerPriceUnknown}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CurrentPlan({ view, locale }: { view: UpgradeView; locale: Locale }) {
  const m = CATALOGUES[locale];
  const u = UPGRADE_CATALOGUES[locale];
  return (
    <section class="card" aria-labelledby="current-title" id="formule">
      <h2 id="current-title">{u.planCurrent}</h2>
      <dl class="facts">
        <dt>{m.plan}</dt>
        <dd>{view.plan ? planLabel(view.plan, locale) : '—'}</dd>
        {view.planPriceCents !== null ? (
          <>
            <dt>{u.planPrice}</dt>
            <dd>{euros(view.planPriceCents, locale)}</dd>
          </>
        ) : null}
      </dl>
      {view.meters.map((meter) => (
        <UsageMeter meter={meter} />
      ))}
      <p class="quota-reset">{fill(u.quotaReset, { date: civilDate(view.quotaResetsOn) })}</p>
    </section>
  );
}

function RequestForm({ chrome, view, u }: { chrome: Chrome; view: PlanPageView; u: UpgradeMessages }) {
  const m = CATALOGUES[chrome.locale];
  if (!view.canRequest) return <p class="hint">{u.requestAdminOnly}</p>;
  if (view.offers.length === 0) return null;
  const messageError = view.errors.find((e) => e.field === 'message');
  return (
    <form method="post" action="/admin/formule" novalidate>
      <Csrf token={chrome.csrf} />
      <ErrorSummary errors={view.errors} m={m} />
      <p class="hint">{u.requestHelp}</p>
      <SelectField
        name="wantedPlan"
        label={u.requestWanted}
        required
        value={view.values.wantedPlan ?? view.offers[0]!.plan}
        errors={view.errors}
        options={view.offers.map((o) => ({
          value: o.plan,
          label:
            o.priceCents !== null
              ? `${planLabel(o.name, chrome.locale)} — ${euros(o.priceCents, chrome.locale)}`
              : planLabel(o.name, chrome.locale),
        }))}
      />
      <div class={messageError ? 'field has-error' : 'field'}>
        <label for="f-message">{u.requestMessage}</label>
        <p class="hint" id="f-message-hint">
          {fill(u.requestMessageHelp, { max: MAX_UPGRADE_MESSAGE_CHARS })}
        </p>
        {messageError ? (
          <p class="field-error" id="f-message-error">
            {messageError.message}
          </p>
        ) : null}
        <textarea
          id="f-message"
          name="message"
          rows={4}
          maxLength={MAX_UPGRADE_MESSAGE_CHARS}
          aria-describedby={messageError ? 'f-message-hint f-message-error' : 'f-message-hint'}
          aria-invalid={messageError ? 'true' : undefined}
        >
          {view.values.message ?? ''}
        </textarea>
      </div>
      <button type="submit" class="button primary">
        {u.requestSubmit}
      </button>
    </form>
  );
}

function Requests({ chrome, view, u }: { chrome: Chrome; view: PlanPageView; u: UpgradeMessages }) {
  if (view.requests.length === 0) return null;
  return (
    <>
      <h3>{u.requestsTitle}</h3>
      <ul class="plain upgrade-requests">
        {view.requests.map((r) => (
          <li class={`request ${r.status}`}>
            <time datetime={r.createdAt}>{formatDate(r.createdAt, chrome.locale, true)}</time> — {r.wantedPlan} :{' '}
            {r.status === 'sent'
              ? fill(u.requestStatusSent, { date: formatDate(r.sentAt, chrome.locale, true) })
              : r.status === 'queued'
                ? u.requestStatusQueued
                : fill(u.requestStatusRefused, { reason: r.lastError ?? '' })}
          </li>
        ))}
      </ul>
      {view.queued > 0 && view.canRequest ? (
        <ActionButton action="/admin/formule/envoyer" label={u.requestRetry} csrf={chrome.csrf} />
      ) : null}
    </>
  );
}

export function PlanPage({ chrome, view }: { chrome: Chrome; view: PlanPageView }) {
  const u = UPGRADE_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={u.planTitle}>
      <h1>{u.planTitle}</h1>
      <div class="columns">
        <CurrentPlan view={view} locale={chrome.locale} />
        <Contact contact={view.contact} u={u} />
      </div>
      <Offers view={view} locale={chrome.locale} />
      <section class="card" aria-labelledby="request-title" id="demande">
        <h2 id="request-title">{u.requestTitle}</h2>
        <RequestForm chrome={chrome} view={view} u={u} />
        <Requests chrome={chrome} view={view} u={u} />
      </section>
    </Layout>
  );
}

/**
 * Where a refusal for a plan limit ends: the refusal (in the frame's error message), then who to
 * ask, what the plans above add and cost, when the analysis quota starts again, and — for an
 * admin — the way to ask for another plan.
 */
export function PlanLimitPage({ chrome, view }: { chrome: Chrome; view: UpgradeView }) {
  const u = UPGRADE_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={u.limitRefusalTitle}>
      <h1>{u.limitRefusalTitle}</h1>
      <p class="quota-reset">{fill(u.quotaReset, { date: civilDate(view.quotaResetsOn) })}</p>
      <div class="columns">
        <Contact contact={view.contact} u={u} />
        <section class="card" aria-labelledby="current-title">
          <h2 id="current-title">{u.planUsage}</h2>
          {view.meters.map((meter) => (
            <UsageMeter meter={meter} />
          ))}
        </section>
      </div>
      <Offers view={view} locale={chrome.locale} />
      <p>
        {chrome.user?.isAdmin ? (
          <a class="button primary" href="/admin/formule#demande">
            {u.limitSeePlans}
          </a>
        ) : (
          u.requestAdminOnly
        )}
      </p>
    </Layout>
  );
}
