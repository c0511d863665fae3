/** Fleet entries as the dashboard shows them: French reasons, usage against limits. */
import { compareVersions } from '@iamanager/protocol';
import type { FleetThresholds } from '../config.js';
import type { FleetEntry } from '../domain/fleet.js';
import { reasonText } from './labels.js';
import type { FleetRow, UsageFigure } from './pages/fleet.js';

export function usageFigures(e: Pick<FleetEntry, 'usage' | 'limits'>): UsageFigure[] {
  return [
    { label: 'Utilisateurs', used: e.usage?.usersActive ?? 0, limit: e.limits?.maxUsers ?? null },
    { label: 'Dossiers', used: e.usage?.casesOpen ?? 0, limit: e.limits?.maxCases ?? null },
    { label: 'Analyses du mois', used: e.usage?.analysesUsed ?? 0, limit: e.limits?.maxAnalysesMonthly ?? null },
  ];
}

const LIMIT_NAMES = { maxUsers: 'Utilisateurs', maxCases: 'Dossiers', maxAnalysesMonthly: 'Analyses du mois' } as const;

/** The limits behind a commercial flag, e.g. "Utilisateurs 10/10 (100 %)". */
export function limitDetails(e: Pick<FleetEntry, 'commercial'>): string[] {
  return e.commercial.limits
    .filter((l) => l.flag !== 'ok')
    .map((l) => `${LIMIT_NAMES[l.limit]} ${l.used}/${l.max} (${Math.floor(l.ratio * 100)} %)`);
}

export function fleetRow(e: FleetEntry, thresholds: FleetThresholds, latestVersion: string | null): FleetRow {
  return {
    applianceId: e.applianceId,
    cabinetId: e.cabinetId,
    cabinetName: e.cabinetName,
    instanceName: e.instanceName,
    plan: e.plan,
    status: e.status,
    reasons: e.reasons.map((r) => reasonText(r, thresholds, latestVersion)),
    version: e.version,
    versionBehind: latestVersion !== null && compareVersions(e.version, latestVersion) < 0,
    lastHeartbeatAt: e.lastHeartbeatAt,
    usage: usageFigures(e),
    limitFlag: e.commercial.flag,
    limitDetails: limitDetails(e),
  };
}
