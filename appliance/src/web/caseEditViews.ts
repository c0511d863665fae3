/**
 * The shapes the case edit page and the case page's « Modifier » block render (plain data, no
 * imports: viewModels.ts includes them without importing the code that builds them).
 */

/** One edit of a case: who, when, and each change already worded (« Date de notification : … → … »). */
export interface ChangeEntryView {
  at: string;
  who: string;
  lines: readonly string[];
}

export interface CaseEditSummary {
  href: string;
  canEdit: boolean;
  status: string;
  outcome: string | null;
  /** Why the last analysis's deadlines no longer hold, already worded; absent when they do. */
  staleAnalysis?: string | undefined;
  /** Just saved from the edit page (`?modifie=1`). */
  saved: boolean;
  changes: readonly ChangeEntryView[];
}
