import type { CommonErrorCode } from '@iamanager/kernel/http';

/**
 * The control plane's error codes and their HTTP statuses: the one table (codes every service
 * shares are in the kernel's COMMON_STATUS). A code is thrown only through `ControlPlaneError`,
 * whose type admits the codes of these two tables and no other: a new code does not compile until
 * it has its status here.
 */
export const CONTROL_PLANE_STATUS = {
  // Heartbeat rejections (docs/protocol.md).
  malformed: 400,
  bad_signature: 401,
  unknown_appliance: 401,
  expired: 401,
  revoked_appliance: 403,
  wrong_audience: 403,
  replayed_sequence: 409,
  replayed_request: 409,
  clock_skew: 422,
  // What a signed heartbeat claims (domain/usageBounds.ts, SPEC "Additions").
  implausible_usage: 422,
  month_out_of_range: 422,
  // Enrollment.
  invalid_enrollment_code: 403,
  enrollment_code_used: 409,
  enrollment_code_expired: 409,
  cabinet_not_active: 409,
  unknown_command: 400,
  // Vendor admins and their API tokens.
  token_expired: 401,
  token_revoked: 401,
  admin_disabled: 401,
  last_admin: 409,
  too_many_tokens: 409,
  cannot_disable_yourself: 409,
  // Vendor admins' second factor (domain/adminSecondFactor.ts).
  second_factor_required: 409,
  no_second_factor: 409,
  enrolment_expired: 409,
  second_factor_unreadable: 409,
  cannot_reset_yourself: 409,
  // Billing.
  billing_not_configured: 409,
  month_not_over: 409,
  month_already_closed: 409,
  clock_behind_last_document: 409,
  invoice_fully_credited: 409,
  credit_exceeds_invoice: 422,
  no_usage_evidence: 404,
  // A record that would not read back is never written; held invoices; quarantined billing files.
  invalid_billing_record: 422,
  held_invoice_decided: 409,
  billing_blocked: 409,
  record_quarantined: 503,
  // Payments and relances (domain/billing/payments.ts, relances.ts).
  overpayment: 422,
  invoice_void: 409,
  payment_duplicate: 409,
  mail_not_configured: 409,
  // Packaging: the install bundle's sources are missing beside this control plane.
  bundle_sources_missing: 500,
  // Billing drafts and plan changes (docs/billing.md): a draft lacking a mandatory invoice mention,
  // drafts changed since they were reviewed, a plan change that has not said what it does.
  invoice_mentions_missing: 422,
  drafts_changed: 409,
  plan_change_overrides_undecided: 422,
  plan_change_lowers_limits: 422,
  // PostgreSQL backend (docs/control-plane-postgres.md): the server is away (answer 503, retry later),
  // the schema is not one this version knows, a command that needs DATABASE_URL without it.
  database_unavailable: 503,
  database_schema_mismatch: 500,
  database_not_configured: 409,
  // `db import` (docs/control-plane-postgres.md "Moving an installation"): the database already holds
  // an installation, the counts read back differ from those read, a record the schema refuses, a
  // --from that is not a control-plane DATA_DIR, or one with files in quarantine.
  database_not_empty: 409,
  database_import_mismatch: 500,
  database_import_refused: 422,
  not_a_data_dir: 400,
  data_dir_quarantined: 409,
  // A row that does not fit its schema (storage/postgres/rowCheck.ts): refused, never moved aside.
  database_record_invalid: 500,
  // Vendor signing keys (storage/embedded/vendorKeyStore.ts): keys.json lists a key whose private half is gone.
  vendor_key_missing: 500,
} as const satisfies Record<string, number>;

export type ControlPlaneErrorCode = keyof typeof CONTROL_PLANE_STATUS | CommonErrorCode;
