/** The civil day in Paris of an instant (`YYYY-MM-DD`): the day a cabinet's register and its filing dates speak of. */
const PARIS_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

export function parisDayOf(at: Date | string): string {
  return PARIS_DATE.format(typeof at === 'string' ? new Date(at) : at);
}

/** The Paris day a due date falls on: a date-only due date is that day; an hour délai's instant is read in Paris. */
export function dueDayOf(due: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(due) ? due : parisDayOf(due);
}
