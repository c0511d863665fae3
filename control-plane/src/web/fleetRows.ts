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
  };
}
