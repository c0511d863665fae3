/**
 * What each page shows, as plain typed data. Routes build these from the domain modules; the page
 * components only render them — so a page can be rendered and checked in a unit test with no
 * appliance behind it.
 */
import type { CaseDraftsView } from './caseDraftsView.js';
import type { Flash } from '@iamanager/kernel/ui';
import type { Locale } from './messages.js';
import type { EstimateView } from './estimateViewModel.js';
import type { CaseEditSummary } from './caseEditViews.js';
import type { DeadlineActionsView } from './deadlineActionsView.js';

/** Branding and the signed-in user, on every page. */
export interface Chrome {
  locale: Locale;
  cabinetName: string;
  /** `#rrggbb`, validated at start-up (CLIENT_COLOR). */
  color: string;
  logoUrl: string | null;
  user: { name: string; email: string; isAdmin: boolean } | null;
  csrf: string | null;
  /** The current path, for the language switch to come back to. */
  path: string;
  flash?: Flash | undefined;
  /** Any plan limit used at 80 % or more (upgradeView.ts): a banner on every page. */
  planBanner?: { text: string; href: string | null } | null | undefined;
  /** Reminders sent to the user not yet seen on « Mes échéances » nor acknowledged: the menu's badge (docs/reminders.md). */
  unreadReminders?: number | undefined;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface TelemetryFieldView {
  field: string;
  purpose: string;
}

export interface SetupView {
  step: 'enroll' | 'admin';
  cabinetId: string | null;
  controlPlaneUrl: string | null;
  certificateFingerprint: string | null;
  /** The appliance's own CA, which the cabinet's browsers trust once (downloadable at caDownload). */
  caFingerprint: string | null;
  caDownload: string | null;
  /** When the CA lapses (it is replaced two months before), and its last replacement while recent. */
  caNotAfter: string | null;
  caRenewal: { renewedAt: string; reason: string; previousFingerprint: string } | null;
  heartbeatFields: readonly TelemetryFieldView[];
  retention: string;
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
}

export interface Meter {
  label: string;
  used: number;
  limit: number | null;
  note?: string | undefined;
}

export type Urgency = 'overdue' | 'within48h' | 'within7d' | 'later';

export interface DeadlineItem {
  caseId: string;
  caseLabel: string;
  label: string;
  dueAt: string;
  /** Whether the deadline runs in hours (its time matters) or days (its date does). */
  hourly: boolean;
  article: string;
  /** A window rather than a day (the renewal window of R. 431-5): its first day; `dueAt` is its last. */
  opensAt?: string;
  /** Every reading of the window, earliest first, when the texts leave the day count open. */
  readings?: ReadonlyArray<{ label: string; opensAt: string; dueAt: string }>;
  /** The remedy's stable code (recours_contentieux, recours_gracieux…), when the rules give one. */
  remedy?: string;
  /** The lawyer the case is assigned to (the dashboard's "mes échéances"). */
  assignedTo?: string | null;
}

/** One urgency group of a dashboard section, one page of it (the page stays short at 150 cases). */
export interface DeadlineGroup {
  urgency: Urgency;
  items: readonly DeadlineItem[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  /** Shown folded (a <details>): the less urgent groups, so the urgent ones fit on one screen. */
  collapsed: boolean;
}

/** "Mes échéances" (the caller's cases), the cabinet's other cases, and the optional remedies apart. */
export interface DeadlineSection {
  id: 'mine' | 'cabinet' | 'optional';
  groups: readonly DeadlineGroup[];
  total: number;
}

export interface DashboardView {
  sections: readonly DeadlineSection[];
  /** The moment the page is shown (the appliance's clock), for "dans 3 jours" (ISO). */
  now: string;
  openByProcedure: ReadonlyArray<{ procedure: string; label: string; count: number }>;
  plan: string | null;
  meters: readonly Meter[];
  /** Whether the user has a calendar feed; null when they may not export. */
  calendarFeed: boolean | null;
}

export interface CaseRow {
  id: string;
  reference: string;
  clientName: string;
  nationality: string;
  procedure: string;
  procedureLabel: string;
  status: 'open' | 'archived';
  assignedTo: string;
  /** The next deadline still open (ISO, as DeadlineItem.dueAt), null when none is left. */
  nextDeadline: string | null;
  /** Whether it runs in hours (its hour is shown). */
  nextDeadlineHourly?: boolean;
}

export interface CaseListView {
  rows: readonly CaseRow[];
  query: {
    q: string;
    procedure: string;
    /** `open` (the default), `archived` or `all`. */
    status: 'open' | 'archived' | 'all';
    /** `echeance` (next deadline first, the default), `recent`, `reference`. */
    sort: 'echeance' | 'recent' | 'reference';
    /** Only the caller's cases ("mes dossiers"). */
    mine: boolean;
    page: number;
  };
  total: number;
  pageSize: number;
  procedures: ReadonlyArray<{ code: string; label: string }>;
  canCreate: boolean;
  /** The moment the list is shown, for "dans 3 jours" (ISO). */
  now: string;
}

export interface NewCaseView {
  procedures: ReadonlyArray<{ code: string; label: string }>;
  lawyers: ReadonlyArray<{ id: string; name: string }>;
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
  /** Cases of a client with the same last name and birth date: warned before creating another. */
  duplicates?: ReadonlyArray<{ id: string; reference: string; clientName: string; archived: boolean }>;
}

export interface AnalysisView {
  id: string;
  model: string;
  createdAt: string;
  rulesAsOf: string;
  /** `dueAt` is empty when the délai runs from a later event (the computation says which). */
  deadlines: ReadonlyArray<{
    /** The remedy's stable code (recours_contentieux…), when the stored analysis has it. */
    remedy?: string | undefined;
    label: string;
    court: string;
    dueAt: string;
    hourly: boolean;
    computation: string;
    article: string;
    notes?: readonly string[] | undefined;
    toVerify?: string | undefined;
    /** Every reading when courts disagree; the retained one (the earliest) is flagged. */
    readings?: ReadonlyArray<{ label: string; dueAt: string; hourly: boolean; retained: boolean }> | undefined;
    /** An hour délai counted from 0 h because the notification's hour is unknown. */
    hourUnknown?: boolean | undefined;
  }>;
  eligibility: ReadonlyArray<{
    titre: string;
    conditions: ReadonlyArray<{ label: string; status: 'met' | 'not_met' | 'unknown'; article: string; evidence?: string | undefined }>;
    /** The facts make this route plausible (eligible, or some condition met and none failed): shown open. */
    plausible?: boolean | undefined;
  }>;
  /** The points to verify the analysis lists (the caveats). */
  caveats?: readonly string[] | undefined;
  /** What changed since the previous analysis of the case, already worded; absent for the first one. */
  changes?: { since: string; lines: readonly string[] } | undefined;
  estimate: EstimateView | null;
  rules: ReadonlyArray<{ rule: string; article: string }>;
}

export interface CaseView {
  id: string;
  reference: string;
  clientName: string;
  status: 'open' | 'archived';
  procedureLabel: string;
  facts: ReadonlyArray<{ label: string; value: string }>;
  /** In the bordereau's order; `label` absent = derived from the name (web/pages/casePieces.tsx). */
  documents: ReadonlyArray<{ id: string; name: string; size: number; uploadedAt: string; label?: string; contentType?: string }>;
  history: ReadonlyArray<{ at: string; who: string; what: string }>;
  deadlines: readonly DeadlineItem[];
  analysis: AnalysisView | null;
  calendarUrl: string | null;
  can: { write: boolean; archive: boolean; analyse: boolean; export: boolean; editFacts?: boolean | undefined };
  error?: string | undefined;
  /** Said at the top of the page (e.g. why the procedure was derived from the answers). */
  notice?: string | undefined;
  /** The moment the page is shown, for "how long is left" (ISO). */
  now?: string | undefined;
  /** CASEEDIT: the « Modifier » block (status, outcome, last changes, stale analysis). */
  edit?: CaseEditSummary | undefined;
  /** The « Rédiger » block (pages/caseDrafts.tsx); absent: not shown. */
  drafts?: CaseDraftsView | undefined;
  /** The deadline follow-up block: acknowledge, close, confirm, proof (docs/deadlines.md). */
  deadlineActions?: DeadlineActionsView | undefined;
}

export interface UsersView {
  users: ReadonlyArray<{ id: string; name: string; email: string; role: string; roleLabel: string; active: boolean; self: boolean }>;
  roles: ReadonlyArray<{ name: string; label: string }>;
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
}

export interface LicenseView {
  plan: string | null;
  state: string;
  expiresAt: string | null;
  model: string | null;
  meters: readonly Meter[];
  warnings: readonly string[];
  upgrade: { plan: string; maxUsers: number; maxCases: number; maxAnalysesMonthly: number; model: string } | null;
}

export interface HeartbeatView {
  enabled: boolean;
  controlPlaneUrl: string | null;
  lastSentAt: string | null;
  lastAcknowledgedAt: string | null;
  queued: number;
  lastError: string | null;
  fields: readonly TelemetryFieldView[];
  lastPayload: unknown;
}

export interface BackupView {
  configured: boolean;
  dailyAt: string | null;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  backups: number;
  dir: string;
  lastError: { at: string; code: string; message: string } | null;
}

export interface AdminView {
  license: LicenseView;
  heartbeat: HeartbeatView;
  backup: BackupView;
  identity: { name: string; siret: string | null; address: string | null; logoUrl: string | null; color: string };
  /** The mail server of the deadline reminders (docs/reminders.md): host and port only; no section without it. */
  mail?: MailView;
}

export interface MailView {
  configured: boolean;
  server: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  retryAfter: string | null;
}

/** The questionnaire of a case (GET /dossiers/:id/faits). */
export interface FactsFormView {
  caseId: string;
  reference: string;
  clientName: string;
  procedureLabel: string;
  sections: ReadonlyArray<{
    code: string;
    title: string;
    questions: ReadonlyArray<{
      fact: string;
      kind: 'yesno' | 'choice' | 'number' | 'date' | 'text';
      label: string;
      min?: number | undefined;
      max?: number | undefined;
    }>;
  }>;
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
}
