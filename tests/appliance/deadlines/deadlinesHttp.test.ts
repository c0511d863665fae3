/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Closing a deadline against real processes (docs/deadlines.md): the cabinet turns the second
 * confirmation on, a lawyer files and asks to close, cannot confirm it herself, a juriste
 * confirms; the proof of diligence (.jws and PDF) verifies with `appliance proof verify` and with
 * the public key `appliance proof public-key` prints, through jose alone, and a tampered copy is
 * refused; the day's register lists the deadline entered and closed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { pdfText } from '../../support/pdfText.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let admin: Browser;
let lawyer: Browser;
let juriste: Browser;
let lawyerId: string;

/** A Paris civil day, `days` from now, as YYYY-MM-DD: the notification was yesterday, the filing is today. */
const parisDay = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + days * 86_400_000));
/** The Paris day of an instant the appliance recorded (so a run across midnight reads the right register). */
const parisDayOf = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(iso));

beforeAll(async () => {
  const cpDir = tempDir('cp-deadlines-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'moreau',
    '--name',
    'Cabinet Moreau',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('moreau-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'moreau' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@moreau.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@moreau.fr', PASSWORD);
  const made = await admin.call('POST', '/api/users', {
    email: 'avocate@moreau.fr',
    name: 'Maître Moreau',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(made.status).toBe(201);
  lawyerId = made.body.user.id;
  const second = { email: 'juriste@moreau.fr', name: 'Juriste', role: 'juriste', password: PASSWORD };
  expect((await admin.call('POST', '/api/users', second)).status).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocate@moreau.fr', PASSWORD)).status).toBe(200);
  juriste = new Browser(appliance.url);
  expect((await juriste.login('juriste@moreau.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('closing a deadline with a second person, and its signed proof', () => {
  it('closes only once another person confirms, then proves it with a signature a third party can check', async () => {
    expect((await lawyer.call('PUT', '/api/deadline-rules', { secondConfirmation: true })).status).toBe(403);
    expect((await admin.call('PUT', '/api/deadline-rules', { secondConfirmation: 'oui' })).body.issues).toEqual([
      'secondConfirmation: doit valoir true ou false',
    ]);
    expect((await admin.call('PUT', '/api/deadline-rules', { secondConfirmation: true })).body.rules).toMatchObject({
      secondConfirmation: true,
      updatedBy: 'admin@moreau.fr',
    });

    const client = { lastName: 'Benali', firstName: 'Yasmine', nationality: 'DZ', birthDate: '1994-06-02' };
    const notifiedOn = parisDay(-1);
    const made = await lawyer.call('POST', '/api/cases', {
      client,
      procedure: 'oqtf',
      decisionNotifiedAt: notifiedOn,
      assignedTo: lawyerId,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.case.id as string;
    const listed = await lawyer.call('GET', `/api/cases/${id}/deadlines`);
    const remedy = listed.body.deadlines[0].remedy as string;
    expect(listed.body.deadlines[0].closure).toBeNull();
    const myDeadlines = async () => (await fetch(`${appliance.url}/mes-echeances`, { headers: { cookie: lawyer.cookie } })).text();
    const ackButton = `/mes-echeances/${id}/${remedy}/prise-en-charge`;
    expect(await myDeadlines()).toContain(ackButton);

    const future = await lawyer.call('POST', `/api/cases/${id}/deadlines/${remedy}/close`, {
      kind: 'filed',
      // Two days ahead: still the future if the run crosses Paris midnight.
      filedOn: parisDay(2),
      receiptNumber: '2612345',
    });
    expect(future.status).toBe(400);
    expect(future.body.message).toMatch(/^filedOn: la date de dépôt \(\d{4}-\d{2}-\d{2}\) est dans le futur/);

    const asked = await lawyer.call('POST', `/api/cases/${id}/deadlines/${remedy}/close`, {
      kind: 'filed',
      // Filed the day of the notification: neither before it nor in the future, whenever the run ends.
      filedOn: notifiedOn,
      receiptNumber: '2612345',
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    expect(asked.body.closure).toMatchObject({ state: 'pending', requestedBy: 'avocate@moreau.fr' });
    const self = await lawyer.call('POST', `/api/cases/${id}/deadlines/${remedy}/confirm`);
    expect(self.status).toBe(403);
    expect(self.body.error).toBe('confirmation_by_requester');
    const confirmed = await juriste.call('POST', `/api/cases/${id}/deadlines/${remedy}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.closure).toMatchObject({ state: 'closed', confirmedBy: 'juriste@moreau.fr' });

    const history = (await lawyer.call('GET', `/api/cases/${id}`)).body.case.history.map((h: any) => h.action);
    expect(history).toEqual(expect.arrayContaining(['deadline.close.requested', 'deadline.close.confirmed']));

    // The proof as a file, verified by the appliance's command line…
    const proof = await lawyer.call('GET', `/api/cases/${id}/deadlines/${remedy}/proof`);
    expect(proof.status, JSON.stringify(proof.body)).toBe(200);
    const dir = tempDir('proof-');
    const file = path.join(dir, 'preuve.jws');
    fs.writeFileSync(file, proof.body.jws);
    const verified = await runApplianceCli(appliance.dataDir, ['proof', 'verify', file, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json.valid).toBe(true);
    expect(verified.json.claims).toMatchObject({
      case: { id },
      deadline: { remedy },
      inputs: { procedure: 'oqtf', decisionNotifiedAt: notifiedOn, analysis: null },
      closure: { kind: 'filed', receiptNumber: '2612345', requestedBy: 'avocate@moreau.fr', confirmedBy: 'juriste@moreau.fr' },
    });
    expect(verified.json.claims.rulesVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // …and by a third party with jose and the public key alone, as docs/deadlines.md shows.
    const key = await runApplianceCli(appliance.dataDir, ['proof', 'public-key', '--json']);
    expect(key.code, key.stderr).toBe(0);
    const { payload, protectedHeader } = await compactVerify(proof.body.jws, await importJWK(key.json.jwk, 'EdDSA'));
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'iamanager-diligence+jwt' });
    expect(JSON.parse(new TextDecoder().decode(payload)).keyThumbprint).toBe(key.json.thumbprint);

    // A copy whose payload says the recours was filed a day later: refused.
    const [h, p, s] = (proof.body.jws as string).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    claims.closure.filedOn = parisDay(1);
    fs.writeFileSync(path.join(dir, 'forged.jws'), `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
    const forged = await runApplianceCli(appliance.dataDir, ['proof', 'verify', path.join(dir, 'forged.jws'), '--json']);
    expect(forged.code).not.toBe(0);
    expect(`${forged.stdout}${forged.stderr}`).toMatch(/proof_invalid|la signature ne correspond pas/);

    // The PDF shows it and carries the token.
    const pdf = await fetch(`${appliance.url}/dossiers/${id}/echeances/${remedy}/preuve`, { headers: { cookie: lawyer.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain('Preuve de diligence');
    expect(text).toContain('2612345');
    expect(text).toContain('juriste@moreau.fr');

    // Closed: out of « Mes échéances ».
    expect(await myDeadlines()).not.toContain(ackButton);

    // The register of the day the case was created says it was entered, that of the day it was closed
    // says so, with who (the same day but for a run across Paris midnight).
    const rowsOf = async (day: string) =>
      (await lawyer.call('GET', `/api/deadlines/register?day=${day}`)).body.rows
        .filter((r: any) => r.caseId === id && r.remedy === remedy)
        .map((r: any) => [r.event, r.by]);
    const enteredDay = parisDayOf(made.body.case.createdAt);
    const closedDay = parisDayOf(confirmed.body.closure.confirmedAt);
    expect(await rowsOf(enteredDay)).toContainEqual(['entered', 'avocate@moreau.fr']);
    expect(await rowsOf(closedDay)).toContainEqual(['closed', 'avocate@moreau.fr']);
    if (enteredDay === closedDay) expect((await rowsOf(closedDay)).length).toBe(2);
    const registerPdf = await fetch(`${appliance.url}/registre?jour=${closedDay}`, { headers: { cookie: lawyer.cookie } });
    expect(registerPdf.status).toBe(200);
    expect(await pdfText(Buffer.from(await registerPdf.arrayBuffer()))).toContain('Registre des échéances');
    expect((await lawyer.call('GET', '/api/deadlines/register?day=2026-02-30')).status).toBe(400);
  });
});
