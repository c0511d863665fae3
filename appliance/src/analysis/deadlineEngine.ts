import {
  addDays,
  addHours,
  addMonths,
  nextWorkingDay,
  startOfParisDay,
  type CalendarOptions,
  type Notification,
} from './calendar.js';

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
  /** What starts the délai when it is not the notification. */
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
      steps.push(`Notification time unknown: counted from ${start} (start of the day), the earliest possible reading — enter the hour of notification for the exact deadline.`);
    } else {
      steps.push(`Notified at ${start} (Europe/Paris).`);
    }
    const { due, dstShifted } = addHours(start, p.n);
    steps.push(`${p.n} hours counted d'heure à heure → ${due}; an hour délai is not franc and is never extended for a weekend or holiday.`);
    if (dstShifted) steps.push('A change of summer/winter time falls within the délai: the earlier of elapsed hours and clock time is kept.');
    return { label: reading.label, due, computation: steps, decisions };
  }
  steps.push(`Notified on ${notified.date}; the day of notification is not counted.`);
  let last: string;
  if (p.unit === 'days') {
    const echeance = addDays(notified.date, p.n);
    if (p.franc) {
      last = addDays(echeance, 1);
      steps.push(`${p.n} days → échéance ${echeance}; délai franc: the échéance day is not counted either → last day ${last}.`);
    } else {
      last = echeance;
      steps.push(`${p.n} days from the day after notification → last day ${last} (until midnight).`);
    }
  } else {
    const echeance = addMonths(notified.date, p.n);
    if (p.franc) {
      const byQuantieme = addDays(echeance, 1);
      // At month ends two readings exist: "échéance + 1 day" and "same day number as the day after
      // notification" (clamped to the month's last day). They differ only there; keep the earlier.
      const byDayAfter = addMonths(addDays(notified.date, 1), p.n);
      last = byDayAfter < byQuantieme ? byDayAfter : byQuantieme;
      steps.push(`${p.n} month(s) → échéance ${echeance}; délai franc → last day ${byQuantieme}.`);
      if (byDayAfter < byQuantieme) {
        steps.push(`Month-end: counted from the day after notification the délai would end on ${byDayAfter}; the earlier date is kept.`);
      }
    } else {
      last = echeance;
      steps.push(`${p.n} month(s), same day number (or the month's last day) → last day ${last}.`);
    }
  }
  if (p.extended) {
    const next = nextWorkingDay(last, calendar);
    if (next.skipped.length > 0) {
      steps.push(`${next.skipped.join(', ')} not a working day → extended to ${next.date} (CPC art. 642).`);
      last = next.date;
    }
  } else {
    steps.push('Not extended for a Saturday, Sunday or holiday under this reading.');
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
      computation: [`Runs from ${rule.startsFrom ?? 'a later event'}; enter that date to compute it.`],
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
      `Courts disagree on how this délai is counted; the due date is the earliest reading (${earliest.label}).`,
    ];
  }
  return deadline;
}
