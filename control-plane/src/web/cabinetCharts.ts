/**
 * The cabinet page's charts from an appliance's history rings: usage as a share of each limit
 * (so users, cases and analyses share one scale, with the limit as a line), and resources as
 * ratios — over the last 24 hours and the last 30 days.
 */
import type { PlanLimits } from '@iamanager/protocol';
import type { HistoryPoint } from '../domain/applianceHistory.js';
import { frenchPercent } from './format.js';
import type { LineChartProps } from './svgChart.js';

const hourLabel = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
const dayLabel = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit' });

const share = (used: number | null, limit: number) => (used === null || limit <= 0 ? null : used / limit);

function usageChart(
  id: string,
  title: string,
  points: readonly HistoryPoint[],
  limits: PlanLimits,
  label: (p: HistoryPoint) => string,
): LineChartProps {
  const series = [
    { label: 'Utilisateurs', values: points.map((p) => share(p.usersActive, limits.maxUsers)) },
    { label: 'Dossiers', values: points.map((p) => share(p.casesOpen, limits.maxCases)) },
    { label: 'Analyses du mois', values: points.map((p) => share(p.analysesUsed, limits.maxAnalysesMonthly)) },
  ];
  const highest = Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  return {
    id,
    title,
    labels: points.map(label),
    series,
    max: Math.ceil(highest * 4) / 4,
    reference: { value: 1, label: 'limite' },
    format: frenchPercent,
  };
}

function resourceChart(id: string, title: string, points: readonly HistoryPoint[], label: (p: HistoryPoint) => string): LineChartProps {
  return {
    id,
    title,
    labels: points.map(label),
    series: [
      { label: 'Processeur (moyenne)', values: points.map((p) => p.cpuLoad) },
      { label: 'Mémoire (moyenne)', values: points.map((p) => p.memoryUsedRatio) },
      { label: 'Disque libre (minimum)', values: points.map((p) => p.diskFreeRatio) },
    ],
    max: 1,
    format: frenchPercent,
  };
}

export function cabinetCharts(history: { hourly: HistoryPoint[]; daily: HistoryPoint[] }, limits: PlanLimits): LineChartProps[] {
  const hour = (p: HistoryPoint) => hourLabel.format(new Date(p.start));
  const day = (p: HistoryPoint) => dayLabel.format(new Date(p.start));
  return [
    usageChart('usage-24h', 'Usage par rapport aux limites — 24 dernières heures', history.hourly, limits, hour),
    usageChart('usage-30j', 'Usage par rapport aux limites — 30 derniers jours', history.daily, limits, day),
    resourceChart('ressources-24h', 'Ressources — 24 dernières heures', history.hourly, hour),
    resourceChart('ressources-30j', 'Ressources — 30 derniers jours', history.daily, day),
  ];
}
