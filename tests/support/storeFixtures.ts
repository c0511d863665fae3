/**
 * Records for the storage seam's contract tests (tests/control-plane/postgres/): valid as the
 * control plane's own schemas read them, with nothing the stores under test would compute.
 */
import {
  invoiceRecordSchema,
  type CreditNoteRecord,
  type HeldInvoice,
  type InvoiceRecord,
} from '../../control-plane/src/storage/billingRecords.js';
import {
  applianceRecordSchema,
  cabinetRecordSchema,
  type ApplianceRecord,
  type CabinetRecord,
} from '../../control-plane/src/storage/records.js';
import type { ClosingMonth, UnnumberedInvoice } from '../../control-plane/src/storage/stores.js';

export function applianceRecord(id: string, cabinetId: string, at = '2026-03-01T09:00:00.000Z'): ApplianceRecord {
  return applianceRecordSchema.parse({
    id,
    cabinetId,
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
    instanceName: `${cabinetId}-prod`,
    enrolledVersion: '1.0.0',
    enrolledAt: at,
    revokedAt: null,
    license: { jws: 'h.p.s', jti: `jti-${id}`, iat: 1_772_355_600, exp: 1_774_947_600, revision: 1, plan: 'essentiel' },
    lastSeq: 0,
    lastHeartbeatAt: null,
    health: null,
    months: {},
  });
}

/** A month's subscription invoice for a cabinet, before the close numbers it. */
export function unnumberedInvoice(cabinetId: string, month: string, issuedAt: string): UnnumberedInvoice {
  const issueDate = issuedAt.slice(0, 10);
  return invoiceRecordSchema.omit({ number: true }).parse({
    cabinetId,
    month,
    issueDate,
    issuedAt,
    dueDate: issueDate,
    customer: { cabinetId, name: `Cabinet ${cabinetId}`, address: '1 rue de la Paix, 75002 Paris', siret: null, email: null },
    lines: [
      {
        kind: 'subscription',
        description: 'Abonnement Essentiel',
        plan: 'essentiel',
        from: `${month}-01`,
        to: `${month}-28`,
        days: 28,
        daysInMonth: 28,
        unitPriceCents: 9900,
        amountCents: 9900,
      },
    ],
    usage: null,
    totalExclVatCents: 9900,
    vatRatePercent: 20,
    vatCents: 1980,
    totalInclVatCents: 11880,
  });
}

/** What a close hands the store: the month, the vendor, its invoices not numbered yet. */
export function closingMonth(month: string, closedAt: string, cabinetIds: readonly string[]): ClosingMonth {
  return {
    month,
    closedAt,
    closedBy: 'admin@vendor.example',
    issueDate: closedAt.slice(0, 10),
    vendor: {
      name: 'IAManager SAS',
      address: '10 avenue de France, 75013 Paris',
      siret: '12345678900011',
      vatNumber: 'FR32123456789',
      legalForm: 'SAS',
      rcs: 'RCS Paris 123 456 789',
      email: null,
      iban: null,
      paymentTermsDays: 30,
    },
    invoices: cabinetIds.map((id) => unnumberedInvoice(id, month, closedAt)),
    held: [],
    warnings: [],
  };
}

/** An active cabinet on the Essentiel plan with one enrollment code (by its hash) valid 7 days from `at`. */
/** A held draft for `cabinetId` in `month`, shaped like `like` (a drafted invoice), above the review amount. */
export function heldDraft(cabinetId: string, month: string, like: Omit<InvoiceRecord, 'number'>): HeldInvoice {
  const { issueDate: _d, issuedAt: _i, dueDate: _u, ...rest } = like;
  return { ...rest, cabinetId, month, customer: { ...rest.customer, cabinetId }, reviewAmountCents: 10_000 };
}

/** A partial avoir of `cents` excl. VAT (20 %) on `invoice`, issued at `now`. */
export function creditNote(invoice: InvoiceRecord, now: Date, cents = 1000): Omit<CreditNoteRecord, 'number'> {
  return {
    invoiceNumber: invoice.number,
    invoiceIssueDate: invoice.issueDate,
    month: invoice.month,
    cabinetId: invoice.cabinetId,
    issueDate: now.toISOString().slice(0, 10),
    issuedAt: now.toISOString(),
    issuedBy: 'compta@vendor.example',
    reason: 'Geste commercial',
    full: false,
    vendor: closingMonth(invoice.month, now.toISOString(), []).vendor,
    customer: invoice.customer,
    lines: [{ description: 'Remise', amountCents: cents }],
    totalExclVatCents: cents,
    vatRatePercent: 20,
    vatCents: cents / 5,
    totalInclVatCents: cents * 1.2,
  };
}

export function cabinetRecord(id: string, codeHash: string, at = '2026-03-01T09:00:00.000Z'): CabinetRecord {
  return cabinetRecordSchema.parse({
    id,
    name: `Cabinet ${id}`,
    siret: null,
    address: null,
    phone: null,
    email: null,
    plan: 'essentiel',
    overrides: {},
    status: 'active',
    createdAt: at,
    updatedAt: at,
    licenseRevision: 1,
    planHistory: [{ effectiveAt: at, plan: 'essentiel', overrides: {}, status: 'active', by: 'admin@vendor.example' }],
    enrollmentCodes: [
      {
        hash: codeHash,
        issuedAt: at,
        expiresAt: new Date(Date.parse(at) + 7 * 86_400_000).toISOString(),
        usedAt: null,
        applianceId: null,
        supersededAt: null,
      },
    ],
    applianceId: null,
  });
}
