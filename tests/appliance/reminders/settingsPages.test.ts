/**
 * The reminder settings against a real appliance process and a real SMTP server in this test
 * (tests/support/smtpSink.ts), with no SMTP_URL in its environment: the mail server saved on
 * /admin/rappels is the one the test mail goes through; a bad port is refused naming the field;
 * the password is never in a page nor an API answer, kept when the field is left empty, and stored
 * in a file only the appliance's user can read; the settings survive a restart. Also the policy
 * form's refusal, « Mes rappels », and the case's backup lawyer through the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtpSink.js';
import { waitFor } from '../../support/waitFor.js';

const PASSWORD = 'correct horse battery staple';
/** The mail server's password typed in the form: must never come back in a page or an answer. */
const SMTP_PASSWORD = 'Zq-motdepasse-SMTP-9931';

let cp: TestControlPlane;
let appliance: TestAppliance;
let sink: SmtpSink;
let dataDir: string;
let admin: Browser;
let lawyerId: string;
let secretaryId: string;
const env = () => ({ CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'reglages' });

async function page(b: Browser, route: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${appliance.url}${route}`, { headers: { cookie: b.cookie }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

async function postForm(b: Browser, route: string, fields: Array<[string, string]>) {
  const res = await fetch(`${appliance.url}${route}`, {
    method: 'POST',
    headers: { 'cookie': b.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([['_csrf', b.csrf], ...fields]),
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  // A post answers 303 back to its page, which says what came of it once (redirect after post): read it.
  if (res.status === 303 && (location === '/admin/rappels' || location === '/setup/messagerie' || location === '/dossiers/nouveau')) {
    const back = await fetch(`${appliance.url}${location}`, { headers: { cookie: b.cookie }, redirect: 'manual' });
    return { status: res.status, html: await back.text(), location };
  }
  return { status: res.status, html: await res.text(), location };
}

const sinkPort = () => new URL(sink.url).port;
const mailForm = (over: Record<string, string> = {}): Array<[string, string]> =>
  Object.entries({
    host: '127.0.0.1',
    port: sinkPort(),
    security: 'starttls',
    user: 'rappels',
    password: SMTP_PASSWORD,
    from: 'echeances@reglages.fr',
    ...over,
  });

beforeAll(async () => {
  sink = await startSmtpSink();
  const cpDir = tempDir('cp-reglages-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'reglages',
    '--name',
    'Cabinet Réglages',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  dataDir = tempDir('reglages-');
  appliance = await startAppliance(dataDir, env());
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@reglages.fr', name: 'Admin', password: PASSWORD })).status).toBe(
    201,
  );
  await admin.login('admin@reglages.fr', PASSWORD);
  const lawyer = await admin.call('POST', '/api/users', {
    email: 'avocat@reglages.fr',
    name: 'Maître Réglage',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(lawyer.status).toBe(201);
  lawyerId = lawyer.body.user.id;
  const secretary = await admin.call('POST', '/api/users', {
    email: 'secretariat@reglages.fr',
    name: 'Secrétariat',
    role: 'secretariat',
    password: PASSWORD,
  });
  secretaryId = secretary.body.user.id;
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
  await sink?.close();
});

describe('reminder settings pages', () => {
  it('says no mail server is set, and refuses a bad port naming the field', async () => {
    const before = await page(admin, '/admin/rappels');
    expect(before.status).toBe(200);
    expect(before.html).toContain('Aucun serveur de messagerie : les rappels ne sont pas envoyés.');
    // The page says what a mail carries, and why no more (it leaves through servers the cabinet does not control).
    expect(before.html).toContain('jamais le nom du client, les faits ni les pièces');
    const refused = await postForm(admin, '/admin/rappels/messagerie', mailForm({ port: '70000' }));
    // Back to the form (303), the error beside the field, shown once.
    expect([refused.status, refused.location]).toEqual([303, '/admin/rappels']);
    expect(refused.html).toContain('id="f-port-error"');
    expect(refused.html).toContain('Port : Un nombre de 1 à 65535 : 587 pour STARTTLS, 465 pour TLS.');
    // What was typed comes back, except the password.
    expect(refused.html).toContain('value="70000"');
    expect(refused.html).not.toContain(SMTP_PASSWORD);
    const api = await admin.call('PUT', '/api/reminders/mail-settings', {
      host: '127.0.0.1',
      port: 0,
      security: 'starttls',
      from: 'a@b.fr',
    });
    expect(api.status).toBe(400);
    expect(JSON.stringify(api.body)).toMatch(/port/);
    expect((await admin.call('GET', '/api/reminders/status')).body.mail.configured).toBe(false);
  });

  it('saves the server, never shows the password, and sends the test mail through it', async () => {
    const saved = await postForm(admin, '/admin/rappels/messagerie', mailForm());
    expect(saved.status).toBe(303);
    expect(saved.html).toContain(`les rappels partent désormais par 127.0.0.1:${sinkPort()}`);
    const shown = await page(admin, '/admin/rappels');
    expect(shown.html).toContain('Réglages en vigueur : enregistrés sur cette page');
    expect(shown.html).toContain('Un mot de passe est enregistré : laissez vide pour le conserver.');
    for (const html of [saved.html, shown.html, (await page(admin, '/admin')).html]) expect(html).not.toContain(SMTP_PASSWORD);
    const api = await admin.call('GET', '/api/reminders/mail-settings');
    expect(api.body.mailSettings).toMatchObject({ source: 'page', host: '127.0.0.1', user: 'rappels', hasPassword: true });
    expect(JSON.stringify(api.body)).not.toContain(SMTP_PASSWORD);
    // Stored for the appliance's user only.
    const file = path.join(dataDir, 'mail-settings.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const before = sink.received.length;
    const test = await postForm(admin, '/admin/rappels/test', []);
    expect(test.status).toBe(303);
    expect(test.html).toContain(`Message de test accepté par 127.0.0.1:${sinkPort()}, envoyé à admin@reglages.fr.`);
    const [mail] = await waitFor(
      () => sink.received.slice(before),
      (m) => m.length === 1,
      { what: 'the test mail' },
    );
    expect(mail!.to).toEqual(['admin@reglages.fr']);
    expect(mail!.from).toBe('echeances@reglages.fr');

    // Saved again with the password left empty: the one stored is kept.
    expect((await postForm(admin, '/admin/rappels/messagerie', mailForm({ password: '', from: 'rappels@reglages.fr' }))).status).toBe(303);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(stored.smtp).toMatchObject({ password: SMTP_PASSWORD, from: 'rappels@reglages.fr' });
  });

  it('keeps the settings across a restart', async () => {
    await appliance.stop();
    appliance = await startAppliance(dataDir, env());
    admin = new Browser(appliance.url);
    await admin.login('admin@reglages.fr', PASSWORD);
    const status = await admin.call('GET', '/api/reminders/status');
    expect(status.body.mail).toMatchObject({ configured: true, server: `127.0.0.1:${sinkPort()}` });
    const before = sink.received.length;
    expect((await admin.call('POST', '/api/reminders/test', {})).status).toBe(200);
    const [mail] = await waitFor(
      () => sink.received.slice(before),
      (m) => m.length === 1,
      { what: 'the test mail after the restart' },
    );
    expect(mail!.from).toBe('rappels@reglages.fr');
  });

  it('refuses a policy whose minimum is not one of its points, naming the field, and saves a good one', async () => {
    const policy = {
      dayPoints: '10, 3, 0',
      minimumDayPoints: '1',
      hourPoints: '24, 6',
      minimumHourPoints: '6',
      escalationDays: '1',
      escalationHours: '3',
      digestHour: '25',
    };
    const refused = await postForm(admin, '/admin/rappels/politique', Object.entries(policy));
    expect([refused.status, refused.location]).toEqual([303, '/admin/rappels']);
    expect(refused.html).toContain('id="f-minimumDayPoints-error"');
    expect(refused.html).toContain('Heure du résumé quotidien (heure de Paris) : De 0 à 23 ; 8 par défaut.');
    const saved = await postForm(admin, '/admin/rappels/politique', Object.entries({ ...policy, minimumDayPoints: '0', digestHour: '18' }));
    expect(saved.location).toBe('/admin/rappels?ok=politique');
    expect((await admin.call('GET', '/api/reminders/policy')).body.policy).toMatchObject({
      dayPoints: [10, 3, 0],
      minimumDayPoints: [0],
      digestHour: 18,
    });
  });

  it('lets a lawyer choose the digest and turn off a point above the minimum on « Mes rappels »', async () => {
    const lawyer = new Browser(appliance.url);
    await lawyer.login('avocat@reglages.fr', PASSWORD);
    expect((await page(lawyer, '/mes-echeances')).html).toContain('href="/mes-rappels"');
    const shown = await page(lawyer, '/mes-rappels');
    expect(shown.html).toContain('Le matin du dernier jour (jour J, 8 h) — minimum du cabinet, toujours envoyé');
    // Everything received but j-3 (10 days before, the other points and the minimum kept).
    const saved = await postForm(lawyer, '/mes-rappels', [
      ['mode', 'digest'],
      ['on', 'j-10'],
      ['on', 'h-24'],
    ]);
    expect(saved.location).toBe('/mes-rappels?ok=1');
    expect((await lawyer.call('GET', '/api/reminders/preferences')).body.preferences).toEqual({ mode: 'digest', off: ['j-3'] });
    const minimum = await lawyer.call('PUT', '/api/reminders/preferences', { mode: 'individual', off: ['jour-j'] });
    expect(minimum.status).toBe(400);
    expect(minimum.body.message).toMatch(/off: "jour-j" is part of the cabinet's minimum/);
  });

  it('offers the mail step of the setup wizard: saved, then a test mail with the server’s answer', async () => {
    const step = await page(admin, '/setup/messagerie');
    expect(step.html).toContain('3. Messagerie des rappels (facultatif)');
    expect(step.html).toContain('Passer cette étape');
    const before = sink.received.length;
    const done = await postForm(admin, '/setup/messagerie', mailForm({ password: '', from: 'mise-en-service@reglages.fr' }));
    expect([done.status, done.location]).toEqual([303, '/setup/messagerie']);
    expect(done.html).toContain(`Message de test accepté par 127.0.0.1:${sinkPort()}, envoyé à admin@reglages.fr.`);
    expect(done.html).toContain('Continuer vers le tableau de bord');
    const [mail] = await waitFor(
      () => sink.received.slice(before),
      (m) => m.length === 1,
      { what: 'the setup step’s test mail' },
    );
    expect(mail!.from).toBe('mise-en-service@reglages.fr');
    const lawyer = new Browser(appliance.url);
    await lawyer.login('avocat@reglages.fr', PASSWORD);
    expect((await page(lawyer, '/setup/messagerie')).status).toBe(403);
  });

  it('takes the case’s backup lawyer, refusing the secretariat', async () => {
    const body = (backupAssignedTo: string) => ({
      client: { lastName: 'Secours', firstName: 'Anna', nationality: 'GN', birthDate: '1990-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
      assignedTo: lawyerId,
      backupAssignedTo,
    });
    const refused = await admin.call('POST', '/api/cases', body(secretaryId));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^backupAssignedTo: secretariat@reglages.fr is in the secretariat/);
    const adminId = (await admin.call('GET', '/api/auth/me')).body.user.id;
    const created = await admin.call('POST', '/api/cases', body(adminId));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.case.backupAssignedTo).toBe(adminId);
    const cleared = await admin.call('PATCH', `/api/cases/${created.body.case.id}`, { backupAssignedTo: null });
    expect(cleared.body.case.backupAssignedTo).toBeNull();
  });

  it('takes the second lawyer on the new-case form, and says beside the field why the secretariat cannot be', async () => {
    const form = (backupAssignedTo: string): Array<[string, string]> => [
      ['lastName', 'Formulaire'],
      ['firstName', 'Aïcha'],
      ['nationality', 'SN'],
      ['birthDate', '1991-03-04'],
      ['procedure', 'oqtf'],
      ['notificationDate', '2026-11-03'],
      ['assignedTo', lawyerId],
      ['backupAssignedTo', backupAssignedTo],
    ];
    const shown = await page(admin, '/dossiers/nouveau');
    expect(shown.html).toContain('Second avocat (reçoit l’escalade des rappels)');
    expect(shown.html).not.toContain(`<option value="${secretaryId}"`);
    const refused = await postForm(admin, '/dossiers/nouveau', form(secretaryId));
    expect(refused.html).toContain('id="f-backupAssignedTo-error"');
    const created = await postForm(admin, '/dossiers/nouveau', form(lawyerId));
    expect(created.status).toBe(303);
    const id = /^\/dossiers\/([0-9a-f-]{36})/.exec(created.location ?? '')?.[1];
    expect((await admin.call('GET', `/api/cases/${id}`)).body.case.backupAssignedTo).toBe(lawyerId);
  });
});
