/**
 * Which remedies are optional: the ones a lawyer may skip without losing the case's contentieux.
 *
 * - The recours gracieux (to the préfet) and the recours hiérarchique (to the ministre) are
 *   recours administratifs facultatifs (CRPA L. 411-2): the recours contentieux stays open without
 *   them. After a refus de séjour they only keep the délai (formed within 2 months they interrupt
 *   it, CE Sect. 10 juil. 1964, Centre médico-pédagogique de Beaulieu); after an OQTF they do not
 *   even do that (rules.ts: the recours administratif ne proroge pas le délai, CESEDA L. 911-1).
 * - The RAPO is not optional: the visa RAPO (CESEDA D. 312-3) and the naturalisation RAPO (décret
 *   n° 93-1362 du 30 déc. 1993, art. 45) are préalables obligatoires, without which the recours
 *   contentieux is irrecevable. They keep their `rapo` code and are never listed here.
 * - The recours contentieux, the contestation judiciaire, the aide juridictionnelle request (loi
 *   n° 91-647 art. 9-4) and the pourvoi are the délais that decide the case.
 *
 * The codes are the engine's stable remedy codes (deadlineEngine.ts `RemedyKind`).
 */
import type { RemedyKind } from './deadlineEngine.js';

export const OPTIONAL_REMEDIES: readonly RemedyKind[] = ['recours_gracieux', 'recours_hierarchique'];

/** Whether a remedy code (as stored in an analysis) names an optional recours administratif. */
export function isOptionalRemedy(remedy: string | undefined): boolean {
  return remedy !== undefined && (OPTIONAL_REMEDIES as readonly string[]).includes(remedy);
}
