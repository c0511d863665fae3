/**
 * A mail server that is down: the reminder stays `sending`, the schedule backs off 1, 2… minutes
 * (shown in the status doctor reads), `reminders run` does not wait, and once the server answers
 * the reminder goes out and the failures are cleared. In process, with the clock moved by hand and
 * a real SMTP server started on the port that refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '@iamanager/kernel/log';
import { Reminders } from '../../../appliance/src/domain/reminders/reminders.js';
import { smtpSender } from '@iamanager/kernel/mail';
import { openReminderStore } from '../../../appliance/src/storage/reminderStore.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import type { User } from '../../../appliance/src/storage/userStore.js';
import { freePort } from '../../support/appliance.js';
import { tempDir } from '../../support/controlPlane.js';
import { waitFor } from '../../support/waitFor.js';

// The stored analysis's deadline: due Friday 18 December 2026, so j-2 is 16 December 08:00 Paris (07:00 UTC).
const record = {
  id: '8c1d6c1e-2f57-4a7e-9a38-6f7c2f0d5a11',
  reference: 'PANNE-1',
  archived: false,
  assignedTo: 'u-lawyer',
  procedure: 'refus_titre_sejour',
  decisionNotifiedAt: '2026-11-18',
  departement: '75',
  facts: {},
  analyses: [
    {
      result: {
        deadlines: [
          {
            remedy: 'recours_contentieux',
            label: 'Recours',
            court: 'TA de Paris',
            due: '2026-12-18',
            dueKind: 'date',
            legalBasis: 'CJA R. 421-1',
          },
        ],
      },
    },
  ],
} as unknown as CaseRecord;
const lawyer = { id: 'u-lawyer', email: 'avocat@panne.fr', role: 'avocat', active: true } as unknown as User;

const servers: SMTPServer[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
});

describe('a mail server that is down', () => {
  it('backs off, shows it, is not waited for by `reminders run`, and delivers once the server answers', async () => {
    const port = await freePort(); // nothing listens there yet: connection refused
    let now = new Date('2026-12-16T09:00:00Z');
    const doc = await openReminderStore(tempDir('rem-down-'), createLogger('test', 'silent'));
    const reminders = new Reminders({
      doc,
      cases: () => [record],
      users: () => [lawyer],
      sender: smtpSender(`smtp://127.0.0.1:${port}`, 'echeances@panne.fr'),
      caseUrl: (id) => `https://iamanager.panne.lan/dossiers/${id}`,
      clock: () => now,
      log: createLogger('test', 'silent'),
    });
    const key = `${record.id}|recours_contentieux|2026-12-18|j-2`;

    const first = await reminders.run();
    expect(first.sent).toEqual([]);
    expect(first.error).toMatch(/ECONNREFUSED/);
    expect(doc.data.sent[key]).toMatchObject({ state: 'sending', attempts: 1 });
    // First failure: left alone one minute.
    expect(reminders.status()).toMatchObject({
      configured: true,
      server: `127.0.0.1:${port}`,
      consecutiveFailures: 1,
      retryAfter: '2026-12-16T09:01:00.000Z',
    });

    now = new Date('2026-12-16T09:00:30Z'); // within the back-off: not tried
    expect((await reminders.run()).error).toBeNull();
    expect(doc.data.sent[key]!.attempts).toBe(1);

    now = new Date('2026-12-16T09:01:00Z'); // back-off over: tried, fails again, two minutes now
    await reminders.run();
    expect(reminders.status()).toMatchObject({ consecutiveFailures: 2, retryAfter: '2026-12-16T09:03:00.000Z' });

    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          received.push(session.envelope.rcptTo.map((r) => r.address).join(','));
          callback();
        });
      },
    });
    servers.push(smtp);
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));

    now = new Date('2026-12-16T09:01:30Z'); // still in the back-off, but `reminders run` forces
    const forced = await reminders.run({ force: true });
    expect(forced.sent.map((s) => [s.point, s.to])).toEqual([['j-2', ['avocat@panne.fr']]]);
    await waitFor(
      () => received,
      (r) => r.length === 1,
      { what: 'the reminder at the mail server' },
    );
    expect(received).toEqual(['avocat@panne.fr']);
    expect(doc.data.sent[key]).toMatchObject({ state: 'sent', attempts: 3, sentAt: '2026-12-16T09:01:30.000Z', lastError: null });
    expect(reminders.status()).toMatchObject({
      consecutiveFailures: 0,
      lastError: null,
      retryAfter: null,
      lastSuccessAt: '2026-12-16T09:01:30.000Z',
    });
    expect((await reminders.run()).sent).toEqual([]);
  });
});
