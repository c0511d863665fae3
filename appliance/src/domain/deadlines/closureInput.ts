/**
 * What a closing form or API call may send (docs/deadlines.md), checked field by field with a
 * French message that names the field and says what to fix. The checks that need the case (the
 * filing date against the notification, the receipt among the case's documents) are in
 * deadlineClosing.ts.
 */
import { z } from 'zod';

export const REASON_MAX = 1000;

const isoDate = z
  .string({ error: 'la date de dépôt est obligatoire (AAAA-MM-JJ)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'la date de dépôt doit être une date AAAA-MM-JJ, par ex. 2026-12-04' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: "cette date n'existe pas au calendrier",
  });

/**
 * The number Télérecours gives a filed requête. Its format differs by court (a tribunal
 * administratif's "2301234", a cour administrative d'appel's "23PA01234", the Conseil d'État's
 * "471234") and no published specification of the receipt was found: a bounded free string of
 * letters, digits and separators, not a pattern that would refuse a real number.
 */
const receiptNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]{2,39}$/, {
    error: 'le n° Télérecours doit compter 3 à 40 lettres, chiffres, espaces ou . / - (par ex. 2301234)',
  });

const reason = z
  .string({ error: 'le motif est obligatoire' })
  .trim()
  .min(3, { error: 'le motif est obligatoire (3 caractères au moins) : dites pourquoi' })
  .max(REASON_MAX, { error: `le motif doit tenir en ${REASON_MAX} caractères au plus` });

export const closeRequestSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('filed'),
      filedOn: isoDate,
      receiptNumber: receiptNumber.optional(),
      receiptDocumentId: z.string().uuid({ error: 'doit désigner une pièce du dossier' }).optional(),
    }),
    z.strictObject({ kind: z.literal('no_remedy'), reason }),
    z.strictObject({ kind: z.literal('dismissed'), reason }),
  ],
  { error: 'choisissez « filed » (recours déposé), « no_remedy » (pas de recours) ou « dismissed » (échéance écartée)' },
);
export type CloseRequest = z.infer<typeof closeRequestSchema>;

export const reopenSchema = z.strictObject({ reason });
export const refuseSchema = z.strictObject({ reason: reason.optional() });
export const rulesSchema = z.strictObject({
  secondConfirmation: z.boolean({ error: 'doit valoir true ou false' }),
});
