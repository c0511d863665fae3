/**
 * A vendor API token's expiry from the command line (`--expires-in 90d`, `--expires YYYY-MM-DD`),
 * within the lifetimes both services share (protocol/kernel/src/web/tokenLifetime.ts).
 */
import { ValidationError } from '@iamanager/protocol';
import { TOKEN_DEFAULT_DAYS as DEFAULT_TOKEN_DAYS, TOKEN_MAX_DAYS as MAX_TOKEN_DAYS } from '@iamanager/kernel/web';

const DAY_MS = 86_400_000;

export interface TokenLifetimeInput {
  /** `--expires-in`, e.g. `90d`. */
  expiresIn?: string | undefined;
  /** `--expires`, a date: the token works through that day (UTC). */
  expires?: string | undefined;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** When a token created at `now` expires, from `--expires-in` or `--expires` (neither: the default). */
export function tokenExpiry(input: TokenLifetimeInput, now: Date): Date {
  const { expiresIn, expires } = input;
  if (expiresIn !== undefined && expires !== undefined)
    throw new ValidationError(['expires: give either --expires-in or --expires, not both']);
  const latest = new Date(now.getTime() + MAX_TOKEN_DAYS * DAY_MS);
  if (expiresIn !== undefined) {
    const days = /^(\d{1,4})d$/.exec(expiresIn.trim());
    const n = days ? Number(days[1]) : NaN;
    if (!(n >= 1 && n <= MAX_TOKEN_DAYS))
      throw new ValidationError([
        `expires-in: must be a number of days from 1 to ${MAX_TOKEN_DAYS}, e.g. --expires-in ${DEFAULT_TOKEN_DAYS}d`,
      ]);
    return new Date(now.getTime() + n * DAY_MS);
  }
  if (expires !== undefined) {
    const day = expires.trim();
    const start = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00.000Z`) : undefined;
    if (!start || Number.isNaN(start.getTime()) || isoDay(start) !== day)
      throw new ValidationError([
        `expires: must be a date YYYY-MM-DD, e.g. --expires ${isoDay(new Date(now.getTime() + DEFAULT_TOKEN_DAYS * DAY_MS))}`,
      ]);
    // Through that whole day: the token stops at the next midnight UTC.
    const end = new Date(start.getTime() + DAY_MS);
    if (end.getTime() <= now.getTime()) throw new ValidationError([`expires: ${day} is already over: give a later date`]);
    if (end.getTime() > latest.getTime() + DAY_MS)
      throw new ValidationError([`expires: at most ${MAX_TOKEN_DAYS} days ahead, so ${isoDay(latest)} at the latest`]);
    return end.getTime() > latest.getTime() ? latest : end;
  }
  return new Date(now.getTime() + DEFAULT_TOKEN_DAYS * DAY_MS);
}
