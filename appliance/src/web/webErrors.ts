/**
 * Domain errors as a sentence in the page's language, and field errors for forms. The domain (and
 * the JSON API, read by scripts) speaks English with stable codes and details; a page translates
 * from the code, the field and the situation, never from the English text, so a lawyer never reads
 * "plan_limit", an English message or a stack trace. An error this file does not know shows its
 * stable code, for support.
 */
import { DomainError, ValidationError } from '@iamanager/protocol';
import { COMMON_STATUS } from '@iamanager/kernel/http';
import { APPLIANCE_STATUS } from '../errorStatus.js';
import { CATALOGUES, fill, type Messages } from './messages.js';
import { planLabel } from './planLabels.js';
import type { FieldError } from './viewModels.js';

export interface PageError {
  status: number;
  text: string;
  fields: FieldError[];
}

/**
 * Refusals for a plan's limit: forms let them through to `pageErrors`, and they end on the page
 * that says who to ask, what the plans above cost and when the quota resets (pages/plan.tsx).
 */
export function isLimitRefusal(err: unknown): boolean {
  return err instanceof DomainError && (err.code === 'plan_limit' || err.code === 'quota_exceeded');
}

/** Where the error happened, when the same code means something particular there. */
type ErrorSituation = 'upload' | 'licenseImport';

const STATUS: Readonly<Record<string, number>> = { ...COMMON_STATUS, ...APPLIANCE_STATUS };

/**
 * What a field accepts, for a value the domain refused by a check of its own (not a schema: the
 * forms parse with the API's schemas first, see formIssues.ts): the enrollment code and address.
 */
function fieldHint(m: Messages, path: string, label: string): string {
  switch (path) {
    case 'code':
      return fill(m.enrollmentCodeFormat, { field: label });
    case 'controlPlaneUrl':
      return fill(m.controlPlaneUrlMissing, { field: label });
    default:
      return fill(m.invalidValue, { field: label });
  }
}

/** The "field: problem" lines of a refused input (a ValidationError's issues, or one domain check). */
function fieldIssues(err: DomainError): Array<{ path: string; problem: string }> {
  const lines = err instanceof ValidationError ? err.issues : [err.message];
  const out: Array<{ path: string; problem: string }> = [];
  for (const line of lines) {
    const match = /^([A-Za-z][\w.]*): (.*)$/s.exec(line);
    if (match) out.push({ path: match[1]!, problem: match[2]! });
  }
  return out;
}

/** Sentences for the codes a page can meet, whatever the form. */
function sentenceFor(err: DomainError, m: Messages, details: Record<string, unknown>): string | null {
  // The plan's name in the page's language (the error carries its id).
  const locale = m === CATALOGUES.en ? 'en' : 'fr';
  const plan = planLabel(typeof details.plan === 'string' ? details.plan : planFromMessage(err.message), locale);
  const upgrade =
    typeof details.upgradePlan === 'string' ? ` ${fill(m.upgradeHint, { plan: planLabel(details.upgradePlan, locale) })}` : '';
  switch (err.code) {
    case 'plan_limit':
      return (
        fill(details.limit === 'maxCases' ? m.planLimitCases : m.planLimitUsers, {
          plan,
          value: String(details.value ?? details.limit ?? ''),
        }) + upgrade
      );
    case 'quota_exceeded':
      return fill(m.quotaExceeded, { plan, value: String(details.limit ?? details.value ?? '') }) + upgrade;
    case 'license_expired':
      return m.licenseExpired;
    case 'license_invalid':
      return m.licenseInvalid;
    case 'license_not_yet_valid':
      return m.licenseNotYetValid;
    case 'not_enrolled':
      return m.notEnrolled;
    case 'already_enrolled':
      return m.alreadyEnrolled;
    case 'feature_not_in_plan':
      return m.featureNotInPlan;
    case 'model_not_licensed':
      return m.modelNotLicensed;
    case 'not_found':
      return m.notFound;
    case 'forbidden':
      return m.forbidden;
    case 'setup_locked':
      return m.setupLocked;
    case 'csrf_failed':
      return m.csrfFailed;
    case 'unauthorized':
      return m.sessionExpired;
    case 'rate_limited':
      return m.rateLimited;
    case 'login_busy':
      return m.loginBusy;
    case 'control_plane_unreachable':
      return m.controlPlaneUnreachable;
    case 'control_plane_error':
      return m.controlPlaneError;
    case 'wrong_cabinet':
      return m.wrongCabinet;
    case 'untrusted_vendor_key':
      return m.untrustedVendorKey;
    case 'payload_too_large':
      return m.formTooLarge;
    case 'storage_full':
      return m.storageFull;
    case 'storage_unwritable':
      return m.storageUnwritable;
    case 'already_exists':
      return m.alreadyExists;
    case 'invalid_input':
    case 'invalid_json':
    case 'unsupported_media_type':
      return m.invalidInput;
    default:
      return null;
  }
}

/** A license file refused on import (setup wizard), by the verification's stable code. */
function licenseImportSentence(code: string, m: Messages): string | null {
  switch (code) {
    case 'invalid_input':
    case 'malformed':
      return m.licenseFileInvalid;
    case 'bad_signature':
      return m.licenseBadSignature;
    case 'wrong_audience':
      return m.licenseWrongAppliance;
    case 'expired':
      return m.licenseFileExpired;
    case 'clock_skew':
      return m.licenseNotYetValid;
    case 'license_older':
      return m.licenseOlder;
    case 'not_enrolled':
      return m.licenseOnly;
    default:
      return null;
  }
}

/** A file refused on upload (documents of a case), by code: the only field is the file. */
function uploadSentence(err: DomainError, m: Messages, label: string): string | null {
  switch (err.code) {
    case 'payload_too_large': {
      const limit = typeof err.details?.limit === 'number' ? err.details.limit : null;
      return limit === null ? m.formTooLarge : fill(m.fileTooLarge, { field: label, max: Math.round(limit / 2 ** 20) });
    }
    case 'unsupported_media_type':
      return fill(m.fileType, { field: label });
    case 'invalid_input':
      // "is required": the form came without a file (upload.ts); otherwise the file chosen was empty.
      return fill(err.message.startsWith('file: is required') ? m.fileNotChosen : m.fileMissing, { field: label });
    default:
      return null;
  }
}

/**
 * The sentence for an error thrown by a domain function. `labels` names the form's fields (by
 * domain path) in the page's language; a refused field is then reported next to its input.
 */
export function describeError(
  err: unknown,
  m: Messages,
  labels: Readonly<Record<string, string>> = {},
  situation?: ErrorSituation,
): PageError {
  if (!(err instanceof DomainError)) throw err;
  const details = (err.details ?? {}) as Record<string, unknown>;
  const status = STATUS[err.code] ?? 400;

  if (situation === 'licenseImport') {
    const text = licenseImportSentence(err.code, m);
    if (text !== null) return { status, text, fields: [] };
  }
  if (situation === 'upload') {
    const text = uploadSentence(err, m, labels.file ?? m.chooseFile);
    if (text !== null) return { status, text, fields: [{ field: 'file', message: text }] };
  }
  if (err.code === 'enrollment_refused') {
    return { status, text: m.enrollmentRefused, fields: [{ field: 'code', message: m.enrollmentRefused }] };
  }
  if (err.code === 'invalid_input' || err.code === 'already_exists') {
    // "field: problem" from a domain check (a schema's issues are said by formIssues.ts before the
    // domain is called): what only the domain knows, e.g. an email already taken, a user who does not exist.
    const fields: FieldError[] = [];
    for (const { path, problem } of fieldIssues(err)) {
      const label = labels[path];
      if (label === undefined) continue;
      const message =
        err.code === 'already_exists'
          ? fill(m.emailTaken, { field: label })
          : problem.startsWith('is required')
            ? fill(m.required, { field: label })
            : fieldHint(m, path, label);
      fields.push({ field: path, message });
    }
    if (fields.length > 0) return { status, text: fields.map((f) => f.message).join(' '), fields };
  }
  return { status, text: sentenceFor(err, m, details) ?? fill(m.genericError, { code: err.code }), fields: [] };
}

function planFromMessage(message: string): string {
  return /the (\w+) plan/.exec(message)?.[1] ?? '';
}
