/**
 * The dossier list and the new-case form through the real appliance: next deadline first, open
 * cases unless asked, "mes dossiers", a page past the end said in French with a link to the last;
 * the duplicate warning on the form (links, « Créer quand même ») and on the API (409
 * likely_duplicate unless confirmDuplicate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyer: Browser;
let lawyerId = '';
const refs: Record<string, string> = {};
const ids: Record<string, string> = {};

/** A Paris date `days` before today (the appliance runs on the real clock here). */
function daysAgo(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - days * 86_400_000));
}

async function page(path: string): Promise<string> {
  const res = await fetch(`${appliance.url}${path}`, { headers: { cookie: lawyer.cookie } });
  expect(res.status).toBe(200);
  return (await res.text()).replace(/[\u00a0\u202f]/g, ' ');
}

/** The references of the list's rows, in order. */
const rowsOf = (html: string) => [...html.matchAll(/<a href="\/dossiers\/[0-9a-f-]{36}">(D-\d{4}-\d{4})<\/a>/g)].map((m) => m[1]);
const named = (...keys: string[]) => keys.map((k) => refs[k]);

async function postForm(fields: Record<string, string>) {
  const res = await fetch(`${appliance.url}/dossiers/nouveau`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': lawyer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: lawyer.csrf, ...fields }),
  });
  return { status: res.status, location: res.headers.get('location') ?? '', html: (await res.text()).replace(/[\u00a0\u202f]/g, ' ') };
}

beforeAll(async () => {
  const cpDir = tempDir('cp-list-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'blanc',
    '--name',
    'Cabinet Blanc',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('blanc-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'blanc' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@blanc.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@blanc.fr', PASSWORD);
  const user = await setup.call('POST', '/api/users', {
    email: 'avocat@blanc.fr',
    name: 'Maître Blanc',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(user.status).toBe(201);
  lawyerId = user.body.user.id;
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@blanc.fr', PASSWORD)).status).toBe(200);
  // OQTF, personne libre: one month from the notification (CESEDA L. 911-1), so the later the
  // notification, the later the deadline — the order below needs no date computed by the code.
  const cases = [
    ['soon', 'Diallo', 25, lawyerId], // due in about 5 days
    ['later', 'Haddad', 1, null], // due in about a month
    ['middle', 'Lefèvre', 15, lawyerId], // due in about 15 days
    ['archived', 'Sow', 27, lawyerId], // due in about 3 days, but archived
  ] as const;
  for (const [key, lastName, ago, assignedTo] of cases) {
    const res = await lawyer.call('POST', '/api/cases', {
      client: { lastName, firstName: 'Awa', nationality: 'SN', birthDate: '1990-05-17' },
      procedure: 'oqtf',
      decisionNotifiedAt: daysAgo(ago),
      facts: { libertyStatus: 'free' },
      ...(assignedTo ? { assignedTo } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    refs[key] = res.body.case.reference;
    ids[key] = res.body.case.id;
  }
  // Archiving closes the file: its outcome first (docs/cases.md).
  expect((await lawyer.call('PATCH', `/api/cases/${ids.archived}`, { status: 'closed', outcome: 'won' })).status).toBe(200);
  expect((await lawyer.call('POST', `/api/cases/${ids.archived}/archive`)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the dossier list', () => {
  it('lists the open cases by next deadline, with its weekday and what is left', async () => {
    const html = await page('/dossiers');
    expect(rowsOf(html)).toEqual(named('soon', 'middle', 'later'));
    expect(html).toContain('Page 1 sur 1 — 3 dossier(s)');
    expect(html).toMatch(
      /<time datetime="[^"]+">(lun|mar|mer|jeu|ven|sam|dim)\. \d{1,2} [^<]+ \d{4}<\/time> <strong class="left">dans \d+ jours<\/strong>/,
    );
    expect(html).not.toMatch(/\bresults?\b/);
  });

  it('sorts by last change or reference, and shows archived cases only when asked', async () => {
    // The archived case was changed last (archived after the others were created).
    expect(rowsOf(await page('/dossiers?tri=recent&status=all'))).toEqual(named('archived', 'middle', 'later', 'soon'));
    expect(rowsOf(await page('/dossiers?tri=reference'))).toEqual(named('soon', 'later', 'middle'));
    expect(rowsOf(await page('/dossiers?status=archived'))).toEqual(named('archived'));
    // By deadline, archived included: its deadline is the soonest.
    expect(rowsOf(await page('/dossiers?status=all'))).toEqual(named('archived', 'soon', 'middle', 'later'));
    // Anything else is the default: open cases, by deadline.
    expect(rowsOf(await page('/dossiers?status=perdu&tri=hasard'))).toEqual(named('soon', 'middle', 'later'));
  });

  it('gives the API the same orders, most recently changed first by default', async () => {
    const refsOf = (r: { body: { cases: Array<{ reference: string }> } }) => r.body.cases.map((c) => c.reference);
    expect(refsOf(await lawyer.call('GET', '/api/cases?sort=deadline'))).toEqual(named('soon', 'middle', 'later'));
    expect(refsOf(await lawyer.call('GET', '/api/cases'))).toEqual(named('middle', 'later', 'soon'));
    const bad = await lawyer.call('GET', '/api/cases?sort=hasard');
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual(['query.sort: must be one of deadline, updated, reference']);
  });

  it('keeps to the caller’s cases with « mes dossiers »', async () => {
    const html = await page('/dossiers?mes=1');
    expect(rowsOf(html)).toEqual(named('soon', 'middle'));
    expect(html).toContain('<input type="checkbox" name="mes" value="1" checked/>');
    // The links to other pages keep the filters.
    expect(await page('/dossiers?mes=1&tri=recent&status=all&page=2')).toContain(
      'href="/dossiers?status=all&amp;tri=recent&amp;mes=1&amp;page=1"',
    );
  });

  it('says a page past the end has no result and links to the last page, instead of "Page 999 sur 1"', async () => {
    const html = await page('/dossiers?page=999&mes=1');
    expect(rowsOf(html)).toEqual([]);
    expect(html).toContain('Aucun résultat sur cette page : la liste compte 1 page(s).');
    expect(html).toContain('<a href="/dossiers?mes=1&amp;page=1">Aller à la dernière page</a>');
    expect(html).not.toContain('Page 999');
  });
});

describe('the duplicate warning', () => {
  const form = {
    lastName: 'LEFEVRE',
    firstName: 'Hélène',
    nationality: 'SN',
    birthDate: '1990-05-17',
    procedure: 'oqtf',
    libertyStatus: 'free',
    territory: 'metropole',
    notificationMode: 'in_person',
    notificationDate: daysAgo(2),
  };

  it('warns on the form, with a link to the existing case, and creates it only when confirmed', async () => {
    const warned = await postForm(form);
    expect(warned.status).toBe(200);
    expect(warned.html).toContain('Ce client a peut-être déjà un dossier');
    expect(warned.html).toContain(`<a href="/dossiers/${ids.middle}">${refs.middle} — LEFÈVRE Awa</a>`);
    expect(warned.html).toContain('<input type="hidden" name="confirmDuplicate" value="1"/>');
    expect(warned.html).toContain('<input type="hidden" name="lastName" value="LEFEVRE"/>');
    // Nothing was created by the first post.
    expect((await lawyer.call('GET', '/api/cases?q=lefevre&archived=all')).body.total).toBe(1);
    const confirmed = await postForm({ ...form, confirmDuplicate: '1' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toMatch(/^\/dossiers\/[0-9a-f-]{36}$/);
    expect((await lawyer.call('GET', '/api/cases?q=lefevre&archived=all')).body.total).toBe(2);
  });

  it('warns about an archived case too, and not about another birth date', async () => {
    const warned = await postForm({ ...form, lastName: 'Sow' });
    expect(warned.html).toContain(`${refs.archived} — SOW Awa</a> (archivé)`);
    const other = await postForm({ ...form, lastName: 'Sow', birthDate: '1990-05-18' });
    expect(other.status).toBe(303);
  });

  it('answers the API with 409 likely_duplicate naming the cases, unless confirmDuplicate is true', async () => {
    const body = {
      client: { lastName: 'Diallo', firstName: 'Moussa', nationality: 'SN', birthDate: '1990-05-17' },
      procedure: 'oqtf',
      decisionNotifiedAt: daysAgo(2),
    };
    const refused = await lawyer.call('POST', '/api/cases', body);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('likely_duplicate');
    expect(refused.body.message).toContain(`client: a case with the same last name and birth date already exist (${refs.soon})`);
    expect(refused.body.details.cases).toEqual([{ id: ids.soon, reference: refs.soon, archived: false }]);
    const wrong = await lawyer.call('POST', '/api/cases', { ...body, confirmDuplicate: 'yes' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issues).toEqual(['confirmDuplicate: must be true or false']);
    const created = await lawyer.call('POST', '/api/cases', { ...body, confirmDuplicate: true });
    expect(created.status).toBe(201);
    expect(created.body.case).not.toHaveProperty('confirmDuplicate');
  });
});
