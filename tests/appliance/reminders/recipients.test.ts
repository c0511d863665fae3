/**
 * Who is reminded of what, in process with the clock set by hand: the assigned lawyer, else the
 * admins (nobody assigned, or the lawyer disabled); closed and archived cases never; a stored
 * analysis's deadlines before the basic rules; an acknowledgement that names a remedy the case does
 * not have refused with the ones it has.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { DomainError } from '@iamanager/protocol';
import { Reminders } from '../../../appliance/src/domain/reminders/reminders.js';
import type { MailSender, OutgoingMail } from '@iamanager/kernel/mail';
import { openReminderStore } from '../../../appliance/src/storage/reminderStore.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import type { User } from '../../../appliance/src/storage/userStore.js';
import { tempDir } from '../../support/controlPlane.js';

// Every case's stored deadline is due Friday 18 December 2026; on 16 December at 09:00 UTC the
// reminder two days before (08:00 Paris, 07:00 UTC) is due and nothing else.
const NOW = new Date('2026-12-16T09:00:00Z');
const stored = {
  result: {
    deadlines: [{ remedy: 'recours_contentieux', label: 'Recours', due: '2026-12-18', dueKind: 'date', legalBasis: 'CJA R. 421-1' }],
  },
};
const aCase = (id: string, over: Partial<CaseRecord> = {}) =>
  ({
    id,
    reference: id.toUpperCase(),
    archived: false,
    status: 'open',
    assignedTo: 'u-lawyer',
    procedure: 'oqtf',
    // The basic rules would give a different date: the stored analysis must win.
    decisionNotifiedAt: '2026-12-10',
    departement: '75',
    facts: {},
    client: { lastName: 'Nommarqueur', firstName: 'Prenommarqueur' },
    analyses: [stored],
    ...over,
  }) as unknown as CaseRecord;
const user = (id: string, email: string, role: string, active = true) => ({ id, email, role, active }) as unknown as User;

async function open(cases: CaseRecord[], users: User[], clock: () => Date = () => NOW) {
  const sent: OutgoingMail[] = [];
  const sender: MailSender = { server: 'mail.test:587', send: (m) => Promise.resolve((sent.push(m), null)) };
  const doc = await openReminderStore(tempDir('rem-recipients-'), createLogger('test', 'silent'));
  const reminders = new Reminders({
    doc,
    cases: () => cases,
    users: () => users,
    sender,
    caseUrl: (id) => `https://iamanager.test/dossiers/${id}`,
    clock,
    log: createLogger('test', 'silent'),
  });
  return { reminders, sent, doc };
}

describe('who is reminded', () => {
  const admins = [user('u-admin', 'admin@test.fr', 'admin'), user('u-admin2', 'associe@test.fr', 'admin')];

  it('reminds the assigned lawyer, and the admins when nobody is assigned or the lawyer is disabled', async () => {
    const { reminders, sent } = await open(
      [aCase('assigned'), aCase('nobody', { assignedTo: null }), aCase('disabled', { assignedTo: 'u-gone' })],
      [user('u-lawyer', 'avocat@test.fr', 'avocat'), user('u-gone', 'parti@test.fr', 'avocat', false), ...admins],
    );
    const result = await reminders.run();
    expect(result.sent.map((s) => [s.reference, s.point, s.due, s.to])).toEqual([
      ['ASSIGNED', 'j-2', '2026-12-18', ['avocat@test.fr']],
      ['NOBODY', 'j-2', '2026-12-18', ['admin@test.fr', 'associe@test.fr']],
      ['DISABLED', 'j-2', '2026-12-18', ['admin@test.fr', 'associe@test.fr']],
    ]);
    for (const mail of sent) expect(`${mail.subject}\n${mail.text}`.toLowerCase()).not.toMatch(/nommarqueur|prenommarqueur/);
  });

  it('never reminds a closed or an archived case', async () => {
    const { reminders } = await open(
      [aCase('closed', { status: 'closed' }), aCase('archived', { archived: true })],
      [user('u-lawyer', 'avocat@test.fr', 'avocat'), ...admins],
    );
    expect((await reminders.run()).sent).toEqual([]);
    expect(reminders.list()).toEqual([]);
  });

  it('refuses to acknowledge a remedy the case does not have, naming the ones it has', async () => {
    const c = aCase('ack');
    const { reminders } = await open([c], admins);
    const refused = await reminders.acknowledge(c, 'rapo', 'admin@test.fr').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: 'deadline_not_found',
      message: 'remedy: case ACK has no deadline "rapo"; its deadlines are recours_contentieux',
    });
    expect(await reminders.acknowledge(c, 'recours_contentieux', 'admin@test.fr')).toEqual({
      remedy: 'recours_contentieux',
      due: '2026-12-18',
      at: NOW.toISOString(),
    });
  });

  it('forgets what was sent and acknowledged 90 days after the deadline ended, not before', async () => {
    let now = NOW;
    const c = aCase('old');
    const { reminders, doc } = await open([c], [user('u-lawyer', 'avocat@test.fr', 'avocat')], () => now);
    await reminders.run();
    await reminders.acknowledge(c, 'recours_contentieux', 'avocat@test.fr');
    // Ended at midnight Paris on 18 December 2026 (23:00 UTC); 90 days later is 18 March 2027 23:00 UTC.
    now = new Date('2027-03-18T22:59:00Z');
    await reminders.run();
    expect([Object.keys(doc.data.sent).length, Object.keys(doc.data.acks).length]).toEqual([1, 1]);
    now = new Date('2027-03-18T23:01:00Z');
    await reminders.run();
    expect([Object.keys(doc.data.sent).length, Object.keys(doc.data.acks).length]).toEqual([0, 0]);
  });
});
