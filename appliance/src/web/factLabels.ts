/**
 * Each fact of `caseFactsSchema` as a question in a lawyer's words, and the answers of the facts
 * that take one of a list; French first, English alongside. The questionnaire and the new-case
 * form show them; the "what changed" list names changed facts with them.
 */
import { TERRITORY_NAMES_FR } from '../domain/ceseda/overseasHolidays.js';
import type { CaseFacts } from '../domain/ceseda/facts.js';
import type { Locale } from './messages.js';

export type FactKey = keyof CaseFacts;

const FR: Readonly<Record<FactKey, string>> = {
  libertyStatus: 'Situation de la personne aujourd’hui',
  competentCourt: 'Tribunal compétent',
  visaType: 'Type de visa refusé',
  decisionTakenOn: 'Date de la décision',
  notificationMode: 'Mode de notification',
  letterFirstPresentedOn: 'Première présentation du pli',
  letterCollectedOn: 'Retrait du pli',
  letterNeverCollected: 'Pli non réclamé',
  territory: 'Territoire',
  oqtfAccompanies: 'Assortie d’une OQTF',
  residencePermitKind: 'Titre de séjour actuel',
  residencePermitExpiresOn: 'Date d’expiration du titre actuel',
  residencePermitRenewalOnline: 'Renouvellement à demander en ligne (ANEF)',
  yearsOfResidence: 'Années de présence en France',
  yearsOfRegularResidence: 'Années de séjour régulier',
  age: 'Âge',
  regularEntry: 'Entrée régulière en France',
  longStayVisa: 'Entré(e) avec un visa de long séjour',
  frenchLevel: 'Niveau de français attesté',
  civicExamPassed: 'Examen civique réussi',
  republicanCommitmentSigned: 'Contrat d’engagement républicain signé',
  resourcesAboveSmic: 'Ressources stables au moins égales au SMIC',
  healthInsurance: 'Assurance maladie',
  adequateHousing: 'Logement adapté',
  yearsHoldingParentTitle: 'Années de titre « parent d’enfant français »',
  marriedToFrenchNational: 'Marié(e) à un(e) Français(e)',
  marriageDate: 'Date du mariage',
  marriedInFrance: 'Mariage célébré en France',
  marriageTranscribed: 'Mariage étranger transcrit en France',
  communityOfLifeOngoing: 'Communauté de vie non rompue',
  spouseStillFrench: 'Le conjoint a conservé la nationalité française',
  monthsOfCohabitationInFrance: 'Mois de vie commune en France',
  parentOfFrenchChild: 'Parent d’un enfant français',
  childIsMinor: 'L’enfant français est mineur',
  childResidesInFrance: 'L’enfant français réside en France',
  yearsContributingToChild: 'Années de contribution à l’entretien et à l’éducation de l’enfant',
  contributesSinceBirth: 'Contribue depuis la naissance de l’enfant',
  employmentContract: 'Contrat de travail',
  workAuthorization: 'Autorisation de travail',
  shortageOccupation: 'Métier en tension',
  monthsInShortageOccupationLast24: 'Mois travaillés dans un métier en tension (24 derniers mois)',
  workExperienceAsStudentOrAsylumSeeker: 'Expérience acquise comme étudiant ou demandeur d’asile',
  enrolledInStudies: 'Inscrit(e) dans un établissement d’enseignement',
  sufficientMeans: 'Moyens d’existence suffisants',
  seriousHealthCondition: 'Pathologie grave',
  treatmentUnavailableInCountry: 'Traitement indisponible dans le pays d’origine',
  ofiiMedicalOpinionFavourable: 'Avis favorable du collège de médecins de l’OFII',
  familyTiesInFrance: 'Liens familiaux en France',
  childrenInFrance: 'Nombre d’enfants en France',
  tiesInCountryOfOrigin: 'Attaches dans le pays d’origine',
  publicOrderThreat: 'Menace à l’ordre public invoquée',
  bulletin2Clean: 'Bulletin n° 2 du casier vierge',
  criminalConviction: 'Condamnation pénale',
  polygamy: 'Situation de polygamie',
  previousOqtfNotExecuted: 'OQTF antérieure non exécutée',
  proceduralDefectIdentified: 'Vice de la décision identifié (motivation, procédure, compétence)',
  asylumProtectionGranted: 'Demande d’asile en cours ou protection accordée',
};

const EN: Readonly<Record<FactKey, string>> = {
  libertyStatus: 'The person’s situation today',
  competentCourt: 'Competent court',
  visaType: 'Kind of visa refused',
  decisionTakenOn: 'Date of the decision',
  notificationMode: 'How it was notified',
  letterFirstPresentedOn: 'Letter first presented',
  letterCollectedOn: 'Letter collected',
  letterNeverCollected: 'Letter never collected',
  territory: 'Territory',
  oqtfAccompanies: 'Came with a removal order',
  residencePermitKind: 'Current residence document',
  residencePermitExpiresOn: 'Current document expires on',
  residencePermitRenewalOnline: 'Renewal requested online (ANEF)',
  yearsOfResidence: 'Years in France',
  yearsOfRegularResidence: 'Years of lawful residence',
  age: 'Age',
  regularEntry: 'Entered France lawfully',
  longStayVisa: 'Entered with a long-stay visa',
  frenchLevel: 'Certified French level',
  civicExamPassed: 'Civic exam passed',
  republicanCommitmentSigned: 'Republican commitment signed',
  resourcesAboveSmic: 'Stable resources at least the minimum wage',
  healthInsurance: 'Health insurance',
  adequateHousing: 'Adequate housing',
  yearsHoldingParentTitle: 'Years holding a “parent of a French child” permit',
  marriedToFrenchNational: 'Married to a French national',
  marriageDate: 'Date of marriage',
  marriedInFrance: 'Married in France',
  marriageTranscribed: 'Foreign marriage transcribed in France',
  communityOfLifeOngoing: 'Still living together',
  spouseStillFrench: 'Spouse still French',
  monthsOfCohabitationInFrance: 'Months living together in France',
  parentOfFrenchChild: 'Parent of a French child',
  childIsMinor: 'The French child is a minor',
  childResidesInFrance: 'The French child lives in France',
  yearsContributingToChild: 'Years contributing to the child’s upkeep and education',
  contributesSinceBirth: 'Contributes since the child’s birth',
  employmentContract: 'Employment contract',
  workAuthorization: 'Work authorisation',
  shortageOccupation: 'Shortage occupation',
  monthsInShortageOccupationLast24: 'Months worked in a shortage occupation (last 24)',
  workExperienceAsStudentOrAsylumSeeker: 'Experience gained as a student or asylum seeker',
  enrolledInStudies: 'Enrolled in studies',
  sufficientMeans: 'Sufficient means',
  seriousHealthCondition: 'Serious illness',
  treatmentUnavailableInCountry: 'Treatment unavailable in the country of origin',
  ofiiMedicalOpinionFavourable: 'Favourable opinion of the OFII doctors',
  familyTiesInFrance: 'Family ties in France',
  childrenInFrance: 'Children in France',
  tiesInCountryOfOrigin: 'Ties in the country of origin',
  publicOrderThreat: 'Public-order threat alleged',
  bulletin2Clean: 'Clean criminal record (bulletin n° 2)',
  criminalConviction: 'Criminal conviction',
  polygamy: 'Polygamy',
  previousOqtfNotExecuted: 'Earlier removal order not complied with',
  proceduralDefectIdentified: 'Defect identified in the decision',
  asylumProtectionGranted: 'Asylum claim pending or protection granted',
};

/** The answers of the facts that take one of a list, by fact and value. */
const OPTIONS_FR: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  libertyStatus: {
    free: 'Libre',
    assignation_residence: 'Assignée à résidence',
    detention: 'Détenue (en prison)',
    retention: 'En rétention administrative',
  },
  visaType: { court_sejour: 'Court séjour', long_sejour: 'Long séjour' },
  notificationMode: {
    in_person: 'Remise en main propre (guichet, police)',
    registered_letter: 'Lettre recommandée avec accusé de réception',
    administrative: 'Voie administrative (par un agent)',
  },
  territory: TERRITORY_NAMES_FR,
  residencePermitKind: {
    carte_sejour_temporaire: 'Carte de séjour temporaire',
    carte_sejour_pluriannuelle: 'Carte de séjour pluriannuelle',
    carte_resident: 'Carte de résident',
    visa_long_sejour_valant_titre: 'Visa long séjour valant titre de séjour',
    recepisse: 'Récépissé',
    autorisation_provisoire_sejour: 'Autorisation provisoire de séjour',
  },
  frenchLevel: { none: 'Aucun', A1: 'A1', A2: 'A2', B1: 'B1', B2: 'B2', C1: 'C1', C2: 'C2' },
  employmentContract: { none: 'Aucun', cdi: 'CDI', cdd: 'CDD', interim: 'Intérim' },
  familyTiesInFrance: { none: 'Aucun', weak: 'Faibles', moderate: 'Réels', strong: 'Intenses et stables' },
  tiesInCountryOfOrigin: { none: 'Aucune', weak: 'Faibles', strong: 'Fortes' },
};

const OPTIONS_EN: typeof OPTIONS_FR = {
  libertyStatus: {
    free: 'At liberty',
    assignation_residence: 'Under house arrest',
    detention: 'In prison',
    retention: 'In administrative detention',
  },
  visaType: { court_sejour: 'Short stay', long_sejour: 'Long stay' },
  notificationMode: {
    in_person: 'Handed over in person',
    registered_letter: 'Registered letter',
    administrative: 'Served by an official',
  },
  territory: { ...OPTIONS_FR.territory!, metropole: 'Mainland France', reunion: 'Réunion' },
  residencePermitKind: {
    carte_sejour_temporaire: 'Temporary residence card',
    carte_sejour_pluriannuelle: 'Multi-year residence card',
    carte_resident: 'Resident card',
    visa_long_sejour_valant_titre: 'Long-stay visa serving as permit',
    recepisse: 'Receipt (récépissé)',
    autorisation_provisoire_sejour: 'Temporary authorisation',
  },
  frenchLevel: { ...OPTIONS_FR.frenchLevel!, none: 'None' },
  employmentContract: { none: 'None', cdi: 'Permanent', cdd: 'Fixed-term', interim: 'Temporary agency' },
  familyTiesInFrance: { none: 'None', weak: 'Weak', moderate: 'Real', strong: 'Strong and stable' },
  tiesInCountryOfOrigin: { none: 'None', weak: 'Weak', strong: 'Strong' },
};

export function factLabel(key: FactKey, locale: Locale): string {
  return (locale === 'fr' ? FR : EN)[key];
}

/** The answers of a fact that takes one of a list, in the schema's order. */
export function factOptions(key: FactKey, locale: Locale): Array<{ value: string; label: string }> {
  const table = (locale === 'fr' ? OPTIONS_FR : OPTIONS_EN)[key] ?? {};
  return Object.entries(table).map(([value, label]) => ({ value, label }));
}

/** One answer as the pages say it (`free` → "Libre", `true` → "Oui"). */
export function factValueLabel(key: FactKey, value: unknown, locale: Locale): string {
  if (typeof value === 'boolean') return value ? (locale === 'fr' ? 'Oui' : 'Yes') : locale === 'fr' ? 'Non' : 'No';
  const option = (locale === 'fr' ? OPTIONS_FR : OPTIONS_EN)[key]?.[String(value)];
  return option ?? String(value);
}
