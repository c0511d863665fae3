/**
 * Billing errors in French for the dashboard's pages (the API and CLI keep the domain's English
 * sentences). What the vendor can do about each one is in the sentence. Only what the domain
 * knows and no schema can (a month not over, the amount left to credit on an invoice…): a form's
 * refused inputs are said from the API's schema (formIssues.ts) before the domain is called.
 */
import { DomainError } from '@iamanager/protocol';
import { frenchMonth, nextMonth } from '../domain/billing/calendar.js';
import { formatEuros } from '../domain/billing/money.js';
import type { MissingMention } from '../domain/billing/mandatoryMentions.js';
import { fieldLabel, mentionText } from './billingLabels.js';

export function frenchBillingError(err: unknown): string | undefined {
  if (!(err instanceof DomainError)) return undefined;
  const month = typeof err.details?.month === 'string' ? err.details.month : undefined;
  switch (err.code) {
    case 'month_not_over':
      return month
        ? `Le mois de ${frenchMonth(month)} n'est pas terminé : il pourra être clôturé à partir du 1er ${frenchMonth(nextMonth(month))}.`
        : "Ce mois n'est pas terminé.";
    case 'month_already_closed':
      return `${month ? `Le mois de ${frenchMonth(month)}` : 'Ce mois'} est déjà clôturé : une facture émise ne se corrige que par un avoir.`;
    case 'billing_not_configured':
      return "La facturation n'est pas configurée : renseignez VENDOR_NAME, VENDOR_ADDRESS, VENDOR_SIRET et VENDOR_VAT_NUMBER, puis redémarrez la console.";
    case 'clock_behind_last_document':
      return "L'horloge du serveur est antérieure au dernier document émis : la numérotation doit rester chronologique. Corrigez l'heure du système.";
    case 'invoice_fully_credited':
      return 'Cette facture est déjà entièrement annulée par des avoirs.';
    case 'credit_exceeds_invoice':
      return typeof err.details?.owedExclVatCents === 'number'
        ? `Montant : au plus ${formatEuros(err.details.owedExclVatCents)} HT restent à créditer sur cette facture.`
        : 'Montant : plus que ce qui reste à créditer.';
    case 'invalid_billing_record':
      // The domain's sentence names the cabinet, the field and the value: kept as is.
      return `Rien n'a été émis : un document ne pourrait pas être relu. ${err.message}`;
    case 'billing_blocked':
      return `La facturation est suspendue : un fichier de facturation illisible a été mis en quarantaine (voir les alertes). Restaurez-le depuis une sauvegarde, console arrêtée. ${err.message}`;
    case 'held_invoice_decided':
      return 'Cette facture en attente a déjà été validée ou rejetée : la décision est définitive.';
    case 'invoice_mentions_missing': {
      // Which field of which cabinet: from the refusal's details, in French.
      const missing = Array.isArray(err.details?.missing) ? (err.details.missing as MissingMention[]) : [];
      const byCabinet = new Map<string, string[]>();
      for (const m of missing)
        byCabinet.set(m.cabinetId, [...(byCabinet.get(m.cabinetId) ?? []), m.party === 'customer' ? fieldLabel(m.field) : mentionText(m)]);
      const list = [...byCabinet].map(([id, fields]) => `${id} : ${fields.join(', ')}`).join(' ; ');
      return `Rien n'a été émis : des mentions obligatoires manquent sur des factures (art. 242 nonies A annexe II CGI). ${list}. Complétez les fiches des cabinets, puis clôturez à nouveau.`;
    }
    case 'drafts_changed':
      return "Rien n'a été émis : les brouillons ont changé depuis leur affichage (fiche d'un cabinet ou relevé d'usage modifié). Relisez-les ci-dessous, puis confirmez à nouveau.";
    case 'record_quarantined':
      return `Ce mois ne peut pas être lu : son fichier était endommagé et a été mis en quarantaine (voir les alertes).`;
    default:
      return undefined;
  }
}
