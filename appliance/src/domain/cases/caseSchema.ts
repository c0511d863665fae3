/**
 * A case file (dossier): the foreign national, the decision being challenged and when it was
 * notified, status, assigned lawyer, notes, documents, analyses and the history of changes.
 * One case is one file, so writing it costs the size of that case, not of the cabinet.
 */
import { z } from 'zod';
import { readNotification } from '../ceseda/calendar.js';
import { caseFactsInputSchema, type CaseFacts } from '../ceseda/facts.js';
import { PROCEDURE_CODES } from '../ceseda/procedures.js';
import { letterFactProblems, letterNotification } from '../ceseda/registeredLetter.js';
import type { DeadlineClosure } from './deadlineClosure.js';
import { nationalitySchema } from './nationality.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD, e.g. 1990-05-17' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: 'is not a real calendar date',
  });
const DATE_FORMS =
  'must be a date (YYYY-MM-DD), a Paris local time (2026-03-02T14:30) or a date-time with offset (2026-03-02T14:30:00+01:00)';
const offsetDateTime = z.iso.datetime({ offset: true });
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/**
 * A date, or a date-time when the deadline runs in hours (rétention: 48 h): with its offset, or a
 * Paris local time without one, as the web form posts it. A local time in the hour skipped when
 * the clocks go forward never happened: refused, naming the fix, rather than moved. One that
 * happened twice (clocks going back) is accepted; the deadline engine reads it as the earlier
 * instant and says so.
 */
const dateOrDateTime = z.string({ error: DATE_FORMS }).superRefine((v, ctx) => {
  if (isoDate.safeParse(v).success || offsetDateTime.safeParse(v).success) return;
  const local = LOCAL_DATE_TIME.exec(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) || (local && !isoDate.safeParse(local[1]).success)) {
    ctx.addIssue({ code: 'custom', message: 'is not a real calendar date' });
    return;
  }
  if (!local) {
    ctx.addIssue({ code: 'custom', message: DATE_FORMS });
    return;
  }
  try {
    readNotification(v);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

/** The case's facts, with the registered letter's dates checked against each other. */
const caseFacts = caseFactsInputSchema.superRefine((facts, ctx) => {
  for (const p of letterFactProblems(facts)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
});

/**
 * The legal notification date the registered letter's dates give (the earliest when the day of
 * collection is unknown), or null. CE 24 avril 2012 n° 341146; see registeredLetter.ts.
 */
function letterDate(facts: CaseFacts | undefined): string | null {
  if (!facts || letterFactProblems(facts).length > 0) return null;
  return letterNotification(facts)?.readings[0]?.date ?? null;
}

const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `is required: the ${what}` })
    .max(100, { error: 'must be at most 100 characters' });

export const clientSchema = z.strictObject({
  lastName: name('family name'),
  firstName: name('first name'),
  /** ISO 3166-1 alpha-2 (alpha-3 read as alpha-2), or XXA / XXX: see nationality.ts. */
  nationality: nationalitySchema,
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
/**
 * How a case ended: won = annulation (the decision annulled, CJA L. 911-1 injunctions with it),
 * lost = rejet, withdrawn = désistement (CJA R. 636-1), moot = non-lieu à statuer (the prefecture
 * withdrew or replaced the decision before judgment), other = anything else. Appended, never
 * reordered: stored case files hold these codes.
 */
export const OUTCOMES = ['won', 'lost', 'withdrawn', 'other', 'moot'] as const;

const decisionSchema = z.strictObject({
  authority: z.string().trim().max(200).optional(),
  reference: z.string().trim().max(100).optional(),
  summary: z.string().trim().max(4000).optional(),
});

const newCaseObject = z.strictObject({
  client: clientSchema,
  procedure: z.enum(PROCEDURE_CODES, {
    error: `must be a procedure code (${PROCEDURE_CODES.slice(0, 4).join(', ')}, …; see docs/ceseda-rules.md)`,
  }),
  /** Optional when facts.notificationMode is registered_letter and the letter's dates give it. */
  decisionNotifiedAt: dateOrDateTime.optional(),
  decision: decisionSchema.optional(),
  reference: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}$/, { error: 'must be 1–40 letters, digits, spaces or . _ / -' })
    .optional(),
  assignedTo: z.string().uuid({ error: 'must be the id of a user of this cabinet' }).optional(),
  notes: z.string().max(20_000, { error: 'must be at most 20 000 characters' }).optional(),
  /** Structured facts for the CESEDA analysis (schema owned by the analysis module: analysis/facts.ts). */
  facts: caseFacts.optional(),
  /** The département of the prefecture that decided (01–976, 2A/2B), for the competent court. */
  departement: z
    .string()
    .trim()
    .regex(/^(\d{2,3}|2A|2B)$/, { error: 'must be a département number, e.g. 75, 2A, 974' })
    .optional(),
  /** Creates the case even when one has the same last name and birth date (domain/cases/duplicates.ts); not stored. */
  confirmDuplicate: z.boolean({ error: 'must be true or false' }).optional(),
  /** The case's second lawyer (docs/reminders.md): the escalation of an unacknowledged deadline goes to them before the admins. */
  backupAssignedTo: z.string().uuid({ error: 'must be the id of an active lawyer of this cabinet (not the secretariat)' }).optional(),
});
/**
 * A new case. `decisionNotifiedAt` is the legal notification date: when the decision was sent by
 * registered letter and its dates are given, the date they give is stored (the day of collection
 * within the holding period, else of first presentation), whatever was typed; otherwise it is
 * required. A decision taken after it was notified is refused.
 */
export const newCaseSchema = newCaseObject
  .superRefine((data, ctx) => {
    // Incoherent letter dates are already refused by field: not said again as a missing date.
    if (data.facts && letterFactProblems(data.facts).length > 0) return;
    const fromLetter = letterDate(data.facts);
    const notified = fromLetter ?? data.decisionNotifiedAt;
    if (notified === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['decisionNotifiedAt'],
        message:
          'is required: the date the decision was notified (or, for a registered letter, facts.notificationMode registered_letter with facts.letterFirstPresentedOn or facts.letterCollectedOn)',
      });
      return;
    }
    // A person is born before a decision about them is notified: a later birth date is a typing slip.
    if (data.client.birthDate > notified.slice(0, 10)) {
      ctx.addIssue({
        code: 'custom',
        path: ['client', 'birthDate'],
        input: data.client.birthDate,
        message: `(${data.client.birthDate}) is after the notification of the decision (${notified.slice(0, 10)}): check the date of birth (YYYY-MM-DD)`,
      });
    }
    const taken = data.facts?.decisionTakenOn;
    if (taken !== undefined && taken > notified.slice(0, 10)) {
      ctx.addIssue({
        code: 'custom',
        path: ['facts', 'decisionTakenOn'],
        message: `(${taken}) is after the notification (${notified.slice(0, 10)}): a decision is notified after it is taken; check the date signed on the decision`,
      });
    }
  })
  .transform((data) => ({ ...data, decisionNotifiedAt: letterDate(data.facts) ?? data.decisionNotifiedAt! }));
export type NewCase = z.infer<typeof newCaseSchema>;

const casePatchObject = z.strictObject({
  client: clientSchema.partial().optional(),
  procedure: newCaseObject.shape.procedure.optional(),
  decisionNotifiedAt: dateOrDateTime.optional(),
  decision: decisionSchema.optional(),
  status: z.enum(CASE_STATUSES, { error: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
  outcome: z
    .enum(OUTCOMES, { error: `must be one of ${OUTCOMES.join(', ')}` })
    .nullable()
    .optional(),
  assignedTo: z.string().uuid({ error: 'must be the id of a user of this cabinet' }).nullable().optional(),
  notes: z.string().max(20_000).optional(),
  facts: caseFacts.optional(),
  // null clears it (a département typed in error); the new case leaves it out instead.
  departement: newCaseObject.shape.departement.unwrap().nullable().optional(),
  /**
   * CASEEDIT: the case's `updatedAt` as the editor read it. When given and the case changed since,
   * the edit is refused (409 case_changed) instead of silently overwriting a colleague's change.
   */
  expectedUpdatedAt: z.iso.datetime({ error: 'must be the case’s updatedAt as last read (ISO date-time)' }).optional(),
  /** The case's second lawyer, null to remove (docs/reminders.md): receives the escalation. */
  backupAssignedTo: z
    .string()
    .uuid({ error: 'must be the id of an active lawyer of this cabinet (not the secretariat)' })
    .nullable()
    .optional(),
});
/**
 * A change to a case. New facts replace the old ones whole, so when they give a registered letter's
 * dates the legal notification date they give replaces `decisionNotifiedAt` too.
 */
export const casePatchSchema = casePatchObject
  .superRefine((patch, ctx) => {
    // Same rule as a new case when a change gives both dates (one alone is checked against the stored case by nobody yet).
    const born = patch.client?.birthDate;
    const notified = letterDate(patch.facts) ?? patch.decisionNotifiedAt;
    if (born !== undefined && notified !== undefined && born > notified.slice(0, 10)) {
      ctx.addIssue({
        code: 'custom',
        path: ['client', 'birthDate'],
        input: born,
        message: `(${born}) is after the notification of the decision (${notified.slice(0, 10)}): check the date of birth (YYYY-MM-DD)`,
      });
    }
  })
  .transform((patch) => {
    const fromLetter = letterDate(patch.facts);
    return fromLetter === null ? patch : { ...patch, decisionNotifiedAt: fromLetter };
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
  /**
   * Pièces (docs/telerecours.md): the label the bordereau gives this pièce. Documents stored before
   * pièces had labels have none: `pieceLabelOf` (domain/documents/pieces.ts) derives one from the
   * file name. A pièce's number is not stored: it is its place in `documents`, so the numbering
   * stays continuous and increasing whatever is moved or deleted (CJA R. 414-5).
   */
  label?: string;
}

/** One field an edit changed (dotted path, e.g. `client.birthDate`), with its former and new value (null: none). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface HistoryEntry {
  at: string;
  by: string;
  action: string;
  fields?: string[];
  /** Edits since CASEEDIT: what each field was and became (older entries list only `fields`). */
  changes?: FieldChange[];
  /** What the change was about when the action alone does not say it (a deleted pièce's number and file name). */
  note?: string;
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
  /** What was done about each deadline, by remedy code (docs/deadlines.md); absent on older cases. */
  deadlineClosures?: Record<string, DeadlineClosure>;
  /** The case's second lawyer (docs/reminders.md), who receives the escalation; absent in cases written before it existed. */
  backupAssignedTo?: string | null;
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
