import { ValidationError } from '@iamanager/protocol';
import { addDays } from './calendar.js';
import type { DeadlineAssumption } from './deadlineEngine.js';
import { dateLongue } from './frenchFormat.js';
import type { NotificationMode } from './facts.js';

/**
 * The day a decision sent by registered letter (lettre recommandée avec demande d'avis de
 * réception) notifies, from the letter's dates. CE 24 avril 2012 n° 341146: a letter collected
 * within the post office's holding period notifies on the day it is collected; one never collected
 * (« pli non réclamé »), or collected after that period, notifies on the day of its first
 * presentation, when the avis de passage was left.
 */

/** The post office keeps an uncollected registered letter 15 days from the day after its first presentation. */
export const HOLDING_DAYS = 15;

/** The letter's facts, as `facts.ts` names them. */
export interface LetterFacts {
  notificationMode?: NotificationMode;
  letterFirstPresentedOn?: string;
  letterCollectedOn?: string;
  letterNeverCollected?: boolean;
}

/** A possible legal notification date and why. */
export interface LetterReading {
  date: string;
  /** Put before the readings' labels when the collection day is unknown. */
  label?: string;
  step: string;
}

/** What the letter's dates say: one date when they settle it, else each possible date, earliest first. */
export interface LetterNotification {
  readings: LetterReading[];
  assumptions: DeadlineAssumption[];
}

const ARRET = 'CE 24 avril 2012 n° 341146';

/**
 * The problems of the letter's dates that no reading can resolve, as "field: problem" lines
 * (field relative to the facts); empty when they are coherent.
 */
export function letterFactProblems(f: LetterFacts): { field: keyof LetterFacts; message: string }[] {
  const problems: { field: keyof LetterFacts; message: string }[] = [];
  const letterGiven = f.letterFirstPresentedOn !== undefined || f.letterCollectedOn !== undefined || f.letterNeverCollected !== undefined;
  if (letterGiven && f.notificationMode !== undefined && f.notificationMode !== 'registered_letter') {
    problems.push({
      field: 'notificationMode',
      message: `is ${f.notificationMode} but registered-letter dates are given: set it to registered_letter, or remove letterFirstPresentedOn, letterCollectedOn and letterNeverCollected`,
    });
  }
  if (f.letterCollectedOn !== undefined && f.letterFirstPresentedOn !== undefined && f.letterCollectedOn < f.letterFirstPresentedOn) {
    problems.push({
      field: 'letterCollectedOn',
      message: `(${f.letterCollectedOn}) is before letterFirstPresentedOn (${f.letterFirstPresentedOn}): a letter is collected on or after its first presentation; check both dates on the avis de réception`,
    });
  }
  if (f.letterNeverCollected === true && f.letterCollectedOn !== undefined) {
    problems.push({
      field: 'letterNeverCollected',
      message: 'is true but letterCollectedOn is given: a letter collected was not returned uncollected; remove one of the two',
    });
  }
  return problems;
}

/**
 * The legal notification date(s) the registered letter gives, or null when the case does not say
 * it was notified by registered letter, or gives none of its dates. Throws `ValidationError`
 * (naming the fact) when the dates contradict each other.
 */
export function letterNotification(f: LetterFacts): LetterNotification | null {
  if (f.notificationMode !== 'registered_letter') return null;
  const problems = letterFactProblems(f);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => `facts.${p.field}: ${p.message}`));
  const presented = f.letterFirstPresentedOn;
  const collected = f.letterCollectedOn;
  if (presented !== undefined) {
    const lastHeld = addDays(presented, HOLDING_DAYS);
    const presentedStep = (why: string) =>
      `Pli recommandé présenté pour la première fois le ${dateLongue(presented)} ; ${why} : la notification est réputée faite à la date de cette première présentation (${ARRET}).`;
    if (collected !== undefined) {
      if (collected <= lastHeld) {
        return {
          readings: [
            {
              date: collected,
              step: `Pli recommandé présenté le ${dateLongue(presented)} et retiré le ${dateLongue(collected)}, dans le délai de garde de ${HOLDING_DAYS} jours (jusqu’au ${dateLongue(lastHeld)}) : la notification date du jour du retrait (${ARRET}).`,
            },
          ],
          assumptions: [],
        };
      }
      return {
        readings: [
          {
            date: presented,
            step: presentedStep(`retiré le ${dateLongue(collected)}, après l’expiration du délai de garde (${dateLongue(lastHeld)})`),
          },
        ],
        assumptions: [],
      };
    }
    if (f.letterNeverCollected === true) {
      return { readings: [{ date: presented, step: presentedStep('le pli n’a pas été retiré (« pli non réclamé »)') }], assumptions: [] };
    }
    // Collected on some day up to the end of the holding period, or never: the two ends bound every
    // possible notification date; the earlier is the due date.
    return {
      readings: [
        {
          date: presented,
          label: 'pli non retiré (notification à la première présentation)',
          step: presentedStep('la date de retrait n’est pas connue ; si le pli n’a pas été retiré dans le délai de garde'),
        },
        {
          date: lastHeld,
          label: `pli retiré le dernier jour du délai de garde (${dateLongue(lastHeld)})`,
          step: `Pli recommandé présenté le ${dateLongue(presented)} ; s’il a été retiré au plus tard le ${dateLongue(lastHeld)}, dernier jour du délai de garde de ${HOLDING_DAYS} jours, la notification date du jour du retrait (${ARRET}) : lecture la plus tardive, à retenir seulement sur justificatif de la date de retrait.`,
        },
      ],
      assumptions: ['letter_collection_unknown'],
    };
  }
  if (collected !== undefined) {
    return {
      readings: [
        {
          date: collected,
          step: `Pli recommandé retiré le ${dateLongue(collected)}, date de première présentation inconnue : la notification est comptée du jour du retrait, ce qui suppose un retrait dans le délai de garde de ${HOLDING_DAYS} jours ; si le pli a été présenté plus de ${HOLDING_DAYS} jours avant son retrait, elle date de la première présentation (${ARRET}) — indiquer la date de l’avis de passage.`,
        },
      ],
      assumptions: ['letter_presentation_unknown'],
    };
  }
  return null;
}
