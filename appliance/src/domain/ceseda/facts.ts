import { z } from 'zod';

/**
 * The structured facts of a case (`case.facts`), as the CESEDA analysis reads them. Every field is
 * optional: an unknown fact makes a condition "unknown", never "not met". Dates are YYYY-MM-DD.
 */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const years = z.number().min(0).max(120);
const level = z.enum(['none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2']);

/** Where the decision applies: the overseas territories keep derogations (time limits, suspensive effect, holidays). */
export const TERRITORIES = [
  'metropole',
  'guadeloupe',
  'martinique',
  'guyane',
  'reunion',
  'mayotte',
  'saint_martin',
  'saint_barthelemy',
  'saint_pierre_et_miquelon',
] as const;
export type Territory = (typeof TERRITORIES)[number];

/** How the decision reached the person (the day it counts from depends on it: CE 24 avril 2012 n° 341146). */
export const NOTIFICATION_MODES = ['in_person', 'registered_letter', 'administrative'] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];

/** The client's current residence document, for the renewal window (CESEDA R. 431-5). */
export const RESIDENCE_PERMIT_KINDS = [
  'carte_sejour_temporaire',
  'carte_sejour_pluriannuelle',
  'carte_resident',
  'visa_long_sejour_valant_titre',
  'recepisse',
  'autorisation_provisoire_sejour',
] as const;
export type ResidencePermitKind = (typeof RESIDENCE_PERMIT_KINDS)[number];

export const caseFactsSchema = z
  .object({
    /** Measure the person is under when the remedy is filed (chooses L. 911-1 / L. 921-1 / L. 921-2). */
    libertyStatus: z.enum(['free', 'assignation_residence', 'detention', 'retention']),
    /** Court named in the decision's "voies et délais" (e.g. "TA de Strasbourg"). */
    competentCourt: z.string().max(200),
    visaType: z.enum(['court_sejour', 'long_sejour']),

    // The facts that set the deadline, asked first when a case is created.
    /** The day the decision was taken (signed): loi n° 2024-42 art. 86 IV applies the 2024 time limits by this date. */
    decisionTakenOn: date,
    notificationMode: z.enum(NOTIFICATION_MODES),
    /** Registered letter: day of first presentation (avis de passage). */
    letterFirstPresentedOn: date,
    /** Registered letter: day it was collected at the post office (absent when unknown). */
    letterCollectedOn: date,
    /** Registered letter: returned uncollected ("pli non réclamé"). */
    letterNeverCollected: z.boolean(),
    territory: z.enum(TERRITORIES),
    /** A refusal of a residence permit that came with an OQTF: the OQTF's time limits govern (L. 911-1). */
    oqtfAccompanies: z.boolean(),
    residencePermitKind: z.enum(RESIDENCE_PERMIT_KINDS),
    residencePermitExpiresOn: date,
    /** The title to renew is requested on the téléservice (list of R. 431-2, annexe 9): the 120th–60th-day window of R. 431-5 1°. */
    residencePermitRenewalOnline: z.boolean(),

    yearsOfResidence: years,
    yearsOfRegularResidence: years,
    age: z.number().int().min(0).max(120),
    regularEntry: z.boolean(),
    longStayVisa: z.boolean(),
    frenchLevel: level,
    civicExamPassed: z.boolean(),
    republicanCommitmentSigned: z.boolean(),
    resourcesAboveSmic: z.boolean(),
    healthInsurance: z.boolean(),
    adequateHousing: z.boolean(),
    /** Years the person has held a carte de séjour temporaire "parent d'enfant français" (L. 423-10). */
    yearsHoldingParentTitle: years,

    marriedToFrenchNational: z.boolean(),
    marriageDate: date,
    marriedInFrance: z.boolean(),
    marriageTranscribed: z.boolean(),
    communityOfLifeOngoing: z.boolean(),
    spouseStillFrench: z.boolean(),
    monthsOfCohabitationInFrance: z.number().min(0).max(1200),

    parentOfFrenchChild: z.boolean(),
    childIsMinor: z.boolean(),
    childResidesInFrance: z.boolean(),
    /** Years the parent has effectively contributed to the child's upkeep and education (C. civ. 371-2). */
    yearsContributingToChild: years,
    contributesSinceBirth: z.boolean(),

    employmentContract: z.enum(['none', 'cdi', 'cdd', 'interim']),
    workAuthorization: z.boolean(),
    shortageOccupation: z.boolean(),
    monthsInShortageOccupationLast24: z.number().int().min(0).max(24),
    workExperienceAsStudentOrAsylumSeeker: z.boolean(),

    enrolledInStudies: z.boolean(),
    sufficientMeans: z.boolean(),

    seriousHealthCondition: z.boolean(),
    treatmentUnavailableInCountry: z.boolean(),
    ofiiMedicalOpinionFavourable: z.boolean(),

    familyTiesInFrance: z.enum(['none', 'weak', 'moderate', 'strong']),
    childrenInFrance: z.number().int().min(0).max(30),
    tiesInCountryOfOrigin: z.enum(['none', 'weak', 'strong']),

    publicOrderThreat: z.boolean(),
    bulletin2Clean: z.boolean(),
    criminalConviction: z.boolean(),
    polygamy: z.boolean(),
    previousOqtfNotExecuted: z.boolean(),

    /** Defects the lawyer has identified in the decision (reasoning, procedure, competence). */
    proceduralDefectIdentified: z.boolean(),
    /** A request for asylum is pending or protection was granted. */
    asylumProtectionGranted: z.boolean(),
  })
  .partial();

/** What a case stores as `facts`. */
export type CaseFacts = z.infer<typeof caseFactsSchema>;

/** The same, refusing unknown fields: what a case accepts on create and update (a typo is named, and
 * nothing outside the schema — a judge's name, say — is ever stored; CJA art. L. 10). */
export const caseFactsInputSchema = caseFactsSchema.strict();
