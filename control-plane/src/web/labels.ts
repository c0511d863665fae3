/** French names for the codes the domain speaks in (roles, statuses, reasons), in one place. */
import type { FleetThresholds } from '../config.js';
import type { FleetStatus, StatusReason } from '../domain/fleetStatus.js';
import type { AdminRole, CabinetStatus } from '../storage/records.js';
import { frenchDate, frenchPercent } from './format.js';

export const ROLE_LABELS: Readonly<Record<AdminRole, string>> = { admin: 'administrateur', billing: 'facturation', support: 'support' };

export const CABINET_STATUS_LABELS: Readonly<Record<CabinetStatus, string>> = {
  active: 'actif',
  suspended: 'suspendu',
  cancelled: 'résilié',
};

export const STATUS_LABELS: Readonly<Record<FleetStatus, string>> = {
  healthy: 'Sain',
  pending: 'En attente du premier signal',
  warning: 'Avertissement',
  critical: 'Critique',
  stale: 'Sans nouvelles',
  offline: 'Hors ligne',
};

export const REASON_CODE_LABELS: Readonly<Record<StatusReason['code'], string>> = {
  offline: 'hors ligne',
  stale: 'sans nouvelles',
  pending: 'en attente du premier signal',
  disk_critical: 'disque presque plein',
  disk_low: 'disque bas',
  errors_rising: 'erreurs en hausse',
  license_expired: 'licence expirée',
  license_expiring: 'licence bientôt expirée',
  backup_old: 'sauvegarde ancienne',
  backup_never: 'aucune sauvegarde',
  version_behind: 'version en retard',
  license_mismatch: 'licence non conforme',
  audit_rewound: "journal d'audit revenu en arrière",
  offsite_old: 'copie hors site ancienne',
  offsite_never: 'aucune copie hors site',
};

/** What a license mismatch is, by its kind (domain/licenseConformity.ts). */
const MISMATCH_TEXT: Readonly<Record<string, string>> = {
  unknown_license: "l'appliance utilise une licence que la plateforme ne lui a jamais émise (fabriquée sur la machine)",
  older_license: "l'appliance garde une licence plus ancienne et refuse la dernière émise",
  usage_above_limits: "l'usage déclaré dépasse les limites de la licence émise",
};

/** A threshold in whole days when it is one (72 → « 3 jours »), in hours otherwise. */
function hoursOrDays(hours: number): string {
  if (hours % 24 !== 0) return `${hours} h`;
  return hours === 24 ? '1 jour' : `${hours / 24} jours`;
}

/** One reason as a sentence, with its figure and the threshold it crossed. */
export function reasonText(r: Pick<StatusReason, 'code' | 'value'>, t: FleetThresholds, latestVersion: string | null): string {
  const value = r.value;
  const date = typeof value === 'string' ? frenchDate(value) : '—';
  const ratio = typeof value === 'number' ? frenchPercent(value) : '';
  switch (r.code) {
    case 'offline':
      return `Aucun signal depuis ${value === null ? "l'enrôlement" : date} (plus de ${t.offlineHours} h)`;
    case 'stale':
      return `Aucun signal depuis ${value === null ? "l'enrôlement" : date} (plus de ${t.staleIntervals} intervalles)`;
    case 'pending':
      return `Enrôlé, aucun signal reçu pour l'instant (sans nouvelles après ${t.staleIntervals} intervalles)`;
    case 'disk_critical':
      return `Disque libre ${ratio} (seuil critique ${frenchPercent(t.diskCriticalRatio)})`;
    case 'disk_low':
      return `Disque libre ${ratio} (seuil ${frenchPercent(t.diskWarningRatio)})`;
    case 'errors_rising':
      return `Erreurs en hausse : ${String(value)} sur 24 h`;
    case 'license_expired':
      return `Licence expirée le ${date}`;
    case 'license_expiring':
      return `Licence expirant le ${date} (moins de ${t.licenseWarningDays} jours)`;
    case 'backup_old':
      return `Dernière sauvegarde le ${date} (plus de ${t.backupMaxAgeHours} h)`;
    case 'backup_never':
      return `Aucune sauvegarde signalée depuis l'enrôlement (plus de ${t.backupMaxAgeHours} h)`;
    case 'version_behind':
      return `Version ${String(value)}, la dernière est ${latestVersion ?? '—'}`;
    case 'license_mismatch':
      return `Licence non conforme : ${MISMATCH_TEXT[String(value)] ?? String(value)}`;
    case 'audit_rewound':
      return `Journal d'audit revenu en arrière (${String(value)} entrées) : fin supprimée ou réécrite, ou sauvegarde restaurée`;
    case 'offsite_old':
      return `Dernière copie hors site le ${date} (plus de ${hoursOrDays(t.offsiteMaxAgeHours)})`;
    case 'offsite_never':
      return `Aucune copie hors site alors que les sauvegardes tournent (plus de ${hoursOrDays(t.offsiteMaxAgeHours)} après l'enrôlement)`;
  }
}

/** What an alert changed: the reasons that appeared and those that cleared. */
export function changeText(raised: readonly string[], cleared: readonly string[]): string {
  const names = (codes: readonly string[]) => codes.map((c) => REASON_CODE_LABELS[c as StatusReason['code']] ?? c).join(', ');
  const parts = [raised.length ? `apparu : ${names(raised)}` : '', cleared.length ? `résolu : ${names(cleared)}` : ''].filter(Boolean);
  return parts.join(' ; ') || 'premier relevé';
}
