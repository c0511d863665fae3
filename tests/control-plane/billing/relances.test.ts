/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Relances, received by a real SMTP server running in the test process: nodemailer in the
 * control plane hands them over, the test reads what the server got. The clock is moved
 * (CLOCK_OFFSET_SECONDS), never waited for; every CLI run is a fresh process opening DATA_DIR,
 * so "sent once" is checked across restarts.
 *
 * By hand: March is closed on 2 April, issued 2026-04-02, due 30 days later, 2026-05-02 (see
 * payments.test.ts). The reminder is due 1 day past due (3 May), the second 15 days past due
 * (17 May), the last 30 days past due (1 June: 2 May + 29 days is 31 May, + 1 is 1 June).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { clockAt, DUPONT_CABINET } from '../../support/billing.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtpSink.js';
import { waitFor } from '../../support/waitFor.js';

const root = tempDir('cp-relances-');
const dataDir = path.join(root, 'data');
let smtp: SmtpSink;
let cp: TestControlPlane | undefined;

const mailEnv = () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'IAManager Facturation <facturation@iamanager.test>' });
const cli = (at: string, args: string[], env: Record<string, string> = mailEnv()) =>
  runCli(dataDir, [...args, '--json'], { env: clockAt(at, env) });

beforeAll(async () => {
  smtp = await startSmtpSink();
  fs.mkdirSync(dataDir);
  const create = async (args: string[]) => expect((await cli('2026-03-01T09:00:00Z', ['cabinet', 'create', ...args])).code).toBe(0);
  await create([...DUPONT_CABINET, '--email', 'compta@dupont-avocats.test']);
  await create([
    '--id',
    'martin',
    '--name',
    'Martin',
    '--plan',
    'starter',
    '--email',
    'martin@avocat.test',
    '--siret',
    '44833048000006',
    '--address',
    '8 rue Martin, 69001 Lyon',
  ]);
  await create([
    '--id',
    'petit',
    '--name',
    'Petit',
    '--plan',
    'starter',
    '--siret',
    '55501234000017',
    '--address',
    '3 rue Petit, 13001 Marseille',
  ]);
  expect((await cli('2026-04-02T08:00:00Z', ['billing', 'close', '2026-03'])).json.invoices.map((i: any) => i.number)).toEqual([
    'F-2026-000001',
    'F-2026-000002',
    'F-2026-000003',
  ]);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  await smtp.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('relances', () => {
  it('refuses to run without SMTP_URL and MAIL_FROM, saying which to set', async () => {
    const res = await cli('2026-05-03T08:00:00Z', ['billing', 'relances'], {});
    expect(res.code).not.toBe(0);
    expect(res.json).toMatchObject({ error: 'mail_not_configured' });
    const half = await cli('2026-05-03T08:00:00Z', ['billing', 'relances'], { SMTP_URL: smtp.url });
    expect(half.code).not.toBe(0);
    expect(half.stderr).toContain('MAIL_FROM');
  });

  it('sends nothing on the due date itself', async () => {
    const res = await cli('2026-05-02T08:00:00Z', ['billing', 'relances']);
    expect(res.json).toEqual({ sent: [], skipped: [], failed: [] });
    expect(smtp.received).toHaveLength(0);
  });

  it('sends the first reminder the day after, to each cabinet with an address, naming what is owed', async () => {
    const res = await cli('2026-05-03T08:00:00Z', ['billing', 'relances']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.sent).toEqual([
      { invoiceNumber: 'F-2026-000001', step: 'reminder', to: 'compta@dupont-avocats.test', balanceDueCents: 35_880 },
      { invoiceNumber: 'F-2026-000002', step: 'reminder', to: 'martin@avocat.test', balanceDueCents: 11_880 },
    ]);
    expect(res.json.skipped).toEqual([
      expect.objectContaining({
        invoiceNumber: 'F-2026-000003',
        step: 'reminder',
        reason: expect.stringContaining('cabinet update --email'),
      }),
    ]);
    expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([
      [['compta@dupont-avocats.test'], 'Rappel : facture F-2026-000001 arrivée à échéance'],
      [['martin@avocat.test'], 'Rappel : facture F-2026-000002 arrivée à échéance'],
    ]);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('facturation@iamanager.test');
    expect(mail.raw).toContain('application/pdf');
    expect(mail.raw).toContain('facture-F-2026-000001.pdf');
  });

  it('never sends the same relance twice, across restarts', async () => {
    for (const at of ['2026-05-03T09:00:00Z', '2026-05-10T09:00:00Z']) {
      const res = await cli(at, ['billing', 'relances']);
      expect(res.json.sent).toEqual([]);
    }
    expect(smtp.received).toHaveLength(2);
    const shown = await cli('2026-05-10T09:00:00Z', ['billing', 'invoice', 'F-2026-000001']);
    expect(shown.json.invoice.relances).toEqual([
      expect.objectContaining({ step: 'reminder', to: 'compta@dupont-avocats.test', status: 'sent', balanceDueCents: 35_880 }),
    ]);
  });

  it('sends the second one at 15 days only for what is still unpaid', async () => {
    expect(
      (await cli('2026-05-05T08:00:00Z', ['billing', 'pay', 'F-2026-000002', '--amount-cents', '11880', '--date', '2026-05-05'])).code,
    ).toBe(0);
    expect((await cli('2026-05-16T08:00:00Z', ['billing', 'relances'])).json.sent).toEqual([]); // 14 days
    const res = await cli('2026-05-17T08:00:00Z', ['billing', 'relances']);
    expect(res.json.sent.map((s: any) => [s.invoiceNumber, s.step])).toEqual([['F-2026-000001', 'second_reminder']]);
    expect(smtp.received.at(-1)!.subject).toBe('Deuxième relance : facture F-2026-000001 impayée');
    expect(smtp.received).toHaveLength(3);
  });

  it('serve sends the last one on its own at 30 days, recalling the penalties and the license grace period', async () => {
    cp = await startControlPlane(dataDir, clockAt('2026-06-01T08:00:00Z', mailEnv()));
    await waitFor(
      () => smtp.received.length,
      (n) => n >= 4,
      { what: 'the final relance, sent by the pass serve runs on start' },
    );
    const mail = smtp.received[3];
    expect(mail!.subject).toBe('Dernière relance avant suspension possible : facture F-2026-000001 impayée');
    const body = mail!.raw.replace(/=\r?\n/g, '');
    expect(body).toContain('L. 441-10');
    expect(body).toContain('D. 441-5');
    expect(body).toMatch(/d=C3=A9lai de gr=C3=A2ce|délai de grâce/);
    // Through the control socket, in the running server: nothing left to send.
    const res = await cli('2026-06-01T08:00:00Z', ['billing', 'relances']);
    expect(res.json.sent).toEqual([]);
    expect(smtp.received).toHaveLength(4);
  });
});
