/**
 * A case file (dossier): the foreign national, the decision being challenged and when it was
 * notified, status, assigned lawyer, notes, documents, analyses and the history of changes.
 * One case is one file, so writing it costs the size of that case, not of the cabinet.
 */
import { z } from 'zod';
import { caseFactsInputSchema } from '../ceseda/facts.js';
import { PROCEDURE_CODES } from '../ceseda/procedures.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD, e.g. 1990-05-17' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: 'is not a real calendar date',
  });
/** A date, or a date-time with its offset when the deadline runs in hours (rétention: 48 h). */
const dateOrDateTime = z.union([isoDate, z.iso.datetime({ offset: true })], {
  error: 'must be a date (YYYY-MM-DD) or a date-time with offset (2026-03-02T14:30:00+01:00)',
});
const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `is required: the ${what}` })
    .max(100, { error: 'must be at most 100 characters' });

export const clientSchema = z.strictObject({
  lastName: name('family name'),
  firstName: name('first name'),
  nationality: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 country code, e.g. DZ, SN, AF' }),
  birthDate: isoDate,
  email: z.email({ error: 'must be an email address' }).optional(),
  phone: z.string().trim().max(40).optional(),
  address: z.string().trim().max(300).optional(),
  /** AGDREF: the 10-digit number on French residence documents. */
  agdrefNumber: z
    .string()
    .trim()
    .regex(/^\d{10}$/, { error: 'must be the 10-digit AGDREF number' })
    .optional(),
});

export const CASE_STATUSES = ['open', 'waiting', 'filed', 'hearing', 'closed'] as const;
export const OUTCOMES = ['won', 'lost', 'withdrawn', 'other'] as const;

const decisionSchema = z.strictObject({
  authority: z.string().trim().max(200).optional(),
  reference: z.string().trim().max(100).optional(),
  summary: z.string().trim().max(4000).optional(),
});

export const newCaseSchema = z.strictObject({
  client: clientSchema,
  procedure: z.enum(PROCEDURE_CODES, {
    error: `must be a procedure code (${PROCEDURE_CODES.slice(0, 4).join(', ')}, …; see docs/ceseda-rules.md)`,
  }),
  decisionNotifiedAt: dateOrDateTime,
  decision: decisionSchema.optional(),
  reference: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}$/, { error: 'must be 1–40 letters, digits, spaces or . _ / -' })
    .optional(),
  assignedTo: z.string().uuid({ error: 'must be the id of a user of this cabinet' }).optional(),
  notes: z.string().max(20_000, { error: 'must be at most 20 000 characters' }).optional(),
  /** Structured facts for the CESEDA analysis (schema owned by the analysis module: analysis/facts.ts). */
  facts: caseFactsInputSchema.optional(),
  /** The département of the prefecture that decided (01–976, 2A/2B), for the competent court. */
  departement: z
    .string()
    .trim()
    .regex(/^(\d{2,3}|2A|2B)$/, { error: 'must be a département number, e.g. 75, 2A, 974' })
    .optional(),
});
export type NewCase = z.infer<typeof newCaseSchema>;

export const casePatchSchema = z.strictObject({
  client: clientSchema.partial().optional(),
  procedure: newCaseSchema.shape.procedure.optional(),
  decisionNotifiedAt: dateOrDateTime.optional(),
  decision: decisionSchema.optional(),
  status: z.enum(CASE_STATUSES, { error: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
  outcome: z
    .enum(OUTCOMES, { error: `must be one of ${OUTCOMES.join(', ')}` })
    .nullable()
    .optional(),
  assignedTo: z.string().uuid({ error: 'must be the id of a user of this cabinet' }).nullable().optional(),
  notes: z.string().max(20_000).optional(),
  facts: caseFactsInputSchema.optional(),
  departement: newCaseSchema.shape.departement,
});
export type CasePatch = z.infer<typeof casePatchSchema>;

export interface CaseDocument {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string;
}

export interface HistoryEntry {
  at: string;
  by: string;
  action: string;
  fields?: string[];
}

export interface CaseRecord {
  id: string;
  reference: string;
  client: z.infer<typeof clientSchema>;
  procedure: NewCase['procedure'];
  decisionNotifiedAt: string;
  decision: z.infer<typeof decisionSchema>;
  departement: string | null;
  status: (typeof CASE_STATUSES)[number];
  outcome: (typeof OUTCOMES)[number] | null;
  archived: boolean;
  assignedTo: string | null;
  notes: string;
  facts: Record<string, unknown>;
  documents: CaseDocument[];
  /** Stored analyses (the analysis module owns their shape). */
  analyses: unknown[];
  history: HistoryEntry[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** Checked when a case file is read back: a damaged file is recovered from its last good copy. */
export const caseRecordSchema = z.looseObject({
  id: z.string(),
  reference: z.string(),
  client: z.looseObject({ lastName: z.string(), firstName: z.string(), nationality: z.string(), birthDate: z.string() }),
  procedure: z.string(),
  decisionNotifiedAt: z.string(),
  status: z.string(),
  archived: z.boolean(),
  documents: z.array(z.looseObject({ id: z.string(), sha256: z.string() })),
  history: z.array(z.unknown()),
});
