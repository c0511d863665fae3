/**
 * The control plane's state, opened once per process (by `serve`, or by a CLI command when no
 * server runs): the vendor keys, the plan catalog, admins, cabinets, appliances, the heartbeat
 * ingest, the fleet alerts and the billing files. On the files the caller holds the DATA_DIR lock;
 * on PostgreSQL the database serialises every change, so no lock is taken (several nodes, and the
 * CLI beside them).
 */
import fs from 'node:fs/promises';
import type { Logger } from '@iamanager/kernel/log';
import { createClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { AdminDirectory } from './domain/admins.js';
import type { BillingMonthStore, HeartbeatStore, PaymentLedger } from './storage/stores.js';
import { CabinetRegistry } from './domain/cabinets.js';
import { FleetMonitor } from './domain/fleetMonitor.js';
import { HeartbeatIngest, type ApplianceKeys } from './domain/heartbeatIngest.js';
import { PlanCatalog } from './domain/planCatalog.js';
import type { JobLeaseHolder } from './domain/leasedSchedule.js';
import type { RecordQuarantine } from './domain/quarantine.js';
import { SupportBundleStore } from './domain/supportBundles.js';
import { readLargestLimits } from './domain/usageBounds.js';
import { UpgradeRequestBook } from './domain/upgradeRequests.js';
import { VendorKeys } from './domain/vendorKeys.js';
import { AdminSecondFactors } from './domain/adminSecondFactor.js';
import { SecondFactorSeal } from './domain/secondFactorSeal.js';
import { leaseHolder, openStores, type StorageBackend, type Stores } from './openStores.js';
import type { ApplianceStore } from './storage/stores.js';

/** How often a node tries to take the support bundles' retention job (PostgreSQL: one node at a time runs it). */
const SUPPORT_BUNDLE_RETENTION_EVERY_MS = 3_600_000;

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
  /** The heartbeats' store: DATA_DIR's journal (checkpointed into the appliance files while `serve` runs), or PostgreSQL. */
  readonly heartbeats: HeartbeatStore;
  /** Where the state is (DATA_DIR or the database): what `/healthz` checks. */
  readonly backend: StorageBackend;
  /** Billing documents: issued and read through their store (docs/control-plane-postgres.md). */
  readonly billingMonths: BillingMonthStore;
  /** Payments received on invoices and the relances sent: recorded and read through their store. */
  readonly paymentLedger: PaymentLedger;
  /** Fleet alerts (status transitions); `serve` starts its periodic check. */
  readonly monitor: FleetMonitor;
  /**
   * Records moved aside at start-up (or on a later read) because they were unreadable: critical
   * alerts. DATA_DIR's quarantine on the files; `NO_RECORD_QUARANTINE` with PostgreSQL.
   */
  readonly quarantine: RecordQuarantine;
  /** Upgrade requests the appliances sent, for the vendor to act on. */
  readonly upgradeRequests: UpgradeRequestBook;
  /** Support bundles appliances sent, kept 30 days (domain/supportBundles.ts). */
  readonly supportBundles: SupportBundleStore;
  /** The dashboard admins' second factor: enrolment, codes, policy, reset (domain/adminSecondFactor.ts). */
  readonly secondFactors: AdminSecondFactors;
  /** Scheduled work's leases and this node's name in them: the fleet check, relances and retention run on one node at a time. */
  readonly jobs: JobLeaseHolder;
  /** Where the dashboard's login guard and logouts are kept (openStores.ts `Stores.dashboard`). */
  readonly dashboardState: Stores['dashboard'];
  close(): Promise<void>;
}

/**
 * Opens the state on the backend `config.database` names (openStores.ts): DATA_DIR's files, or
 * PostgreSQL shared by every node (tests open two control planes on one database through here).
 */
export async function openControlPlane(config: Config, log: Logger): Promise<ControlPlane> {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o750 });
  const clock = createClock(config.clockOffsetSeconds);
  const stores = await openStores(config, clock, log);
  try {
    return await openDomain(config, log, clock, stores);
  } catch (err) {
    await stores.close();
    throw err;
  }
}

async function openDomain(config: Config, log: Logger, clock: Clock, stores: Stores): Promise<ControlPlane> {
  const keys = await VendorKeys.open(stores.vendorKeys, { clock, log });
  const plans = await PlanCatalog.open(stores.plans);
  const admins = new AdminDirectory(stores.admins, log);
  const { appliances, applianceKeys, heartbeats } = stores;
  const cabinets = new CabinetRegistry(stores.cabinets, plans);
  const ingest = new HeartbeatIngest(
    heartbeats,
    applianceKeys,
    {
      maxSkewSeconds: config.maxClockSkewSeconds,
      // A plan this node has not read yet (created on another node) is read before the store's
      // transaction: the decision inside it stays synchronous. `peek`: no copy of the cabinet per
      // heartbeat on the files (53 µs for one with 20 plan changes and 50 codes, 3.4 µs new).
      cabinetLimits: async (id) => readLargestLimits(await cabinets.peek(id), plans),
    },
    log,
  );
  const upgradeRequests = new UpgradeRequestBook(stores.upgradeRequests, applianceKeys, log);
  const monitor = new FleetMonitor(stores.fleetAlerts, { cabinets, appliances, plans, config, clock }, log);
  const jobs: JobLeaseHolder = { leases: stores.leases, holder: leaseHolder() };
  // With several nodes, retention runs on the one holding the lease; on the files, at start and on upload.
  const retention = config.database ? { ...jobs, everyMs: SUPPORT_BUNDLE_RETENTION_EVERY_MS, clock } : undefined;
  const supportBundles = await SupportBundleStore.open(stores.supportBundles, log, clock(), retention);
  const seal = config.secondFactorKeyFile
    ? SecondFactorSeal.fromKeyFile(config.secondFactorKeyFile)
    : await SecondFactorSeal.open(config.dataDir, clock(), log);
  const secondFactors = new AdminSecondFactors(admins, seal, {
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
    backend: stores.backend,
    billingMonths: stores.billingMonths,
    paymentLedger: stores.paymentLedger,
    monitor,
    quarantine: stores.quarantine,
    upgradeRequests,
    supportBundles,
    secondFactors,
    jobs,
    dashboardState: stores.dashboard,
    close: async () => {
      // Both give their lease up, so another node takes the job at once.
      await monitor.close();
      await supportBundles.close();
      await stores.close();
    },
  };
}
