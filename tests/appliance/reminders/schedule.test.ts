/**
 * When a deadline reminds, and whom: the pure schedule (Paris mornings for délais in days, hours
 * before the end for délais in hours), the catch-up after the appliance was off, the escalation
 * spared by an acknowledgement; and SMTP_URL / MAIL_FROM validated with the field and the fix.
 * Every expected instant is worked out by hand in the comments, never by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@iamanager/kernel/config';
import { deadlineEnd, dueReminders, reminderPoints } from '../../../appliance/src/domain/reminders/schedule.js';
import { reminderMail } from '../../../appliance/src/domain/reminders/reminderMail.js';
import { readConfig } from '../../../appliance/src/config.js';
import { tempDir } from '../../support/controlPlane.js';

const at = (iso: string) => new Date(iso);
const points = (list: ReturnType<typeof reminderPoints>) => list.map((p) => [p.point, p.at.toISOString(), p.audience]);
const nothingSent = { sent: () => false, acknowledged: false };

describe('a délai in days', () => {
  // Due Friday 18 December 2026; Paris is UTC+1 in December, so 08:00 Paris is 07:00 UTC.
  const day = { due: '2026-12-18', hourly: false };

  it('reminds the lawyer at 08:00 Paris 7 days before, 2 days before and the morning of; escalates the morning before', () => {
    expect(points(reminderPoints(day))).toEqual([
      ['j-7', '2026-12-11T07:00:00.000Z', 'lawyer'],
      ['j-2', '2026-12-16T07:00:00.000Z', 'lawyer'],
      ['escalade', '2026-12-17T07:00:00.000Z', 'admins'],
      ['jour-j', '2026-12-18T07:00:00.000Z', 'lawyer'],
    ]);
    // The last day counts whole: the deadline ends at midnight Paris, 23:00 UTC.
    expect(deadlineEnd(day).toISOString()).toBe('2026-12-18T23:00:00.000Z');
  });

  it('keeps 08:00 Paris across the autumn clock change', () => {
    // Due Tuesday 27 October 2026. 7 days before is 20 October, still summer time (UTC+2): 06:00 UTC.
    // 2 days before is Sunday 25 October, after the 03:00 change to winter time (UTC+1): 07:00 UTC.
    const [j7, j2] = reminderPoints({ due: '2026-10-27', hourly: false });
    expect(j7!.at.toISOString()).toBe('2026-10-20T06:00:00.000Z');
    expect(j2!.at.toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('after a week off, sends only the latest reminder reached, not the stale ones', () => {
    // 16 December 09:00 UTC: past j-7 (11th) and j-2 (16th 07:00), before the escalation (17th 07:00).
    expect(dueReminders(day, at('2026-12-16T09:00:00Z'), nothingSent).map((p) => p.point)).toEqual(['j-2']);
  });

  it('escalates to the admins unless acknowledged, and sends nothing twice nor after the end', () => {
    const now = at('2026-12-17T07:30:00Z'); // after the escalation (07:00), before the morning of (18th)
    expect(dueReminders(day, now, nothingSent).map((p) => [p.point, p.audience])).toEqual([
      ['j-2', 'lawyer'],
      ['escalade', 'admins'],
    ]);
    expect(dueReminders(day, now, { sent: () => false, acknowledged: true }).map((p) => p.point)).toEqual(['j-2']);
    expect(dueReminders(day, now, { sent: (p) => p === 'j-2' || p === 'escalade', acknowledged: false })).toEqual([]);
    expect(dueReminders(day, at('2026-12-18T23:00:00Z'), nothingSent)).toEqual([]);
  });
});

describe('a délai in hours', () => {
  // 48 h against a decision notified in rétention on 5 December 2026 at 10:00 Paris (09:00 UTC):
  // due 7 December 09:00 UTC; 24 h before is 6 December 09:00 UTC, 6 h before is 7 December 03:00
  // UTC, the escalation 3 h before is 06:00 UTC.
  const hours = { due: '2026-12-07T10:00:00+01:00', hourly: true };

  it('reminds 24 h and 6 h before the end and escalates 3 h before', () => {
    expect(points(reminderPoints(hours))).toEqual([
      ['h-24', '2026-12-06T09:00:00.000Z', 'lawyer'],
      ['h-6', '2026-12-07T03:00:00.000Z', 'lawyer'],
      ['escalade', '2026-12-07T06:00:00.000Z', 'admins'],
    ]);
    expect(dueReminders(hours, at('2026-12-06T08:59:59Z'), nothingSent)).toEqual([]);
    expect(dueReminders(hours, at('2026-12-07T09:00:00Z'), nothingSent)).toEqual([]);
  });

  it('writes the due time in Paris time, and the mail carries the reference, never a name', () => {
    const mail = reminderMail(
      {
        caseId: 'c1',
        remedy: 'recours_contentieux',
        label: 'Recours en annulation (TA de Paris)',
        due: hours.due,
        hourly: true,
        legalBasis: 'CESEDA L. 921-2',
      },
      'h-6',
      { reference: 'D-2026-017' },
      { caseUrl: 'https://iamanager.cabinet.lan/dossiers/c1' },
    );
    expect(mail.subject).toBe('Échéance D-2026-017 : Recours en annulation (TA de Paris), lundi 7 décembre 2026 à 10h00 (heure de Paris)');
    expect(mail.text).toContain('Ouvrir le dossier (réseau du cabinet) : https://iamanager.cabinet.lan/dossiers/c1');
    expect(mail.text).toContain('Fondement : CESEDA L. 921-2');
  });
});

describe('SMTP_URL and MAIL_FROM', () => {
  const base = () => ({ DATA_DIR: tempDir('rem-config-'), SECRET_KEY: 'x'.repeat(40) });
  const problems = async (env: Record<string, string>) => {
    try {
      await readConfig({ ...base(), ...env });
      return '';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  };

  it('takes smtp:// and smtps:// with a sender', async () => {
    const config = await readConfig({
      ...base(),
      SMTP_URL: 'smtps://rappels:s3cret@mail.cabinet.lan:465',
      MAIL_FROM: 'echeances@cabinet.fr',
    });
    expect(config.mail).toEqual({ smtpUrl: 'smtps://rappels:s3cret@mail.cabinet.lan:465', from: 'echeances@cabinet.fr' });
    expect((await readConfig(base())).mail).toBeNull();
  });

  it('refuses another scheme without echoing the password, and SMTP_URL without MAIL_FROM', async () => {
    const wrong = await problems({ SMTP_URL: 'https://rappels:hunter2secret@mail.cabinet.lan', MAIL_FROM: 'echeances@cabinet.fr' });
    expect(wrong).toMatch(/SMTP_URL: must be the mail server as smtp:\/\//);
    expect(wrong).not.toContain('hunter2secret');
    expect(await problems({ SMTP_URL: 'smtp://mail.cabinet.lan:587' })).toMatch(/MAIL_FROM: is required with SMTP_URL/);
    expect(await problems({ SMTP_URL: 'smtp://mail.cabinet.lan:587', MAIL_FROM: 'not-an-address' })).toMatch(
      /MAIL_FROM: must be an email address/,
    );
  });
});
