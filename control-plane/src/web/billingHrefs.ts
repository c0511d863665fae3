/** The addresses of the billing pages, for the pages that link to them and the routes that redirect there. */

/** A month: its invoices once closed. */
export const monthHref = (month: string) => `/facturation/mois/${month}`;
/** A month's drafts, before the close. */
export const draftsHref = (month: string) => `${monthHref(month)}/brouillons`;
/** A held invoice of a closed month, with its approve and reject forms. */
export const heldHref = (month: string, cabinetId: string) => `${monthHref(month)}/attente/${encodeURIComponent(cabinetId)}`;
/** An invoice's page. */
export const invoiceHref = (number: string) => `/facturation/factures/${number}`;
