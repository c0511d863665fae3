/**
 * The shapes of the billing files (DATA_DIR/billing), as schemas checked on read:
 *   months/YYYY-MM.json    one closed billing month: its invoices, written once, never changed;
 *   credit-notes/A-….json  one credit note (avoir) per file, written once, never changed;
 *   invoices/F-….json      an invoice held at the close for review and issued later, once an
 *                          admin approved it: one file each, written once, never changed;
 *   rejected/YYYY-MM_ID.json  an admin's rejection of a held invoice, written once;
 *   ledger.json            the numbering ledger: last number per series and year, and a summary
 *                          of each closed month — an index, rebuilt from the files above if a
 *                          crash left it behind them (see storage/embedded/billingFiles.ts).
 */
import { z } from 'zod';

const cents = z.int().min(0);

export const vendorIdentitySchema = z.object({
  name: z.string(),
  address: z.string(),
  siret: z.string(),
  vatNumber: z.string(),
  legalForm: z.string().nullable(),
  rcs: z.string().nullable(),
  email: z.string().nullable(),
  iban: z.string().nullable(),
  paymentTermsDays: z.int().min(0),
});
export type VendorIdentity = z.infer<typeof vendorIdentitySchema>;

/** The customer as it was when the document was issued: a later change to the cabinet never alters it. */
export const customerSchema = z.object({
  cabinetId: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  siret: z.string().nullable(),
  email: z.string().nullable(),
  /** Documents from before it was recorded read as null. */
  vatNumber: z.string().nullable().default(null),
});
export type Customer = z.infer<typeof customerSchema>;

/** Which signed heartbeat (or uploaded usage report) carried the month's final counters. */
export const evidenceRefSchema = z.object({
  applianceId: z.string(),
  seq: z.int(),
  receivedAt: z.string(),
  jwsSha256: z.string(),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

export const subscriptionLineSchema = z.object({
  kind: z.literal('subscription'),
  description: z.string(),
  plan: z.string(),
  /** First and last billed day, inclusive, "YYYY-MM-DD" in Europe/Paris. */
  from: z.string(),
  to: z.string(),
  days: z.int().min(1),
  daysInMonth: z.int().min(28).max(31),
  /** The plan's monthly price; the line is that price × days / daysInMonth. */
  unitPriceCents: cents,
  amountCents: cents,
});

export const overageLineSchema = z.object({
  kind: z.literal('overage'),
  description: z.string(),
  plan: z.string(),
  quantity: z.int().min(1),
  unitPriceCents: cents,
  amountCents: cents,
  evidence: evidenceRefSchema,
});

export const invoiceLineSchema = z.discriminatedUnion('kind', [subscriptionLineSchema, overageLineSchema]);
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

export const usageRecordSchema = evidenceRefSchema.extend({
  analysesUsed: z.int().min(0),
  analysesOverage: z.int().min(0),
  /** The signed heartbeat itself, kept with the invoice: the appliance may send later ones for the month. */
  jws: z.string(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

const totals = {
  totalExclVatCents: cents,
  vatRatePercent: z.int().min(0).max(100),
  vatCents: cents,
  totalInclVatCents: cents,
};

export const invoiceRecordSchema = z.object({
  number: z.string(),
  cabinetId: z.string(),
  month: z.string(),
  issueDate: z.string(),
  issuedAt: z.string(),
  dueDate: z.string(),
  customer: customerSchema,
  lines: z.array(invoiceLineSchema).min(1),
  usage: usageRecordSchema.nullable(),
  ...totals,
});
export type InvoiceRecord = z.infer<typeof invoiceRecordSchema>;

/**
 * A draft the close did not issue because its total incl. VAT was above BILLING_REVIEW_AMOUNT_CENTS:
 * no number yet. An admin approves it (issued then, with the next number) or rejects it.
 */
export const heldInvoiceSchema = invoiceRecordSchema.omit({ number: true, issueDate: true, issuedAt: true, dueDate: true }).extend({
  /** The review amount in force at the close, incl. VAT: the invoice was above it. */
  reviewAmountCents: cents,
});
export type HeldInvoice = z.infer<typeof heldInvoiceSchema>;

/** A held invoice once approved: an invoice like the others, issued on the day of its approval. */
export const approvedInvoiceSchema = invoiceRecordSchema.extend({ approvedBy: z.string() });
export type ApprovedInvoice = z.infer<typeof approvedInvoiceSchema>;

export const rejectionSchema = z.object({
  month: z.string(),
  cabinetId: z.string(),
  rejectedAt: z.string(),
  rejectedBy: z.string(),
  reason: z.string(),
});
export type RejectionRecord = z.infer<typeof rejectionSchema>;

export const billingMonthSchema = z.object({
  month: z.string(),
  closedAt: z.string(),
  closedBy: z.string(),
  issueDate: z.string(),
  vendor: vendorIdentitySchema,
  invoices: z.array(invoiceRecordSchema),
  /** Files from before the review hold have none. */
  held: z.array(heldInvoiceSchema).default([]),
  /** What the drafts said at the close (no usage report, overage not billed…); files from before drafts have none. */
  warnings: z.array(z.object({ cabinetId: z.string(), code: z.string(), message: z.string() })).default([]),
});
export type BillingMonthFile = z.infer<typeof billingMonthSchema>;

export const creditNoteRecordSchema = z.object({
  number: z.string(),
  invoiceNumber: z.string(),
  invoiceIssueDate: z.string(),
  month: z.string(),
  cabinetId: z.string(),
  issueDate: z.string(),
  issuedAt: z.string(),
  issuedBy: z.string(),
  reason: z.string(),
  /** True when it cancels everything the invoice still owed. */
  full: z.boolean(),
  vendor: vendorIdentitySchema,
  customer: customerSchema,
  lines: z.array(z.object({ description: z.string(), amountCents: cents })).min(1),
  ...totals,
});
export type CreditNoteRecord = z.infer<typeof creditNoteRecordSchema>;

export const monthSummarySchema = z.object({
  closedAt: z.string(),
  closedBy: z.string(),
  issueDate: z.string(),
  invoiceCount: z.int().min(0),
  firstNumber: z.string().nullable(),
  lastNumber: z.string().nullable(),
  totalExclVatCents: cents,
  vatCents: cents,
  totalInclVatCents: cents,
  /** Invoices held for review at the close (not in the counts and totals above). */
  heldCount: z.int().min(0).default(0),
});
export type MonthSummary = z.infer<typeof monthSummarySchema>;

export const ledgerSchema = z.object({
  /** Last number used, per series ("F", "A") and year of issue. */
  lastNumbers: z.record(z.string(), z.record(z.string(), z.int().min(0))),
  /** When the latest document was issued: a clock set back cannot issue one dated before it. */
  lastIssuedAt: z.string().nullable(),
  months: z.record(z.string(), monthSummarySchema),
});
export type LedgerFile = z.infer<typeof ledgerSchema>;
