import { ValidationError } from '@iamanager/protocol';
import { addMonths, readNotification, type Notification } from './calendar.js';
import { computeDeadlineAcross, type Deadline, type DeadlineAssumption, type Regime, type Scenario } from './deadlineEngine.js';
import { REFUSALS_OQTF_MAY_ACCOMPANY } from './deriveProcedure.js';
import { dateLongue } from './frenchFormat.js';
import { preReformRulesFor, REFORM_2024_FROM, REFORMED_PROCEDURES } from './preReformRules.js';
import type { ProcedureCode } from './procedures.js';
import { resolveTerritory } from './overseas.js';
import { letterNotification } from './registeredLetter.js';
import { calendarFor, courtFor, remedyRulesFor, type DeadlineContext } from './rules.js';

/**
 * A decision taken before 15 July 2024 but notified later is plausible for this long after that
 * day (the time a decision takes to be sent, presented and held at the post office, or to be
 * handed over at a later convocation). Within it, an unknown decision date gives both regimes'
 * readings; after it, the 2024 regime is applied and the step asks for the date anyway.
 */
const PRE_REFORM_NOTIFIED_UNTIL = addMonths(REFORM_2024_FROM, 3);

interface NotificationReading {
  notified: Notification;
  label?: string;
  steps: string[];
}

/** The day(s) the délai counts from: the registered letter's legal date when its dates are given, else `decisionNotifiedAt`. */
function notificationsOf(
  decisionNotifiedAt: string | null | undefined,
  ctx: DeadlineContext,
): { readings: NotificationReading[]; assumptions: DeadlineAssumption[] } {
  const letter = letterNotification(ctx);
  if (letter !== null) {
    const entered =
      decisionNotifiedAt && decisionNotifiedAt.slice(0, 10) !== letter.readings[0]!.date
        ? [`La date de notification saisie (${decisionNotifiedAt}) n’est pas retenue : la date légale résulte des dates du pli recommandé.`]
        : [];
    return {
      readings: letter.readings.map((r) => ({
        notified: readNotification(r.date),
        ...(r.label !== undefined ? { label: r.label } : {}),
        steps: [r.step, ...entered],
      })),
      assumptions: letter.assumptions,
    };
  }
  if (decisionNotifiedAt === null || decisionNotifiedAt === undefined || decisionNotifiedAt === '') {
    throw new ValidationError([
      'decisionNotifiedAt: is required unless facts.notificationMode is registered_letter with facts.letterFirstPresentedOn or facts.letterCollectedOn',
    ]);
  }
  return { readings: [{ notified: readNotification(decisionNotifiedAt), steps: [] }], assumptions: [] };
}

/** Which regime(s) apply, and the sentence that says why (loi n° 2024-42 art. 86 IV: by the day the decision was taken). */
function regimesOf(
  decisionTakenOn: string | undefined,
  earliestNotification: string,
): { regimes: Regime[]; reason: string; assumption?: DeadlineAssumption; silent?: boolean } {
  const reform = dateLongue(REFORM_2024_FROM);
  if (decisionTakenOn !== undefined) {
    if (decisionTakenOn > earliestNotification) {
      throw new ValidationError([
        `facts.decisionTakenOn: (${decisionTakenOn}) is after the notification (${earliestNotification}): a decision is taken before it is notified; check the date signed on the decision`,
      ]);
    }
    return decisionTakenOn < REFORM_2024_FROM
      ? {
          regimes: ['ancien'],
          reason: `Décision prise le ${dateLongue(decisionTakenOn)}, avant le ${reform} : les délais antérieurs à la loi n° 2024-42 s’appliquent (art. 86 IV), quelle que soit la date de notification.`,
        }
      : {
          regimes: ['loi_2024'],
          reason: `Décision prise le ${dateLongue(decisionTakenOn)}, à compter du ${reform} : délais issus de la loi n° 2024-42 (art. 86 IV).`,
        };
  }
  if (earliestNotification < REFORM_2024_FROM) {
    return {
      regimes: ['ancien'],
      reason: `Décision notifiée avant le ${reform}, donc prise avant cette date : les délais antérieurs à la loi n° 2024-42 s’appliquent (art. 86 IV).`,
    };
  }
  if (earliestNotification < PRE_REFORM_NOTIFIED_UNTIL) {
    return {
      regimes: ['ancien', 'loi_2024'],
      reason: `Date de la décision inconnue et notification peu après le ${reform} : la décision a pu être prise avant cette date (délais antérieurs) ou après (loi n° 2024-42, art. 86 IV). Les deux lectures sont données, la plus précoce retenue — indiquer la date de la décision (facts.decisionTakenOn).`,
      assumption: 'decision_date_unknown',
    };
  }
  return {
    regimes: ['loi_2024'],
    reason: `Date de la décision inconnue ; notifiée plus de trois mois après le ${reform}, elle est présumée prise à compter de cette date (loi n° 2024-42, art. 86 IV) — si elle a été prise avant, indiquer sa date (facts.decisionTakenOn).`,
    // The ordinary case today: the reason is in `regime`, not repeated in every computation.
    silent: true,
  };
}

const REGIME_LABEL: Record<Regime, string> = {
  ancien: 'décision prise avant le 15 juillet 2024',
  loi_2024: 'décision prise à compter du 15 juillet 2024',
};

/**
 * Every remedy open for a procedure, with its due date. The délai counts from the legal
 * notification: the registered letter's date when `ctx` gives its dates (CE 24 avril 2012
 * n° 341146), else `decisionNotifiedAt` (YYYY-MM-DD, ISO date-time, or Paris local time; the time
 * matters for hour délais). For the procedures loi n° 2024-42 changed, the regime follows the day
 * the decision was taken (`ctx.decisionTakenOn`). Where a fact is unknown every reading is given,
 * earliest first, and the due date is the earliest.
 */
export function computeDeadlines(
  requested: ProcedureCode,
  decisionNotifiedAt: string | null | undefined,
  ctx: DeadlineContext = {},
): Deadline[] {
  // A refusal of a titre notified with an OQTF is contested with it, in the OQTF's time limits
  // (CESEDA L. 911-1 and L. 614-1: the decisions notified with the OQTF follow its procedure);
  // 'oqtf' reads the liberty status from ctx, as deriveProcedure's choice among the four would.
  const withOqtf = ctx.oqtfAccompanies === true && REFUSALS_OQTF_MAY_ACCOMPANY.includes(requested);
  const procedure: ProcedureCode = withOqtf ? 'oqtf' : requested;
  const notifications = notificationsOf(decisionNotifiedAt, ctx);
  // The decision existed by the earliest day it reached the person, or the post office tried to deliver it.
  const earliestDate = [
    ...notifications.readings.map((r) => r.notified.date),
    ...(ctx.letterFirstPresentedOn ? [ctx.letterFirstPresentedOn] : []),
  ].sort()[0]!;
  const reformed = REFORMED_PROCEDURES.includes(procedure);
  const regime = reformed ? regimesOf(ctx.decisionTakenOn, earliestDate) : null;
  const regimes: (Regime | undefined)[] = regime ? regime.regimes : [undefined];
  const court = courtFor(ctx);
  const cal = calendarFor(ctx.competentCourt, resolveTerritory(ctx).territory);

  // One scenario per (regime, notification date); remedies are matched by kind across them.
  const byRemedy = new Map<string, Scenario[]>();
  for (const r of regimes) {
    const rules =
      r === 'ancien'
        ? (preReformRulesFor(procedure, ctx, court, cal) ?? [])
        : remedyRulesFor(procedure, ctx, Number(earliestDate.slice(0, 4)));
    for (const rule of rules) {
      for (const n of notifications.readings) {
        const labels = [...(regimes.length > 1 && r ? [REGIME_LABEL[r]] : []), ...(n.label !== undefined ? [n.label] : [])];
        const scenario: Scenario = {
          rule,
          notified: n.notified,
          steps: [...n.steps, ...(regime && regime.silent !== true ? [regime.reason] : [])],
          assumptions: [...notifications.assumptions, ...(regime?.assumption ? [regime.assumption] : [])],
          ...(labels.length > 0 ? { label: labels.join(', ') } : {}),
          ...(r ? { regime: r } : {}),
        };
        const list = byRemedy.get(rule.remedy) ?? [];
        list.push(scenario);
        byRemedy.set(rule.remedy, list);
      }
    }
  }
  return [...byRemedy.values()].map((scenarios) => {
    const deadline = computeDeadlineAcross(scenarios);
    if (withOqtf && deadline.remedy === 'recours_contentieux') {
      deadline.notes = [
        'Le refus de titre de séjour a été notifié avec une OQTF : il se conteste avec elle, dans le délai applicable à l’OQTF (CESEDA L. 911-1), et non dans le délai de droit commun de 2 mois.',
        ...deadline.notes,
      ];
    }
    if (regime) {
      const applied = [...new Set(scenarios.map((s) => s.regime))];
      deadline.regime = { applied: applied.length > 1 ? 'les_deux' : applied[0]!, reason: regime.reason };
    }
    return deadline;
  });
}
