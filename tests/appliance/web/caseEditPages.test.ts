/**
 * The case edit page (/dossiers/:id/modifier) against a real appliance: every field prefilled and
 * saved, the history said in French with former and new values, the analysis said stale after the
 * notification changed, each refused field named in French with the form kept, a stale save
 * refused (409) with the person's entries kept, the outcome asked when closing or archiving, and
 * the lawyer's decisions (lawyer in charge, status, outcome) out of a juriste's reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyer: Browser;
let juriste: Browser;
let caseId = '';
let lawyerId = '';

async function postForm(who: Browser, path: string, fields: Record<string, string>) {
  const res = await fetch(`${appliance.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: who.csrf, ...fields }),
  });
  const location = res.headers.get('location') ?? '';
  // A refused form answers 303 back to its page, which shows it once (redirect after post): read it.
  if (res.status === 303 && location.endsWith('/modifier')) {
    const back = await fetch(`${appliance.url}${location}`, { headers: { cookie: who.cookie } });
    return { status: res.status, location, html: await back.text() };
  }
  return { status: res.status, location, html: await res.text() };
}

async function page(who: Browser, path: string): Promise<string> {
  const res = await fetch(`${appliance.url}${path}`, { headers: { cookie: who.cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The values of the edit form's inputs as the page shows them (what a browser would post back). */
function formValues(html: string): Record<string, string> {
  const form = html.slice(html.indexOf('class="case-edit"'), html.indexOf('</form>', html.indexOf('class="case-edit"')));
  const values: Record<string, string> = {};
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (name && name !== '_csrf') values[name] = /value="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    values[m[1]!] = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '';
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) values[m[1]!] = m[2]!;
  return values;
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x2F;/g, '/')
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  const cpDir = tempDir('cp-caseedit-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'morel',
    '--name',
    'Cabinet Morel',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('morel-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'morel' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@morel.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@morel.fr', PASSWORD);
  const avocat = await setup.call('POST', '/api/users', {
    email: 'avocat@morel.fr',
    name: 'Maître Morel',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(avocat.status).toBe(201);
  lawyerId = avocat.body.user.id;
  expect(
    (await setup.call('POST', '/api/users', { email: 'juriste@morel.fr', name: 'Julie Juriste', role: 'juriste', password: PASSWORD }))
      .status,
  ).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@morel.fr', PASSWORD)).status).toBe(200);
  juriste = new Browser(appliance.url);
  expect((await juriste.login('juriste@morel.fr', PASSWORD)).status).toBe(200);
  const c = await lawyer.call('POST', '/api/cases', {
    client: { lastName: 'Benali', firstName: 'Karim', nationality: 'DZ', birthDate: '1991-04-12' },
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-03-03',
    assignedTo: lawyerId,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  caseId = c.body.case.id;
  expect((await lawyer.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the case edit page', () => {
  it('shows every field filled from the case, the case’s updatedAt, and links to the questionnaire', async () => {
    const html = await page(lawyer, `/dossiers/${caseId}/modifier`);
    const v = formValues(html);
    const stored = (await lawyer.call('GET', `/api/cases/${caseId}`)).body.case;
    expect(v).toMatchObject({
      updatedAt: stored.updatedAt,
      lastName: 'Benali',
      firstName: 'Karim',
      nationality: 'Algérie', // the country picker shows the name; the code is what is stored
      birthDate: '1991-04-12',
      agdref: '',
      procedure: 'oqtf',
      notificationDate: '2026-03-03',
      notificationTime: '',
      departement: '',
      assignedTo: lawyerId,
      status: 'open',
      outcome: '',
      notes: '',
    });
    expect(html).toContain(`href="/dossiers/${caseId}/faits"`);
    expect(await page(lawyer, `/dossiers/${caseId}`)).toContain(`href="/dossiers/${caseId}/modifier"`);
  });

  it('saves a new notification hour and date, says each change in French, and says the analysis is stale', async () => {
    const v = formValues(await page(lawyer, `/dossiers/${caseId}/modifier`));
    const res = await postForm(lawyer, `/dossiers/${caseId}/modifier`, {
      ...v,
      notificationDate: '2026-03-04',
      notificationTime: '10:15',
      agdref: '7501234567',
      departement: '69',
    });
    expect([res.status, res.location]).toEqual([303, `/dossiers/${caseId}?modifie=1#case-changes-title`]);
    const stored = (await lawyer.call('GET', `/api/cases/${caseId}`)).body.case;
    // 10:15 in Paris on 4 March 2026: winter time, UTC+1.
    expect(stored.decisionNotifiedAt).toBe('2026-03-04T10:15:00+01:00');
    expect(stored.history.at(-1)).toMatchObject({
      action: 'updated',
      by: 'avocat@morel.fr',
      fields: ['client', 'decisionNotifiedAt', 'departement'],
    });
    const casePage = text(await page(lawyer, `/dossiers/${caseId}?modifie=1`));
    expect(casePage).toContain('Modifications enregistrées.');
    expect(casePage).toContain('Numéro AGDREF : (vide) → 7501234567');
    expect(casePage).toContain('Date de notification : 3 mars 2026 → 4 mars 2026 à 10:15');
    expect(casePage).toContain('Département de la préfecture : (vide) → 69');
    expect(casePage).toMatch(/par Maître Morel, le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(casePage).toMatch(
      /La date de notification a changé depuis la dernière analyse \(\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\) : ses délais ne tiennent pas compte de la modification\. Relancez l’analyse\./,
    );
    // The audit log keeps recording the action, with the fields and without their values.
    const audit = await lawyer.call('GET', `/api/audit?caseId=${caseId}`);
    expect(JSON.stringify(audit.body)).toContain('client,decisionNotifiedAt,departement');
    expect(JSON.stringify(audit.body)).not.toContain('7501234567');
  });

  it('names each refused field in French and keeps what was typed', async () => {
    const v = formValues(await page(lawyer, `/dossiers/${caseId}/modifier`));
    const res = await postForm(lawyer, `/dossiers/${caseId}/modifier`, {
      ...v,
      lastName: '',
      agdref: '12345',
      departement: '999x',
      birthDate: '2026-03-05',
      notificationTime: '25:00',
      email: 'pas-une-adresse',
    });
    expect([res.status, res.location]).toEqual([303, `/dossiers/${caseId}/modifier`]);
    const body = text(res.html);
    expect(body).toContain('Nom : ce champ est obligatoire.');
    expect(body).toContain('Numéro AGDREF : le numéro AGDREF compte 10 chiffres.');
    expect(body).toContain('Département de la préfecture : saisissez son numéro, par exemple 75, 2A, 974.');
    expect(body).toContain(
      'Date de naissance : elle est postérieure à la date de notification de la décision ; vérifiez l’une et l’autre.',
    );
    expect(body).toContain('Heure de notification (délais en heures) : saisissez une heure au format HH:MM.');
    expect(body).toContain('E-mail du client : saisissez une adresse e-mail, par exemple');
    expect(formValues(res.html)).toMatchObject({ agdref: '12345', departement: '999x', email: 'pas-une-adresse' });
    expect((await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.client.lastName).toBe('Benali');
  });

  it('refuses a save made on a reading a colleague has since changed (409), keeping the entries typed', async () => {
    const v = formValues(await page(lawyer, `/dossiers/${caseId}/modifier`));
    expect((await juriste.call('PATCH', `/api/cases/${caseId}`, { notes: 'Pièces demandées au client' })).status).toBe(200);
    const res = await postForm(lawyer, `/dossiers/${caseId}/modifier`, { ...v, notes: 'Audience fixée au 2 avril' });
    // Back to the form (303), the colleague's version as its base and the person's entries kept; the API says 409.
    expect([res.status, res.location]).toEqual([303, `/dossiers/${caseId}/modifier`]);
    expect(text(res.html)).toMatch(
      /Ce dossier a été modifié par Julie Juriste le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}, après l’ouverture de votre formulaire : rien n’a été enregistré\./,
    );
    const kept = formValues(res.html);
    expect(kept.notes).toBe('Audience fixée au 2 avril');
    // The form now carries the colleague's version: saving again, knowingly, goes through.
    const stored = (await lawyer.call('GET', `/api/cases/${caseId}`)).body.case;
    expect(stored.notes).toBe('Pièces demandées au client');
    expect(kept.updatedAt).toBe(stored.updatedAt);
    expect((await postForm(lawyer, `/dossiers/${caseId}/modifier`, kept)).status).toBe(303);
    expect((await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.notes).toBe('Audience fixée au 2 avril');
  });

  it('asks the outcome to close a case, and sends an archiving without one to the edit page', async () => {
    const archive = await postForm(lawyer, `/dossiers/${caseId}/archiver`, {});
    expect([archive.status, archive.location]).toEqual([302, `/dossiers/${caseId}/modifier?cloture=1#f-outcome`]);
    expect(text(await page(lawyer, archive.location.replace('#f-outcome', '')))).toContain(
      'Le dossier ne peut pas être archivé sans son issue',
    );
    const v = formValues(await page(lawyer, `/dossiers/${caseId}/modifier`));
    const refused = await postForm(lawyer, `/dossiers/${caseId}/modifier`, { ...v, status: 'closed' });
    expect([refused.status, refused.location]).toEqual([303, `/dossiers/${caseId}/modifier`]);
    expect(text(refused.html)).toContain('Issue du dossier : indiquez comment le dossier s’est terminé');
    const closed = await postForm(lawyer, `/dossiers/${caseId}/modifier`, { ...v, status: 'closed', outcome: 'won' });
    expect(closed.status).toBe(303);
    expect(text(await page(lawyer, `/dossiers/${caseId}`))).toContain('Issue du dossier : (vide) → Annulation (requête accueillie)');
    expect((await postForm(lawyer, `/dossiers/${caseId}/archiver`, {})).location).toBe(`/dossiers/${caseId}`);
    expect((await lawyer.call('GET', `/api/cases/${caseId}`)).body.case).toMatchObject({ archived: true, outcome: 'won' });
  });

  it('leaves the lawyer in charge, the status and the outcome to a lawyer: a juriste sees them, cannot change them', async () => {
    const html = await page(juriste, `/dossiers/${caseId}/modifier`);
    const v = formValues(html);
    expect(v).not.toHaveProperty('assignedTo');
    expect(text(html)).toContain('Avocat en charge Maître Morel');
    const res = await postForm(juriste, `/dossiers/${caseId}/modifier`, { ...v, assignedTo: '', outcome: 'lost', phone: '06 12 34 56 78' });
    expect(res.status).toBe(303);
    const stored = (await juriste.call('GET', `/api/cases/${caseId}`)).body.case;
    expect(stored).toMatchObject({ assignedTo: lawyerId, outcome: 'won', client: { phone: '06 12 34 56 78' } });
    const api = await juriste.call('PATCH', `/api/cases/${caseId}`, { assignedTo: null });
    expect([api.status, api.body.error, api.body.message]).toEqual([
      403,
      'forbidden',
      'assignedTo: changing it needs the cases.archive permission (avocat or admin role)',
    ]);
  });
});
