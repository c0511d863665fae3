/**
 * The text of a reminder. Mail leaves the appliance through providers the cabinet does not
 * control, so it carries only the case's reference, the remedy, its due date, its article and a
 * link to the case on the cabinet's network: never the client's name, facts or documents.
 */
import { DateTime } from 'luxon';
import type { CaseDeadline } from '../cases/caseDeadlines.js';
import { ZONE, type ReminderPoint } from './schedule.js';

const LEAD: Record<ReminderPoint, string> = {
  'j-7': 'Rappel : échéance dans 7 jours',
  'j-2': 'Rappel : échéance dans 2 jours',
  'jour-j': "Rappel : échéance aujourd'hui",
  'h-24': 'Rappel : échéance dans 24 heures',
  'h-6': 'Rappel : échéance dans 6 heures',
  'escalade': "Escalade : échéance proche que personne n'a prise en charge",
};

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
): { subject: string; text: string } {
  const subject = `${point === 'escalade' ? '[Escalade] ' : ''}Échéance ${c.reference} : ${d.label}, ${dueText(d)}`;
  const text = [
    LEAD[point],
    '',
    `Dossier : ${c.reference}`,
    `Recours : ${d.label}`,
    `Échéance : ${dueText(d)}`,
    ...(d.legalBasis ? [`Fondement : ${d.legalBasis}`] : []),
    '',
    `Ouvrir le dossier (réseau du cabinet) : ${links.caseUrl}`,
    '',
    point === 'escalade'
      ? "Vous recevez ce message comme administrateur du cabinet : l'avocat chargé du dossier n'a pas indiqué avoir pris l'échéance en charge."
      : "Indiquez sur la page du dossier que l'échéance est prise en charge : les administrateurs ne seront alors pas alertés.",
    'Ce message ne contient volontairement ni le nom du client, ni les faits, ni les pièces du dossier.',
  ].join('\n');
  return { subject, text };
}
