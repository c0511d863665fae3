import { addDays, addHours, addMonths, nextWorkingDay, startOfParisDay, type CalendarOptions, type Notification } from './calendar.js';
import { dateLongue, duree, instantLong, listeEt } from './frenchFormat.js';

/** How a délai runs. */
export type Period =
  | {
      unit: 'days' | 'months';
      n: number;
      /** Délai franc: neither the day of notification nor the day of the échéance counts (CE Sect. 4 juin 1954, Commune de Décines-Charpieu). */
      franc: boolean;
      /** Extended to the next working day when it ends on a Saturday, Sunday or public holiday (CPC art. 642). */
      extended: boolean;
    }
  | { unit: 'hours'; n: number };

/** One way of counting a deadline; several when courts disagree. */
export interface Reading {
  label: string;
  period: Period;
  /** The decisions that hold this reading. */
  decisions?: string[];
}

/** Kinds of remedy (stable codes, part of the analysis result). */
export type RemedyKind =
  | 'recours_gracieux'
  | 'recours_hierarchique'
  | 'rapo'
  | 'recours_contentieux'
  | 'aide_juridictionnelle'
  | 'contestation_judiciaire'
  | 'pourvoi_cassation';

/** A remedy as the rules table states it. */
export interface RemedyRule {
  remedy: RemedyKind;
  label: string;
  court: string;
  /** Null when the délai runs from a later event (e.g. the answer to a RAPO) not yet known. */
  readings: Reading[] | null;
  /** When the délai runs from a later event: the sentence that says which, shown as the computation. */
  startsFrom?: string;
  legalBasis: string;
  notes: string[];
  toVerify?: string[];
  /** Court sits in Alsace-Moselle (Good Friday, 26 December). */
  calendar?: CalendarOptions;
}

/** A computed reading. */
export interface ReadingResult {
  label: string;
  due: string;
  computation: string[];
  decisions: string[];
}

/** One remedy with its due date (ISO date for day/month délais, ISO date-time for hour ones). */
export interface Deadline {
  remedy: RemedyKind;
  label: string;
  court: string;
  due: string | null;
  dueKind: 'date' | 'datetime' | 'depends_on_later_event';
  computation: string[];
  legalBasis: string;
  notes: string[];
  /** Present when courts disagree: every reading, the due date being the earliest. */
  readings?: ReadingResult[];
  toVerify: string[];
}

function computeReading(reading: Reading, notified: Notification, calendar: CalendarOptions): ReadingResult {
  const p = reading.period;
  const steps: string[] = [];
  const decisions = reading.decisions ?? [];
  if (p.unit === 'hours') {
    let start = notified.instant;
    if (start === null) {
      start = startOfParisDay(notified.date);
      steps.push(
        `Heure de notification inconnue : délai décompté à partir du ${instantLong(start)} (début de la journée), lecture la plus prudente — indiquer l’heure de la notification pour obtenir l’échéance exacte.`,
      );
    } else {
      steps.push(`Décision notifiée le ${instantLong(start)} (heure de Paris).`);
    }
    const { due, dstShifted } = addHours(start, p.n);
    steps.push(
      `Délai de ${p.n} heures décompté d’heure à heure : il expire le ${instantLong(due)}. Un délai exprimé en heures n’est pas franc et n’est jamais prorogé en raison d’un samedi, d’un dimanche ou d’un jour férié.`,
    );
    if (dstShifted)
      steps.push(
        'Un changement d’heure (été/hiver) intervient pendant le délai : la plus précoce des deux échéances, en heures écoulées ou à l’heure légale, est retenue.',
      );
    return { label: reading.label, due, computation: steps, decisions };
  }
  steps.push(`Décision notifiée le ${dateLongue(notified.date)} ; le jour de la notification n’est pas compté.`);
  let last: string;
  if (p.unit === 'days') {
    const echeance = addDays(notified.date, p.n);
    if (p.franc) {
      last = addDays(echeance, 1);
      steps.push(
        `Délai ${duree(p.n, 'jour', 'jours')} : échéance le ${dateLongue(echeance)} ; le délai étant franc, le jour de l’échéance n’est pas compté non plus et le dernier jour utile est le ${dateLongue(last)}.`,
      );
    } else {
      last = echeance;
      steps.push(
        `Délai ${duree(p.n, 'jour', 'jours')} courant à compter du lendemain de la notification : dernier jour utile le ${dateLongue(last)}, jusqu’à minuit.`,
      );
    }
  } else {
    const echeance = addMonths(notified.date, p.n);
    if (p.franc) {
      const byQuantieme = addDays(echeance, 1);
      // At month ends two readings exist: "échéance + 1 day" and "same day number as the day after
      // notification" (clamped to the month's last day). They differ only there; keep the earlier.
      const byDayAfter = addMonths(addDays(notified.date, 1), p.n);
      last = byDayAfter < byQuantieme ? byDayAfter : byQuantieme;
      steps.push(
        `Délai ${duree(p.n, 'mois', 'mois')} : échéance le ${dateLongue(echeance)} ; le délai étant franc, le dernier jour utile est le ${dateLongue(byQuantieme)}.`,
      );
      if (byDayAfter < byQuantieme) {
        steps.push(
          `Fin de mois : décompté à partir du lendemain de la notification, le délai expirerait le ${dateLongue(byDayAfter)} ; la date la plus précoce est retenue.`,
        );
      }
    } else {
      last = echeance;
      steps.push(
        `Délai ${duree(p.n, 'mois', 'mois')}, expirant le jour du mois portant le même quantième (à défaut, le dernier jour du mois) : dernier jour utile le ${dateLongue(last)}.`,
      );
    }
  }
  if (p.extended) {
    const next = nextWorkingDay(last, calendar);
    if (next.skipped.length > 0) {
      const days = next.skipped.map(
        (d) => `${dateLongue(d.date)}${d.reason === 'samedi' || d.reason === 'dimanche' ? '' : ` (${d.reason})`}`,
      );
      const notWorking =
        days.length === 1 ? `Le ${days[0]} n’est pas un jour ouvrable` : `Les ${listeEt(days)} ne sont pas des jours ouvrables`;
      steps.push(`${notWorking} : le délai est prorogé au premier jour ouvrable suivant, le ${dateLongue(next.date)} (CPC art. 642).`);
      last = next.date;
    }
  } else {
    steps.push('Selon cette lecture, le délai n’est pas prorogé lorsqu’il expire un samedi, un dimanche ou un jour férié.');
  }
  return { label: reading.label, due: last, computation: steps, decisions };
}

function lastInstantMs(due: string): number {
  return due.length === 10 ? Date.parse(startOfParisDay(addDays(due, 1))) : Date.parse(due);
}

/**
 * Computes every remedy's deadline from the notification. Where a rule has several readings
 * (courts disagree), the due date is the earliest one and all readings are returned.
 */
export function computeDeadline(rule: RemedyRule, notified: Notification): Deadline {
  const base = {
    remedy: rule.remedy,
    label: rule.label,
    court: rule.court,
    legalBasis: rule.legalBasis,
    notes: rule.notes,
    toVerify: rule.toVerify ?? [],
  };
  if (rule.readings === null || rule.readings.length === 0) {
    return {
      ...base,
      due: null,
      dueKind: 'depends_on_later_event',
      computation: [
        rule.startsFrom ??
          'Le délai court à compter d’un événement postérieur à la notification : il se calcule à partir de la date de cet événement.',
      ],
    };
  }
  const results = rule.readings.map((r) => computeReading(r, notified, rule.calendar ?? {}));
  // A date deadline lasts until midnight (Paris) of that day; compare everything as instants.
  const earliest = results.reduce((a, b) => (lastInstantMs(b.due) < lastInstantMs(a.due) ? b : a));
  const dueKind = earliest.due.length > 10 ? 'datetime' : 'date';
  const deadline: Deadline = { ...base, due: earliest.due, dueKind, computation: earliest.computation };
  if (results.length > 1) {
    deadline.readings = results;
    deadline.notes = [
      ...rule.notes,
      `Plusieurs lectures de ce délai coexistent (voir les sources citées pour chacune) ; l’échéance retenue est la plus précoce : « ${earliest.label} ».`,
    ];
  }
  return deadline;
}
