import { DateTime } from 'luxon';
import type { Territory } from './facts.js';
import { abolitionOfSlaveryDay } from './overseasHolidays.js';

/**
 * The French legal calendar the deadline engine counts on: civil dates (YYYY-MM-DD, no time zone),
 * public holidays, extension to the next working day, month arithmetic and hour deadlines in
 * Europe/Paris. Pure functions, no clock: the caller passes every date.
 */

/** Time zone of the notification and of the courts (metropolitan France). */
export const PARIS = 'Europe/Paris';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return fromUtcMs(toUtcMs(date) + days * 86_400_000);
}

/** Day of week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

/** Number of days in a month (month 1–12), leap years by the Gregorian rule. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `date` plus `months`: same day number in the target month; when that month is shorter, its last
 * day (the rule of CPC art. 641 al. 2, "à défaut d'un quantième identique, le délai expire le
 * dernier jour du mois", which administrative courts apply by analogy).
 */
export function addMonths(date: string, months: number): string {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(Number(m[3]), daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian computus, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Where the competent court sits, for the local holidays it observes. */
export interface CalendarOptions {
  /** Alsace-Moselle (TA de Strasbourg; TJ of Bas-Rhin, Haut-Rhin, Moselle): Good Friday and 26 December too. */
  alsaceMoselle?: boolean;
  /** Overseas territory of the court: its abolition-of-slavery day too (loi n° 83-550, décret n° 83-1003). */
  territory?: Territory;
}

/**
 * The years whose holidays the engine knows. Before 1990 no live case has a deadline; after 2100
 * the holiday laws themselves may have changed, and a wrong holiday silently moves a deadline.
 * A year outside is refused, never guessed.
 */
export const HOLIDAY_YEARS = { first: 1990, last: 2100 } as const;

/** A date outside HOLIDAY_YEARS: the caller names the field it came from. */
export class UnsupportedYearError extends RangeError {
  constructor(readonly year: number) {
    super(`the legal calendar covers ${HOLIDAY_YEARS.first}–${HOLIDAY_YEARS.last}; ${year} is outside it (check the year of the date)`);
    this.name = 'UnsupportedYearError';
  }
}

const holidayCache = new Map<string, ReadonlyMap<string, string>>();

/**
 * Public holidays of a year, date → name. Code du travail art. L. 3133-1 (the eleven fêtes
 * légales); Alsace-Moselle adds Good Friday and 26 December (C. trav. art. L. 3134-13); an
 * overseas territory adds its abolition-of-slavery day (overseasHolidays.ts). Throws
 * UnsupportedYearError outside HOLIDAY_YEARS.
 */
export function publicHolidays(year: number, options: CalendarOptions = {}): ReadonlyMap<string, string> {
  if (!Number.isInteger(year) || year < HOLIDAY_YEARS.first || year > HOLIDAY_YEARS.last) throw new UnsupportedYearError(year);
  const key = `${year}:${options.alsaceMoselle === true}:${options.territory ?? 'metropole'}`;
  const cached = holidayCache.get(key);
  if (cached) return cached;
  const easter = easterSunday(year);
  const list: [string, string][] = [
    [`${year}-01-01`, 'Jour de l’An'],
    [addDays(easter, 1), 'Lundi de Pâques'],
    [`${year}-05-01`, 'Fête du Travail'],
    [`${year}-05-08`, 'Victoire 1945'],
    [addDays(easter, 39), 'Ascension'],
    [addDays(easter, 50), 'Lundi de Pentecôte'],
    [`${year}-07-14`, 'Fête nationale'],
    [`${year}-08-15`, 'Assomption'],
    [`${year}-11-01`, 'Toussaint'],
    [`${year}-11-11`, 'Armistice 1918'],
    [`${year}-12-25`, 'Noël'],
  ];
  if (options.alsaceMoselle === true) {
    list.push(
      [addDays(easter, -2), 'Vendredi saint, férié en Alsace-Moselle'],
      [`${year}-12-26`, 'Saint-Étienne, férié en Alsace-Moselle'],
    );
  }
  const abolition = options.territory === undefined ? null : abolitionOfSlaveryDay(options.territory, year);
  // A day not confirmed on the decree's text moves no deadline (overseasHolidays.ts).
  if (abolition !== null && abolition.confirmed) list.push([abolition.date, abolition.name]);
  const map = new Map(list);
  holidayCache.set(key, map);
  return map;
}

/** Why a date is not a working day (`samedi`, `dimanche`, the holiday's name), or null. */
export function nonWorkingReason(date: string, options: CalendarOptions = {}): string | null {
  // Holidays first, even for a weekend day: a year outside the calendar is refused whatever the day.
  const holiday = publicHolidays(Number(date.slice(0, 4)), options).get(date) ?? null;
  const dow = dayOfWeek(date);
  if (dow === 6) return 'samedi';
  if (dow === 0) return 'dimanche';
  return holiday;
}

/** A day a délai could not end on, and why (`samedi`, `dimanche`, the holiday's name). */
interface NonWorkingDay {
  date: string;
  reason: string;
}

/** The nearest working day from `date` going `step` days at a time (+1 forward, -1 back), with the days skipped. */
function walkToWorkingDay(date: string, step: 1 | -1, options: CalendarOptions): { date: string; skipped: NonWorkingDay[] } {
  const skipped: NonWorkingDay[] = [];
  let current = date;
  for (let guard = 0; guard < 10; guard += 1) {
    const reason = nonWorkingReason(current, options);
    if (reason === null) return { date: current, skipped };
    skipped.push({ date: current, reason });
    current = addDays(current, step);
  }
  throw new Error(`no working day found ${step > 0 ? 'after' : 'before'} ${date}`);
}

/**
 * The first working day on or after `date`, with the days skipped (a délai ending on a Saturday,
 * Sunday or public holiday runs to the next working day: CPC art. 642 al. 2, applied by the
 * administrative courts to délais francs).
 */
export function nextWorkingDay(date: string, options: CalendarOptions = {}): { date: string; skipped: NonWorkingDay[] } {
  return walkToWorkingDay(date, 1, options);
}

/** The last working day on or before `date`, with the days skipped (a window narrowed to the days a counter is open). */
export function previousWorkingDay(date: string, options: CalendarOptions = {}): { date: string; skipped: NonWorkingDay[] } {
  return walkToWorkingDay(date, -1, options);
}

/** A notification moment: the civil date in Paris, and the instant when a time was given. */
export interface Notification {
  /** YYYY-MM-DD in Europe/Paris. */
  date: string;
  /** ISO instant with offset, or null when only a date is known. */
  instant: string | null;
  /**
   * A Paris local time given without an offset on the night the clocks go back, which happened
   * twice: `instant` is the earlier of the two and `laterInstant` the one not taken.
   */
  laterInstant?: string;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/** Whether a value is a Paris wall-clock time without an offset (`2026-10-25T02:30`). */
export function isLocalDateTime(value: string): boolean {
  return LOCAL_DATE_TIME.test(value);
}

/**
 * Every instant a Paris wall-clock time denotes, earliest first: one on most nights, two on the
 * night the clocks go back (02:00–02:59 happens in summer time, then again in winter time), none
 * in the hour skipped when they go forward. Paris is only ever UTC+1 or UTC+2, so each offset is
 * tried and kept when Paris really was at that offset at that instant.
 */
export function parisInstantsOf(local: string): string[] {
  const wall = DateTime.fromISO(local, { zone: 'UTC' });
  if (!LOCAL_DATE_TIME.test(local) || !wall.isValid) throw new RangeError(`not a local date-time YYYY-MM-DDTHH:MM: ${local}`);
  const found: string[] = [];
  for (const offsetMinutes of [120, 60]) {
    const instant = wall.minus({ minutes: offsetMinutes }).setZone(PARIS);
    if (instant.offset === offsetMinutes) found.push(instant.toISO({ suppressMilliseconds: true })!);
  }
  return found;
}

/**
 * Reads `decisionNotifiedAt` as the case stores it: `YYYY-MM-DD`, a full ISO date-time with an
 * offset or Z, or a Paris local time without one. A local time that happened twice is read as
 * the earlier instant (an hour délai is never lengthened by a guess) and `laterInstant` says so; a
 * local time that never happened (the hour skipped in spring) is refused rather than moved.
 * Throws RangeError on anything else.
 */
export function readNotification(value: string): Notification {
  if (ISO_DATE.test(value)) {
    toUtcMs(value);
    const check = DateTime.fromISO(value, { zone: PARIS });
    if (!check.isValid) throw new RangeError(`not a valid date: ${value}`);
    return { date: value, instant: null };
  }
  if (LOCAL_DATE_TIME.test(value)) {
    const instants = parisInstantsOf(value);
    if (instants.length === 0) {
      const day = value.slice(0, 10);
      throw new RangeError(
        `${value} did not exist in Paris (the clocks went forward from 02:00 to 03:00 that night); give the time with the offset shown on the notification, e.g. ${day}T01:30:00+01:00 or ${day}T03:30:00+02:00`,
      );
    }
    const [earlier, later] = instants as [string, string | undefined];
    return { date: value.slice(0, 10), instant: earlier, ...(later !== undefined ? { laterInstant: later } : {}) };
  }
  const dt = DateTime.fromISO(value, { zone: PARIS, setZone: false });
  if (!dt.isValid || !/T\d{2}:\d{2}/.test(value)) throw new RangeError(`not an ISO date or date-time: ${value}`);
  const paris = dt.setZone(PARIS);
  return { date: paris.toISODate()!, instant: paris.toISO({ suppressMilliseconds: true })! };
}

/**
 * An hour deadline: `hours` after the notification instant, "d'heure à heure", never franc, never
 * extended for a weekend or holiday. Returned in Paris time with its offset. When a change of
 * summer/winter time falls inside, 48 elapsed hours and "same clock time two days later" differ by
 * an hour: the earlier instant is returned and `dstShifted` says so.
 */
export function addHours(instant: string, hours: number): { due: string; dstShifted: boolean } {
  const start = DateTime.fromISO(instant, { zone: PARIS });
  const elapsed = start.plus({ hours });
  const wallClock = hours % 24 === 0 ? start.plus({ days: hours / 24 }) : elapsed;
  const earlier = wallClock.toMillis() < elapsed.toMillis() ? wallClock : elapsed;
  return { due: earlier.setZone(PARIS).toISO({ suppressMilliseconds: true })!, dstShifted: wallClock.toMillis() !== elapsed.toMillis() };
}

/** Midnight (start) of a Paris civil date as an ISO instant. */
export function startOfParisDay(date: string): string {
  return DateTime.fromISO(date, { zone: PARIS }).startOf('day').toISO({ suppressMilliseconds: true })!;
}
