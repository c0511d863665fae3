/**
 * How long an API token lives, on the appliance (a lawyer's `iam_…` token) and on the control
 * plane (a vendor admin's) alike. Every token expires: one pasted into a script and forgotten, or
 * carried off by someone who left, stops working on its own. The default suits a quarterly
 * rotation; the maximum keeps "never expires" from coming back as "in 99 years".
 */
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;
export const DAY_MS = 86_400_000;

/** The end of a token stored before tokens had one: as if created with the longest lifetime, so none outlives it. */
export function legacyTokenExpiry(createdAt: string): string {
  const created = Date.parse(createdAt);
  return new Date((Number.isNaN(created) ? 0 : created) + TOKEN_MAX_DAYS * DAY_MS).toISOString();
}
