/**
 * Editing a case in the domain (Cases.updateCase): each changed field is kept in the history with
 * its former and new value, a value equal to the stored one is no change, a save based on an older
 * reading is refused, a case is closed or archived only with its outcome, and a birth date after
 * the notification is refused — each refusal leaving the case as it was, on disk too.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { Cases } from '../../../appliance/src/domain/cases/cases.js';
import { learnedOutcome } from '../../../appliance/src/domain/cases/caseAnalyses.js';
import { casePatchSchema, newCaseSchema, type CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';

const log = createLogger('test', 'silent');
const LAWYER = { id: '7d1c1f6e-5a1b-4c1e-9a55-0c1f3b7a2e10', email: 'avocate@martin.fr' };
const OTHER = { id: '0b6f5d0e-2f7c-4f0e-8b0a-1d2e3f4a5b6c', email: 'collaborateur@martin.fr' };

let dir: string;
let now: Date;
let cases: Cases;

async function open(): Promise<Cases> {
  return Cases.open(dir, {
    license: { assertCanCreate: () => ({ plan: 'enterprise', maxCases: 100 }) } as never,
    users: { byId: (id: string) => ([LAWYER.id, OTHER.id].includes(id) ? { id } : undefined) } as never,
    audit: { append: () => Promise.resolve() } as never,
    clock: () => now,
    log,
  });
}

async function aCase(): Promise<CaseRecord> {
  return cases.createCase(
    newCaseSchema.parse({
      client: { lastName: 'Diallo', firstName: 'Aminata', nationality: 'GN', birthDate: '1994-02-11', agdrefNumber: '7501234567' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-03-03',
    }),
    LAWYER,
  );
}

const patch = (body: unknown) => casePatchSchema.parse(body);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'case-edits-'));
  now = new Date('2026-03-10T09:00:00Z');
  cases = await open();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('editing a case', () => {
  it('keeps each changed field with its former and new value, by whom and when', async () => {
    const c = await aCase();
    now = new Date('2026-03-11T15:30:00Z');
    const saved = await cases.updateCase(
      c.id,
      patch({
        // As the edit page sends it: 10:15 in Paris on 4 March 2026, winter time (UTC+1).
        decisionNotifiedAt: '2026-03-04T10:15:00+01:00',
        client: { lastName: 'Diallo', agdrefNumber: undefined },
        notes: 'Pièces reçues',
        outcome: null,
      }),
      LAWYER,
    );
    expect(saved.history.at(-1)).toEqual({
      at: '2026-03-11T15:30:00.000Z',
      by: 'avocate@martin.fr',
      action: 'updated',
      // The name sent unchanged and the outcome still null are no change; fields in the schema's order.
      fields: ['client', 'decisionNotifiedAt', 'notes'],
      changes: [
        { field: 'client.agdrefNumber', before: '7501234567', after: null },
        { field: 'decisionNotifiedAt', before: '2026-03-03', after: '2026-03-04T10:15:00+01:00' },
        { field: 'notes', before: '', after: 'Pièces reçues' },
      ],
    });
    expect(saved.client).not.toHaveProperty('agdrefNumber');
    expect(saved.updatedAt).toBe('2026-03-11T15:30:00.000Z');
    // Written durably: a new process reads the same history.
    await cases.flushed();
    const reread = (await open()).get(c.id);
    expect(reread.history.at(-1)?.changes).toEqual(saved.history.at(-1)?.changes);
  });

  it('records nothing when every value sent is the stored one', async () => {
    const c = await aCase();
    const before = c.history.length;
    now = new Date('2026-03-12T08:00:00Z');
    const same = await cases.updateCase(c.id, patch({ procedure: 'oqtf', client: { firstName: 'Aminata' } }), LAWYER);
    expect(same.history).toHaveLength(before);
    expect(same.updatedAt).toBe('2026-03-10T09:00:00.000Z');
  });

  it('refuses a save based on an older reading of the case (409 case_changed), and keeps the colleague’s change', async () => {
    const c = await aCase();
    const read = c.updatedAt;
    now = new Date('2026-03-11T10:00:00Z');
    await cases.updateCase(c.id, patch({ notes: 'Audience le 2 avril', expectedUpdatedAt: read }), OTHER);
    now = new Date('2026-03-11T10:05:00Z');
    await expect(cases.updateCase(c.id, patch({ notes: 'Rien', expectedUpdatedAt: read }), LAWYER)).rejects.toMatchObject({
      code: 'case_changed',
      message:
        'expectedUpdatedAt: the case was changed at 2026-03-11T10:00:00.000Z, after you read it (2026-03-10T09:00:00.000Z): read it again and redo your change',
    });
    expect(cases.get(c.id).notes).toBe('Audience le 2 avril');
  });

  it('closes a case only with its outcome, and archives it only once the outcome is recorded', async () => {
    const c = await aCase();
    await expect(cases.updateCase(c.id, patch({ status: 'closed' }), LAWYER)).rejects.toMatchObject({
      code: 'outcome_required',
      message: 'outcome: a closed case needs its outcome (won, lost, withdrawn, moot or other): record it with the closing',
    });
    expect(cases.get(c.id).status).toBe('open');
    await expect(cases.setArchived(c.id, true, LAWYER)).rejects.toMatchObject({ code: 'outcome_required' });
    expect(cases.get(c.id).archived).toBe(false);
    const closed = await cases.updateCase(c.id, patch({ status: 'closed', outcome: 'moot' }), LAWYER);
    expect(closed.history.at(-1)?.changes).toEqual([
      { field: 'status', before: 'open', after: 'closed' },
      { field: 'outcome', before: null, after: 'moot' },
    ]);
    expect((await cases.setArchived(c.id, true, LAWYER)).archived).toBe(true);
    // An archived case cannot lose its outcome.
    await expect(cases.updateCase(c.id, patch({ outcome: null }), LAWYER)).rejects.toMatchObject({ code: 'outcome_required' });
  });

  it('refuses a birth date after the notification of the decision, naming the field', async () => {
    const c = await aCase();
    await expect(cases.updateCase(c.id, patch({ client: { birthDate: '2026-03-05' } }), LAWYER)).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'client.birthDate: (2026-03-05) is after the notification of the decision (2026-03-03): check both dates',
    });
    expect(cases.get(c.id).client.birthDate).toBe('1994-02-11');
  });
});

describe('the outcomes the enterprise model learns from', () => {
  it('takes annulation as won and rejet as lost; désistement, non-lieu and other issues teach it nothing', () => {
    expect(['won', 'lost', 'withdrawn', 'moot', 'other', null].map((o) => learnedOutcome(o as never))).toEqual([
      'won',
      'lost',
      null,
      null,
      null,
      null,
    ]);
  });
});
