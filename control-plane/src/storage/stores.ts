/**
 * The control plane's storage seam (docs/control-plane-postgres.md): what the domain asks of its
 * state, by aggregate, with two implementations — the embedded files in DATA_DIR (storage/embedded/)
 * and PostgreSQL (storage/postgres/). Every method is asynchronous and every change is one
 * transaction: with several nodes on one database no in-memory copy can be trusted, so the domain
 * reads what it needs, decides, and hands the change back to the store, which commits it whole.
 *
 * Aggregates with their interface here: appliances (both implementations), heartbeats, cabinets
 * with their plan history and enrollment codes, admins with their tokens and the dashboard session
 * secret, plans, vendor keys, the issue of billing documents (the monthly close, held invoices'
 * decisions, credit notes: both), payments and relances (both), job leases (both), fleet alerts
 * (both), upgrade requests and support bundles (both). Billing's reads (months with their
 * summaries, invoices, held invoices, credit notes, payments, relances) are on the same two
 * billing interfaces. The dashboard's login guard and logouts have their own PostgreSQL stores
 * behind the kernel's interfaces (openStores.ts `Stores.dashboard`).
 */
import type {
  ApprovedInvoice,
  BillingMonthFile,
  CreditNoteRecord,
  HeldInvoice,
  InvoiceRecord,
  MonthSummary,
  RejectionRecord,
  VendorIdentity,
} from './billingRecords.js';
import type { HeldDecision } from './billingRefusals.js';
import type { AdminRecord, ApiTokenRecord, ApplianceRecord, CabinetRecord, PlanRecord, VendorKeysFile } from './records.js';
import type { PaymentRecord, RelanceRecord, RelanceStep } from './paymentRecords.js';
import type { FleetAlertState, FleetStatus, StatusTransition } from './fleetAlertRecords.js';
import type { SupportBundleEntry } from './supportBundleRecords.js';
import type { UpgradeRequestRecord, UpgradeRequestStatus } from './upgradeRequestRecords.js';

/** An appliance as `ApplianceStore.list` gives it: the record without its history rings. */
export type ApplianceListing = Omit<ApplianceRecord, 'history'>;

export interface ApplianceStore {
  get(id: string): Promise<ApplianceRecord | undefined>;
  /**
   * Every appliance, revoked ones included, by id: what the fleet, its periodic check and the
   * billing drafts' usage read once per request or pass (PostgreSQL: one query). To read, never to
   * change, and not to hold across an await: the embedded store hands out its live records (a
   * copy of the whole fleet per page would cost seconds), which a heartbeat may change meanwhile.
   * Without the history rings: none of those readers uses them, and on PostgreSQL they are most of
   * each record (10 000 appliances: 5–7 s to fetch and parse with them, under 1 s without;
   * docs/performance.md). `get` has them. PostgreSQL keeps the parsed listing per node, checked
   * against each row's `xmin` on every call, and hands out those objects frozen.
   */
  list(): Promise<ApplianceListing[]>;
  /** Refused with `already_exists` when the id is taken. */
  create(record: ApplianceRecord): Promise<void>;
  /** Sets `revokedAt` once (a second revocation keeps the first date); `not_found` for an unknown id. */
  revoke(id: string, now: Date): Promise<void>;
  /**
   * Changes an appliance under its lock — the lock heartbeats take too, so a change (a license
   * renewed by a heartbeat's reply) and a heartbeat's effect (sequence, counters, history) are both
   * kept whichever node makes each. `change` runs synchronously on the latest record and refuses by
   * throwing (nothing is then changed); it must not change the id. Committed durably, then returned
   * (a copy). `not_found` for an unknown id.
   */
  update(id: string, change: (appliance: ApplianceRecord) => void): Promise<ApplianceRecord>;
}

/** One heartbeat (or usage report) as it is kept: the signed JWS is the evidence of what it said. */
export interface HeartbeatEntry {
  applianceId: string;
  seq: number;
  /** When this control plane received it (ISO 8601). */
  receivedAt: string;
  jws: string;
  /** An air-gapped cabinet's usage report uploaded by the vendor, rather than a heartbeat. */
  usageReport: boolean;
}

/**
 * The domain's decision on a heartbeat (domain/heartbeatAdmission.ts): refuses by throwing, or
 * applies the heartbeat to the record it is given and may return how to undo that — which the
 * embedded store calls when the journal append fails (PostgreSQL rolls the transaction back).
 */
export type HeartbeatDecision = (appliance: ApplianceRecord) => void | (() => void);

export interface HeartbeatStore {
  /**
   * Records a verified heartbeat. `decide` gets the appliance's current record (locked against any
   * other node's change until the commit), refuses by throwing, or applies the heartbeat to it
   * (moving `lastSeq` to the heartbeat's seq). The heartbeat and the record it changed are then
   * committed together; the returned promise resolves only after the commit, so a heartbeat is
   * acknowledged only once it is durable. A sequence already recorded for the appliance — a retry
   * that reached another node, two copies racing — is refused with `replayed_sequence`, by the
   * store's own uniqueness rule before `decide` runs; an unknown appliance with `not_found`.
   */
  record(entry: HeartbeatEntry, decide: HeartbeatDecision): Promise<ApplianceRecord>;
  /**
   * How many heartbeats are kept for an appliance (evidence, checks after an import). PostgreSQL
   * keeps every one; the embedded files keep their effect on the record, and count the heartbeats
   * recorded since the store opened (its journal's replay included).
   */
  count(applianceId: string): Promise<number>;
}

export interface JobLeases {
  /**
   * Takes or renews the lease on `job` for `holder` until `now + ttlMs`, if no other holder's
   * lease is still running. True: this holder runs the job now (scheduled work — fleet checks,
   * relances, retention — runs on one node at a time). A holder renews before its ttl is out; a
   * node that dies leaves the job to another once its lease expires.
   */
  acquire(job: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Gives the lease up (on shutdown), so another node takes the job without waiting for the expiry. */
  release(job: string, holder: string): Promise<void>;
}

/** What one fleet check changes: statuses set (new or changed), appliances no longer tracked, transitions to add. */
export interface FleetAlertChange {
  set: Map<string, FleetAlertState>;
  forget: string[];
  /** Oldest first, as they are added to the history. */
  transitions: StatusTransition[];
}

export interface TransitionQuery {
  applianceId?: string | undefined;
  cabinetId?: string | undefined;
  /** The status changed to. */
  status?: FleetStatus | undefined;
  limit: number;
}

/** The fleet check's record (domain/fleetMonitor.ts): each appliance's recorded status and the transitions, the newest MAX_TRANSITIONS kept. */
export interface FleetAlertStore {
  /** Every tracked appliance's recorded status, by id. */
  current(): Promise<Map<string, FleetAlertState>>;
  /**
   * Records one check, all or nothing, once whatever the number of nodes: `decide` runs
   * synchronously on the statuses as committed — locked against any other node's check until the
   * commit — and returns what changes, so two checks at once are decided one after the other and
   * the second sees the first's statuses (it records no transition the first recorded). Returns
   * what was recorded.
   */
  record(decide: (current: ReadonlyMap<string, FleetAlertState>) => FleetAlertChange): Promise<FleetAlertChange>;
  /** Recorded transitions, newest first, filtered. */
  transitions(query: TransitionQuery): Promise<StatusTransition[]>;
}

/** A month's invoice before the close numbers it. */
export type UnnumberedInvoice = Omit<InvoiceRecord, 'number'>;

/** A closing month as the domain drafted it: its invoices not numbered yet. */
export type ClosingMonth = Omit<BillingMonthFile, 'invoices'> & { invoices: UnnumberedInvoice[] };

/** A held invoice approved, before the store numbers it. */
export type UnnumberedApproval = Omit<ApprovedInvoice, 'number'>;

/**
 * How the domain drafts a document at the instant the store issues it. The store reads the time
 * (`now()`) only once it holds the billing clock's lock — after any issue it waited behind — and
 * hands it to `build`, which dates the document (issue date, due date, `issuedAt`) and may refuse
 * by throwing. So a node that merely queued behind another is never refused
 * `clock_behind_last_document`; only a clock really set back is.
 */
export type DraftAt<T> = (now: Date) => T;

/** A closed month's summary as the close left it (held invoices approved since are not in its counts and totals). */
export type ClosedMonth = MonthSummary & { month: string };

/** A closed month less its invoices and held drafts: who closed it and when, the vendor printed on it, the drafts' warnings. */
export type MonthHeader = Omit<BillingMonthFile, 'invoices' | 'held'>;

/** A held invoice with its decision so far. */
export interface HeldWithDecision {
  held: HeldInvoice;
  state: HeldDecision;
}

/** How a document number is written (domain/billing/documentNumbers.ts formatDocumentNumber), handed in by the wiring. */
export type FormatNumber = (series: 'F' | 'A', year: number, n: number) => string;

/** How a document number is read back (documentNumbers.ts parseDocumentNumber): undefined when it is not one. */
export type ParseNumber = (number: string) => { series: 'F' | 'A'; year: number; n: number } | undefined;

export interface BillingMonthStore {
  /**
   * Closes a month once, whatever the number of nodes, all or nothing: the month (a second close,
   * from any node, is refused with `month_already_closed`), its held drafts, and its invoices, which
   * get the next numbers of the invoice series for the year of `issueDate`, in the order given —
   * numbered inside the same transaction, so two closes at once can neither skip nor share a number
   * (art. 242 nonies A, I-7° annexe II CGI). A close whose time (read after the lock) is before the
   * last issued document is refused with `clock_behind_last_document`. Returns the month as
   * committed, invoices numbered.
   */
  commitMonth(build: DraftAt<ClosingMonth>, now: () => Date): Promise<BillingMonthFile>;
  /** The last number used in a series ("F", "A") for a year of issue, 0 when none. */
  lastNumber(series: 'F' | 'A', year: number): Promise<number>;
  /** The invoices of a closed month, by number: those of the close, then the held ones approved since. */
  invoicesOf(month: string): Promise<InvoiceRecord[]>;
  // The reads below are to read, never to change: the embedded store hands out the records it
  // holds (a copy of every invoice per listing would cost the page), PostgreSQL fresh ones.
  /** Closed months with their summaries, oldest first (PostgreSQL: one GROUP BY over the invoices). */
  closedMonths(): Promise<ClosedMonth[]>;
  /** A closed month's summary; undefined while it is open. */
  closedMonth(month: string): Promise<MonthSummary | undefined>;
  /** A closed month without its invoices (its vendor, warnings, close); undefined while it is open. */
  monthHeader(month: string): Promise<MonthHeader | undefined>;
  /** An issued invoice by number (an approved held one with its `approvedBy`). */
  invoice(number: string): Promise<InvoiceRecord | undefined>;
  /** A cabinet's invoices, newest month first (one per month at most). */
  invoicesOfCabinet(cabinetId: string): Promise<InvoiceRecord[]>;
  /** Every issued invoice, oldest month first, each month as `invoicesOf` lists it. */
  allInvoices(): Promise<InvoiceRecord[]>;
  /** Held invoices with their decisions, of one month or of all, by month then cabinet. */
  heldInvoices(month?: string): Promise<HeldWithDecision[]>;
  creditNote(number: string): Promise<CreditNoteRecord | undefined>;
  /** Every credit note, by number. */
  creditNotes(): Promise<CreditNoteRecord[]>;
  /**
   * How many documents (invoices and credit notes) were ever issued: it moves on every issue, so
   * what is computed from them (the past-due cabinets) can be kept while it stays the same.
   */
  documentsIssued(): Promise<number>;
  /**
   * Issues a credit note (avoir, art. 289 I-5 CGI) on an issued invoice: the next number of the
   * credit-note series for the year of its `issueDate`, given inside the transaction that inserts
   * it, after the same chronology check as the close. `build` gets the invoice's credit notes
   * issued so far (locked: two credit notes of one invoice are decided one after the other, so
   * together they never credit more than it). `not_found` when the invoice does not exist.
   */
  issueCreditNote(
    invoiceNumber: string,
    build: (now: Date, earlier: readonly CreditNoteRecord[]) => Omit<CreditNoteRecord, 'number'>,
    now: () => Date,
  ): Promise<CreditNoteRecord>;
  /** Credit notes of an invoice, by number. */
  creditNotesOf(invoiceNumber: string): Promise<CreditNoteRecord[]>;
  /**
   * Issues a held invoice an admin approved: the next number of the invoice series (the same
   * numbering and clock as the close), once — a held invoice already decided, by this node or
   * another, is refused with `held_invoice_decided`; an unknown one with `not_found`. `build` gets
   * the held draft and the month's vendor.
   */
  approveHeld(
    month: string,
    cabinetId: string,
    build: (now: Date, held: HeldInvoice, vendor: VendorIdentity) => UnnumberedApproval,
    now: () => Date,
  ): Promise<ApprovedInvoice>;
  /** Records that a held invoice will not be issued, once (`held_invoice_decided` otherwise, `not_found` when unknown). */
  rejectHeld(
    month: string,
    cabinetId: string,
    build: (now: Date, held: HeldInvoice) => RejectionRecord,
    now: () => Date,
  ): Promise<RejectionRecord>;
}

/** Whether a payment was recorded, or the bank line it stands for was already (the first recording). */
export type PaymentOutcome = { recorded: PaymentRecord } | { duplicate: PaymentRecord };

/**
 * Payments received on invoices and the relances of unpaid ones (domain/billing/payments.ts,
 * relances.ts). A bank line is recorded once and a relance step claimed once, whatever the number
 * of nodes: the payment's id (derived from the bank reference) and the relance's (invoice, step)
 * are the keys.
 */
export interface PaymentLedger {
  /**
   * Records a payment once. Its id already recorded — the same bank line imported again, on any
   * node, even at the same moment — gives `duplicate` with the first recording and changes nothing.
   * Otherwise `admit` gets the invoice's payments so far, locked (two payments of one invoice are
   * decided one after the other, so together they never pay more than is owed) and refuses by
   * throwing; the payment is inserted in the same transaction.
   */
  record(payment: PaymentRecord, admit: (earlier: readonly PaymentRecord[]) => void): Promise<PaymentOutcome>;
  /** An invoice's payments, oldest first (by date, then by when they were recorded). */
  paymentsOf(invoiceNumber: string): Promise<PaymentRecord[]>;
  /** Every payment, in the order of `paymentsOf` (to read, never to change). */
  payments(): Promise<PaymentRecord[]>;
  /** How many payments were ever recorded (never removed): it moves on every payment, as `documentsIssued` does. */
  paymentCount(): Promise<number>;
  /** An invoice's relances (claimed or sent), in the order of the steps. */
  relancesOf(invoiceNumber: string): Promise<RelanceRecord[]>;
  /** The relance of an invoice at a step, if one was claimed (sending or sent). */
  relance(invoiceNumber: string, step: RelanceStep): Promise<RelanceRecord | undefined>;
  /**
   * Claims a relance before it is sent, durably: false when it was already claimed (by this node or
   * another, before or at the same moment) — then it is not sent again.
   */
  claimRelance(record: RelanceRecord): Promise<boolean>;
  /** Marks a claimed relance sent, once the SMTP server accepted it. */
  markRelanceSent(invoiceNumber: string, step: RelanceStep, sentAt: string, messageId: string | null): Promise<RelanceRecord>;
  /** Gives a claim back when the SMTP server refused the message: nothing was sent, the next pass tries again. */
  releaseRelance(invoiceNumber: string, step: RelanceStep): Promise<void>;
}

export interface CabinetStore {
  get(id: string): Promise<CabinetRecord | undefined>;
  /**
   * The cabinet to read at once — never to change, nor to hold across an await: the embedded store
   * hands out its own record rather than a copy, for the heartbeat ingest's usage bounds, read on
   * every heartbeat. PostgreSQL reads the row as `get` does.
   */
  peek(id: string): Promise<Readonly<CabinetRecord> | undefined>;
  list(): Promise<CabinetRecord[]>;
  /** Refused with `already_exists` when the id is taken. */
  create(record: CabinetRecord): Promise<void>;
  /**
   * Changes a cabinet under its lock: `change` edits the record it is given (throwing to refuse);
   * its plan history only grows (entries are appended, never rewritten) and its enrollment codes are
   * added or marked superseded. Committed whole; `not_found` for an unknown id.
   */
  update(id: string, change: (cabinet: CabinetRecord) => void): Promise<CabinetRecord>;
  /**
   * Enrolls an appliance with a one-time code (by its SHA-256), once whatever the number of nodes:
   * the code is claimed by a conditional update (unused, not superseded, not expired), `build`
   * makes the appliance's record (its license signed) for the cabinet and the new appliance id, and
   * in the same transaction the appliance is created, the cabinet's previous one revoked and the
   * cabinet points to the new one. Refusals: `invalid_enrollment_code`, `enrollment_code_used`,
   * `enrollment_code_expired`, `cabinet_not_active` — the code stays unused after any refusal.
   */
  enroll(
    codeHash: string,
    now: Date,
    applianceIdFor: (cabinetId: string) => string,
    build: (cabinet: CabinetRecord, applianceId: string) => Promise<ApplianceRecord>,
  ): Promise<{ cabinet: CabinetRecord; appliance: ApplianceRecord }>;
}

export interface AdminStore {
  list(): Promise<AdminRecord[]>;
  get(id: string): Promise<AdminRecord | undefined>;
  /** By e-mail, compared without case. */
  findByEmail(email: string): Promise<AdminRecord | undefined>;
  /** The admin and token whose SHA-256 is `hash` (revoked and expired ones too: the caller says why it refuses). */
  findByTokenHash(hash: string): Promise<{ admin: AdminRecord; token: ApiTokenRecord } | undefined>;
  /** Refused with `already_exists` when the e-mail (without case) or id is taken — by any node. */
  create(admin: AdminRecord): Promise<void>;
  /**
   * Changes an admin under its lock (role, password, session epoch, disabling; tokens added,
   * revoked, used, dropped): committed whole, seen by every node's next request. `not_found` for an
   * unknown id.
   */
  update(id: string, change: (admin: AdminRecord) => void): Promise<AdminRecord>;
  /**
   * `update` for a rule over every admin (never disable the last active `admin`): `change` also gets
   * the other admins, locked with it until the commit, so two such changes on two nodes run one
   * after the other and the second sees the first's result.
   */
  updateWithOthers(id: string, change: (admin: AdminRecord, others: readonly AdminRecord[]) => void): Promise<AdminRecord>;
  /**
   * The secret dashboard session cookies are signed with: the first node to ask creates it with
   * `generate`, every other node then gets that same one, so a session works on any node.
   */
  sessionSecret(generate: () => string, now: Date): Promise<string>;
}

/** The vendor's own plans (the built-in ones are in the code, domain/planCatalog.ts). Both implementations; a plan is never changed once created. */
export interface PlanStore {
  list(): Promise<PlanRecord[]>;
  get(id: string): Promise<PlanRecord | undefined>;
  /** Refused with `already_exists` when the id is taken. */
  create(plan: PlanRecord): Promise<void>;
}

/** A vendor signing key: what keys.json lists, with its private half (keys/KID.pem in DATA_DIR). Both implementations. */
export type VendorKeyEntry = VendorKeysFile['keys'][number] & { privatePem: string };

export interface VendorKeyStore {
  /** Every key, oldest first: the last one signs, the last few are published. */
  list(): Promise<VendorKeyEntry[]>;
  /** Adds a key after the others (a rotation). */
  add(key: VendorKeyEntry): Promise<void>;
  /**
   * On a store with no key yet, adds the one `generate` makes; on one that has keys, nothing.
   * Nodes starting together on an empty database end with one first key, not one each.
   */
  ensureFirst(generate: () => Promise<VendorKeyEntry>): Promise<void>;
}

/**
 * Upgrade requests appliances sent (domain/upgradeRequests.ts). Whatever the number of nodes, a
 * nonce is recorded once and an appliance never has more open requests than the domain's bound.
 */
export interface UpgradeRequestStore {
  /**
   * Records a new request, once: `replayed` when its id (the nonce) is already recorded — by this
   * node or another, at the same moment or before. Otherwise `admit` gets the number of requests of
   * the same appliance still open, counted under that appliance's lock (another node's insert
   * waits), and refuses by throwing; the request is inserted in the same transaction.
   */
  add(record: UpgradeRequestRecord, admit: (openOfAppliance: number) => void): Promise<'added' | 'replayed'>;
  /** Newest first (by `receivedAt`), filtered by status and cabinet. */
  list(filter: { status: UpgradeRequestStatus | 'all'; cabinetId?: string }): Promise<UpgradeRequestRecord[]>;
  /** Marks it handled once (a second call keeps the first date and admin); undefined for an unknown id. */
  markHandled(id: string, by: string, now: Date): Promise<UpgradeRequestRecord | undefined>;
}

/** Support bundles' index entries and bytes (domain/supportBundles.ts), kept until they expire. */
export interface SupportBundleArchive {
  /**
   * Keeps a bundle, under its cabinet's lock (another node's upload for the cabinet waits): a bundle
   * of the cabinet with the same SHA-256 still kept is returned instead (a retried upload); otherwise
   * the cabinet's oldest bundles beyond `maxPerCabinet - 1` are dropped and this one inserted, so
   * that a cabinet never has more than `maxPerCabinet`, whatever the number of nodes.
   */
  keep(entry: SupportBundleEntry, bytes: Buffer, maxPerCabinet: number): Promise<SupportBundleEntry>;
  /** A cabinet's bundles not expired at `now`, newest first. */
  list(cabinetId: string, now: Date): Promise<SupportBundleEntry[]>;
  /** One bundle of a cabinet with its bytes; undefined when unknown or expired at `now`. */
  read(cabinetId: string, id: string, now: Date): Promise<{ entry: SupportBundleEntry; bytes: Buffer } | undefined>;
  /** Drops every bundle expired at `now` (retention); how many were dropped. */
  prune(now: Date): Promise<number>;
}
