/**
 * Closing deadlines in process, with the clock set by hand (docs/deadlines.md): what a closure
 * must give (a filing date neither in the future nor before the notification, a Télérecours number
 * or receipt, a reason), the second person's confirmation (never the requester), refusal and an
 * admin's reopening; closed deadlines leaving the computed lists and the reminders (pending ones
 * too); the daily register; a signed proof verified, and refused once tampered with.
 */
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import type { MailSender, OutgoingMail } from '@iamanager/kernel/mail';
import type { Cases } from '../../../appliance/src/domain/cases/cases.js';
import type { AuditLog } from '../../../appliance/src/domain/audit/auditLog.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import { caseDeadlines, caseSchedule } from '../../../appliance/src/domain/cases/caseDeadlines.js';
import { DeadlineClosing } from '../../../appliance/src/domain/deadlines/deadlineClosing.js';
import { registerOf } from '../../../appliance/src/domain/deadlines/register.js';
import { proofClaims, signProof, verifyProof } from '../../../appliance/src/domain/deadlines/diligenceProof.js';
import { openDeadlineRules } from '../../../appliance/src/storage/deadlineRules.js';
import { openReminderStore } from '../../../appliance/src/storage/reminderStore.js';
import { Reminders } from '../../../appliance/src/domain/reminders/reminders.js';
import type { User } from '../../../appliance/src/storage/userStore.js';
import { tempDir } from '../../support/controlPlane.js';

// The decision was notified on Thursday 10 December 2026; the stored analysis gives the recours
// due Friday 18 December. "Now" is Wednesday 16 December 2026, 10:00 in Paris (09:00 UTC): a
// filing "today" is 2026-12-16, "tomorrow" 2026-12-17 is in the future, 2026-12-09 is before the
// notification.
const NOW = new Date('2026-12-16T09:00:00Z');
const log = createLogger('test', 'silent');
const lawyer = { id: 'u-lawyer', email: 'avocat@test.fr' };
const partner = { id: 'u-partner', email: 'associe@test.fr' };
const admin = { id: 'u-admin', email: 'admin@test.fr' };

function aCase(id: string): CaseRecord {
  return {
    id,
    reference: id.toUpperCase(),
    archived: false,
    status: 'open',
    assignedTo: 'u-lawyer',
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-12-10',
    departement: '75',
    facts: {},
    client: { lastName: 'Nommarqueur', firstName: 'Prenommarqueur', nationality: 'DZ', birthDate: '1990-01-01' },
    decision: {},
    outcome: null,
    notes: '',
    documents: [
      {
        id: '5f0c1b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f',
        name: 'accuse.pdf',
        contentType: 'application/pdf',
        size: 1,
        sha256: 'x',
        uploadedAt: '',
        uploadedBy: '',
      },
    ],
    analyses: [
      {
        id: 'a1',
        createdAt: '2026-12-15T08:30:00Z',
        createdBy: 'avocat@test.fr',
        rulesVersion: '2026-12-05',
        result: {
          deadlines: [
            { remedy: 'recours_contentieux', label: 'Recours', due: '2026-12-18', dueKind: 'date', legalBasis: 'CESEDA L. 911-1' },
            { remedy: 'rapo', label: 'Recours gracieux', due: '2027-02-10', dueKind: 'date', legalBasis: 'CRPA L. 411-2' },
          ],
        },
      },
    ],
    history: [{ at: '2026-12-14T10:00:00Z', by: 'avocat@test.fr', action: 'created' }],
    createdAt: '2026-12-14T10:00:00Z',
    createdBy: 'u-lawyer',
    updatedAt: '2026-12-14T10:00:00Z',
  };
}

/** The two parts of `Cases` closing uses, over records in memory; what it audits is kept to be read. */
function fakeCases(records: CaseRecord[], clock: () => Date) {
  const audited: Array<{ actor: string; action: string; caseId?: string; detail?: string }> = [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const cases = {
    get: (id: string) => byId.get(id)!,
    readCase: (id: string) => Promise.resolve(byId.get(id)!),
    mutate: <T>(id: string, actor: { email: string }, action: string, change: (r: CaseRecord) => T, detail?: string) => {
      const r = byId.get(id)!;
      const result = change(r);
      r.updatedAt = clock().toISOString();
      r.history.push({ at: r.updatedAt, by: actor.email, action });
      audited.push({ actor: actor.email, action: `case.${action}`, caseId: id, ...(detail ? { detail } : {}) });
      return Promise.resolve(result);
    },
  } as unknown as Cases;
  const audit = { append: (e: (typeof audited)[number]) => Promise.resolve(void audited.push(e)) } as unknown as AuditLog;
  return { cases, audit, audited };
}

async function open(records: CaseRecord[], clock: () => Date = () => NOW) {
  const { cases, audit, audited } = fakeCases(records, clock);
  const rules = await openDeadlineRules(tempDir('deadline-rules-'), log);
  const closing = new DeadlineClosing({ cases, rules, audit, acknowledgement: () => null, clock });
  return { closing, audited };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('closing a deadline', () => {
  it('refuses a filing date in the future or before the notification, and a filing with neither number nor receipt, naming the field', async () => {
    const c = aCase('c1');
    const { closing } = await open([c]);
    expect(
      await code(
        closing.requestClose('c1', 'recours_contentieux', { kind: 'filed', filedOn: '2026-12-17', receiptNumber: '2612345' }, lawyer),
      ),
    ).toEqual({
      code: 'invalid_input',
      message: 'filedOn: la date de dépôt (2026-12-17) est dans le futur ; nous sommes le 2026-12-16',
    });
    const early = await code(
      closing.requestClose('c1', 'recours_contentieux', { kind: 'filed', filedOn: '2026-12-09', receiptNumber: '2612345' }, lawyer),
    );
    expect(early.message).toMatch(/^filedOn: la date de dépôt \(2026-12-09\) précède la notification de la décision \(2026-12-10\)/);
    expect(
      (await code(closing.requestClose('c1', 'recours_contentieux', { kind: 'filed', filedOn: '2026-12-16' }, lawyer))).message,
    ).toMatch(/^receiptNumber: indiquez le n° d’enregistrement Télérecours/);
    expect(
      (
        await code(
          closing.requestClose('c1', 'recours_contentieux', { kind: 'filed', filedOn: '2026-12-16', receiptNumber: '<script>' }, lawyer),
        )
      ).message,
    ).toBe('receiptNumber: le n° Télérecours doit compter 3 à 40 lettres, chiffres, espaces ou . / - (par ex. 2301234)');
    expect((await code(closing.requestClose('c1', 'recours_contentieux', { kind: 'no_remedy', reason: ' ' }, lawyer))).message).toMatch(
      /reason: le motif est obligatoire/,
    );
    expect(
      (await code(closing.requestClose('c1', 'recours_contentieux', { kind: 'no_remedy', reason: 'x'.repeat(1001) }, lawyer))).message,
    ).toMatch(/1000 caractères/);
    expect((await code(closing.requestClose('c1', 'inexistant', { kind: 'no_remedy', reason: 'abandon' }, lawyer))).code).toBe(
      'deadline_not_found',
    );
    expect(c.deadlineClosures).toBeUndefined();
  });

  it('closes at once when the cabinet asks no confirmation: the deadline leaves the lists and the reminders', async () => {
    const c = aCase('c2');
    const { closing, audited } = await open([c]);
    expect(caseDeadlines(c).map((d) => d.remedy)).toEqual(['recours_contentieux', 'rapo']);
    const closure = await closing.requestClose(
      'c2',
      'recours_contentieux',
      { kind: 'filed', filedOn: '2026-12-16', receiptNumber: '2612345', receiptDocumentId: '5f0c1b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f' },
      lawyer,
    );
    expect(closure).toMatchObject({
      state: 'closed',
      kind: 'filed',
      filedOn: '2026-12-16',
      requestedBy: 'avocat@test.fr',
      due: '2026-12-18',
    });
    expect(caseDeadlines(c).map((d) => d.remedy)).toEqual(['rapo']);
    expect(caseSchedule(c).deadlines.map((d) => d.remedy)).toEqual(['rapo']);
    expect(c.history.at(-1)).toMatchObject({ action: 'deadline.closed', by: 'avocat@test.fr' });
    expect(audited.at(-1)).toEqual({
      actor: 'avocat@test.fr',
      action: 'case.deadline.closed',
      caseId: 'c2',
      detail: 'recours_contentieux filed',
    });
    expect((await code(closing.requestClose('c2', 'recours_contentieux', { kind: 'no_remedy', reason: 'encore' }, partner))).code).toBe(
      'deadline_already_closed',
    );
    // An admin reopens it, saying why: back in the lists.
    expect((await code(closing.reopen('c2', 'recours_contentieux', {}, admin))).message).toMatch(/^reason: /);
    await closing.reopen('c2', 'recours_contentieux', { reason: 'saisie sur le mauvais dossier' }, admin);
    expect(caseDeadlines(c).map((d) => d.remedy)).toEqual(['recours_contentieux', 'rapo']);
    expect(audited.at(-1)).toMatchObject({ action: 'case.deadline.reopened', detail: 'recours_contentieux saisie sur le mauvais dossier' });
  });

  it('waits for another person where the cabinet asks it: the requester cannot confirm, another can; a refusal reopens', async () => {
    const c = aCase('c3');
    const { closing } = await open([c]);
    await closing.setRules({ secondConfirmation: true }, admin);
    const pending = await closing.requestClose('c3', 'recours_contentieux', { kind: 'no_remedy', reason: 'le client renonce' }, lawyer);
    expect(pending.state).toBe('pending');
    // Pending: not reminded, still on the dashboard and the calendar.
    expect(caseDeadlines(c).map((d) => d.remedy)).toEqual(['rapo']);
    expect(caseSchedule(c).deadlines.map((d) => d.remedy)).toEqual(['recours_contentieux', 'rapo']);
    expect(await code(closing.confirm('c3', 'recours_contentieux', lawyer))).toEqual({
      code: 'confirmation_by_requester',
      message: 'user: vous avez demandé cette clôture ; une autre personne du cabinet doit la confirmer',
    });
    expect((await code(closing.refuse('c3', 'recours_contentieux', {}, lawyer))).code).toBe('confirmation_by_requester');
    await closing.refuse('c3', 'recours_contentieux', {}, partner);
    expect(caseDeadlines(c).map((d) => d.remedy)).toEqual(['recours_contentieux', 'rapo']);
    expect((await code(closing.confirm('c3', 'recours_contentieux', partner))).code).toBe('deadline_not_pending');
    await closing.requestClose('c3', 'recours_contentieux', { kind: 'dismissed', reason: 'décision retirée par le préfet' }, lawyer);
    const confirmed = await closing.confirm('c3', 'recours_contentieux', partner);
    expect(confirmed).toMatchObject({ state: 'closed', kind: 'dismissed', confirmedBy: 'associe@test.fr', confirmedAt: NOW.toISOString() });
    expect(caseSchedule(c).deadlines.map((d) => d.remedy)).toEqual(['rapo']);
    expect(c.history.map((h) => h.action).slice(1)).toEqual([
      'deadline.close.requested',
      'deadline.close.refused',
      'deadline.close.requested',
      'deadline.close.confirmed',
    ]);
  });

  it('sends no reminder for a closed or a pending deadline', async () => {
    // Both cases' recours is due Friday 18 December: on the 16th at 09:00 UTC the « J-2 » reminder
    // (08:00 Paris) is due — for the case whose deadline is still open, and for it alone.
    const open1 = aCase('open1');
    const closed = aCase('closed1');
    const pendingCase = aCase('pending1');
    const { closing } = await open([open1, closed, pendingCase]);
    await closing.requestClose('closed1', 'recours_contentieux', { kind: 'no_remedy', reason: 'le client renonce' }, lawyer);
    await closing.setRules({ secondConfirmation: true }, admin);
    await closing.requestClose('pending1', 'recours_contentieux', { kind: 'no_remedy', reason: 'le client renonce' }, lawyer);
    const sent: OutgoingMail[] = [];
    const sender: MailSender = { server: 'mail.test:587', send: (m) => Promise.resolve((sent.push(m), null)) };
    const reminders = new Reminders({
      doc: await openReminderStore(tempDir('rem-closing-'), log),
      cases: () => [open1, closed, pendingCase],
      users: () => [{ id: 'u-lawyer', email: 'avocat@test.fr', role: 'avocat', active: true } as unknown as User],
      sender,
      caseUrl: (id) => `https://iamanager.test/dossiers/${id}`,
      clock: () => NOW,
      log,
    });
    const result = await reminders.run();
    expect(result.sent.map((s) => [s.reference, s.remedy, s.point])).toEqual([['OPEN1', 'recours_contentieux', 'j-2']]);
    expect(reminders.assignedTo('u-lawyer').map((d) => `${d.reference} ${d.remedy}`)).toEqual([
      'OPEN1 recours_contentieux',
      'OPEN1 rapo',
      'CLOSED1 rapo',
      'PENDING1 rapo',
    ]);
  });
});

describe('the register of a day', () => {
  it('lists what was entered, due and closed that Paris day, with who', async () => {
    const c = aCase('reg');
    // Closed at 23:30 UTC on 17 December: already 18 December in Paris (UTC+1 in winter).
    const { closing } = await open([c], () => new Date('2026-12-17T23:30:00Z'));
    await closing.requestClose('reg', 'recours_contentieux', { kind: 'filed', filedOn: '2026-12-17', receiptNumber: '2612345' }, lawyer);
    const rows = (day: string) => registerOf([c], closing, day).map((r) => [r.event, r.remedy, r.by]);
    // The analysis that first listed both was run at 08:30 UTC on 15 December (09:30 in Paris).
    expect(rows('2026-12-15')).toEqual([
      ['entered', 'rapo', 'avocat@test.fr'],
      ['entered', 'recours_contentieux', 'avocat@test.fr'],
    ]);
    expect(rows('2026-12-17')).toEqual([]);
    expect(rows('2026-12-18')).toEqual([
      ['due', 'recours_contentieux', null],
      ['closed', 'recours_contentieux', 'avocat@test.fr'],
    ]);
  });
});

describe('the proof of diligence', () => {
  it('verifies with the appliance key, and is refused once a single character of its payload changes or with another key', async () => {
    const c = aCase('proof');
    const { closing } = await open([c]);
    await closing.requestClose('proof', 'recours_contentieux', { kind: 'filed', filedOn: '2026-12-16', receiptNumber: '2612345' }, lawyer);
    const status = closing.statusesOf(c).find((d) => d.remedy === 'recours_contentieux')!;
    const key = generateSigningKey();
    const claims = await proofClaims(c, status, {
      applianceId: 'app-1',
      cabinetId: 'cab-1',
      publicKey: key.publicKey,
      acknowledgement: { by: 'avocat@test.fr', at: '2026-12-15T09:00:00Z' },
      now: NOW,
    });
    const jws = await signProof(claims, key.privateKey);
    const verified = await verifyProof(jws, key.publicKey);
    expect(verified).toMatchObject({
      iss: 'app-1',
      case: { id: 'proof', reference: 'PROOF' },
      deadline: { remedy: 'recours_contentieux', due: '2026-12-18', legalBasis: 'CESEDA L. 911-1' },
      inputs: { procedure: 'oqtf', decisionNotifiedAt: '2026-12-10', analysis: { id: 'a1' } },
      rulesVersion: '2026-12-05',
      acknowledgement: { by: 'avocat@test.fr' },
      closure: { kind: 'filed', filedOn: '2026-12-16', receiptNumber: '2612345', requestedBy: 'avocat@test.fr' },
    });
    // The due date pushed back a day in the payload, the signature kept: refused.
    const [header, payload, signature] = jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...verified, deadline: { ...verified.deadline, due: '2026-12-19' } })).toString(
      'base64url',
    );
    expect(payload).not.toBe(forged);
    await expect(verifyProof(`${header}.${forged}.${signature}`, key.publicKey)).rejects.toMatchObject({ code: 'proof_invalid' });
    await expect(verifyProof(jws, generateSigningKey().publicKey)).rejects.toMatchObject({ code: 'proof_invalid' });
    await expect(verifyProof('pas un jeton', key.publicKey)).rejects.toMatchObject({ code: 'proof_invalid' });
  });
});
