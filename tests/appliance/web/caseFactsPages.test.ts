/**
 * The facts of a case through the real pages: the new-case form derives the OQTF procedure from
 * "refus de titre" + "OQTF : oui" and says why, the questionnaire (/dossiers/:id/faits) is saved on
 * the case and edited, a refused answer is named, and a second analysis says what changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyer: Browser;
let caseId = '';

/** Posts a page form with the session's cookie and CSRF token; the redirect is returned, not followed. */
async function postForm(path: string, fields: Record<string, string>) {
  const res = await fetch(`${appliance.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': lawyer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: lawyer.csrf, ...fields }),
  });
  return { status: res.status, location: res.headers.get('location') ?? '', html: await res.text() };
}

async function page(path: string): Promise<string> {
  const res = await fetch(`${appliance.url}${path}`, { headers: { cookie: lawyer.cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Yesterday in Paris: a notification whose deadlines are still ahead whatever today is. */
function yesterday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - 86_400_000));
}

beforeAll(async () => {
  const cpDir = tempDir('cp-facts-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'roux', '--name', 'Cabinet Roux', '--plan', 'professional', '--json']);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('roux-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'roux' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@roux.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@roux.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocat@roux.fr', name: 'Maître Roux', role: 'avocat', password: PASSWORD })).status,
  ).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@roux.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the facts of a case through the pages', () => {
  it('opens a refusal that came with an OQTF as the OQTF, and says why on the case page', async () => {
    const res = await postForm('/dossiers/nouveau', {
      lastName: 'Haddad',
      firstName: 'Nadia',
      nationality: 'TN',
      birthDate: '1988-03-14',
      procedure: 'refus_titre_sejour',
      oqtfAccompanies: 'yes',
      libertyStatus: 'free',
      territory: 'metropole',
      competentCourt: 'TA de Lyon',
      notificationMode: 'in_person',
      notificationDate: yesterday(),
    });
    expect(res.status).toBe(303);
    const m = /^\/dossiers\/([0-9a-f-]{36})\?derivee=refus_titre_sejour$/.exec(res.location);
    expect(m, res.location).not.toBeNull();
    caseId = m![1]!;
    const stored = await lawyer.call('GET', `/api/cases/${caseId}`);
    expect(stored.body.case.procedure).toBe('oqtf');
    expect(stored.body.case.facts).toEqual({
      oqtfAccompanies: true,
      libertyStatus: 'free',
      territory: 'metropole',
      competentCourt: 'TA de Lyon',
      notificationMode: 'in_person',
    });
    const html = await page(res.location);
    expect(html).toContain(
      'Le refus choisi (« Refus de titre de séjour sans OQTF ») est assorti d’une OQTF : le dossier est ouvert en « OQTF (personne libre) », dont le délai s’applique (CESEDA L. 911-1 ; R. 614-1 (refus de séjour notifié avec l’OQTF)).',
    );
    expect(html).toContain(`href="/dossiers/${caseId}/faits"`);
    // The query only selects a message: a forged one says nothing.
    expect(await page(`/dossiers/${caseId}?derivee=refus_visa`)).not.toContain('est assorti d’une OQTF');
  });

  it('refuses a refusal whose OQTF question is unanswered, naming the question', async () => {
    const res = await postForm('/dossiers/nouveau', {
      lastName: 'Haddad',
      firstName: 'Nadia',
      nationality: 'TN',
      birthDate: '1988-03-14',
      procedure: 'refus_titre_sejour',
      notificationDate: yesterday(),
    });
    // Redirect after post: back to the form's page, which says the error once.
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dossiers/nouveau');
    const form = await page(res.location);
    expect(form).toContain('<a href="#f-oqtfAccompanies">La décision est-elle assortie d’une OQTF ? : répondez oui ou non');
    expect(form).toContain('value="Haddad"');
    expect(await page(res.location)).not.toContain('f-oqtfAccompanies">La décision');
  });

  it('shows the questionnaire with the answers given at creation, saves it, and edits it', async () => {
    const form = await page(`/dossiers/${caseId}/faits`);
    expect(form).toContain('<h2 id="s-family">Situation familiale</h2>');
    expect(form).toContain('<option value="free" selected>Libre</option>');
    expect(form).toContain('value="TA de Lyon"');
    const saved = await postForm(`/dossiers/${caseId}/faits`, {
      libertyStatus: 'free',
      territory: 'metropole',
      competentCourt: 'TA de Lyon',
      childrenInFrance: '2',
      parentOfFrenchChild: 'yes',
      childIsMinor: 'yes',
      childResidesInFrance: 'yes',
      contributesSinceBirth: 'yes',
      criminalConviction: 'no',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/dossiers/${caseId}?faits=1#facts-title`);
    expect((await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.facts).toEqual({
      oqtfAccompanies: true,
      libertyStatus: 'free',
      territory: 'metropole',
      competentCourt: 'TA de Lyon',
      notificationMode: 'in_person',
      childrenInFrance: 2,
      parentOfFrenchChild: true,
      childIsMinor: true,
      childResidesInFrance: true,
      contributesSinceBirth: true,
      criminalConviction: false,
    });
    expect(await page(`/dossiers/${caseId}?faits=1`)).toContain('Faits enregistrés. Relancez l’analyse pour en tenir compte.');
    // Edited: the page shows the saved answers; one changed, one back to "ne sait pas".
    const again = await page(`/dossiers/${caseId}/faits`);
    expect(again).toContain('<input type="radio" name="parentOfFrenchChild" value="yes" id="f-parentOfFrenchChild" checked/>');
    const edited = await postForm(`/dossiers/${caseId}/faits`, {
      libertyStatus: 'free',
      territory: 'metropole',
      competentCourt: 'TA de Lyon',
      childrenInFrance: '3',
      parentOfFrenchChild: 'yes',
      childIsMinor: 'yes',
      childResidesInFrance: 'yes',
      contributesSinceBirth: 'yes',
      criminalConviction: '',
    });
    expect(edited.status).toBe(303);
    const facts = (await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.facts;
    expect(facts.childrenInFrance).toBe(3);
    expect('criminalConviction' in facts).toBe(false);
  });

  it('names a refused answer and saves nothing', async () => {
    const res = await postForm(`/dossiers/${caseId}/faits`, { libertyStatus: 'free', childrenInFrance: 'beaucoup' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/dossiers/${caseId}/faits`);
    const form = await page(res.location);
    expect(form).toContain('<a href="#f-childrenInFrance">Nombre d’enfants en France : saisissez un nombre entre 0 et 30.</a>');
    expect(form).toContain('value="beaucoup"');
    // Once: a reload shows the saved answers, without the error.
    expect(await page(res.location)).not.toContain('href="#f-childrenInFrance"');
    expect((await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.facts.childrenInFrance).toBe(3);
  });

  it('says on the second analysis what the new facts changed', async () => {
    expect((await lawyer.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
    const saved = await postForm(`/dossiers/${caseId}/faits`, {
      libertyStatus: 'retention',
      territory: 'metropole',
      competentCourt: 'TA de Lyon',
      childrenInFrance: '3',
      parentOfFrenchChild: 'yes',
      childIsMinor: 'yes',
      childResidesInFrance: 'yes',
      contributesSinceBirth: 'yes',
      polygamy: 'yes',
    });
    expect(saved.status).toBe(303);
    // Now in rétention: the case moves to the OQTF in rétention (L. 921-2), and the page says so.
    expect(saved.location).toBe(`/dossiers/${caseId}?faits=oqtf#facts-title`);
    expect((await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.procedure).toBe('oqtf_retention');
    expect(await page(`/dossiers/${caseId}?faits=oqtf`)).toContain(
      'Faits enregistrés. La personne étant désormais « En rétention administrative », le dossier passe en « OQTF en rétention » (CESEDA L. 921-2) : relancez l’analyse.',
    );
    expect((await lawyer.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
    const html = await page(`/dossiers/${caseId}`);
    const changes = html.slice(html.indexOf('id="changes-title"'), html.indexOf('<table>', html.indexOf('id="changes-title"')));
    expect(changes).toContain('Depuis l’analyse du');
    expect(changes).toContain('Procédure : OQTF (personne libre) → OQTF en rétention.');
    expect(changes).toMatch(/Faits modifiés : [^<]*Situation de la personne aujourd’hui/);
    expect(changes).toContain('Recours en annulation (procédure à juge unique, 48 h) : nouvelle échéance');
    expect(changes).toContain('Recours en annulation (procédure collégiale spéciale, 1 mois) : ne s’applique plus.');
    // Polygamy answered "oui" defeats every titre (CESEDA L. 432-3).
    expect(changes).toContain('Carte de séjour « vie privée et familiale » — parent d’enfant français : à établir → non éligible.');
  });
});
