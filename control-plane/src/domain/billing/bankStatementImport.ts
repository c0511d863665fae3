/**
 * Import of a bank statement's lines (CSV, as French banks export them) as payments. Each credit
 * line whose label or reference names an invoice (F-YYYY-NNNNNN — the number the customer was
 * asked to quote on the transfer) is recorded on it, through the same checks as `billing pay`.
 *
 * Idempotent by the line's reference: a line already recorded (this statement imported twice, or
 * an overlapping one) is reported as a duplicate and counted once. Each line stands alone — one
 * refused line (an overpayment, a void invoice) does not stop the others — and the result lists
 * every line with what became of it, so nothing is silently dropped.
 *
 * Accepted layout: a header row naming the columns (any order, case and accents ignored):
 *   date       `date`, `date valeur`, `date operation` — YYYY-MM-DD or DD/MM/YYYY;
 *   amount     `montant`, `amount`, `credit` — "1 234,56", "1234.56"; negative lines are debits, ignored;
 *   label      `libelle`, `label`, `description`;
 *   reference  `reference`, `ref`, `id` — the bank's own reference of the line, required.
 * Separated by ";" (the French default) or ",", UTF-8 with or without BOM.
 */
import { DomainError, ValidationError } from '@iamanager/protocol';
import { parse } from 'csv-parse/sync';
import { paymentIdOf, recordPayment, type PaymentContext } from './payments.js';

const COLUMNS = {
  date: ['date', 'date valeur', 'date operation', 'date de valeur', 'date d operation'],
  amount: ['montant', 'amount', 'credit', 'montant eur'],
  label: ['libelle', 'label', 'description', 'libelle operation'],
  reference: ['reference', 'ref', 'id', 'reference operation'],
} as const;
type Column = keyof typeof COLUMNS;

/** The most lines one import takes: a month's statement is hundreds; more is a wrong file. */
export const MAX_STATEMENT_LINES = 20_000;

export type ImportedLine =
  | { line: number; reference: string; status: 'recorded'; invoiceNumber: string; amountCents: number; paymentId: string }
  | { line: number; reference: string; status: 'duplicate'; invoiceNumber: string; amountCents: number; paymentId: string }
  | { line: number; reference: string | null; status: 'unmatched'; amountCents: number | null; label: string; reason: string }
  | {
      line: number;
      reference: string | null;
      status: 'refused';
      invoiceNumber: string | null;
      amountCents: number | null;
      code: string;
      reason: string;
    }
  | { line: number; reference: string | null; status: 'ignored'; amountCents: number; reason: string };

export interface StatementImport {
  lines: ImportedLine[];
  recorded: number;
  duplicates: number;
  unmatched: number;
  refused: number;
  ignored: number;
}

const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** "1 234,56" / "1234.56" / "+12,5" → cents; undefined when it is not an amount. */
export function parseBankAmount(text: string): number | undefined {
  const t = text.replace(/[\s\u00a0\u202f€]/g, '').replace(/^\+/, '');
  const m = /^(-?)(\d+)(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** "2026-04-15" or "15/04/2026" → "2026-04-15"; undefined otherwise. */
export function parseBankDate(text: string): string | undefined {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(t);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

/** The invoice number a label quotes; banks often drop the dashes ("F2026000012"). */
export function invoiceNumberIn(text: string): string | undefined {
  const m = /\bF[-\s]?(\d{4})[-\s]?(\d{6})\b/i.exec(text);
  return m ? `F-${m[1]}-${m[2]}` : undefined;
}

function columnsOf(header: readonly string[]): Record<Column, number> {
  const found: Partial<Record<Column, number>> = {};
  header.forEach((name, i) => {
    const p = plain(name);
    for (const [column, names] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
      if (found[column] === undefined && names.includes(p)) found[column] = i;
    }
  });
  const missing = (Object.keys(COLUMNS) as Column[]).filter((c) => found[c] === undefined);
  if (missing.length > 0) {
    throw new ValidationError(
      missing.map(
        (c) => `statement: no ${c} column in the header (${header.join(', ') || 'empty'}); name it one of: ${COLUMNS[c].join(', ')}`,
      ),
    );
  }
  return found as Record<Column, number>;
}

function rowsOf(csv: string): string[][] {
  const text = csv.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(text, { delimiter, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    throw new ValidationError([`statement: not a readable CSV (${(err as Error).message}); export the statement as CSV with a header row`]);
  }
}

export async function importBankStatement(cp: PaymentContext, csv: string, by: string): Promise<StatementImport> {
  if (csv.trim() === '') throw new ValidationError(['statement: is empty; give the CSV export of the bank statement']);
  const rows = rowsOf(csv);
  if (rows.length - 1 > MAX_STATEMENT_LINES)
    throw new ValidationError([`statement: ${rows.length - 1} lines is more than ${MAX_STATEMENT_LINES}; split it by month`]);
  const col = columnsOf(rows[0]!);
  const lines: ImportedLine[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    const line = i + 1;
    const cell = (c: Column) => row[col[c]] ?? '';
    const reference = cell('reference') || null;
    const amountCents = parseBankAmount(cell('amount'));
    const date = parseBankDate(cell('date'));
    const label = cell('label');
    if (amountCents === undefined || date === undefined) {
      lines.push({
        line,
        reference,
        status: 'refused',
        invoiceNumber: null,
        amountCents: amountCents ?? null,
        code: 'invalid_input',
        reason:
          amountCents === undefined
            ? `amount "${cell('amount')}" is not an amount (e.g. 1234,56)`
            : `date "${cell('date')}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`,
      });
      continue;
    }
    if (amountCents <= 0) {
      lines.push({ line, reference, status: 'ignored', amountCents, reason: 'a debit or zero line: not a payment received' });
      continue;
    }
    const invoiceNumber = invoiceNumberIn(label) ?? invoiceNumberIn(reference ?? '');
    if (!invoiceNumber) {
      lines.push({ line, reference, status: 'unmatched', amountCents, label, reason: 'no invoice number (F-YYYY-NNNNNN) in the label' });
      continue;
    }
    if (!reference) {
      lines.push({
        line,
        reference,
        status: 'refused',
        invoiceNumber,
        amountCents,
        code: 'invalid_input',
        reason: 'the line has no reference, so a second import could not recognise it: record it with billing pay',
      });
      continue;
    }
    const paymentId = paymentIdOf(reference);
    try {
      const { payment } = await recordPayment(
        cp,
        invoiceNumber,
        { amountCents, date, method: 'transfer', reference },
        { by, source: 'bank_import', label },
      );
      lines.push({ line, reference, status: 'recorded', invoiceNumber, amountCents, paymentId: payment.id });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'not_found') {
        lines.push({ line, reference, status: 'unmatched', amountCents, label, reason: `no invoice ${invoiceNumber}` });
      } else if (err.code === 'payment_duplicate') {
        // The store's own check: the line is the payment already recorded, reported as it was (the refusal names it).
        const earlier = err.details as { invoiceNumber?: string; amountCents?: number } | undefined;
        lines.push({
          line,
          reference,
          status: 'duplicate',
          invoiceNumber: earlier?.invoiceNumber ?? invoiceNumber,
          amountCents: earlier?.amountCents ?? amountCents,
          paymentId,
        });
      } else {
        lines.push({ line, reference, status: 'refused', invoiceNumber, amountCents, code: err.code, reason: err.message });
      }
    }
  }
  const count = (s: ImportedLine['status']) => lines.filter((l) => l.status === s).length;
  return {
    lines,
    recorded: count('recorded'),
    duplicates: count('duplicate'),
    unmatched: count('unmatched'),
    refused: count('refused'),
    ignored: count('ignored'),
  };
}
