/**
 * The case page's deadline follow-up block as a view: every deadline of the case with its
 * acknowledgement and closure, and what the signed-in person may do about each (docs/deadlines.md).
 */
import type { Appliance } from '../appliance.js';
import type { Caller } from '../auth/authenticate.js';
import type { CaseRecord } from '../domain/cases/caseSchema.js';
import type { DeadlineClosure } from '../domain/cases/deadlineClosure.js';

export interface DeadlineActionItem {
  remedy: string;
  label: string;
  due: string;
  hourly: boolean;
  legalBasis: string;
  acknowledged: { by: string; at: string } | null;
  closure: DeadlineClosure | null;
  /** The signed-in person asked for this pending closure: they cannot confirm or refuse it. */
  requestedByMe: boolean;
}

export interface DeadlineActionsView {
  caseId: string;
  items: readonly DeadlineActionItem[];
  can: { close: boolean; reopen: boolean; proof: boolean };
}

export function deadlineActionsViewOf(appliance: Appliance, c: CaseRecord, caller: Caller): DeadlineActionsView {
  return {
    caseId: c.id,
    items: appliance.deadlines.statusesOf(c).map((d) => ({
      remedy: d.remedy,
      label: d.label,
      due: d.due,
      hourly: d.hourly,
      legalBasis: d.legalBasis,
      acknowledged: d.acknowledged,
      closure: d.closure,
      requestedByMe: d.closure !== null && (d.closure.requestedById === caller.user.id || d.closure.requestedBy === caller.user.email),
    })),
    can: {
      close: caller.permissions.has('cases.write'),
      reopen: caller.permissions.has('users.manage'),
      proof: caller.permissions.has('cases.export'),
    },
  };
}
