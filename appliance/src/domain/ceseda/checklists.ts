import type { ProcedureCode } from './procedures.js';

/** Documents to gather for a procedure (ceseda-basic-v1). */
const IDENTITY = ['Passeport ou document d’identité', 'Justificatif de domicile ou de la structure d’hébergement'];
const DECISION = [
  'La décision contestée avec sa preuve de notification (date et heure, enveloppe ou procès-verbal)',
  'Toutes les décisions notifiées en même temps (refus de séjour, délai de départ, pays de renvoi, IRTF, assignation)',
];
const LEGAL_AID = ['Demande d’aide juridictionnelle et justificatifs de ressources (si éligible)'];
const PRESENCE = [
  'Preuves de présence en France année par année (avis d’imposition, bulletins de salaire, attestations médicales, scolarité)',
];
const FAMILY = [
  'Actes d’état civil (mariage, naissance des enfants), livret de famille',
  'Preuves de vie commune et de contribution à l’entretien des enfants',
];
const INTEGRATION = [
  'Contrat de travail, bulletins de salaire, promesse d’embauche',
  'Diplômes, attestations de niveau de langue (A2/B1/B2), résultat de l’examen civique',
];
const HEALTH = ['Certificats médicaux (sous pli confidentiel, pour le collège de médecins de l’OFII)'];
const REMOVAL = ['Preuves des risques en cas de retour (article 3 CEDH)', 'Titre ou récépissé antérieurs, passeport pour l’éloignement'];

const CHECKLISTS: Record<ProcedureCode, readonly string[]> = {
  oqtf: [...DECISION, ...IDENTITY, ...PRESENCE, ...FAMILY, ...INTEGRATION, ...REMOVAL, ...LEGAL_AID],
  oqtf_assignation_residence: [
    ...DECISION,
    'Arrêté d’assignation à résidence et calendrier de pointage',
    ...IDENTITY,
    ...FAMILY,
    ...REMOVAL,
    ...LEGAL_AID,
  ],
  oqtf_detention: [...DECISION, 'Situation pénale (jugement, date de levée d’écrou)', ...FAMILY, ...REMOVAL, ...LEGAL_AID],
  oqtf_retention: [...DECISION, 'Arrêté de placement en rétention et procès-verbaux d’interpellation', ...FAMILY, ...REMOVAL, ...HEALTH],
  irtf: [...DECISION, 'L’OQTF que l’IRTF accompagne', ...PRESENCE, ...FAMILY],
  refus_titre_sejour: [
    ...DECISION,
    'Le dossier de demande de titre et le récépissé de dépôt',
    ...IDENTITY,
    ...PRESENCE,
    ...FAMILY,
    ...INTEGRATION,
    ...HEALTH,
  ],
  refus_renouvellement_titre: [
    ...DECISION,
    'Le titre de séjour expiré et les récépissés',
    ...IDENTITY,
    ...PRESENCE,
    ...FAMILY,
    ...INTEGRATION,
  ],
  retrait_titre_sejour: [
    ...DECISION,
    'Le titre retiré et la procédure contradictoire préalable (lettre, observations)',
    ...IDENTITY,
    ...FAMILY,
    ...INTEGRATION,
  ],
  refus_visa: [
    ...DECISION,
    'La demande de visa et ses pièces (formulaire, réservation, ressources, assurance)',
    'Attestation d’accueil ou justificatifs de l’objet du séjour',
    'Preuve d’envoi du RAPO (recommandé avec accusé de réception)',
  ],
  asile_rejet_ofpra: [
    'La décision de l’OFPRA et la preuve de notification (date de consultation de l’espace en ligne)',
    'Le compte rendu de l’entretien OFPRA',
    'Récit et pièces établissant les craintes (traduits en français)',
    ...LEGAL_AID,
  ],
  transfert_dublin: [
    ...DECISION,
    'Relevé Eurodac / accord de l’État requis',
    'Preuves de liens familiaux en France et de vulnérabilité',
    ...LEGAL_AID,
  ],
  retention_placement: [
    'Arrêté de placement en rétention (date et heure de notification)',
    'Procès-verbaux d’interpellation, de garde à vue ou de retenue',
    'Garanties de représentation (passeport, domicile stable)',
    ...HEALTH,
  ],
  assignation_residence: [
    'Arrêté d’assignation à résidence (date et heure de notification)',
    'La mesure d’éloignement qui la fonde',
    'Contraintes familiales, professionnelles ou médicales pour le pointage',
  ],
  naturalisation_refus: [
    'La décision préfectorale et le dossier de naturalisation',
    'Justificatifs de résidence sur 5 ans, d’insertion professionnelle et de ressources',
    'Diplôme ou test de langue B2, résultat de l’examen civique',
    'Bulletin n° 3 du casier judiciaire, avis d’imposition',
  ],
  regroupement_familial_refus: [
    ...DECISION,
    'Justificatifs de ressources sur 12 mois et de logement (bail, surface)',
    'Titre de séjour du demandeur, actes d’état civil des bénéficiaires',
  ],
  demande_titre_sejour: [
    ...IDENTITY,
    ...PRESENCE,
    ...FAMILY,
    ...INTEGRATION,
    ...HEALTH,
    'Visa de long séjour ou preuve d’entrée régulière',
    'Contrat d’engagement à respecter les principes de la République (signé)',
  ],
  expulsion: [
    ...DECISION,
    'Avis de la commission d’expulsion',
    ...PRESENCE,
    ...FAMILY,
    'Éléments sur la réinsertion (situation pénale, expertises)',
  ],
  refus_entree_asile: [
    'La décision de refus d’entrée (date et heure de notification)',
    'Compte rendu de l’entretien OFPRA en zone d’attente',
    'Récit et pièces établissant les craintes',
  ],
  cnda_rejet: ['La décision de la CNDA et sa preuve de notification', 'Le dossier devant la CNDA', 'Coordonnées d’un avocat aux Conseils'],
};

/** The documents to gather for a procedure. */
export function documentChecklist(procedure: ProcedureCode): readonly string[] {
  return CHECKLISTS[procedure];
}
