/**
 * Per-user reminder choices and the escalation to the case's backup lawyer, in process with the
 * clock set by hand and mail through a real SMTP server in this test (tests/support/smtpSink.ts):
 * a lawyer on the daily digest gets one digest at the digest hour with what came due and no
 * separate mail for points above the minimum, but the minimum (jour J) on its own and on time; a
 * lawyer who turned a point off does not get it but still gets the minimum, and cannot turn the
 * minimum off; the escalation goes to the case's backup, else to the admins; the digest goes out
 * once across a restart; the menu's unread count falls to zero once « Mes échéances » is opened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { DomainError } from '@iamanager/protocol';
import { smtpSender } from '@iamanager/kernel/mail';
import { Reminders } from '../../../appliance/src/domain/reminders/reminders.js';
import { ReminderSettings } from '../../../appliance/src/domain/reminders/preferences.js';
import { openReminderStore } from '../../../appliance/src/storage/reminderStore.js';
import { openReminderSettingsStore } from '../../../appliance/src/storage/reminderSettingsStore.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import type { User } from '../../../appliance/src/storage/userStore.js';
import { simpleParser } from 'mailparser';
import { tempDir } from '../../support/controlPlane.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtpSink.js';

// Every case's stored deadline is due Friday 18 December 2026 (a délai in days). Paris is UTC+1 in
// December, so: j-2 is Wednesday 16 at 08:00 Paris = 07:00 UTC; the escalation (the day before)
// Thursday 17 at 07:00 UTC; the jour J Friday 18 at 07:00 UTC. The digest hour is set to 18:00
// Paris = 17:00 UTC.
const J2 = '2026-12-16T07:00:00Z';
const DIGEST_DAY_OF_J2 = '2026-12-16T17:00:00Z';
const ESCALATION = '2026-12-17T07:00:00Z';
const JOUR_J = '2026-12-18T07:00:00Z';
const DIGEST_DAY_OF_J = '2026-12-18T17:00:00Z';

const stored = {
  result: {
    deadlines: [{ remedy: 'recours_contentieux', label: 'Recours', due: '2026-12-18', dueKind: 'date', legalBasis: 'CJA R. 421-1' }],
  },
};
const aCase = (id: string, over: Partial<CaseRecord>) =>
  ({
    id,
    reference: id.toUpperCase(),
    archived: false,
    status: 'open',
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-12-10',
    departement: '75',
    facts: {},
    client: { lastName: 'Nommarqueur', firstName: 'Prenommarqueur' },
    analyses: [stored],
    ...over,
  }) as unknown as CaseRecord;
const user = (id: string, role: string) => ({ id, email: `${id}@test.fr`, role, active: true }) as unknown as User;

const users = [
  user('digest', 'avocat'),
  user('choosy', 'avocat'),
  user('lawyer', 'avocat'),
  user('backup', 'avocat'),
  user('secretaire', 'secretariat'),
  user('admin', 'admin'),
];
const cases = [
  aCase('c-digest', { assignedTo: 'digest' }),
  aCase('c-choosy', { assignedTo: 'choosy' }),
  aCase('c-backup', { assignedTo: 'lawyer', backupAssignedTo: 'backup' }),
  // The secretariat cannot be the one who acts on a délai: the admins hear of it instead.
  aCase('c-nobackup', { assignedTo: 'lawyer', backupAssignedTo: 'secretaire' }),
];

let sink: SmtpSink;
let dataDir: string;
let now = new Date(J2);
const log = createLogger('test', 'silent');

async function open() {
  const doc = await openReminderStore(dataDir, log);
  const settings = new ReminderSettings(await openReminderSettingsStore(dataDir, log));
  const reminders = new Reminders({
    doc,
    cases: () => cases,
    users: () => users,
    settings,
    sender: smtpSender(sink.url, 'echeances@test.fr'),
    caseUrl: (id) => `https://iamanager.test/dossiers/${id}`,
    clock: () => now,
    log,
  });
  return { reminders, settings };
}

/** A mail's text, decoded (quoted-printable, soft line breaks). */
const textOf = async (raw: string) => (await simpleParser(raw)).text ?? '';

/** The mails received since `from`, as [recipient, subject] pairs. */
const since = (from: number) => sink.received.slice(from).map((m) => [m.to.join(','), m.subject]);

beforeAll(async () => {
  sink = await startSmtpSink();
  dataDir = tempDir('rem-preferences-');
});
afterAll(() => sink.close());

describe('reminder preferences, digest and escalation', () => {
  it('refuses to turn off a minimum point or a point the cabinet does not have, naming the field', async () => {
    const { settings } = await open();
    await settings.savePolicy({ ...settings.policy(), digestHour: 18 });
    const minimum = await settings.savePreference('choosy', { mode: 'individual', off: ['jour-j'] }).catch((e: unknown) => e);
    expect(minimum).toBeInstanceOf(DomainError);
    expect((minimum as DomainError).message).toMatch(/^off: "jour-j" is part of the cabinet's minimum/);
    const unknown = await settings.savePreference('choosy', { mode: 'individual', off: ['j-5'] }).catch((e: unknown) => e);
    expect((unknown as DomainError).message).toMatch(/^off: "j-5" is not a reminder point of this cabinet \(j-7, j-2, jour-j, h-24, h-6\)/);
    await settings.savePreference('choosy', { mode: 'individual', off: ['j-2'] });
    await settings.savePreference('digest', { mode: 'digest', off: [] });
  });

  it('holds the digest reader’s points for the digest hour, skips a point turned off, mails the others', async () => {
    now = new Date(J2);
    const { reminders } = await open();
    const before = sink.received.length;
    const result = await reminders.run();
    // c-digest's j-2 waits for 18:00; c-choosy's j-2 is turned off; the lawyer gets both of theirs.
    expect(result.sent.map((s) => [s.reference, s.point, s.to])).toEqual([
      ['C-BACKUP', 'j-2', ['lawyer@test.fr']],
      ['C-NOBACKUP', 'j-2', ['lawyer@test.fr']],
    ]);
    expect(since(before).map(([to]) => to)).toEqual(['lawyer@test.fr', 'lawyer@test.fr']);
    expect(
      reminders
        .list()
        .filter((r) => r.caseId === 'c-choosy')
        .map((r) => r.point),
    ).toEqual(['j-7', 'escalade', 'jour-j']);
  });

  it('counts the reminders sent to a user until they open « Mes échéances » (the menu badge)', async () => {
    const { reminders } = await open();
    const lawyer = { id: 'lawyer', email: 'lawyer@test.fr' };
    expect(reminders.unreadCount(lawyer)).toBe(2);
    expect(reminders.unreadCount({ id: 'choosy', email: 'choosy@test.fr' })).toBe(0);
    await reminders.markSeen(lawyer);
    expect(reminders.unreadCount(lawyer)).toBe(0);
  });

  it('sends one digest at the digest hour with what came due, once, across a restart', async () => {
    now = new Date(DIGEST_DAY_OF_J2);
    const before = sink.received.length;
    const first = await open();
    expect((await first.reminders.run()).sent.map((s) => [s.reference, s.point, s.to])).toEqual([['C-DIGEST', 'j-2', ['digest@test.fr']]]);
    const mails = sink.received.slice(before);
    expect(mails.map((m) => [m.to.join(','), m.subject])).toEqual([
      ['digest@test.fr', "Rappels d'échéances du mercredi 16 décembre 2026 : 1 échéance"],
    ]);
    const text = await textOf(mails[0]!.raw);
    expect(text).toContain('- C-DIGEST : Recours');
    expect(text).toContain('Rappel : échéance dans 2 jours');
    expect(text.toLowerCase()).not.toMatch(/nommarqueur|prenommarqueur/);
    // The appliance restarts ten minutes later: the digest of the day is not sent again.
    now = new Date(new Date(DIGEST_DAY_OF_J2).getTime() + 10 * 60_000);
    const second = await open();
    expect((await second.reminders.run()).sent).toEqual([]);
    expect(sink.received.length).toBe(before + 1);
  });

  it('escalates to the case’s backup lawyer, and to the admins when the backup cannot act', async () => {
    now = new Date(ESCALATION);
    const { reminders } = await open();
    // c-digest and c-choosy were taken in hand: no escalation for them.
    for (const c of cases.slice(0, 2)) await reminders.acknowledge(c, 'recours_contentieux', 'x@test.fr');
    const before = sink.received.length;
    const result = await reminders.run();
    expect(result.sent.map((s) => [s.reference, s.point, s.to])).toEqual([
      ['C-BACKUP', 'escalade', ['backup@test.fr']],
      ['C-NOBACKUP', 'escalade', ['admin@test.fr']],
    ]);
    const toBackup = sink.received.slice(before).find((m) => m.to.includes('backup@test.fr'))!;
    expect(await textOf(toBackup.raw)).toContain('comme second avocat du dossier');
    expect(reminders.list().find((r) => r.caseId === 'c-backup' && r.point === 'escalade')?.to).toBe('backup');
  });

  it('sends the minimum on its own and on time to the digest reader and to the one who turned points off', async () => {
    now = new Date(JOUR_J);
    const { reminders } = await open();
    const before = sink.received.length;
    const result = await reminders.run();
    expect(result.sent.map((s) => [s.reference, s.point, s.to])).toEqual([
      ['C-DIGEST', 'jour-j', ['digest@test.fr']],
      ['C-CHOOSY', 'jour-j', ['choosy@test.fr']],
      ['C-BACKUP', 'jour-j', ['lawyer@test.fr']],
      ['C-NOBACKUP', 'jour-j', ['lawyer@test.fr']],
    ]);
    expect(since(before).every(([, subject]) => String(subject).startsWith('Échéance'))).toBe(true);
    // Nothing else came due for the digest reader: no empty digest at 18:00.
    now = new Date(DIGEST_DAY_OF_J);
    expect((await reminders.run()).sent).toEqual([]);
    expect(sink.received.length).toBe(before + 4);
  });
});
