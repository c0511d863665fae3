/**
 * The billing calendar. A cabinet's month begins and ends in Europe/Paris (the appliance counts
 * its usage months there too, see appliance/src/usage/usageCounters.ts), whatever the server's
 * zone; invoices are dated in Paris as well.
 */
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** "YYYY-MM-DD" of an instant in Europe/Paris. */
export function parisDate(at: Date): string {
  return PARIS_DAY.format(at);
}

/** "YYYY-MM" of an instant in Europe/Paris. */
export function parisMonth(at: Date): string {
  return parisDate(at).slice(0, 7);
}

export function daysInMonth(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

export function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/** A month is over once Paris has entered a later one. */
export function isMonthOver(month: string, now: Date): boolean {
  return parisMonth(now) > month;
}

/** Adds whole days to a "YYYY-MM-DD" date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** "mars 2026" */
export function frenchMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]} ${year}`;
}

/** "02/04/2026" from "2026-04-02". */
export function frenchDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}
