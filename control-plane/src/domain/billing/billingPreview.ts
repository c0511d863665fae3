/**
 * A month's drafts, as Stripe drafts invoices before finalizing them: every invoice the close would
 * issue, with its lines, totals, warnings, the mandatory mentions it lacks (mandatoryMentions.ts)
 * and whether it is above BILLING_REVIEW_AMOUNT_CENTS (then the close holds it for an admin's
 * approval instead of issuing it, reviewHeldInvoice.ts). Nothing is numbered or written: drafts are
 * computed from the cabinets and the signed usage as they are now, so the preview shown is what a
 * close run now would issue. Its `digest` lets a finalize refuse drafts that changed since the
 * page showed them (a cabinet edited, a late usage report).
 *
 * `control-plane billing preview YYYY-MM`, `GET /api/v1/billing/months/:month/drafts`, and the
 * dashboard's "Brouillons" page show them; `billing close` finalizes (closeBillingMonth.ts).
 */
import { createHash } from 'node:crypto';
import type { Customer, InvoiceLine, UsageRecord, VendorIdentity } from '../../storage/billingRecords.js';
import type { CabinetRecord } from '../../storage/records.js';
import { addDays, isMonthOver, parisDate } from './calendar.js';
import type { PlanLookup } from '../planCatalog.js';
import type { BillingContext } from './billingContext.js';
import { draftInvoice, type DraftWarning } from './draftInvoice.js';
import { missingMentions, type MissingMention } from './mandatoryMentions.js';
import { VAT_RATE_PERCENT } from './money.js';
import { requireVendor } from './requireVendor.js';
import { monthUsageByCabinet } from './usageEvidence.js';
import { ControlPlaneError } from '../../errors.js';

export interface MonthDraft {
  cabinetId: string;
  customer: Customer;
  lines: InvoiceLine[];
  usage: UsageRecord | null;
  totalExclVatCents: number;
  vatRatePercent: number;
  vatCents: number;
  totalInclVatCents: number;
  warnings: DraftWarning[];
  missing: MissingMention[];
  /** Above the review amount: finalizing holds it for an admin's approval instead of issuing it. */
  needsApproval: boolean;
}

export interface MonthDrafts {
  month: string;
  /** Whether the month is over (it can be finalized only then, art. 289, I-3 CGI). */
  monthOver: boolean;
  /** The issue and due dates the invoices would carry if finalized today. */
  issueDate: string;
  dueDate: string;
  vendor: VendorIdentity;
  reviewAmountCents: number;
  drafts: MonthDraft[];
  warnings: DraftWarning[];
  missing: MissingMention[];
  totalExclVatCents: number;
  totalInclVatCents: number;
  /** Identifies these exact drafts: a finalize given another digest refuses (`drafts_changed`). */
  digest: string;
}

export function customerOf(cabinet: CabinetRecord): Customer {
  return {
    cabinetId: cabinet.id,
    name: cabinet.name,
    address: cabinet.address,
    siret: cabinet.siret,
    email: cabinet.email,
    vatNumber: cabinet.vatNumber,
  };
}

/**
 * The drafts of `month` as of now, with the plans read before (`await cp.plans.lookup()`). The
 * close drafts before the store's lock (several nodes cannot hold one over the cabinet reads):
 * what it issues is exactly what was drafted, and a reviewed digest (`expectedDigest`) refuses
 * drafts that changed since the review.
 */
export async function draftMonth(cp: BillingContext, month: string, planOf: PlanLookup): Promise<MonthDrafts> {
  // Read from the stores first: from here on the drafting is one synchronous step.
  const closed = await cp.billingMonths.closedMonth(month);
  const cabinets = await cp.cabinets.list();
  const vendor = requireVendor(cp.config.vendor);
  if (closed) {
    throw new ControlPlaneError(
      'month_already_closed',
      `${month} was already closed on ${closed.issueDate}: its invoices are issued (control-plane billing month ${month}); there is no draft left`,
      { month, closedAt: closed.closedAt },
    );
  }
  const now = cp.clock();
  const issueDate = parisDate(now);
  const usage = await monthUsageByCabinet(cp.appliances, month);
  const review = cp.config.billingReviewAmountCents;
  const drafts: MonthDraft[] = [];
  for (const cabinet of cabinets) {
    const draft = draftInvoice(cabinet, month, planOf, usage.get(cabinet.id));
    if (!draft) continue;
    const customer = customerOf(cabinet);
    drafts.push({
      cabinetId: cabinet.id,
      customer,
      lines: draft.lines,
      usage: draft.usage,
      totalExclVatCents: draft.totalExclVatCents,
      vatRatePercent: VAT_RATE_PERCENT,
      vatCents: draft.vatCents,
      totalInclVatCents: draft.totalInclVatCents,
      warnings: draft.warnings,
      missing: missingMentions(vendor, customer),
      // `!(… <= …)`: an amount that is not a number at all needs approval too (and is then refused by the record check).
      needsApproval: !(draft.totalInclVatCents <= review),
    });
  }
  const digest = createHash('sha256')
    .update(JSON.stringify(drafts.map((d) => [d.customer, d.lines, d.usage?.jwsSha256 ?? null, d.totalInclVatCents])))
    .digest('hex')
    .slice(0, 16);
  return {
    month,
    monthOver: isMonthOver(month, now),
    issueDate,
    dueDate: addDays(issueDate, vendor.paymentTermsDays),
    vendor,
    reviewAmountCents: review,
    drafts,
    warnings: drafts.flatMap((d) => d.warnings),
    missing: drafts.flatMap((d) => d.missing),
    totalExclVatCents: drafts.reduce((s, d) => s + d.totalExclVatCents, 0),
    totalInclVatCents: drafts.reduce((s, d) => s + d.totalInclVatCents, 0),
    digest,
  };
}

/** The drafts as they go out (API, CLI `--json`): the signed usage JWS stays in the store. */
export function presentDrafts(drafts: MonthDrafts) {
  return {
    month: drafts.month,
    monthOver: drafts.monthOver,
    issueDate: drafts.issueDate,
    dueDate: drafts.dueDate,
    reviewAmountCents: drafts.reviewAmountCents,
    finalizable: drafts.monthOver && drafts.missing.length === 0,
    digest: drafts.digest,
    totalExclVatCents: drafts.totalExclVatCents,
    totalInclVatCents: drafts.totalInclVatCents,
    drafts: drafts.drafts.map((d) => ({
      cabinetId: d.cabinetId,
      customer: { ...d.customer },
      lines: d.lines.map((l) => ({ ...l })),
      usage: d.usage && {
        analysesUsed: d.usage.analysesUsed,
        analysesOverage: d.usage.analysesOverage,
        applianceId: d.usage.applianceId,
        seq: d.usage.seq,
        jwsSha256: d.usage.jwsSha256,
      },
      totalExclVatCents: d.totalExclVatCents,
      vatRatePercent: d.vatRatePercent,
      vatCents: d.vatCents,
      totalInclVatCents: d.totalInclVatCents,
      needsApproval: d.needsApproval,
      warnings: d.warnings,
      missing: d.missing,
    })),
    warnings: drafts.warnings,
    missing: drafts.missing,
  };
}
