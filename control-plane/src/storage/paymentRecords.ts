/**
 * The shapes of the payment files (DATA_DIR/billing), as schemas checked on read:
 *   payments/P-….json          one payment received on an invoice, written once, never changed
 *                              (a mistaken one is corrected by an admin, not by editing it);
 *   relances/F-…_STEP.json     one reminder e-mail (relance) of an unpaid invoice: claimed before
 *                              it is handed to the SMTP server, marked sent once it was accepted
 *                              (see domain/billing/relances.ts).
 */
import { z } from 'zod';

export const PAYMENT_METHODS = ['transfer', 'direct_debit', 'card', 'cheque', 'cash', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const paymentRecordSchema = z.object({
  id: z.string(),
  invoiceNumber: z.string(),
  cabinetId: z.string(),
  /** The day the money was received ("YYYY-MM-DD", value date of the bank line). */
  date: z.string(),
  /** Incl. VAT: what the customer paid. */
  amountCents: z.int().min(1),
  method: z.enum(PAYMENT_METHODS),
  /** The bank's reference of the line (or the cheque number…): what makes a second recording of it a duplicate. */
  reference: z.string().nullable(),
  source: z.enum(['manual', 'bank_import']),
  /** The bank line's label, as the statement gave it (bank imports only). */
  label: z.string().nullable(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type PaymentRecord = z.infer<typeof paymentRecordSchema>;

export const RELANCE_STEPS = ['reminder', 'second_reminder', 'final_notice'] as const;
export type RelanceStep = (typeof RELANCE_STEPS)[number];

export const relanceRecordSchema = z.object({
  invoiceNumber: z.string(),
  cabinetId: z.string(),
  step: z.enum(RELANCE_STEPS),
  to: z.string(),
  /** `sending` from the claim until the SMTP server accepted the message; a crash in between leaves it so, never resent. */
  status: z.enum(['sending', 'sent']),
  claimedAt: z.string(),
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
  /** What the customer still owed, incl. VAT, when it was sent. */
  balanceDueCents: z.int(),
});
export type RelanceRecord = z.infer<typeof relanceRecordSchema>;
