/**
 * The heartbeat fields' purposes in French, keyed by the core's field list (heartbeat/telemetryFields.ts),
 * which stays the one source of which fields leave: a field missing here is shown with its English
 * purpose, never hidden, and a unit test fails until it is translated.
 */
import { TELEMETRY_FIELDS, TELEMETRY_RETENTION } from '../domain/heartbeat/telemetryFields.js';
import type { Locale } from './messages.js';
import type { TelemetryFieldView } from './viewModels.js';

export const TELEMETRY_PURPOSES_FR: Readonly<Record<string, string>> = {
  'v, iss, sub, seq, iat, month':
    'version du protocole, identifiant de l’appareil et du cabinet, numéro d’ordre, heure et mois de facturation : qui envoie, dans quel ordre',
  'usage.analysesUsed, usage.analysesOverage': 'analyses CESEDA lancées ce mois-ci et celles au-delà du quota (facturées en dépassement)',
  'usage.usersActive, usage.casesOpen': 'comparés aux limites de la formule',
  'usage.storageBytes': 'taille du dossier de données, pour anticiper la capacité',
  'health.version, health.uptimeSeconds': 'version en service et depuis quand (mises à jour, assistance)',
  'health.cpuLoad, health.memoryUsedRatio, health.diskFreeBytes, health.diskFreeRatio': 'alerte avant que l’appareil manque de ressources',
  'health.lastBackupAt': 'alerte quand les sauvegardes s’arrêtent',
  'health.licenseExpiresAt, health.errors24h': 'alerte avant l’expiration de la licence, et quand les erreurs augmentent',
  'health.lastOffsiteBackupAt':
    'alerte quand aucune copie des données n’est gardée hors site (la date de la dernière copie envoyée à une cible hors site)',
  'licenseId': 'quelle licence l’appareil utilise : l’éditeur voit une licence qu’il n’a pas émise',
  'audit.head, audit.length':
    'la dernière empreinte du journal d’audit et son nombre d’entrées, jamais son contenu : l’éditeur les garde pour qu’un journal réécrit ou raccourci soit détecté',
};

const RETENTION_FR =
  'Conservé par l’éditeur comme preuve de facturation (10 ans, règles comptables françaises) et pour la santé du parc (30 jours de détail). Jamais : noms, contenu des dossiers, noms de pièces ni aucun texte libre.';

export function telemetryFields(locale: Locale): TelemetryFieldView[] {
  return TELEMETRY_FIELDS.map((f) => ({
    field: f.field,
    purpose: locale === 'fr' ? (TELEMETRY_PURPOSES_FR[f.field] ?? f.purpose) : f.purpose,
  }));
}

export function telemetryRetention(locale: Locale): string {
  return locale === 'fr' ? RETENTION_FR : TELEMETRY_RETENTION;
}
