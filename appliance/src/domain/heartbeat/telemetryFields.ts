/**
 * The exact fields that leave the cabinet in a heartbeat, with their purpose — shown to the IT
 * person in the setup wizard and on the admin page before anything is sent (docs/protocol.md).
 * Kept next to the agent that fills them; a test checks the list matches the protocol schema.
 */
export const TELEMETRY_FIELDS: ReadonlyArray<{ field: string; purpose: string }> = [
  {
    field: 'v, iss, sub, seq, iat, month',
    purpose: 'protocol version, appliance id, cabinet id, sequence number, time and billing month: who sends, in which order',
  },
  {
    field: 'usage.analysesUsed, usage.analysesOverage',
    purpose: 'CESEDA analyses run this month and those beyond the quota (billed as overage)',
  },
  { field: 'usage.usersActive, usage.casesOpen', purpose: 'checked against the plan limits' },
  { field: 'usage.storageBytes', purpose: 'size of the data folder, for capacity planning' },
  { field: 'health.version, health.uptimeSeconds', purpose: 'which version runs, and since when (updates, support)' },
  {
    field: 'health.cpuLoad, health.memoryUsedRatio, health.diskFreeBytes, health.diskFreeRatio',
    purpose: 'alerts before the appliance runs out of resources',
  },
  { field: 'health.lastBackupAt', purpose: 'alert when backups stop' },
  { field: 'health.licenseExpiresAt, health.errors24h', purpose: 'alert before the license lapses, and when errors rise' },
  {
    field: 'health.lastOffsiteBackupAt',
    purpose: 'alert when no copy of the data is kept off site (the time of the last copy sent to an off-site target)',
  },
  { field: 'licenseId', purpose: 'which license the appliance runs: the vendor sees a license it did not issue' },
  {
    field: 'audit.head, audit.length',
    purpose:
      "the audit trail's last hash and its number of entries, never its content: the vendor keeps them so a rewritten or shortened trail is detected",
  },
];

export const TELEMETRY_RETENTION =
  'Kept by the vendor for billing evidence (10 years, French accounting rules) and fleet health (30 days of detail). Never: names, case contents, document names or any free text.';
