/**
 * `db import`'s reading: an installation's DATA_DIR read through the classes that own its files
 * today, one aggregate at a time — each reading is one call here, so when a file store moves
 * (billing into storage/embedded/, fleet alerts behind their store) only its line changes.
 *
 * The files are read as a start reads them, and nothing is written back: the heartbeat journal is
 * applied to the appliance records in memory (every acknowledged heartbeat is in what is moved,
 * and the journal stays on disk), no checkpoint runs, no key is generated, no bundle pruned. A
 * file damaged beyond its last good copy is quarantined as at a start; then the import is refused
 * (`data_dir_quarantined`): moving without it would lose the record, and billing's numbering may
 * be behind it.
 */
import type { Logger } from '@iamanager/kernel/log';
import { RevokedSessions } from '@iamanager/kernel/web';
import { createClock } from '../clock.js';
import type { Config } from '../config.js';
import { ApplianceRegistry } from '../domain/appliances.js';
import { BillingFiles } from '../storage/embedded/billingFiles.js';
import { PaymentFiles } from '../storage/embedded/paymentFiles.js';
import { MAX_TRANSITIONS } from '../domain/fleetMonitor.js';
import { EmbeddedFleetAlertStore } from '../storage/embedded/fleetAlertStore.js';
import { journalReplay } from '../domain/heartbeatIngest.js';
import { RecordQuarantine, type DataDirQuarantine } from '../domain/quarantine.js';
import { ControlPlaneError } from '../errors.js';
import { REVOKED_SESSIONS_FILE } from '../web/session.js';
import { EmbeddedAdminStore } from '../storage/embedded/adminStore.js';
import { EmbeddedApplianceStore } from '../storage/embedded/applianceStore.js';
import { EmbeddedCabinetStore } from '../storage/embedded/cabinetStore.js';
import { EmbeddedHeartbeatStore } from '../storage/embedded/heartbeatStore.js';
import { EmbeddedPlanStore } from '../storage/embedded/planStore.js';
import { EmbeddedSupportBundleArchive } from '../storage/embedded/supportBundleArchive.js';
import { EmbeddedUpgradeRequestStore } from '../storage/embedded/upgradeRequestStore.js';
import { EmbeddedVendorKeyStore } from '../storage/embedded/vendorKeyStore.js';
import type { ApprovedInvoice, BillingMonthFile } from '../storage/billingRecords.js';
import type { Installation } from '../storage/postgres/importRows.js';
import { parseDocumentNumber } from '../domain/billing/documentNumbers.js';

export interface ReadInstallation {
  installation: Installation;
  /** Heartbeats the journal held beyond the appliance files' last checkpoint, now in `appliances`. */
  journalReplayed: number;
}

/** Reads DATA_DIR whole. The caller holds its lock. */
export async function readInstallation(dataDir: string, config: Config, log: Logger): Promise<ReadInstallation> {
  const clock = createClock(config.clockOffsetSeconds);
  const quarantine = await RecordQuarantine.open(dataDir, clock, log);
  const planStore = await EmbeddedPlanStore.open(dataDir, log);
  const admins = await EmbeddedAdminStore.open(dataDir, log);
  const registry = await ApplianceRegistry.open(dataDir, log, quarantine);
  const journalReplayed = await EmbeddedHeartbeatStore.replayInto(dataDir, registry, journalReplay(config.maxClockSkewSeconds, log), log);
  const appliances = new EmbeddedApplianceStore(registry);
  const cabinetStore = await EmbeddedCabinetStore.open(dataDir, appliances, { log, onUnreadable: quarantine.take });
  const cabinets = await cabinetStore.list();
  const bundles = await EmbeddedSupportBundleArchive.open(dataDir, log);
  const now = clock();
  const supportBundles: Installation['supportBundles'] = [];
  for (const cabinet of cabinets) {
    for (const entry of await bundles.list(cabinet.id, now)) {
      const kept = await bundles.read(cabinet.id, entry.id, now);
      if (kept) supportBundles.push(kept);
    }
  }
  const fleetAlerts = await EmbeddedFleetAlertStore.open(dataDir, { log, onUnreadable: quarantine.take });
  const fleetCurrent = Object.fromEntries(await fleetAlerts.current());
  // Oldest first, as the file keeps them.
  const fleetTransitions = (await fleetAlerts.transitions({ limit: MAX_TRANSITIONS })).reverse();
  const billing = await readBilling(dataDir, log, quarantine);
  // Anything quarantined — now or at an earlier start — would be lost by the move.
  const quarantined = quarantine.alerts();
  if (quarantined.length > 0) {
    throw new ControlPlaneError(
      'data_dir_quarantined',
      `${dataDir} has records in quarantine (${quarantined.map((q) => q.file).join(', ')}): restore them from a backup and remove their quarantine entries, then import again — moving without them would lose them`,
      { files: quarantined.map((q) => q.file) },
    );
  }
  return {
    journalReplayed,
    installation: {
      plans: await planStore.list(),
      vendorKeys: await (await EmbeddedVendorKeyStore.open(dataDir, log)).list(),
      admins: await admins.list(),
      sessionSecret: await admins.storedSessionSecret(),
      revokedSessions: (await RevokedSessions.open(dataDir, clock, log, REVOKED_SESSIONS_FILE)).live(clock()),
      cabinets,
      appliances: await appliances.list(),
      upgradeRequests: (await (await EmbeddedUpgradeRequestStore.open(dataDir, log)).list({ status: 'all' })).reverse(),
      supportBundles,
      ...billing,
      fleetCurrent,
      fleetTransitions,
    },
  };
}

type BillingPart = Pick<
  Installation,
  'billingMonths' | 'approvedInvoices' | 'rejections' | 'creditNotes' | 'payments' | 'relances' | 'documentNumbers' | 'lastIssuedAt'
>;

/** The billing files (storage/embedded/billingFiles.ts, paymentFiles.ts): months, decisions, avoirs, payments, relances, numbering. */
async function readBilling(dataDir: string, log: Logger, quarantine: DataDirQuarantine): Promise<BillingPart> {
  const billing = await BillingFiles.open(dataDir, log, quarantine, parseDocumentNumber);
  const payments = await PaymentFiles.open(dataDir, log, quarantine.take);
  const billingMonths: BillingMonthFile[] = [];
  const approvedInvoices: ApprovedInvoice[] = [];
  const rejections: BillingPart['rejections'] = [];
  for (const { month } of billing.closedMonths()) {
    const file = await billing.month(month);
    if (!file) throw new Error(`billing ledger lists ${month} but its file is missing`);
    billingMonths.push(file);
    for (const { state } of await billing.heldOfMonth(month)) {
      if (state.status === 'approved') approvedInvoices.push(state.invoice);
      if (state.status === 'rejected') rejections.push(state.rejection);
    }
  }
  const creditNotes = billing.listCreditNotes();
  const invoiceNumbers = [...billingMonths.flatMap((m) => m.invoices), ...approvedInvoices].map((i) => i.number);
  const relances = invoiceNumbers.flatMap((n) => payments.relancesOf(n));
  // The ledger's counters for every year a document was issued in; its clock is the latest issue.
  const series = new Map<string, { series: 'F' | 'A'; year: number }>();
  for (const number of [...invoiceNumbers, ...creditNotes.map((c) => c.number)]) {
    const parsed = parseDocumentNumber(number);
    if (parsed) series.set(`${parsed.series}-${parsed.year}`, { series: parsed.series, year: parsed.year });
  }
  const issued = [
    ...billingMonths.map((m) => m.closedAt),
    ...approvedInvoices.map((i) => i.issuedAt),
    ...creditNotes.map((c) => c.issuedAt),
  ];
  return {
    billingMonths,
    approvedInvoices,
    rejections,
    creditNotes,
    payments: payments.list(),
    relances,
    documentNumbers: [...series.values()].map((s) => ({ ...s, lastNumber: billing.lastNumber(s.series, s.year) })),
    lastIssuedAt: issued.length > 0 ? issued.reduce((a, b) => (b > a ? b : a)) : null,
  };
}
