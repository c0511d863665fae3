/**
 * Closing a deadline (docs/deadlines.md): recours déposé (its date and the Télérecours number or
 * receipt), pas de recours (a reason), or écartée (a deadline that is not one, a reason); where the
 * cabinet turned the rule on, a second person confirms or refuses; an admin may reopen a closed
 * deadline. Each step is written on the case (its history) and in the audit log through
 * `Cases.mutate`; a deadline is named by (case id, remedy code), as the reminders' acknowledgement.
 */
import { parseWith } from '@iamanager/protocol';
import type { Document } from '@iamanager/kernel/storage';
import type { Actor, Cases } from '../cases/cases.js';
import type { CaseRecord } from '../cases/caseSchema.js';
import { allCaseDeadlines, type CaseDeadline } from '../cases/caseDeadlines.js';
import { closuresOf, type DeadlineClosure } from '../cases/deadlineClosure.js';
import type { DeadlineRules } from '../../storage/deadlineRules.js';
import type { AuditLog } from '../audit/auditLog.js';
import { ApplianceError } from '../../errors.js';
import { closeRequestSchema, refuseSchema, reopenSchema, rulesSchema } from './closureInput.js';
import { parisDayOf } from './parisDay.js';

export interface ClosingDeps {
  cases: Cases;
  rules: Document<DeadlineRules>;
  audit: AuditLog;
  /** The reminders' « pris en charge » of this deadline at this due date, if any (reminders.json). */
  acknowledgement: (d: { caseId: string; remedy: string; due: string }) => { by: string; at: string } | null;
  clock: () => Date;
}

/** A deadline of the case with what was done about it, for the case page, the API and the proof. */
export interface DeadlineStatus extends CaseDeadline {
  acknowledged: { by: string; at: string } | null;
  closure: DeadlineClosure | null;
}

/** The stable history/audit actions of closing (web/actionLabels.ts and deadlineMessages.ts name them). */
export const CLOSING_ACTIONS = {
  requested: 'deadline.close.requested',
  closed: 'deadline.closed',
  confirmed: 'deadline.close.confirmed',
  refused: 'deadline.close.refused',
  reopened: 'deadline.reopened',
} as const;

export class DeadlineClosing {
  constructor(private readonly deps: ClosingDeps) {}

  get rules(): DeadlineRules {
    return this.deps.rules.data;
  }

  /** Every deadline of the case with its closure, soonest first. */
  statusesOf(c: CaseRecord): DeadlineStatus[] {
    const closures = closuresOf(c);
    return allCaseDeadlines(c)
      .map((d) => ({ ...d, acknowledged: this.deps.acknowledgement(d), closure: closures[d.remedy] ?? null }))
      .sort((a, b) => a.due.localeCompare(b.due));
  }

  private deadlineOf(c: CaseRecord, remedy: string): CaseDeadline {
    const all = allCaseDeadlines(c);
    const d = all.find((x) => x.remedy === remedy);
    if (!d)
      throw new ApplianceError(
        'deadline_not_found',
        `remedy: le dossier ${c.reference} n'a pas d'échéance « ${remedy} » ; ses échéances sont ${all.map((x) => x.remedy).join(', ') || 'aucune'}`,
        { field: 'remedy', remedies: all.map((x) => x.remedy) },
      );
    return d;
  }

  /**
   * Recours déposé, pas de recours, or écartée. Closed at once, or waiting for a second person's
   * confirmation when the cabinet's rule asks for one.
   */
  async requestClose(caseId: string, remedy: string, input: unknown, actor: Actor): Promise<DeadlineClosure> {
    const request = parseWith(closeRequestSchema, input);
    const c = this.deps.cases.get(caseId);
    const d = this.deadlineOf(c, remedy);
    const existing = closuresOf(c)[remedy];
    if (existing?.state === 'closed')
      throw new ApplianceError(
        'deadline_already_closed',
        `remedy: l'échéance « ${d.label} » est déjà clôturée ; un administrateur peut la rouvrir`,
        {
          field: 'remedy',
        },
      );
    if (existing?.state === 'pending')
      throw new ApplianceError(
        'deadline_pending_confirmation',
        `remedy: la clôture de l'échéance « ${d.label} » attend déjà la confirmation d'une autre personne (demandée par ${existing.requestedBy})`,
        { field: 'remedy' },
      );
    const now = this.deps.clock();
    if (request.kind === 'filed') {
      const today = parisDayOf(now);
      const notified = c.decisionNotifiedAt.slice(0, 10);
      if (request.filedOn > today)
        throw new ApplianceError(
          'invalid_input',
          `filedOn: la date de dépôt (${request.filedOn}) est dans le futur ; nous sommes le ${today}`,
          {
            field: 'filedOn',
          },
        );
      if (request.filedOn < notified)
        throw new ApplianceError(
          'invalid_input',
          `filedOn: la date de dépôt (${request.filedOn}) précède la notification de la décision (${notified}) : un recours se dépose après la notification`,
          { field: 'filedOn' },
        );
      if (!request.receiptNumber && !request.receiptDocumentId)
        throw new ApplianceError(
          'invalid_input',
          'receiptNumber: indiquez le n° d’enregistrement Télérecours ou joignez l’accusé de réception (receiptDocumentId)',
          { field: 'receiptNumber' },
        );
      if (request.receiptDocumentId && !c.documents.some((doc) => doc.id === request.receiptDocumentId))
        throw new ApplianceError(
          'invalid_input',
          `receiptDocumentId: aucune pièce ${request.receiptDocumentId} dans le dossier ${c.reference}`,
          {
            field: 'receiptDocumentId',
          },
        );
    }
    const pending = this.rules.secondConfirmation;
    const closure: DeadlineClosure = {
      remedy,
      due: d.due,
      kind: request.kind,
      ...(request.kind === 'filed'
        ? {
            filedOn: request.filedOn,
            ...(request.receiptNumber ? { receiptNumber: request.receiptNumber } : {}),
            ...(request.receiptDocumentId ? { receiptDocumentId: request.receiptDocumentId } : {}),
          }
        : { reason: request.reason }),
      state: pending ? 'pending' : 'closed',
      requestedBy: actor.email,
      requestedById: actor.id,
      requestedAt: now.toISOString(),
    };
    const action = pending ? CLOSING_ACTIONS.requested : CLOSING_ACTIONS.closed;
    await this.deps.cases.mutate(
      caseId,
      actor,
      action,
      (record) => {
        record.deadlineClosures = { ...closuresOf(record), [remedy]: closure };
      },
      `${remedy} ${request.kind}`,
    );
    return closure;
  }

  private pendingOf(c: CaseRecord, remedy: string): DeadlineClosure {
    const d = this.deadlineOf(c, remedy);
    const closure = closuresOf(c)[remedy];
    if (closure?.state !== 'pending')
      throw new ApplianceError('deadline_not_pending', `remedy: aucune clôture de l'échéance « ${d.label} » n'attend de confirmation`, {
        field: 'remedy',
      });
    return closure;
  }

  /** The requester cannot be their own second person: that is the rule's whole point. */
  private assertOtherPerson(closure: DeadlineClosure, actor: Actor, verb: string): void {
    if (closure.requestedById === actor.id || closure.requestedBy === actor.email)
      throw new ApplianceError(
        'confirmation_by_requester',
        `user: vous avez demandé cette clôture ; une autre personne du cabinet doit la ${verb}`,
        { field: 'user' },
      );
  }

  async confirm(caseId: string, remedy: string, actor: Actor): Promise<DeadlineClosure> {
    const closure = this.pendingOf(this.deps.cases.get(caseId), remedy);
    this.assertOtherPerson(closure, actor, 'confirmer');
    const confirmed: DeadlineClosure = {
      ...closure,
      state: 'closed',
      confirmedBy: actor.email,
      confirmedAt: this.deps.clock().toISOString(),
    };
    await this.deps.cases.mutate(
      caseId,
      actor,
      CLOSING_ACTIONS.confirmed,
      (record) => {
        record.deadlineClosures = { ...closuresOf(record), [remedy]: confirmed };
      },
      `${remedy} ${closure.kind}`,
    );
    return confirmed;
  }

  /** The second person says no: the deadline is open again, and reminded again. */
  async refuse(caseId: string, remedy: string, input: unknown, actor: Actor): Promise<void> {
    const { reason } = parseWith(refuseSchema, input);
    const closure = this.pendingOf(this.deps.cases.get(caseId), remedy);
    this.assertOtherPerson(closure, actor, 'refuser');
    await this.deps.cases.mutate(
      caseId,
      actor,
      CLOSING_ACTIONS.refused,
      (record) => {
        const { [remedy]: _refused, ...rest } = closuresOf(record);
        record.deadlineClosures = rest;
      },
      `${remedy}${reason ? ` ${reason}` : ''}`,
    );
  }

  /** An admin reopens a closed deadline (a closure entered by mistake), saying why. */
  async reopen(caseId: string, remedy: string, input: unknown, actor: Actor): Promise<void> {
    const { reason } = parseWith(reopenSchema, input);
    const c = this.deps.cases.get(caseId);
    const d = this.deadlineOf(c, remedy);
    if (!closuresOf(c)[remedy])
      throw new ApplianceError('deadline_not_closed', `remedy: l'échéance « ${d.label} » n'est pas clôturée`, { field: 'remedy' });
    await this.deps.cases.mutate(
      caseId,
      actor,
      CLOSING_ACTIONS.reopened,
      (record) => {
        const { [remedy]: _reopened, ...rest } = closuresOf(record);
        record.deadlineClosures = rest;
      },
      `${remedy} ${reason}`,
    );
  }

  /** The cabinet's rule (admins only, checked at the edge). */
  async setRules(input: unknown, actor: Actor): Promise<DeadlineRules> {
    const { secondConfirmation } = parseWith(rulesSchema, input);
    const doc = this.deps.rules;
    doc.data = { secondConfirmation, updatedBy: actor.email, updatedAt: this.deps.clock().toISOString() };
    await doc.write();
    await this.deps.audit.append({
      actor: actor.email,
      action: 'deadline.rules.update',
      detail: `secondConfirmation=${secondConfirmation}`,
    });
    return doc.data;
  }
}
