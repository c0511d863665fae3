/** Dates, money and sizes as the vendor's French staff read them (Europe/Paris, euros, octets). */
const dateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

/** `24/11/2026 14:30` (or the date alone); "—" for null. */
export function frenchDate(iso: string | null, withTime = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (withTime ? dateTime : dateOnly).format(d);
}

/** Money is stored in cents (`…Cents`); screens show euros. */
export function frenchEuros(cents: number): string {
  return euros.format(cents / 100);
}

/** A ratio 0..1 as `42 %` (French puts a space before the sign). */
export function frenchPercent(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}

/** How long ago, in the largest unit that fits: "il y a 3 h". */
export function frenchAgo(iso: string | null, now: Date): string {
  if (!iso) return 'jamais';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return "à l'instant";
  if (seconds < 3600) return `il y a ${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `il y a ${Math.floor(seconds / 3600)} h`;
  return `il y a ${Math.floor(seconds / 86_400)} j`;
}
