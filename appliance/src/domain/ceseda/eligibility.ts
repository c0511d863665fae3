import type { CaseFacts } from './facts.js';

/** A condition of a titre, checked against the facts. */
export interface Condition {
  id: string;
  label: string;
  article: string;
  status: 'met' | 'not_met' | 'unknown';
  /** What would settle it when unknown (or prove it when met). */
  evidence: string;
}

/** Eligibility for one titre (ceseda-pro-v1). */
export interface TitreEligibility {
  titre: string;
  label: string;
  article: string;
  /** The préfet must issue it when the conditions are met ("de plein droit"), or it is discretionary. */
  dePleinDroit: boolean;
  outcome: 'eligible' | 'not_eligible' | 'undetermined';
  conditions: Condition[];
  notes: string[];
}

type Status = Condition['status'];
const LEVELS = ['none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;

function is(value: boolean | undefined, expected = true): Status {
  return value === undefined ? 'unknown' : value === expected ? 'met' : 'not_met';
}
function atLeast(value: number | undefined, min: number): Status {
  return value === undefined ? 'unknown' : value >= min ? 'met' : 'not_met';
}
function levelAtLeast(value: CaseFacts['frenchLevel'], min: (typeof LEVELS)[number]): Status {
  return value === undefined ? 'unknown' : LEVELS.indexOf(value) >= LEVELS.indexOf(min) ? 'met' : 'not_met';
}
function anyMet(...statuses: Status[]): Status {
  if (statuses.includes('met')) return 'met';
  return statuses.includes('unknown') ? 'unknown' : 'not_met';
}
function yearsBetween(from: string | undefined, to: string): number | undefined {
  if (from === undefined) return undefined;
  const a = new Date(`${from}T00:00:00Z`);
  const b = new Date(`${to}T00:00:00Z`);
  let years = b.getUTCFullYear() - a.getUTCFullYear();
  if (b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())) years -= 1;
  return years;
}

/** What a condition's check sees besides the facts (derived once per assessment). */
interface Derived {
  marriageYears: number | undefined;
  transcribed: Status;
  l435Open: boolean;
}

interface ConditionRule {
  id: string;
  label: string;
  article: string;
  evidence: string;
  check: (f: CaseFacts, k: Derived) => Status;
}

function c(id: string, label: string, article: string, check: ConditionRule['check'], evidence: string): ConditionRule {
  return { id, label, article, check, evidence };
}

// Reserves common to every titre: menace à l'ordre public (L. 432-1) and polygamy (L. 432-3).
const RESERVES: ConditionRule[] = [
  c(
    'no_public_order_threat',
    'Pas de menace pour l’ordre public',
    'CESEDA L. 432-1',
    (f) => is(f.publicOrderThreat, false),
    'Bulletin n° 2 du casier judiciaire, fichiers consultés par la préfecture',
  ),
  c(
    'no_polygamy',
    'Pas de situation de polygamie en France',
    'CESEDA L. 432-3',
    (f) => is(f.polygamy, false),
    'Déclaration sur l’honneur, état civil',
  ),
];

// From 1 January 2026, a carte de résident needs French B1 and the civic exam (L. 413-7, décret n° 2025-647).
const RESIDENT_INTEGRATION: ConditionRule[] = [
  c(
    'french_b1',
    'Français niveau B1',
    'CESEDA L. 413-7 (décret n° 2025-647, demandes depuis le 1er janv. 2026)',
    (f) => levelAtLeast(f.frenchLevel, 'B1'),
    'Diplôme ou test de langue certifié B1',
  ),
  c('civic_exam', 'Examen civique réussi', 'CESEDA L. 413-7', (f) => is(f.civicExamPassed), 'Attestation de réussite à l’examen civique'),
];

interface TitreRule {
  titre: string;
  label: string;
  article: string;
  dePleinDroit: boolean;
  conditions: ConditionRule[];
  notes: string[];
}

function titre(
  titreCode: string,
  label: string,
  article: string,
  dePleinDroit: boolean,
  conditions: ConditionRule[],
  notes: string[] = [],
): TitreRule {
  return { titre: titreCode, label, article, dePleinDroit, conditions, notes };
}

const MARRIAGE: ConditionRule[] = [
  c(
    'married_to_french',
    'Marié(e) à un(e) ressortissant(e) français(e)',
    'CESEDA L. 423-1',
    (f) => is(f.marriedToFrenchNational),
    'Acte de mariage, carte d’identité française du conjoint',
  ),
  c(
    'community_of_life',
    'Communauté de vie non rompue depuis le mariage',
    'CESEDA L. 423-1',
    (f) => is(f.communityOfLifeOngoing),
    'Bail commun, factures, attestations',
  ),
  c(
    'spouse_french',
    'Le conjoint a conservé la nationalité française',
    'CESEDA L. 423-1',
    (f) => is(f.spouseStillFrench),
    'Carte d’identité ou certificat de nationalité du conjoint',
  ),
];

// The titres and their conditions, each with its article (rules of RULES_VERSION).
const TITRES: TitreRule[] = [
  titre('conjoint_francais', 'Carte de séjour « vie privée et familiale » — conjoint de Français', 'CESEDA L. 423-1', true, [
    ...MARRIAGE,
    c(
      'marriage_transcribed',
      'Mariage célébré à l’étranger transcrit sur les registres français',
      'CESEDA L. 423-1',
      (_f, k) => k.transcribed,
      'Transcription par le service central d’état civil (Nantes)',
    ),
    c(
      'long_stay_visa',
      'Visa de long séjour',
      'CESEDA L. 412-1',
      (f) => is(f.longStayVisa),
      'Visa de long séjour ; à défaut, voir L. 423-2',
    ),
    ...RESERVES,
  ]),
  titre(
    'conjoint_francais_sans_visa',
    'Conjoint de Français marié en France, entré régulièrement (sans visa de long séjour)',
    'CESEDA L. 423-2',
    true,
    [
      ...MARRIAGE,
      c('married_in_france', 'Mariage célébré en France', 'CESEDA L. 423-2', (f) => is(f.marriedInFrance), 'Acte de mariage français'),
      c('regular_entry', 'Entrée régulière en France', 'CESEDA L. 423-2', (f) => is(f.regularEntry), 'Visa Schengen, tampon d’entrée'),
      c(
        'six_months_cohabitation',
        'Au moins 6 mois de vie commune en France',
        'CESEDA L. 423-2',
        (f) => atLeast(f.monthsOfCohabitationInFrance, 6),
        'Preuves de vie commune datées',
      ),
      ...RESERVES,
    ],
  ),
  titre('parent_enfant_francais', 'Carte de séjour « vie privée et familiale » — parent d’enfant français', 'CESEDA L. 423-7', true, [
    c(
      'parent_of_french_child',
      'Père ou mère d’un enfant français',
      'CESEDA L. 423-7',
      (f) => is(f.parentOfFrenchChild),
      'Acte de naissance établissant la filiation, certificat de nationalité de l’enfant',
    ),
    c('child_minor', 'Enfant mineur', 'CESEDA L. 423-7', (f) => is(f.childIsMinor), 'Acte de naissance'),
    c(
      'child_in_france',
      'Enfant résidant en France',
      'CESEDA L. 423-7',
      (f) => is(f.childResidesInFrance),
      'Certificat de scolarité, attestation CAF',
    ),
    c(
      'contribution',
      'Contribution effective à l’entretien et l’éducation depuis la naissance ou depuis au moins 2 ans',
      'CESEDA L. 423-7; C. civ. 371-2',
      (f) => anyMet(is(f.contributesSinceBirth), atLeast(f.yearsContributingToChild, 2)),
      'Virements, factures, attestations de l’école et de l’autre parent, jugement fixant la pension',
    ),
    ...RESERVES,
  ]),
  titre(
    'liens_personnels_familiaux',
    'Carte de séjour « vie privée et familiale » — liens personnels et familiaux',
    'CESEDA L. 423-23',
    false,
    [
      c(
        'intense_ties',
        'Liens personnels et familiaux en France intenses et stables',
        'CESEDA L. 423-23; CEDH art. 8',
        (f) =>
          f.familyTiesInFrance === undefined
            ? 'unknown'
            : f.familyTiesInFrance === 'strong'
              ? 'met'
              : f.familyTiesInFrance === 'moderate'
                ? 'unknown'
                : 'not_met',
        'Actes d’état civil des proches en France, preuves de vie commune, scolarité des enfants',
      ),
      c(
        'stable_presence',
        'Ancienneté de séjour (indice : 5 ans)',
        'CESEDA L. 423-23',
        (f) =>
          f.yearsOfResidence === undefined ? 'unknown' : f.yearsOfResidence >= 5 ? 'met' : f.yearsOfResidence < 2 ? 'not_met' : 'unknown',
        'Preuves de présence année par année',
      ),
      c(
        'weak_ties_abroad',
        'Attaches limitées dans le pays d’origine',
        'CESEDA L. 423-23',
        (f) => (f.tiesInCountryOfOrigin === undefined ? 'unknown' : f.tiesInCountryOfOrigin === 'strong' ? 'not_met' : 'met'),
        'Actes de décès, attestations sur la famille restée au pays',
      ),
      c(
        'republican_commitment',
        'Contrat d’engagement à respecter les principes de la République',
        'CESEDA L. 412-7',
        (f) => is(f.republicanCommitmentSigned),
        'Contrat signé',
      ),
      ...RESERVES,
    ],
    [
      'Contrôle de proportionnalité (art. 8 CEDH) : le préfet et le juge apprécient ces critères dans leur ensemble ; « remplie » signifie ici que le fait étaye la demande.',
    ],
  ),
  titre('etranger_malade', 'Carte de séjour « vie privée et familiale » — étranger malade', 'CESEDA L. 425-9', true, [
    c(
      'habitual_residence',
      'Résidence habituelle en France',
      'CESEDA L. 425-9',
      (f) => atLeast(f.yearsOfResidence, 1),
      'Preuves de présence (le seuil d’un an relève de la pratique administrative — à vérifier)',
    ),
    c(
      'serious_condition',
      'État de santé nécessitant une prise en charge dont le défaut aurait des conséquences d’une exceptionnelle gravité',
      'CESEDA L. 425-9',
      (f) => is(f.seriousHealthCondition),
      'Certificat médical confidentiel (modèle OFII)',
    ),
    c(
      'no_effective_treatment',
      'Pas d’accès effectif à un traitement approprié dans le pays d’origine',
      'CESEDA L. 425-9',
      (f) => is(f.treatmentUnavailableInCountry),
      'Rapports sur le système de santé du pays, attestations de disponibilité des médicaments',
    ),
    c(
      'ofii_opinion',
      'Avis favorable du collège de médecins de l’OFII',
      'CESEDA L. 425-9; R. 425-11',
      (f) => is(f.ofiiMedicalOpinionFavourable),
      'Avis du collège (communicable sur demande)',
    ),
    c(
      'no_public_order_threat',
      'Pas de menace pour l’ordre public',
      'CESEDA L. 432-1',
      (f) => is(f.publicOrderThreat, false),
      'Bulletin n° 2 du casier judiciaire',
    ),
  ]),
  titre('salarie', 'Carte de séjour « salarié »', 'CESEDA L. 421-1', true, [
    c(
      'cdi',
      'Activité salariée en contrat à durée indéterminée',
      'CESEDA L. 421-1',
      (f) => (f.employmentContract === undefined ? 'unknown' : f.employmentContract === 'cdi' ? 'met' : 'not_met'),
      'Contrat de travail, bulletins de salaire',
    ),
    c(
      'work_authorization',
      'Autorisation de travail',
      'CESEDA L. 421-1; C. trav. L. 5221-2',
      (f) => is(f.workAuthorization),
      'Autorisation de travail délivrée par la plateforme ANEF',
    ),
    c('long_stay_visa', 'Visa de long séjour', 'CESEDA L. 412-1', (f) => is(f.longStayVisa), 'Visa de long séjour'),
    ...RESERVES,
  ]),
  titre('etudiant', 'Carte de séjour « étudiant »', 'CESEDA L. 422-1', true, [
    c(
      'enrolled',
      'Inscription dans un établissement d’enseignement',
      'CESEDA L. 422-1',
      (f) => is(f.enrolledInStudies),
      'Certificat de scolarité ou d’inscription',
    ),
    c(
      'means',
      'Moyens d’existence suffisants',
      'CESEDA L. 422-1',
      (f) => is(f.sufficientMeans),
      'Relevés bancaires, attestation de bourse ou de prise en charge',
    ),
    c('long_stay_visa', 'Visa de long séjour', 'CESEDA L. 412-1', (f) => is(f.longStayVisa), 'Visa de long séjour « étudiant »'),
    ...RESERVES,
  ]),
  titre(
    'metiers_en_tension',
    'Admission exceptionnelle au séjour — métiers en tension',
    'CESEDA L. 435-4',
    false,
    [
      c(
        'in_force',
        'Dispositif expérimental ouvert (jusqu’au 31 déc. 2026)',
        'Loi n° 2024-42 (expérimentation jusqu’au 31 déc. 2026)',
        (_f, k) => (k.l435Open ? 'met' : 'not_met'),
        'Texte en vigueur à la date de la demande',
      ),
      c(
        'three_years_residence',
        'Résidence ininterrompue d’au moins 3 ans',
        'CESEDA L. 435-4',
        (f) => atLeast(f.yearsOfResidence, 3),
        'Preuves de présence continue sur 3 ans',
      ),
      c(
        'twelve_months_shortage',
        'Au moins 12 mois d’activité dans un métier en tension sur les 24 derniers mois',
        'CESEDA L. 435-4',
        (f) => atLeast(f.monthsInShortageOccupationLast24, 12),
        'Bulletins de salaire (au moins mi-temps chaque mois)',
      ),
      c(
        'currently_shortage',
        'Occupe un emploi relevant de la liste des métiers en tension',
        'CESEDA L. 435-4',
        (f) => is(f.shortageOccupation),
        'Contrat en cours, code ROME de l’emploi',
      ),
      c(
        'excluded_experience',
        'Expérience hors statut étudiant, saisonnier ou demandeur d’asile',
        'CESEDA L. 435-4',
        (f) => is(f.workExperienceAsStudentOrAsylumSeeker, false),
        'Titres ou attestations couvrant la période travaillée',
      ),
      c(
        'bulletin2',
        'Aucune condamnation au bulletin n° 2',
        'CESEDA L. 435-4',
        (f) => is(f.bulletin2Clean),
        'Bulletin n° 2 du casier judiciaire',
      ),
      ...RESERVES,
    ],
    ['Délivrance discrétionnaire (« peut être délivrée ») ; conditions tirées de sources secondaires — à vérifier sur le texte.'],
  ),
  titre(
    'aes_vie_privee',
    'Admission exceptionnelle au séjour — vie privée et familiale',
    'CESEDA L. 435-1',
    false,
    [
      c(
        'seven_years_presence',
        'Présence en France (indice de 7 ans, circulaire du 23 janv. 2025)',
        'CESEDA L. 435-1; circulaire NOR INTK2435521J',
        (f) => atLeast(f.yearsOfResidence, 7),
        'Preuves de présence année par année',
      ),
      c(
        'no_unexecuted_oqtf',
        'Pas d’OQTF antérieure non exécutée',
        'Circulaire NOR INTK2435521J',
        (f) => is(f.previousOqtfNotExecuted, false),
        'Historique des décisions préfectorales',
      ),
      c(
        'french_a2',
        'Maîtrise du français (certification)',
        'Circulaire NOR INTK2435521J',
        (f) => levelAtLeast(f.frenchLevel, 'A2'),
        'Diplôme ou test de langue',
      ),
      ...RESERVES,
    ],
    ['Délivrance discrétionnaire ; la circulaire fixe des orientations, non des conditions légales impératives.'],
  ),
  titre('carte_resident_conjoint', 'Carte de résident — conjoint de Français', 'CESEDA L. 423-6', false, [
    c(
      'married_three_years',
      'Marié(e) depuis au moins 3 ans à un(e) Français(e)',
      'CESEDA L. 423-6',
      (f, k) => (f.marriedToFrenchNational === false ? 'not_met' : atLeast(k.marriageYears, 3)),
      'Acte de mariage',
    ),
    c(
      'community_of_life',
      'Communauté de vie non rompue',
      'CESEDA L. 423-6',
      (f) => is(f.communityOfLifeOngoing),
      'Preuves de vie commune',
    ),
    c(
      'spouse_french',
      'Le conjoint a conservé la nationalité française',
      'CESEDA L. 423-6',
      (f) => is(f.spouseStillFrench),
      'Certificat de nationalité du conjoint',
    ),
    ...RESIDENT_INTEGRATION,
    ...RESERVES,
  ]),
  titre('carte_resident_parent', 'Carte de résident — parent d’enfant français', 'CESEDA L. 423-10', false, [
    c(
      'three_years_title',
      'Titulaire depuis au moins 3 ans de la carte « parent d’enfant français »',
      'CESEDA L. 423-10',
      (f) => atLeast(f.yearsHoldingParentTitle, 3),
      'Titres de séjour successifs',
    ),
    ...RESIDENT_INTEGRATION,
    ...RESERVES,
  ]),
  titre('resident_longue_duree_ue', 'Carte de résident de longue durée-UE', 'CESEDA L. 426-17', true, [
    c(
      'five_years_regular',
      'Au moins 5 ans de séjour régulier ininterrompu',
      'CESEDA L. 426-17',
      (f) => atLeast(f.yearsOfRegularResidence, 5),
      'Titres de séjour successifs (certains ne comptent pas, L. 426-18)',
    ),
    c(
      'resources',
      'Ressources stables, régulières et suffisantes (≥ SMIC, hors prestations familiales)',
      'CESEDA L. 426-17',
      (f) => is(f.resourcesAboveSmic),
      'Avis d’imposition, bulletins de salaire sur 5 ans',
    ),
    c('health_insurance', 'Assurance maladie', 'CESEDA L. 426-17', (f) => is(f.healthInsurance), 'Attestation de droits'),
    ...RESIDENT_INTEGRATION,
    ...RESERVES,
  ]),
  titre(
    'regroupement_familial',
    'Regroupement familial (le demandeur)',
    'CESEDA L. 434-2; L. 434-7; L. 434-8',
    true,
    [
      c(
        'eighteen_months',
        'Au moins 18 mois de séjour régulier',
        'CESEDA L. 434-2',
        (f) => atLeast(f.yearsOfRegularResidence, 1.5),
        'Titres de séjour',
      ),
      c(
        'resources',
        'Ressources stables et suffisantes (≥ SMIC)',
        'CESEDA L. 434-7',
        (f) => is(f.resourcesAboveSmic),
        'Bulletins de salaire des 12 derniers mois',
      ),
      c(
        'housing',
        'Logement normal pour une famille comparable dans la région',
        'CESEDA L. 434-7',
        (f) => is(f.adequateHousing),
        'Bail, attestation de surface',
      ),
      ...RESERVES,
    ],
    ['Les conditions durcies par la loi de 2024 (24 mois, langue) ont été censurées (Cons. const. n° 2023-863 DC).'],
  ),
  titre(
    'naturalisation',
    'Naturalisation par décret',
    'C. civ. 21-15 s.',
    false,
    [
      c('adult', 'Majeur', 'C. civ. 21-22', (f) => atLeast(f.age, 18), 'Acte de naissance'),
      c(
        'five_years',
        'Résidence habituelle de 5 ans',
        'C. civ. 21-17 (2 ans dans les cas de 21-18)',
        (f) => atLeast(f.yearsOfRegularResidence ?? f.yearsOfResidence, 5),
        'Titres de séjour et preuves de résidence sur 5 ans',
      ),
      c(
        'french_b2',
        'Français B2 oral et écrit',
        'C. civ. 21-24; décret n° 93-1362 mod. par décret n° 2025-648',
        (f) => levelAtLeast(f.frenchLevel, 'B2'),
        'Diplôme ou test certifié de moins de 2 ans',
      ),
      c('civic_exam', 'Examen civique réussi', 'Décret n° 2025-648', (f) => is(f.civicExamPassed), 'Attestation de réussite'),
      c(
        'no_conviction',
        'Pas de condamnation faisant obstacle',
        'C. civ. 21-23, 21-27',
        (f) => is(f.criminalConviction, false),
        'Bulletin n° 3 du casier judiciaire',
      ),
    ],
    ['Décision d’opportunité : même lorsque toutes les conditions sont remplies, le ministre peut rejeter la demande ou l’ajourner.'],
  ),
];

function derive(f: CaseFacts, today: string): Derived {
  return {
    marriageYears: yearsBetween(f.marriageDate, today),
    transcribed: f.marriedInFrance === true ? 'met' : is(f.marriageTranscribed),
    l435Open: today <= '2026-12-31',
  };
}

function outcomeOf(statuses: Status[]): TitreEligibility['outcome'] {
  if (statuses.includes('not_met')) return 'not_eligible';
  return statuses.every((x) => x === 'met') ? 'eligible' : 'undetermined';
}

/** Eligibility for the common titres, evaluated on `today` (YYYY-MM-DD). */
export function assessEligibility(f: CaseFacts, today: string): TitreEligibility[] {
  const k = derive(f, today);
  return TITRES.map((t) => {
    const conditions: Condition[] = t.conditions.map((r) => ({
      id: r.id,
      label: r.label,
      article: r.article,
      status: r.check(f, k),
      evidence: r.evidence,
    }));
    return {
      titre: t.titre,
      label: t.label,
      article: t.article,
      dePleinDroit: t.dePleinDroit,
      outcome: outcomeOf(conditions.map((x) => x.status)),
      conditions,
      notes: t.notes,
    };
  });
}

const PLEIN_DROIT = TITRES.filter((t) => t.dePleinDroit);

/**
 * Whether some titre "de plein droit" is met (1), defeated everywhere (0) or open (null): the same
 * answer as assessEligibility, without building the conditions (fast path for many past cases).
 */
export function entitlementDePleinDroit(f: CaseFacts, today: string): 0 | 1 | null {
  const k = derive(f, today);
  let open = false;
  for (const t of PLEIN_DROIT) {
    let outcome: TitreEligibility['outcome'] = 'eligible';
    for (const r of t.conditions) {
      const status = r.check(f, k);
      if (status === 'not_met') {
        outcome = 'not_eligible';
        break;
      }
      if (status === 'unknown') outcome = 'undetermined';
    }
    if (outcome === 'eligible') return 1;
    if (outcome === 'undetermined') open = true;
  }
  return open ? null : 0;
}
