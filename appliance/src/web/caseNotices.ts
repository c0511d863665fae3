/**
 * The notices a case page opens with after the facts changed the procedure: at creation
 * (`?derivee=<chosen procedure>`) and after the questionnaire (`?faits=1`, or
 * `?faits=<previous procedure>` when a new situation moved an OQTF case). Each is re-derived from
 * the stored facts, so a query string can only select a message, never write one.
 */
import { deriveProcedure } from '../domain/ceseda/deriveProcedure.js';
import { PROCEDURE_CODES, type ProcedureCode } from '../domain/ceseda/procedures.js';
import type { CaseRecord } from '../domain/cases/caseSchema.js';
import { factValueLabel } from './factLabels.js';
import { FACTS_CATALOGUES } from './factsMessages.js';
import { fill, type Locale, type Messages } from './messages.js';
import { procedureLabel } from './procedureLabels.js';

/**
 * Why the case's procedure is not the one chosen on the form (`?derivee=<chosen>` after creation):
 * re-derived from the stored facts, so the query can only select a message, never write one.
 */
export function derivationNotice(c: CaseRecord, query: unknown, locale: Locale, m: Messages): string | undefined {
  if (typeof query !== 'string') return undefined;
  const f = FACTS_CATALOGUES[locale];
  const chosen = (PROCEDURE_CODES as readonly string[]).includes(query) ? (query as ProcedureCode) : undefined;
  if (chosen === undefined && query !== 'aucune') return undefined;
  const derived = deriveProcedure(chosen, c.facts);
  if (derived.reason === undefined || derived.procedure !== c.procedure) return undefined;
  const values = {
    chosen: chosen ? procedureLabel(chosen, locale) : m.procedure,
    derived: procedureLabel(derived.procedure, locale),
    article: derived.article ?? '',
    liberty: factValueLabel('libertyStatus', c.facts.libertyStatus, locale),
  };
  const template =
    derived.reason === 'refusal_with_oqtf'
      ? f.derivedRefusalWithOqtf
      : derived.reason === 'liberty_status'
        ? f.derivedLibertyStatus
        : f.derivedOqtfWithoutProcedure;
  return fill(template, values);
}

/**
 * After the questionnaire: "saved" (`?faits=1`), or, when the situation answered moved the case to
 * another OQTF procedure (`?faits=<previous procedure>`), which one and why — re-derived from the
 * stored facts, so the query only selects the message.
 */
export function factsSavedNotice(c: CaseRecord, query: unknown, locale: Locale): string | undefined {
  const f = FACTS_CATALOGUES[locale];
  if (query === '1') return f.factsSaved;
  if (typeof query !== 'string' || !(PROCEDURE_CODES as readonly string[]).includes(query)) return undefined;
  const derived = deriveProcedure(query as ProcedureCode, c.facts);
  if (derived.reason !== 'liberty_status' || derived.procedure !== c.procedure) return f.factsSaved;
  return fill(f.procedureFollowsLiberty, {
    liberty: factValueLabel('libertyStatus', c.facts.libertyStatus, locale),
    derived: procedureLabel(derived.procedure, locale),
    article: derived.article ?? '',
  });
}
