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

/**
 * What a due date rests on that the case did not say (stable codes, for the page to show beside
 * the date): `hour_unknown` an hour délai counted from 00:00; `local_time_ambiguous` a local time
 * that happened twice, read as the earlier instant; `decision_date_unknown` the decision's date
 * would change the regime (loi n° 2024-42); `letter_collection_unknown` / `letter_presentation_unknown`
 * a registered letter's day of collection or of first presentation not given.
 */
export type DeadlineAssumption =
  'hour_unknown' | 'local_time_ambiguous' | 'decision_date_unknown' | 'letter_collection_unknown' | 'letter_presentation_unknown';

/** Which time limits govern: those of loi n° 2024-42 (decisions taken from 15 July 2024) or the former ones. */
export type Regime = 'loi_2024' | 'ancien';

/** A computed reading. */
export interface ReadingResult {
  label: string;
  due: string;
  computation: string[];
  decisions: string[];
  /** Present where the regime matters (OQTF and related decisions). */
  regime?: Regime;
  assumptions: DeadlineAssumption[];
}

/**
 * One way the facts can be read: the rule that applies and the notification it counts from, with
 * the steps that say why (which day the registered letter notified, which regime). Several when a
 * fact that would change the date is unknown; each gives readings, the earliest being the due date.
 */
export interface Scenario {
  rule: RemedyRule;
  notified: Notification;
  /** Put before each reading's label when there are several scenarios. */
  label?: string;
  steps: string[];
  assumptions: DeadlineAssumption[];
  regime?: Regime;
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
  /** Present when courts disagree or a fact is unknown: every reading, earliest first, the due date being the first. */
  readings?: ReadingResult[];
  toVerify: string[];
  /** What the due date assumes that the case did not say (empty when nothing). */
  assumptions: DeadlineAssumption[];
  /** The regime applied and why, where loi n° 2024-42 changed the time limits; `les_deux` when the decision's date is needed. */
  regime?: { applied: Regime | 'les_deux'; reason: string };
}

function computeReading(reading: Reading, notified: Notification, calendar: CalendarOptions): ReadingResult {
  const p = reading.period;
  const steps: string[] = [];
  const decisions = reading.decisions ?? [];
  const assumptions: DeadlineAssumption[] = [];
  if (p.unit === 'hours') {
    let start = notified.instant;
    if (start === null) {
      start = startOfParisDay(notified.date);
      assumptions.push('hour_unknown');
      steps.push(
        `Heure de notification inconnue : délai décompté à partir du ${instantLong(start)} (début de la journée), lecture la plus prudente — indiquer l’heure de la notification pour obtenir l’échéance exacte.`,
      );
    } else {
      steps.push(`Décision notifiée le ${instantLong(start)} (heure de Paris).`);
      if (notified.laterInstant !== undefined) {
        assumptions.push('local_time_ambiguous');
        steps.push(
          `Cette heure a existé deux fois la nuit du passage à l’heure d’hiver (${start.slice(19)} puis ${notified.laterInstant.slice(19)}) : le premier de ces deux instants est retenu, le délai n’étant jamais allongé faute de précision — indiquer le décalage horaire porté sur la notification pour lever le doute.`,
        );
      }
    }
    const { due, dstShifted } = addHours(start, p.n);
    steps.push(
      `Délai de ${p.n} heures décompté d’heure à heure : il expire le ${instantLong(due)}. Un délai exprimé en heures n’est pas franc et n’est jamais prorogé en raison d’un samedi, d’un dimanche ou d’un jour férié.`,
    );
    if (dstShifted)
      steps.push(
        'Un changement d’heure (été/hiver) intervient pendant le délai : la plus précoce des deux échéances, en heures écoulées ou à l’heure légale, est retenue.',
      );
    return { label: reading.label, due, computation: steps, decisions, assumptions };
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
  return { label: reading.label, due: last, computation: steps, decisions, assumptions };
}

function lastInstantMs(due: string): number {
  return due.length === 10 ? Date.parse(startOfParisDay(addDays(due, 1))) : Date.parse(due);
}

/**
 * Computes a remedy's deadline from the notification. Where a rule has several readings (courts
 * disagree), the due date is the earliest one and all readings are returned.
 */
export function computeDeadline(rule: RemedyRule, notified: Notification): Deadline {
  return computeDeadlineAcross([{ rule, notified, steps: [], assumptions: [] }]);
}

/**
 * The deadline of one remedy over every way the facts can be read (`scenarios`, at least one):
 * every reading of every scenario is computed, listed earliest first, and the due date is the
 * earliest — an unknown fact never gives a later date than the facts could.
 */
export function computeDeadlineAcross(scenarios: readonly Scenario[]): Deadline {
  const first = scenarios[0]!;
  const rule = first.rule;
  const base = {
    remedy: rule.remedy,
    label: rule.label,
    court: rule.court,
    legalBasis: rule.legalBasis,
    notes: unique(scenarios.flatMap((s) => s.rule.notes)),
    toVerify: unique(scenarios.flatMap((s) => s.rule.toVerify ?? [])),
    assumptions: unique(scenarios.flatMap((s) => s.assumptions)),
  };
  const timed = scenarios.filter((s) => s.rule.readings !== null && s.rule.readings.length > 0);
  if (timed.length === 0) {
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
  const results: { result: ReadingResult; scenario: Scenario }[] = [];
  for (const scenario of timed) {
    for (const reading of scenario.rule.readings!) {
      const result = computeReading(reading, scenario.notified, scenario.rule.calendar ?? {});
      result.computation = [...scenario.steps, ...result.computation];
      result.assumptions = unique([...scenario.assumptions, ...result.assumptions]);
      if (scenarios.length > 1 && scenario.label !== undefined) result.label = `${scenario.label} — ${result.label}`;
      if (scenario.regime !== undefined) result.regime = scenario.regime;
      results.push({ result, scenario });
    }
  }
  // A date deadline lasts until midnight (Paris) of that day; compare everything as instants.
  // The sort is stable: readings ending at the same instant keep the rules' order.
  results.sort((a, b) => lastInstantMs(a.result.due) - lastInstantMs(b.result.due));
  const earliest = results[0]!;
  const dueKind = earliest.result.due.length > 10 ? 'datetime' : 'date';
  const chosen = earliest.scenario.rule;
  const deadline: Deadline = {
    ...base,
    label: chosen.label,
    court: chosen.court,
    legalBasis: chosen.legalBasis,
    assumptions: unique([...base.assumptions, ...results.flatMap((r) => r.result.assumptions)]),
    due: earliest.result.due,
    dueKind,
    computation: earliest.result.computation,
  };
  if (results.length > 1) {
    deadline.readings = results.map((r) => r.result);
    deadline.notes = [
      ...base.notes,
      `Plusieurs lectures de ce délai coexistent (voir les sources citées pour chacune) ; l’échéance retenue est la plus précoce : « ${earliest.result.label} ».`,
    ];
  }
  return deadline;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
