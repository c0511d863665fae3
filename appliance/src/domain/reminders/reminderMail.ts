/**
 * The text of a reminder. Mail leaves the appliance through providers the cabinet does not
 * control, so it carries only the case's reference, the remedy, its due date, its article and a
 * link to the case on the cabinet's network: never the client's name, facts or documents.
 */
import { DateTime } from 'luxon';
import type { CaseDeadline } from '../cases/caseDeadlines.js';
import { ZONE, type ReminderPoint } from './schedule.js';

/** The first line, for the cabinet's points (`j-N`, `jour-j`, `h-N`, `escalade`). */
function lead(point: ReminderPoint): string {
  if (point === 'escalade') return "Escalade : échéance proche que personne n'a prise en charge";
  if (point === 'jour-j') return "Rappel : échéance aujourd'hui";
  const days = /^j-(\d+)$/.exec(point)?.[1];
  if (days) return `Rappel : échéance dans ${days} jour${days === '1' ? '' : 's'}`;
  const hours = /^h-(\d+)$/.exec(point)?.[1];
  return `Rappel : échéance dans ${hours ?? '?'} heure${hours === '1' ? '' : 's'}`;
}

export function dueText(d: Pick<CaseDeadline, 'due' | 'hourly'>): string {
  if (d.hourly)
    return `${DateTime.fromISO(d.due, { zone: ZONE }).setLocale('fr').toFormat("cccc d LLLL yyyy 'à' HH'h'mm")} (heure de Paris)`;
  return `${DateTime.fromISO(d.due, { zone: ZONE }).setLocale('fr').toFormat('cccc d LLLL yyyy')} (jusqu'à minuit)`;
}

export function reminderMail(
  d: CaseDeadline,
  point: ReminderPoint,
  c: { reference: string },
  links: { caseUrl: string },
  /** Who receives the escalation: the case's backup lawyer, else the administrators. */
  escalatedTo: 'backup' | 'admins' = 'admins',
): { subject: string; text: string } {
  const subject = `${point === 'escalade' ? '[Escalade] ' : ''}Échéance ${c.reference} : ${d.label}, ${dueText(d)}`;
  const text = [
    lead(point),
    '',
    `Dossier : ${c.reference}`,
    `Recours : ${d.label}`,
    `Échéance : ${dueText(d)}`,
    ...(d.legalBasis ? [`Fondement : ${d.legalBasis}`] : []),
    '',
    `Ouvrir le dossier (réseau du cabinet) : ${links.caseUrl}`,
    '',
    point === 'escalade'
      ? escalatedTo === 'backup'
        ? "Vous recevez ce message comme second avocat du dossier : l'avocat chargé du dossier n'a pas indiqué avoir pris l'échéance en charge."
        : "Vous recevez ce message comme administrateur du cabinet : l'avocat chargé du dossier n'a pas indiqué avoir pris l'échéance en charge."
      : "Indiquez sur la page du dossier que l'échéance est prise en charge : les administrateurs ne seront alors pas alertés.",
    'Ce message ne contient volontairement ni le nom du client, ni les faits, ni les pièces du dossier.',
  ].join('\n');
  return { subject, text };
}

/**
 * The daily digest (docs/reminders.md): the reminders that came due since the last one, one block
 * per deadline, with the same privacy as a single reminder (reference, remedy, date, article, link).
 */
export function digestMail(
  items: ReadonlyArray<{ d: CaseDeadline; point: ReminderPoint; c: { reference: string }; caseUrl: string }>,
  day: string,
): { subject: string; text: string } {
  const date = DateTime.fromISO(day, { zone: ZONE }).setLocale('fr').toFormat('cccc d LLLL yyyy');
  const subject = `Rappels d'échéances du ${date} : ${items.length} échéance${items.length > 1 ? 's' : ''}`;
  const blocks = items.map(({ d, point, c, caseUrl }) =>
    [
      `- ${c.reference} : ${d.label}`,
      `  ${lead(point)}`,
      `  Échéance : ${dueText(d)}`,
      ...(d.legalBasis ? [`  Fondement : ${d.legalBasis}`] : []),
      `  ${caseUrl}`,
    ].join('\n'),
  );
  const text = [
    `Vos rappels d'échéances du ${date} (résumé quotidien) :`,
    '',
    ...blocks,
    '',
    'Les rappels du minimum fixé par le cabinet (dont celui du dernier jour) vous sont envoyés à part, à leur heure.',
    'Ce message ne contient volontairement ni le nom du client, ni les faits, ni les pièces du dossier.',
  ].join('\n');
  return { subject, text };
}
