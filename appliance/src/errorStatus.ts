import type { CommonErrorCode } from '@iamanager/kernel/http';

/**
 * The appliance's error codes and their HTTP statuses: the one table (codes every service shares
 * are in the kernel's COMMON_STATUS). A code is thrown only through `ApplianceError`, whose type
 * admits the codes of these two tables and no other: a new code does not compile until it has
 * its status here.
 */
export const APPLIANCE_STATUS = {
  not_enrolled: 409,
  already_enrolled: 409,
  setup_required: 503,
  setup_locked: 401,
  token_expired: 401,
  plan_limit: 403,
  quota_exceeded: 403,
  feature_not_in_plan: 403,
  model_not_licensed: 403,
  license_expired: 403,
  license_invalid: 403,
  license_not_yet_valid: 403,
  license_older: 409,
  wrong_cabinet: 409,
  month_in_future: 400,
  audit_chain_broken: 409,
  audit_anchor_mismatch: 409,
  no_appliance_key: 409,
  enrollment_refused: 422,
  control_plane_unreachable: 502,
  control_plane_error: 502,
  heartbeat_not_delivered: 502,
  malformed: 400,
  bad_signature: 400,
  untrusted_vendor_key: 400,
  wrong_audience: 400,
  expired: 400,
  clock_skew: 400,
  backup_not_configured: 409,
  backup_not_found: 404,
  backup_wrong_passphrase: 422,
  backup_corrupt: 422,
  backup_truncated: 422,
  backup_unsupported: 422,
  server_running: 409,
  restore_target_not_empty: 409,
  // `appliance update` (a CLI command on the Docker host; statuses for --json and the command socket's shape)
  update_unsigned: 422,
  update_bad_signature: 422,
  update_untrusted_key: 422,
  update_manifest_invalid: 422,
  update_digest_mismatch: 422,
  update_downgrade: 409,
  update_backup_not_configured: 409,
  update_backup_failed: 500,
  update_pull_failed: 502,
  update_rollback_failed: 500,
  // Support bundles (domain/support/).
  support_bundle_too_large: 413,
  support_bundle_not_found: 404,
  support_upload_refused: 502,
  // Deadline reminders by e-mail (docs/reminders.md)
  mail_not_configured: 409,
  mail_not_delivered: 502,
  deadline_not_found: 404,
  // Case edits (docs/cases.md): a stale save, a closing without its outcome.
  case_changed: 409,
  outcome_required: 422,
  // Pièces packed for Télérecours (domain/documents/telerecoursExport.ts, docs/telerecours.md)
  piece_not_exportable: 422,
  // Drafts from a case (docs/drafting.md)
  draft_template_invalid: 422,
  draft_not_applicable: 409,
  // Closing deadlines, second confirmation, proof of diligence (docs/deadlines.md)
  deadline_already_closed: 409,
  deadline_pending_confirmation: 409,
  deadline_not_pending: 409,
  deadline_not_closed: 409,
  confirmation_by_requester: 403,
  proof_invalid: 422,
  // A new case for a client who likely has one (same name and birth date): confirmDuplicate overrides it.
  likely_duplicate: 409,
  // Users' access (docs/administration.md): the last active admin, one-time links, a temporary password.
  last_admin: 409,
  access_link_invalid: 404,
  access_link_expired: 410,
  password_change_required: 403,
  // The second factor (docs/second-factor.md): a login that needs its code, a wrong or reused code,
  // a user the policy covers who has none yet, an enrolment out of order, the last factor kept.
  second_factor_required: 401,
  second_factor_invalid: 401,
  second_factor_replayed: 401,
  second_factor_setup_required: 403,
  second_factor_not_enrolled: 409,
  second_factor_already_enrolled: 409,
  second_factor_kept_by_policy: 409,
  // Passkeys, a second factor (domain/passkeys/, docs/second-factor.md): where the ceremony can run,
  // its single-use challenge, the credential it names, and a counter that went back (a clone).
  passkey_host_unsupported: 409,
  passkey_challenge_missing: 409,
  passkey_challenge_expired: 410,
  passkey_unknown: 404,
  passkey_refused: 422,
  passkey_counter_regression: 403,
  // Single sign-on (docs/single-sign-on.md): not set up, the provider's discovery, a refused
  // account, a callback that is not the answer to this browser's login, password login turned off.
  oidc_not_configured: 409,
  oidc_discovery_failed: 502,
  oidc_refused: 403,
  oidc_callback_invalid: 400,
  local_login_disabled: 403,
  // Off-site backup targets (domain/backups/offsite/, docs/backup.md « Copies hors site »)
  offsite_target_not_found: 404,
  offsite_target_refused: 422,
  offsite_unreachable: 502,
  offsite_auth_failed: 502,
  offsite_host_key_unpinned: 409,
  offsite_host_key_mismatch: 502,
  offsite_write_failed: 502,
  offsite_read_failed: 502,
  offsite_copy_mismatch: 502,
  offsite_bucket_missing: 502,
} as const satisfies Record<string, number>;

export type ApplianceErrorCode = keyof typeof APPLIANCE_STATUS | CommonErrorCode;
