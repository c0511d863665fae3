/**
 * The control plane's state, opened once per process (by `serve`, or by a CLI command when no
 * server runs): the vendor keys, the plan catalog, admins, cabinets, appliances, the heartbeat
 * ingest, the fleet alerts and the billing files. The caller holds the DATA_DIR lock.
 */
import fs from 'node:fs/promises';
import type { Logger } from '@iamanager/kernel/log';
import { createClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { AdminDirectory } from './domain/admins.js';
import { ApplianceRegistry } from './domain/appliances.js';
import { BillingFiles } from './storage/embedded/billingFiles.js';
import { formatDocumentNumber, parseDocumentNumber } from './domain/billing/documentNumbers.js';
import { EmbeddedBillingMonthStore } from './storage/embedded/billingMonthStore.js';
import { EmbeddedPaymentLedger } from './storage/embedded/paymentLedger.js';
import type { BillingMonthStore, PaymentLedger } from './storage/stores.js';
import { PaymentFiles } from './storage/embedded/paymentFiles.js';
import { CabinetRegistry } from './domain/cabinets.js';
import { FleetMonitor } from './domain/fleetMonitor.js';
import { HeartbeatIngest, journalReplay, type ApplianceKeys } from './domain/heartbeatIngest.js';
import { PlanCatalog } from './domain/planCatalog.js';
import { RecordQuarantine } from './domain/quarantine.js';
import { SupportBundleStore } from './domain/supportBundles.js';
import { largestLimits } from './domain/usageBounds.js';
import { UpgradeRequestBook } from './domain/upgradeRequests.js';
import { EmbeddedSupportBundleArchive } from './storage/embedded/supportBundleArchive.js';
import { EmbeddedUpgradeRequestStore } from './storage/embedded/upgradeRequestStore.js';
import { VendorKeys } from './domain/vendorKeys.js';
import { EmbeddedPlanStore } from './storage/embedded/planStore.js';
import { EmbeddedVendorKeyStore } from './storage/embedded/vendorKeyStore.js';
import { AdminSecondFactors } from './domain/adminSecondFactor.js';
import { SecondFactorSeal } from './domain/secondFactorSeal.js';
import { ControlPlaneError } from './errors.js';
import { EmbeddedHeartbeatStore } from './storage/embedded/heartbeatStore.js';
import { EmbeddedAdminStore } from './storage/embedded/adminStore.js';
import { EmbeddedApplianceStore } from './storage/embedded/applianceStore.js';
import { EmbeddedCabinetStore } from './storage/embedded/cabinetStore.js';
import type { ApplianceStore } from './storage/stores.js';

export interface ControlPlane {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly keys: VendorKeys;
  readonly plans: PlanCatalog;
  readonly admins: AdminDirectory;
  readonly cabinets: CabinetRegistry;
  /** Appliances: every read and change goes through their store (docs/control-plane-postgres.md). */
  readonly appliances: ApplianceStore;
  /** What verifying an appliance's signature needs (its key, cabinet, revocation, last sequence). */
  readonly applianceKeys: ApplianceKeys;
  readonly ingest: HeartbeatIngest;
  /** The heartbeats' store: DATA_DIR's journal, checkpointed into the appliance files while `serve` runs. */
  readonly heartbeats: EmbeddedHeartbeatStore;
  /** Billing documents: issued and read through their store (docs/control-plane-postgres.md). */
  readonly billingMonths: BillingMonthStore;
  /** Payments received on invoices and the relances sent: recorded and read through their store. */
  readonly paymentLedger: PaymentLedger;
  /** Fleet alerts (status transitions); `serve` starts its periodic check. */
  readonly monitor: FleetMonitor;
  /** Records moved aside at start-up (or on a later read) because they were unreadable: critical alerts. */
  readonly quarantine: RecordQuarantine;
  /** Upgrade requests the appliances sent, for the vendor to act on. */
  readonly upgradeRequests: UpgradeRequestBook;
  /** Support bundles appliances sent, kept 30 days (domain/supportBundles.ts). */
  readonly supportBundles: SupportBundleStore;
  /** The dashboard admins' second factor: enrolment, codes, policy, reset (domain/adminSecondFactor.ts). */
  readonly secondFactors: AdminSecondFactors;
  close(): Promise<void>;
}

export async function openControlPlane(config: Config, log: Logger): Promise<ControlPlane> {
  // The PostgreSQL stores are being built aggregate by aggregate (docs/control-plane-postgres.md):
  // until all of them are wired, serving with DATABASE_URL would split the state between the
  // database and DATA_DIR, so it is refused rather than half-done.
  if (config.database) {
    throw new ControlPlaneError(
      'database_backend_unfinished',
      'DATABASE_URL is set, but this version still keeps its state in DATA_DIR: the PostgreSQL backend only runs `control-plane db migrate` so far (docs/control-plane-postgres.md); unset DATABASE_URL to serve from DATA_DIR',
    );
  }
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o750 });
  const clock = createClock(config.clockOffsetSeconds);
  const keys = await VendorKeys.open(await EmbeddedVendorKeyStore.open(config.dataDir, log), { clock, log });
  const plans = await PlanCatalog.open(await EmbeddedPlanStore.open(config.dataDir, log));
  const admins = new AdminDirectory(await EmbeddedAdminStore.open(config.dataDir, log), log);
  const quarantine = await RecordQuarantine.open(config.dataDir, clock, log);
  // The appliance files: the heartbeat journal checkpoints into them, the rest of the domain goes
  // through their store; the registry's cached keys serve verification without copying a record.
  const applianceFiles = await ApplianceRegistry.open(config.dataDir, log, quarantine);
  const appliances = new EmbeddedApplianceStore(applianceFiles);
  const applianceKeys: ApplianceKeys = applianceFiles;
  // Enrollment creates and revokes appliances through the cabinet store, in the same step as the claim.
  const cabinetStore = await EmbeddedCabinetStore.open(config.dataDir, appliances, {
    log,
    onUnreadable: quarantine.take,
  });
  const cabinets = new CabinetRegistry(cabinetStore, plans);
  const heartbeats = await EmbeddedHeartbeatStore.open(
    config.dataDir,
    applianceFiles,
    journalReplay(config.maxClockSkewSeconds, log),
    { checkpointIntervalSeconds: config.checkpointIntervalSeconds },
    log,
  );
  const ingest = new HeartbeatIngest(
    heartbeats,
    applianceKeys,
    {
      maxSkewSeconds: config.maxClockSkewSeconds,
      cabinetLimits: async (id) => largestLimits(await cabinets.find(id), plans),
    },
    log,
  );
  const billingMonths = new EmbeddedBillingMonthStore(
    await BillingFiles.open(config.dataDir, log, quarantine, parseDocumentNumber),
    formatDocumentNumber,
  );
  const paymentLedger = new EmbeddedPaymentLedger(await PaymentFiles.open(config.dataDir, log, quarantine.take));
  const upgradeRequests = new UpgradeRequestBook(await EmbeddedUpgradeRequestStore.open(config.dataDir, log), applianceKeys, log);
  const monitor = await FleetMonitor.open(config.dataDir, { cabinets, appliances, plans, config, clock }, log, quarantine);
  const supportBundles = await SupportBundleStore.open(await EmbeddedSupportBundleArchive.open(config.dataDir, log), log, clock());
  const secondFactors = new AdminSecondFactors(admins, await SecondFactorSeal.open(config.dataDir, clock(), log), {
    requiredFor: config.dashboard.secondFactorRequiredFor,
    issuer: config.issuer,
    log,
  });
  return {
    config,
    log,
    clock,
    keys,
    plans,
    admins,
    cabinets,
    appliances,
    applianceKeys,
    ingest,
    heartbeats,
    billingMonths,
    paymentLedger,
    monitor,
    quarantine,
    upgradeRequests,
    supportBundles,
    secondFactors,
    close: async () => {
      await monitor.close();
      await heartbeats.close();
    },
  };
}
