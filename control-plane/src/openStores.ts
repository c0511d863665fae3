/**
 * Every store of the seam (storage/stores.ts), opened for the backend the configuration names:
 * DATA_DIR's files (storage/embedded/, unchanged on disk) when DATABASE_URL is unset, PostgreSQL
 * (storage/postgres/) when it is set — one pool per process, the schema migrated at start-up under
 * its advisory lock (a database another version migrated is refused, `database_schema_mismatch`).
 *
 * It sits with the wiring rather than in storage/: the embedded stores stand on file classes the
 * domain keeps (the appliance registry the heartbeat journal checkpoints into, the billing and
 * payment files, the quarantine), which storage/ may not import.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@iamanager/kernel/log';
import type { LoginAttempts, SessionRevocations } from '@iamanager/kernel/web';
import type { Config } from './config.js';
import { ApplianceRegistry } from './domain/appliances.js';
import { applianceKeysFrom } from './domain/applianceKeys.js';
import { formatDocumentNumber, parseDocumentNumber } from './domain/billing/documentNumbers.js';
import { journalReplay, type ApplianceKeys } from './domain/heartbeatIngest.js';
import { NO_RECORD_QUARANTINE, RecordQuarantine } from './domain/quarantine.js';
import { EmbeddedAdminStore } from './storage/embedded/adminStore.js';
import { EmbeddedApplianceStore } from './storage/embedded/applianceStore.js';
import { BillingFiles } from './storage/embedded/billingFiles.js';
import { EmbeddedBillingMonthStore } from './storage/embedded/billingMonthStore.js';
import { EmbeddedCabinetStore } from './storage/embedded/cabinetStore.js';
import { EmbeddedFleetAlertStore } from './storage/embedded/fleetAlertStore.js';
import { EmbeddedHeartbeatStore } from './storage/embedded/heartbeatStore.js';
import { EmbeddedJobLeases } from './storage/embedded/jobLeases.js';
import { EmbeddedPaymentLedger } from './storage/embedded/paymentLedger.js';
import { PaymentFiles } from './storage/embedded/paymentFiles.js';
import { EmbeddedPlanStore } from './storage/embedded/planStore.js';
import { EmbeddedSupportBundleArchive } from './storage/embedded/supportBundleArchive.js';
import { EmbeddedUpgradeRequestStore } from './storage/embedded/upgradeRequestStore.js';
import { EmbeddedVendorKeyStore } from './storage/embedded/vendorKeyStore.js';
import { PostgresAdminStore } from './storage/postgres/adminStore.js';
import { PostgresApplianceStore } from './storage/postgres/applianceStore.js';
import { PostgresBillingMonthStore } from './storage/postgres/billingMonthStore.js';
import { PostgresCabinetStore } from './storage/postgres/cabinetStore.js';
import { PostgresLoginAttempts } from './storage/postgres/dashboardLoginAttempts.js';
import { PostgresSessionRevocations } from './storage/postgres/dashboardRevocations.js';
import type { DatabaseSettings } from './storage/postgres/databaseConfig.js';
import { PostgresFleetAlertStore } from './storage/postgres/fleetAlertStore.js';
import { PostgresHeartbeatStore } from './storage/postgres/heartbeatStore.js';
import { PostgresJobLeases } from './storage/postgres/jobLeases.js';
import { migrate } from './storage/postgres/migrate.js';
import { PostgresPaymentLedger } from './storage/postgres/paymentLedger.js';
import { PostgresPlanStore } from './storage/postgres/planStore.js';
import { openDatabase } from './storage/postgres/pool.js';
import { PostgresSupportBundleArchive } from './storage/postgres/supportBundleArchive.js';
import { PostgresUpgradeRequestStore } from './storage/postgres/upgradeRequestStore.js';
import { PostgresVendorKeyStore } from './storage/postgres/vendorKeyStore.js';
import type {
  AdminStore,
  ApplianceStore,
  BillingMonthStore,
  CabinetStore,
  FleetAlertStore,
  HeartbeatStore,
  JobLeases,
  PaymentLedger,
  PlanStore,
  SupportBundleArchive,
  UpgradeRequestStore,
  VendorKeyStore,
} from './storage/stores.js';

/** Where the state is kept, for `/healthz`, `/metrics` and the start-up log line. */
export interface StorageBackend {
  readonly kind: 'files' | 'postgres';
  /** DATA_DIR, or host:port/database (never the user or password). */
  readonly where: string;
  /** Resolves once the database answers (`database_unavailable` otherwise); nothing to ask of the files. */
  ping(): Promise<void>;
  /** What `serve` starts once it listens: the heartbeat journal's checkpoints on the files; nothing on PostgreSQL. */
  startCheckpoints(): void;
}

export interface Stores {
  readonly appliances: ApplianceStore;
  /** What signature verification asks of an appliance: the registry on the files, the store's record on PostgreSQL. */
  readonly applianceKeys: ApplianceKeys;
  readonly heartbeats: HeartbeatStore;
  readonly cabinets: CabinetStore;
  readonly admins: AdminStore;
  readonly plans: PlanStore;
  readonly vendorKeys: VendorKeyStore;
  readonly billingMonths: BillingMonthStore;
  readonly paymentLedger: PaymentLedger;
  readonly upgradeRequests: UpgradeRequestStore;
  readonly supportBundles: SupportBundleArchive;
  readonly fleetAlerts: FleetAlertStore;
  /** Scheduled work's leases: across nodes on PostgreSQL; in the one process's memory on the files. */
  readonly leases: JobLeases;
  /** DATA_DIR's quarantine on the files; on PostgreSQL a bad row is refused, never moved aside. */
  readonly quarantine: RecordQuarantine;
  /**
   * Where the dashboard counts failed logins and keeps logouts: unset on the files (this process's
   * memory and DATA_DIR/dashboard-revoked-sessions.json), tables every node shares on PostgreSQL.
   */
  readonly dashboard: { loginAttempts?: LoginAttempts; revocations?: SessionRevocations };
  readonly backend: StorageBackend;
  close(): Promise<void>;
}

export function openStores(config: Config, clock: () => Date, log: Logger): Promise<Stores> {
  return config.database ? openPostgresStores(config, config.database, clock, log) : openEmbeddedStores(config, clock, log);
}

async function openEmbeddedStores(config: Config, clock: () => Date, log: Logger): Promise<Stores> {
  const { dataDir } = config;
  // A record that cannot be read is moved aside rather than stopping every cabinet's service.
  const quarantine = await RecordQuarantine.open(dataDir, clock, log);
  const vendorKeys = await EmbeddedVendorKeyStore.open(dataDir, log);
  const plans = await EmbeddedPlanStore.open(dataDir, log);
  const admins = await EmbeddedAdminStore.open(dataDir, log);
  // The appliance files: the heartbeat journal checkpoints into them, the rest of the domain goes
  // through their store; the registry's cached keys serve verification without copying a record.
  const applianceFiles = await ApplianceRegistry.open(dataDir, log, quarantine);
  const appliances = new EmbeddedApplianceStore(applianceFiles);
  // Enrollment creates and revokes appliances through the cabinet store, in the same step as the claim.
  const cabinets = await EmbeddedCabinetStore.open(dataDir, appliances, { log, onUnreadable: quarantine.take });
  const heartbeats = await EmbeddedHeartbeatStore.open(
    dataDir,
    applianceFiles,
    journalReplay(config.maxClockSkewSeconds, log),
    { checkpointIntervalSeconds: config.checkpointIntervalSeconds },
    log,
  );
  return {
    appliances,
    applianceKeys: applianceFiles,
    heartbeats,
    cabinets,
    admins,
    plans,
    vendorKeys,
    billingMonths: new EmbeddedBillingMonthStore(
      await BillingFiles.open(dataDir, log, quarantine, parseDocumentNumber),
      formatDocumentNumber,
    ),
    paymentLedger: new EmbeddedPaymentLedger(await PaymentFiles.open(dataDir, log, quarantine.take)),
    upgradeRequests: await EmbeddedUpgradeRequestStore.open(dataDir, log),
    supportBundles: await EmbeddedSupportBundleArchive.open(dataDir, log),
    fleetAlerts: await EmbeddedFleetAlertStore.open(dataDir, { log, onUnreadable: quarantine.take }),
    leases: new EmbeddedJobLeases(),
    quarantine,
    dashboard: {},
    backend: {
      kind: 'files',
      where: dataDir,
      ping: () => Promise.resolve(),
      startCheckpoints: () => heartbeats.startCheckpoints(),
    },
    close: () => heartbeats.close(),
  };
}

async function openPostgresStores(config: Config, settings: DatabaseSettings, clock: () => Date, log: Logger): Promise<Stores> {
  const db = openDatabase(settings, log);
  let revocations: PostgresSessionRevocations;
  try {
    // Nodes starting together: one applies, the others wait on the advisory lock and find it done.
    const { applied, version } = await migrate(db);
    if (applied.length > 0) log.info({ database: db.where, applied, version }, 'database schema migrated');
    // Holds one connection of the pool, listening for the other nodes' logouts.
    revocations = await PostgresSessionRevocations.open(db, clock, log);
  } catch (err) {
    await db.close();
    throw err;
  }
  const appliances = new PostgresApplianceStore(db);
  return {
    appliances,
    // The record read on each heartbeat (another node may have revoked it or counted a sequence).
    applianceKeys: applianceKeysFrom(appliances),
    heartbeats: new PostgresHeartbeatStore(db),
    cabinets: new PostgresCabinetStore(db),
    admins: new PostgresAdminStore(db),
    plans: new PostgresPlanStore(db),
    vendorKeys: new PostgresVendorKeyStore(db),
    billingMonths: new PostgresBillingMonthStore(db, formatDocumentNumber),
    paymentLedger: new PostgresPaymentLedger(db),
    upgradeRequests: new PostgresUpgradeRequestStore(db),
    supportBundles: new PostgresSupportBundleArchive(db),
    fleetAlerts: new PostgresFleetAlertStore(db),
    leases: new PostgresJobLeases(db),
    quarantine: NO_RECORD_QUARANTINE,
    dashboard: {
      loginAttempts: new PostgresLoginAttempts(
        db,
        { maxFailures: config.dashboard.loginMaxFailures, lockSeconds: config.dashboard.loginLockSeconds },
        clock,
      ),
      revocations,
    },
    backend: {
      kind: 'postgres',
      where: db.where,
      ping: async () => {
        await db.query('SELECT 1');
      },
      startCheckpoints: () => undefined,
    },
    close: async () => {
      // Its listening connection first: the pool's end waits for every client to be released.
      await revocations.close();
      await db.close();
    },
  };
}

/**
 * A control plane's name in `job_leases`: the host and the pid, for a vendor reading the table to
 * find the node, and a random part, so that two control planes in one process never share a lease.
 */
export function leaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
