/**
 * The plans' names on the pages. The license and the control plane name a plan by its id
 * (`starter`, `professional`, `enterprise`: docs/billing.md), which is English; a French page says
 * the plan's French name — the vendor's catalogue's (`Starter` in both languages, as on the
 * invoices). A plan id this list does not know (a plan the vendor added later) is
 * shown as the license gives it: a name, never a guess.
 */
import type { Locale } from './messages.js';

const PLAN_NAMES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  fr: { starter: 'Starter', professional: 'Professionnel', enterprise: 'Entreprise' },
  en: { starter: 'Starter', professional: 'Professional', enterprise: 'Enterprise' },
};

/** The plan's name in the page's language. */
export function planLabel(plan: string, locale: Locale): string {
  // Ids are lower case; a license may spell them capitalised (Enterprise).
  return PLAN_NAMES[locale][plan.toLowerCase()] ?? plan;
}
