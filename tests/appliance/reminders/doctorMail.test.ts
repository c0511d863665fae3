/** `appliance doctor` names the mail server of the reminders (host and port, never the login), or says none is set. */
import { describe, expect, it } from 'vitest';
import { runApplianceCli } from '../../support/appliance.js';
import { tempDir } from '../../support/controlPlane.js';

const mailLine = async (env: Record<string, string>) => {
  const doctor = await runApplianceCli(tempDir('rem-doctor-'), ['doctor', '--json'], { env });
  expect(doctor.json, doctor.stderr).toBeDefined();
  return (doctor.json.checks as Array<{ check: string; ok: boolean; detail: string }>).find((c) => c.check === 'mail');
};

describe('appliance doctor, line mail', () => {
  it('says reminders are not sent without SMTP_URL and MAIL_FROM', async () => {
    expect(await mailLine({})).toEqual({
      check: 'mail',
      ok: true,
      detail:
        'not configured: deadline reminders are not sent by e-mail; set the mail server on /admin/rappels, or SMTP_URL and MAIL_FROM in .env, to send them (docs/reminders.md)',
    });
  });

  it('names the server without its login once configured', async () => {
    const line = await mailLine({ SMTP_URL: 'smtp://rappels:Secret-Pw-42@mail.cabinet.lan:587', MAIL_FROM: 'echeances@cabinet.fr' });
    expect(line).toEqual({ check: 'mail', ok: true, detail: 'mail.cabinet.lan:587, no reminder sent yet' });
  });
});
