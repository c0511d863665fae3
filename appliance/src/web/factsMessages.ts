/**
 * The texts of the facts that go into a case — the deadline questions of the new-case form, the
 * per-procedure questionnaire — and of the analysis's summary card and "what changed" list. A
 * catalogue of its own beside messages.ts (same shape, French first, English with exactly the
 * French keys), so the form's many questions do not crowd the shared catalogue.
 */
import type { Locale } from './messages.js';

const fr = {
  // The new-case form: the facts that set the deadline, asked first.
  deadlineFactsTitle: 'La décision et sa notification',
  deadlineFactsIntro:
    'Ces réponses fixent le délai de recours : la procédure est vérifiée d’après elles (un refus de titre assorti d’une OQTF se conteste dans le délai de l’OQTF).',
  clientTitle: 'Le client',
  oqtfAccompanies: 'La décision est-elle assortie d’une OQTF ?',
  oqtfAccompaniesRequired:
    'La décision est-elle assortie d’une OQTF ? : répondez oui ou non — un refus de titre assorti d’une OQTF se conteste dans le délai de l’OQTF (CESEDA L. 911-1 : 1 mois), non dans celui de 2 mois.',
  libertyStatus: 'Situation de la personne aujourd’hui',
  territory: 'Territoire où la décision a été prise',
  competentCourt: 'Tribunal compétent (indiqué dans les « voies et délais »)',
  competentCourtHint: 'Par exemple : TA de Lyon. Laissez vide s’il n’est pas encore connu.',
  decisionTakenOn: 'Date de la décision (signature de l’arrêté)',
  notificationMode: 'Mode de notification',
  notificationDateHint:
    'Lettre recommandée : date du retrait du pli ou, s’il n’a pas été retiré dans les 15 jours, de sa première présentation. Heure inconnue : laissez-la vide, un délai en heures est alors décompté depuis 0 h, lecture la plus prudente.',
  letterTitle: 'Lettre recommandée',
  letterFirstPresentedOn: 'Date de première présentation (avis de passage)',
  letterCollectedOn: 'Date de retrait du pli à La Poste',
  letterNeverCollected: 'Pli non réclamé (retourné à la préfecture)',
  letterDatesNeeded:
    'Date de première présentation (avis de passage) : indiquez-la, ou la date de notification — sans l’une ou l’autre, le délai ne peut pas être calculé.',
  letterCollectedBeforePresented: 'Date de retrait du pli à La Poste : elle ne peut pas précéder la date de première présentation.',
  letterCollectedAndNeverCollected:
    'Pli non réclamé (retourné à la préfecture) : décochez-le, ou effacez la date de retrait — les deux réponses se contredisent.',
  decisionAfterNotification: 'Date de la décision (signature de l’arrêté) : elle ne peut pas suivre la date de notification.',
  unknown: 'Ne sait pas',
  yes: 'Oui',
  no: 'Non',
  derivedRefusalWithOqtf:
    'Le refus choisi (« {chosen} ») est assorti d’une OQTF : le dossier est ouvert en « {derived} », dont le délai s’applique ({article}).',
  derivedLibertyStatus: 'La personne étant « {liberty} », le dossier est ouvert en « {derived} » et non en « {chosen} » ({article}).',
  derivedOqtfWithoutProcedure: 'Décision assortie d’une OQTF : le dossier est ouvert en « {derived} » ({article}).',
  // The questionnaire.
  questionnaireTitle: 'Questionnaire : les faits du dossier',
  questionnaireIntro:
    'Les réponses alimentent l’analyse CESEDA. « Ne sait pas » laisse la condition « à établir » ; relancez l’analyse après l’enregistrement.',
  questionnaireLink: 'Compléter les faits (questionnaire)',
  saveFacts: 'Enregistrer les faits',
  factsSaved: 'Faits enregistrés. Relancez l’analyse pour en tenir compte.',
  procedureFollowsLiberty:
    'Faits enregistrés. La personne étant désormais « {liberty} », le dossier passe en « {derived} » ({article}) : relancez l’analyse.',
  answered: '{n} réponse(s) enregistrée(s)',
  invalidNumber: '{field} : saisissez un nombre entier positif.',
  invalidNumberRange: '{field} : saisissez un nombre entre {min} et {max}.',
  // The analysis's summary card.
  summaryTitle: 'En bref',
  nextDeadline: 'Prochaine échéance',
  noUpcomingDeadline: 'Aucune échéance à venir calculée pour cette procédure.',
  allDeadlinesPassed: 'Toutes les échéances calculées sont passées.',
  remainingDays: 'reste {n} jour(s)',
  remainingHours: 'reste {n} heure(s)',
  remainingToday: 'expire aujourd’hui',
  hourUnknown:
    'Heure de notification inconnue : échéance calculée depuis 0 h le jour de la notification (lecture la plus prudente) — indiquez l’heure pour l’échéance exacte.',
  otherReadings: 'Autres lectures',
  readingRetained: 'retenue (la plus précoce)',
  verifyAgainstNotification:
    'L’avocat vérifie chaque échéance calculée au regard de l’acte de notification lui-même (date, heure, mentions des voies et délais de recours).',
  caveatsTitle: 'Réserves',
  routesTitle: 'Voies de régularisation plausibles',
  noPlausibleRoute: 'Aucune voie de régularisation n’est encore rendue plausible par les faits saisis : complétez le questionnaire.',
  otherRoutes: 'Autres voies ({n}), non étayées par les faits saisis',
  routeCounts: '{met} remplie(s), {notMet} non remplie(s), {unknown} à établir',
  rulesCollapsed: 'Règles appliquées ({n})',
  // What changed since the last analysis.
  changesTitle: 'Depuis l’analyse du {date}',
  noChanges: 'Aucun changement depuis l’analyse du {date}.',
  changedFacts: 'Faits modifiés : {facts}.',
  deadlineMoved: '{label} : échéance {before} → {after}.',
  deadlineAdded: '{label} : nouvelle échéance {after}.',
  deadlineRemoved: '{label} : ne s’applique plus.',
  routeChanged: '{route} : {before} → {after}.',
  estimateChanged: 'Estimation : {before} % → {after} %.',
  estimateAppeared: 'Estimation : {after} % (aucune auparavant).',
  outcomeEligible: 'éligible',
  outcomeNotEligible: 'non éligible',
  outcomeUndetermined: 'à établir',
  procedureChanged: 'Procédure : {before} → {after}.',
  pageOf: 'Page {page} sur {pages}',
};

export type FactsMessages = Readonly<Record<keyof typeof fr, string>>;

const en: FactsMessages = {
  deadlineFactsTitle: 'The decision and its notification',
  deadlineFactsIntro:
    'These answers set the time limit: the procedure is checked against them (a refusal that came with a removal order is challenged within the removal order’s time limit).',
  clientTitle: 'The client',
  oqtfAccompanies: 'Did the decision come with a removal order (OQTF)?',
  oqtfAccompaniesRequired:
    'Did the decision come with a removal order (OQTF)?: answer yes or no — a refusal with an OQTF is challenged within the OQTF’s time limit (CESEDA L. 911-1: one month), not two months.',
  libertyStatus: 'The person’s situation today',
  territory: 'Territory where the decision was taken',
  competentCourt: 'Competent court (as stated in the decision)',
  competentCourtHint: 'For example: TA de Lyon. Leave empty if not known yet.',
  decisionTakenOn: 'Date of the decision (signature)',
  notificationMode: 'How it was notified',
  notificationDateHint:
    'Registered letter: the day it was collected or, if not collected within 15 days, the day it was first presented. Unknown hour: leave it empty, an hour-based time limit is then counted from midnight, the cautious reading.',
  letterTitle: 'Registered letter',
  letterFirstPresentedOn: 'First presentation (delivery notice)',
  letterCollectedOn: 'Collected at the post office on',
  letterNeverCollected: 'Never collected (returned to the prefecture)',
  letterDatesNeeded:
    'First presentation (delivery notice): give it, or the notification date — without one of them the time limit cannot be computed.',
  letterCollectedBeforePresented: 'Collected at the post office on: it cannot be before the first presentation.',
  letterCollectedAndNeverCollected:
    'Never collected (returned to the prefecture): untick it or clear the collection date — the two answers contradict each other.',
  decisionAfterNotification: 'Date of the decision (signature): it cannot be after the notification date.',
  unknown: 'Unknown',
  yes: 'Yes',
  no: 'No',
  derivedRefusalWithOqtf:
    'The refusal chosen (“{chosen}”) came with a removal order: the case is opened as “{derived}”, whose time limit applies ({article}).',
  derivedLibertyStatus: 'The person being “{liberty}”, the case is opened as “{derived}”, not “{chosen}” ({article}).',
  derivedOqtfWithoutProcedure: 'The decision came with a removal order: the case is opened as “{derived}” ({article}).',
  questionnaireTitle: 'Questionnaire: the facts of the case',
  questionnaireIntro:
    'The answers feed the CESEDA analysis. “Unknown” leaves the condition “to establish”; run the analysis again once saved.',
  questionnaireLink: 'Complete the facts (questionnaire)',
  saveFacts: 'Save the facts',
  factsSaved: 'Facts saved. Run the analysis again to take them into account.',
  procedureFollowsLiberty:
    'Facts saved. The person being now “{liberty}”, the case becomes “{derived}” ({article}): run the analysis again.',
  answered: '{n} answer(s) saved',
  invalidNumber: '{field}: enter a whole positive number.',
  invalidNumberRange: '{field}: enter a number between {min} and {max}.',
  summaryTitle: 'In short',
  nextDeadline: 'Next deadline',
  noUpcomingDeadline: 'No upcoming deadline computed for this procedure.',
  allDeadlinesPassed: 'Every computed deadline has passed.',
  remainingDays: '{n} day(s) left',
  remainingHours: '{n} hour(s) left',
  remainingToday: 'expires today',
  hourUnknown:
    'Notification hour unknown: deadline counted from midnight on the notification day (the cautious reading) — give the hour for the exact deadline.',
  otherReadings: 'Other readings',
  readingRetained: 'retained (the earliest)',
  verifyAgainstNotification:
    'The lawyer checks every computed deadline against the notification itself (date, hour, the stated remedies and time limits).',
  caveatsTitle: 'Caveats',
  routesTitle: 'Plausible routes to a residence permit',
  noPlausibleRoute: 'No route is made plausible by the facts entered yet: complete the questionnaire.',
  otherRoutes: 'Other routes ({n}), not supported by the facts entered',
  routeCounts: '{met} met, {notMet} not met, {unknown} to establish',
  rulesCollapsed: 'Rules applied ({n})',
  changesTitle: 'Since the analysis of {date}',
  noChanges: 'Nothing changed since the analysis of {date}.',
  changedFacts: 'Facts changed: {facts}.',
  deadlineMoved: '{label}: due {before} → {after}.',
  deadlineAdded: '{label}: new deadline {after}.',
  deadlineRemoved: '{label}: no longer applies.',
  routeChanged: '{route}: {before} → {after}.',
  estimateChanged: 'Estimate: {before}% → {after}%.',
  estimateAppeared: 'Estimate: {after}% (none before).',
  outcomeEligible: 'eligible',
  outcomeNotEligible: 'not eligible',
  outcomeUndetermined: 'to establish',
  procedureChanged: 'Procedure: {before} → {after}.',
  pageOf: 'Page {page} of {pages}',
};

export const FACTS_CATALOGUES: Readonly<Record<Locale, FactsMessages>> = { fr, en };
