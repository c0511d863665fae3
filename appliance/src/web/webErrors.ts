/**
 * Domain errors as a French (or English) sentence for a page, and field errors for forms. The
 * domain speaks English with stable codes and details; the page translates from those, so a
 * lawyer never reads "plan_limit" or a stack trace.
 */
import { DomainError } from '@iamanager/protocol';
import { fill, type Messages } from './messages.js';
import type { FieldError } from './viewModels.js';

export interface PageError {
  status: number;
  text: string;
  fields: FieldError[];
}

const STATUS: Readonly<Record<string, number>> = { not_found: 404, forbidden: 403, csrf_failed: 403, unauthorized: 401, plan_limit: 403, quota_exceeded: 403, license_expired: 403, rate_limited: 429, already_exists: 409, storage_full: 507 };

/** The sentence for an error thrown by a domain function; `labels` names form fields in the page's language. */
export function describeError(err: unknown, m: Messages, labels: Readonly<Record<string, string>> = {}): PageError {
  if (!(err instanceof DomainError)) throw err;
  const details = (err.details ?? {}) as Record<string, unknown>;
  const status = STATUS[err.code] ?? 400;
  const upgrade = typeof details.upgradePlan === 'string' ? ` ${fill(m.upgradeHint, { plan: details.upgradePlan })}` : '';
  const plan = typeof details.plan === 'string' ? details.plan : planFromMessage(err.message);
  const value = String(details.value ?? details.limit ?? '');
  switch (err.code) {
    case 'plan_limit': {
      const key = details.limit === 'maxCases' ? m.planLimitCases : m.planLimitUsers;
      return { status, text: fill(key, { plan, value }) + upgrade, fields: [] };
    }
    case 'quota_exceeded':
      return { status, text: fill(m.quotaExceeded, { plan, value: String(details.limit ?? details.value ?? '') }) + upgrade, fields: [] };
    case 'license_expired':
    case 'license_invalid':
      return { status, text: m.licenseExpired, fields: [] };
    case 'not_found':
      return { status, text: m.notFound, fields: [] };
    case 'forbidden':
      return { status, text: m.forbidden, fields: [] };
    case 'csrf_failed':
      return { status, text: m.csrfFailed, fields: [] };
    case 'storage_full':
      return { status, text: m.diskFull, fields: [] };
    case 'control_plane_unreachable':
      return { status: 502, text: m.controlPlaneUnreachable, fields: [] };
    case 'enrollment_refused':
      return { status: 422, text: fill(m.enrollmentRefused, { detail: err.message }), fields: [{ field: 'code', message: fill(m.enrollmentRefused, { detail: err.message }) }] };
    default: {
      // "field: message" from zod or a domain check: name the field in the page's language.
      const match = /^([A-Za-z][\w.]*): (.*)$/s.exec(err.message);
      if (match && match[1] && labels[match[1]]) {
        const field = match[1];
        const text = err.code === 'already_exists' ? fill(m.emailTaken, { field: labels[field] ?? field }) : `${labels[field] ?? field} : ${match[2] ?? ''}`;
        return { status, text, fields: [{ field, message: text }] };
      }
      return { status, text: fill(m.genericError, { detail: err.message }), fields: [] };
    }
  }
}

function planFromMessage(message: string): string {
  return /the (\w+) plan/.exec(message)?.[1] ?? '';
}
