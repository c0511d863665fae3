/**
 * The billing drafts' warnings and missing mentions in French, for the dashboard's pages (the API
 * and CLI keep the domain's English sentences): the page says which field of which cabinet to fill.
 */
import type { MentionField, MissingMention } from '../domain/billing/mandatoryMentions.js';

const CUSTOMER_FIELD_LABELS: Record<MentionField, string> = {
  name: 'nom',
  address: 'adresse',
  siret: 'SIRET (il porte le SIREN)',
  vatNumber: 'numéro de TVA intracommunautaire',
  paymentTerms: 'délai de paiement',
};

/** "adresse du client manquante": each field with its own agreement. */
const CUSTOMER_MISSING: Record<MentionField, string> = {
  name: 'nom du client manquant',
  address: 'adresse du client manquante',
  siret: 'SIRET du client manquant (il porte son SIREN)',
  vatNumber: 'numéro de TVA intracommunautaire du client manquant',
  paymentTerms: 'délai de paiement manquant',
};

const VENDOR_VARIABLES: Record<MentionField, string> = {
  name: 'VENDOR_NAME',
  address: 'VENDOR_ADDRESS',
  siret: 'VENDOR_SIRET',
  vatNumber: 'VENDOR_VAT_NUMBER',
  paymentTerms: 'PAYMENT_TERMS_DAYS',
};

/** "adresse du client manquante — art. …" for the customer; the vendor's variable to set for the vendor. */
export function mentionText(m: Pick<MissingMention, 'party' | 'field' | 'article'>): string {
  return m.party === 'customer'
    ? `${CUSTOMER_MISSING[m.field]} — ${m.article}`
    : `mention du vendeur manquante : renseignez ${VENDOR_VARIABLES[m.field]} puis redémarrez la console — ${m.article}`;
}

export function fieldLabel(field: MentionField): string {
  return CUSTOMER_FIELD_LABELS[field];
}

/** A draft's or a closed month's warning, by its stable code. */
export function warningText(w: { code: string; message: string }): string {
  switch (w.code) {
    case 'no_usage_report':
      return "aucun relevé d'usage signé reçu pour ce mois : un éventuel dépassement d'analyses n'est pas facturé.";
    case 'overage_not_allowed':
      return "des analyses au-delà du quota ont été relevées, mais aucune formule du mois n'autorise le dépassement : elles ne sont pas facturées.";
    case 'customer_incomplete':
      return 'la fiche du client était incomplète à la clôture (adresse ou SIRET) : la facture a été émise sans ces mentions.';
    default:
      return w.message;
  }
}
