/**
 * The audit log page's filters (`/admin/journal`, a GET form): read from the query string and
 * checked, each refusal naming its field. Dates are Paris civil days, as the lawyers read them:
 * « du » from its midnight, « au » up to the end of that day.
 */
import { DateTime } from 'luxon';
import type { ParsedUrlQuery } from 'node:querystring';
import { fill } from './messages.js';
import type { AdminTexts } from './adminMessages.js';
import { auditActions } from './actionLabels.js';
import type { FieldError } from './viewModels.js';

const PARIS = 'Europe/Paris';

export interface AuditFilterValues {
  utilisateur: string;
  action: string;
  dossier: string;
  du: string;
  au: string;
}

export interface AuditFilters {
  values: AuditFilterValues;
  errors: FieldError[];
  /** ISO instants: from (inclusive), to (exclusive). */
  from?: string;
  to?: string;
  page: number;
}

const one = (q: ParsedUrlQuery, name: string, max: number): string => {
  const v = q[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim().slice(0, max);
};

/** A civil date typed as AAAA-MM-JJ (the date picker's) or JJ/MM/AAAA, or null when it is neither. */
export function parseCivilDate(text: string): DateTime | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : fr ? [fr[3], fr[2], fr[1]] : [];
  if (!y || !m || !d) return null;
  const date = DateTime.fromObject({ year: Number(y), month: Number(m), day: Number(d) }, { zone: PARIS });
  return date.isValid ? date.startOf('day') : null;
}

export function readAuditFilters(query: ParsedUrlQuery, t: AdminTexts): AuditFilters {
  const values: AuditFilterValues = {
    utilisateur: one(query, 'utilisateur', 254),
    action: one(query, 'action', 64),
    dossier: one(query, 'dossier', 100),
    du: one(query, 'du', 10),
    au: one(query, 'au', 10),
  };
  const errors: FieldError[] = [];
  const from = values.du ? parseCivilDate(values.du) : undefined;
  const to = values.au ? parseCivilDate(values.au) : undefined;
  if (from === null) errors.push({ field: 'du', message: fill(t.invalidDate, { field: t.filterFrom }) });
  if (to === null) errors.push({ field: 'au', message: fill(t.invalidDate, { field: t.filterTo }) });
  if (from && to && to < from) errors.push({ field: 'au', message: t.datesReversed });
  if (values.action && !auditActions().includes(values.action)) errors.push({ field: 'action', message: t.unknownAction });
  const page = Number.parseInt(one(query, 'page', 6), 10);
  return {
    values,
    errors,
    ...(from ? { from: from.toUTC().toISO()! } : {}),
    ...(to ? { to: to.plus({ days: 1 }).toUTC().toISO()! } : {}),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}
