/**
 * `db import`'s inserts: an installation read from DATA_DIR (`Installation`, filled by
 * cli/readInstallation.ts through today's file classes) written into schema v1's tables, in the
 * order the foreign keys ask — plans, keys and admins, then cabinets, appliances, billing, fleet
 * alerts. Every record goes through the zod schema the PostgreSQL stores read it back with, and
 * into the same columns and jsonb shape they write (cabinets less their history and codes, admins
 * less their tokens, a month less its invoices and held drafts), so an imported row reads back
 * through the stores as if they had written it. Runs on the import's one transaction.
 */
import type pg from 'pg';
import {
  approvedInvoiceSchema,
  billingMonthSchema,
  creditNoteRecordSchema,
  heldInvoiceSchema,
  invoiceRecordSchema,
  rejectionSchema,
  type ApprovedInvoice,
  type BillingMonthFile,
  type CreditNoteRecord,
  type InvoiceRecord,
  type RejectionRecord,
} from '../billingRecords.js';
import { paymentRecordSchema, relanceRecordSchema, type PaymentRecord, type RelanceRecord } from '../paymentRecords.js';
import {
  adminRecordSchema,
  applianceRecordSchema,
  cabinetRecordSchema,
  planRecordSchema,
  type AdminRecord,
  type ApplianceRecord,
  type CabinetRecord,
  type PlanRecord,
} from '../records.js';
import type { VendorKeyEntry } from '../stores.js';
import { supportBundleEntrySchema, type SupportBundleEntry } from '../supportBundleRecords.js';
import { upgradeRequestRecordSchema, type UpgradeRequestRecord } from '../upgradeRequestRecords.js';
import { APPLIANCE_COLUMNS, applianceValues } from './applianceStore.js';

/** A fleet status as last recorded (domain/fleetMonitor.ts `current`), declared structurally. */
export interface FleetCurrentStatus {
  status: string;
  since: string;
  codes: string[];
}

/** A fleet status transition (domain/fleetMonitor.ts StatusTransition): these fields are columns, all of it the record. */
export interface FleetTransition {
  applianceId: string;
  cabinetId: string;
  at: string;
}

/** Everything `db import` moves, as DATA_DIR holds it (the heartbeat journal already replayed into `appliances`). */
export interface Installation {
  plans: PlanRecord[];
  vendorKeys: VendorKeyEntry[];
  admins: AdminRecord[];
  sessionSecret: { secret: string; createdAt: string } | undefined;
  /** Dashboard logouts still in force: a session ended on the files stays ended on the database. */
  revokedSessions: { jti: string; until: string }[];
  cabinets: CabinetRecord[];
  appliances: ApplianceRecord[];
  upgradeRequests: UpgradeRequestRecord[];
  supportBundles: { entry: SupportBundleEntry; bytes: Buffer }[];
  /** Closed months as their files hold them: the invoices issued at the close and the held drafts. */
  billingMonths: BillingMonthFile[];
  /** Held invoices approved since their close (billing/invoices/F-….json). */
  approvedInvoices: ApprovedInvoice[];
  rejections: RejectionRecord[];
  creditNotes: CreditNoteRecord[];
  payments: PaymentRecord[];
  relances: RelanceRecord[];
  /** The ledger's last number per series and year of issue. */
  documentNumbers: { series: 'F' | 'A'; year: number; lastNumber: number }[];
  /** When the latest document was issued (null: none yet). */
  lastIssuedAt: string | null;
  fleetCurrent: Record<string, FleetCurrentStatus>;
  /** Oldest first, as the file keeps them: their serial ids keep that order. */
  fleetTransitions: FleetTransition[];
}

/** A document number's year of issue and place in its series (domain/billing/documentNumbers.ts), handed in. */
export type ParseNumber = (number: string) => { year: number; n: number } | undefined;

type Client = Pick<pg.PoolClient, 'query'>;

const json = (value: unknown) => JSON.stringify(value);

function seriesOf(parse: ParseNumber, number: string): { year: number; n: number } {
  const parsed = parse(number);
  if (!parsed) throw new Error(`db import: "${number}" is not a document number`);
  return parsed;
}

export async function insertCatalog(client: Client, from: Installation): Promise<void> {
  for (const plan of from.plans) {
    const valid = planRecordSchema.parse(plan);
    await client.query('INSERT INTO plans (id, record) VALUES ($1, $2)', [valid.id, json(valid)]);
  }
  // Oldest first: `added` (an identity) keeps the rotation order the stores list by.
  for (const key of from.vendorKeys) {
    await client.query('INSERT INTO vendor_keys (kid, created_at, public_jwk, private_pem) VALUES ($1, $2, $3, $4)', [
      key.kid,
      key.createdAt,
      json(key.publicKey),
      key.privatePem,
    ]);
  }
}

export async function insertAdmins(client: Client, from: Installation): Promise<void> {
  for (const admin of from.admins) {
    const { tokens, ...rest } = adminRecordSchema.parse(admin);
    await client.query('INSERT INTO admins (id, email, record) VALUES ($1, $2, $3)', [rest.id, rest.email, json(rest)]);
    for (const token of tokens) {
      await client.query('INSERT INTO api_tokens (id, admin_id, hash, record) VALUES ($1, $2, $3, $4)', [
        token.id,
        rest.id,
        token.hash,
        json(token),
      ]);
    }
  }
  if (from.sessionSecret) {
    await client.query('INSERT INTO dashboard_session_secret (singleton, secret, created_at) VALUES (true, $1, $2)', [
      from.sessionSecret.secret,
      from.sessionSecret.createdAt,
    ]);
  }
  for (const { jti, until } of from.revokedSessions) {
    await client.query('INSERT INTO revoked_sessions (jti, until) VALUES ($1, $2)', [jti, until]);
  }
}

export async function insertCabinets(client: Client, from: Installation): Promise<void> {
  for (const cabinet of from.cabinets) {
    const { planHistory, enrollmentCodes, ...rest } = cabinetRecordSchema.parse(cabinet);
    await client.query('INSERT INTO cabinets (id, status, license_revision, appliance_id, record) VALUES ($1, $2, $3, $4, $5)', [
      rest.id,
      rest.status,
      rest.licenseRevision,
      rest.applianceId,
      json(rest),
    ]);
    for (const [position, entry] of planHistory.entries()) {
      await client.query('INSERT INTO cabinet_plan_history (cabinet_id, position, effective_at, record) VALUES ($1, $2, $3, $4)', [
        rest.id,
        position,
        entry.effectiveAt,
        json(entry),
      ]);
    }
    for (const c of enrollmentCodes) {
      await client.query(
        `INSERT INTO enrollment_codes (hash, cabinet_id, issued_at, expires_at, used_at, appliance_id, superseded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [c.hash, rest.id, c.issuedAt, c.expiresAt, c.usedAt, c.applianceId, c.supersededAt],
      );
    }
  }
}

/**
 * Appliances with their whole record (months with the signed usage evidence billing cites, history
 * rings, license, last sequence). No `heartbeats` rows: that table is PostgreSQL's journal, and the
 * files keep a heartbeat's effect, not the heartbeat — every journaled one is in the record by now,
 * and `last_seq` is what refuses a replay (docs/control-plane-postgres.md "Moving an installation").
 */
export async function insertAppliances(client: Client, from: Installation): Promise<void> {
  for (const appliance of from.appliances) {
    const valid = applianceRecordSchema.parse(appliance);
    await client.query(`INSERT INTO appliances (${APPLIANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, applianceValues(valid));
  }
  for (const request of from.upgradeRequests) {
    const valid = upgradeRequestRecordSchema.parse(request);
    await client.query('INSERT INTO upgrade_requests (id, appliance_id, cabinet_id, status, record) VALUES ($1, $2, $3, $4, $5)', [
      valid.id,
      valid.applianceId,
      valid.cabinetId,
      valid.status,
      json(valid),
    ]);
  }
  for (const { entry, bytes } of from.supportBundles) {
    const valid = supportBundleEntrySchema.parse(entry);
    await client.query(
      `INSERT INTO support_bundles (id, cabinet_id, appliance_id, expires_at, sha256, record, content) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [valid.id, valid.cabinetId, valid.applianceId, valid.expiresAt, valid.sha256, json(valid), bytes],
    );
  }
}

async function insertInvoice(client: Client, parse: ParseNumber, invoice: InvoiceRecord, approvedBy: string | null): Promise<void> {
  const { year, n } = seriesOf(parse, invoice.number);
  await client.query(
    `INSERT INTO invoices (number, series_year, series_number, month, cabinet_id, issued_at, approved_by, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [invoice.number, year, n, invoice.month, invoice.cabinetId, invoice.issuedAt, approvedBy, json(invoice)],
  );
}

/** Months, their invoices and held drafts (with their decisions), credit notes, payments, relances, the numbering and the clock. */
export async function insertBilling(client: Client, from: Installation, parse: ParseNumber): Promise<void> {
  const approved = new Set(from.approvedInvoices.map((i) => `${i.month}/${i.cabinetId}`));
  const rejected = new Set(from.rejections.map((r) => `${r.month}/${r.cabinetId}`));
  for (const file of from.billingMonths) {
    const { invoices, held, ...rest } = billingMonthSchema.parse(file);
    await client.query('INSERT INTO billing_months (month, closed_at, record) VALUES ($1, $2, $3)', [
      rest.month,
      rest.closedAt,
      json(rest),
    ]);
    for (const invoice of invoices) await insertInvoice(client, parse, invoiceRecordSchema.parse(invoice), null);
    for (const h of held) {
      const key = `${rest.month}/${h.cabinetId}`;
      const decided = approved.has(key) ? 'approved' : rejected.has(key) ? 'rejected' : null;
      await client.query('INSERT INTO held_invoices (month, cabinet_id, decided, record) VALUES ($1, $2, $3, $4)', [
        rest.month,
        h.cabinetId,
        decided,
        json(heldInvoiceSchema.parse(h)),
      ]);
    }
  }
  for (const invoice of from.approvedInvoices) {
    const valid = approvedInvoiceSchema.parse(invoice);
    await insertInvoice(client, parse, valid, valid.approvedBy);
  }
  for (const rejection of from.rejections) {
    const valid = rejectionSchema.parse(rejection);
    await client.query('INSERT INTO rejections (month, cabinet_id, record) VALUES ($1, $2, $3)', [
      valid.month,
      valid.cabinetId,
      json(valid),
    ]);
  }
  for (const note of from.creditNotes) {
    const valid = creditNoteRecordSchema.parse(note);
    const { year, n } = seriesOf(parse, valid.number);
    await client.query(
      'INSERT INTO credit_notes (number, series_year, series_number, invoice_number, issued_at, record) VALUES ($1, $2, $3, $4, $5, $6)',
      [valid.number, year, n, valid.invoiceNumber, valid.issuedAt, json(valid)],
    );
  }
  for (const payment of from.payments) {
    const valid = paymentRecordSchema.parse(payment);
    await client.query('INSERT INTO payments (id, invoice_number, reference, record) VALUES ($1, $2, $3, $4)', [
      valid.id,
      valid.invoiceNumber,
      valid.reference,
      json(valid),
    ]);
  }
  for (const relance of from.relances) {
    const valid = relanceRecordSchema.parse(relance);
    await client.query('INSERT INTO relances (invoice_number, step, record) VALUES ($1, $2, $3)', [
      valid.invoiceNumber,
      valid.step,
      json(valid),
    ]);
  }
  // The series continue where the files left them (numéros continus, art. 242 nonies A, I-7°
  // annexe II CGI), and no document is issued dated before the last one.
  for (const s of from.documentNumbers) {
    await client.query('INSERT INTO document_numbers (series, year, last_number) VALUES ($1, $2, $3)', [s.series, s.year, s.lastNumber]);
  }
  if (from.lastIssuedAt) await client.query('INSERT INTO billing_clock (singleton, last_issued_at) VALUES (true, $1)', [from.lastIssuedAt]);
}

export async function insertFleetAlerts(client: Client, from: Installation): Promise<void> {
  for (const [applianceId, current] of Object.entries(from.fleetCurrent)) {
    await client.query('INSERT INTO fleet_alerts_current (appliance_id, record) VALUES ($1, $2)', [applianceId, json(current)]);
  }
  for (const t of from.fleetTransitions) {
    await client.query('INSERT INTO fleet_alert_transitions (appliance_id, cabinet_id, at, record) VALUES ($1, $2, $3, $4)', [
      t.applianceId,
      t.cabinetId,
      t.at,
      json(t),
    ]);
  }
}
