/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Case files, documents and the audit trail, over HTTP against real processes: limits on open
 * cases, search, history, uploads that are checked, exports, an audit chain that detects edits,
 * and an expired license that refuses only new work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let dir: string;
let appliance: TestAppliance;
let lawyer: Browser;

const client = (lastName: string, firstName: string, nationality = 'DZ') => ({ lastName, firstName, nationality, birthDate: '1990-05-17' });

async function createCase(body: Record<string, unknown>) {
  return lawyer.call('POST', '/api/cases', body);
}

async function upload(caseId: string, name: string, type: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${appliance.url}/api/cases/${caseId}/documents`, {
    method: 'POST',
    headers: { 'cookie': lawyer.cookie, 'x-csrf-token': lawyer.csrf },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  const cpDir = tempDir('cp-cases-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'leroy',
    '--name',
    'Cabinet Leroy',
    '--plan',
    'professional',
    '--max-cases',
    '3',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  dir = tempDir('leroy-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'leroy', MAX_UPLOAD_MB: '1' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@leroy.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@leroy.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocate@leroy.fr', name: 'Maître Leroy', role: 'avocat', password: PASSWORD }))
      .status,
  ).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocate@leroy.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('case files', () => {
  const ids: string[] = [];

  it('names every missing or wrong field of a new case', async () => {
    const bad = await createCase({
      client: { lastName: 'Benali', nationality: 'Algérie', birthDate: '1990-02-30' },
      procedure: 'oqtf_48h',
      decisionNotifiedAt: 'hier',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      'client.firstName: is required',
      // The API takes codes only (the page reads names): a name is refused with the codes it takes.
      'client.nationality: (Algérie) is not a known code: must be an ISO 3166-1 country code (alpha-2 such as DZ, SN, AF, or alpha-3 such as DZA), XXA for a stateless person or XXX for an unknown nationality (ICAO 9303)',
      'client.birthDate: is not a real calendar date',
      'procedure: must be a procedure code (oqtf, oqtf_assignation_residence, oqtf_detention, oqtf_retention, …; see docs/ceseda-rules.md)',
      'decisionNotifiedAt: must be a date (YYYY-MM-DD), a Paris local time (2026-03-02T14:30) or a date-time with offset (2026-03-02T14:30:00+01:00)',
    ]);
  });

  it('says the same refusals in French beside each field of the new-case page, from the same schema, while the API keeps its English', async () => {
    const form = new URLSearchParams({
      _csrf: lawyer.csrf,
      lastName: 'Benali',
      firstName: '',
      nationality: 'DZ',
      birthDate: '1990-02-30',
      procedure: 'oqtf',
      notificationDate: '2026-11-20',
    });
    const res = await fetch(`${appliance.url}/dossiers/nouveau`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': lawyer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    // Redirect after post: the form's page, fetched by the same browser, says the refusals.
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dossiers/nouveau');
    const html = await (await fetch(`${appliance.url}/dossiers/nouveau`, { headers: { cookie: lawyer.cookie } })).text();
    expect(html).toContain('<a href="#f-firstName">Prénom : ce champ est obligatoire.</a>');
    expect(html).toContain('<a href="#f-birthDate">Date de naissance : saisissez une date au format JJ/MM/AAAA.</a>');
    expect(html).not.toContain('is not a real calendar date');
    const api = await createCase({
      client: { lastName: 'Benali', firstName: '', nationality: 'DZ', birthDate: '1990-02-30' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-20',
    });
    expect(api.status).toBe(400);
    expect(api.body.issues).toEqual(['client.firstName: is required: the first name', 'client.birthDate: is not a real calendar date']);
  });

  it('creates cases up to the open-case limit, then refuses one more; archiving makes room', async () => {
    const people = [client('Benali', 'Yacine'), client('Ndiaye', 'Fatou', 'SN'), client('Lefèvre', 'Hélène', 'HT')];
    for (const c of people) {
      const res = await createCase({ client: c, procedure: 'oqtf', decisionNotifiedAt: '2026-11-20' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.case.reference).toMatch(/^D-\d{4}-\d{4}$/);
      ids.push(res.body.case.id);
    }
    const refused = await createCase({ client: client('Sow', 'Mamadou', 'GN'), procedure: 'oqtf', decisionNotifiedAt: '2026-11-20' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      'the professional plan allows 3 open cases and all are in use: the enterprise plan allows 10000. Archive closed cases or ask your vendor to change plan',
    );
    // Archiving closes the file: its outcome first (docs/cases.md), here a désistement.
    expect((await lawyer.call('POST', `/api/cases/${ids[0]}/archive`)).body.error).toBe('outcome_required');
    expect((await lawyer.call('PATCH', `/api/cases/${ids[0]}`, { status: 'closed', outcome: 'withdrawn' })).status).toBe(200);
    expect((await lawyer.call('POST', `/api/cases/${ids[0]}/archive`)).status).toBe(200);
    const fourth = await createCase({
      client: client('Sow', 'Mamadou', 'GN'),
      procedure: 'transfert_dublin',
      decisionNotifiedAt: '2026-11-21T09:15:00+01:00',
    });
    expect(fourth.status).toBe(201);
    ids.push(fourth.body.case.id);
    const reopen = await lawyer.call('POST', `/api/cases/${ids[0]}/unarchive`);
    expect(reopen.status).toBe(403);
    expect(reopen.body.error).toBe('plan_limit');
    const usage = await lawyer.call('GET', '/api/billing/usage');
    expect(usage.body.cases_open).toBe(3);
  });

  it('searches by name without accents, filters and paginates', async () => {
    const byName = await lawyer.call('GET', '/api/cases?q=helene%20LEFEVRE');
    expect(byName.body.cases.map((c: any) => c.client.lastName)).toEqual(['Lefèvre']);
    const byProcedure = await lawyer.call('GET', '/api/cases?procedure=transfert_dublin');
    expect(byProcedure.body.total).toBe(1);
    const archived = await lawyer.call('GET', '/api/cases?archived=true');
    expect(archived.body.cases.map((c: any) => c.client.lastName)).toEqual(['Benali']);
    const page = await lawyer.call('GET', '/api/cases?pageSize=2&page=2');
    expect(page.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.body.cases).toHaveLength(1);
    const bad = await lawyer.call('GET', '/api/cases?pageSize=1000&status=perdu');
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      'query.status: must be one of open, waiting, filed, hearing, closed',
      'query.pageSize: must be at most 100',
    ]);
  });

  it('keeps a history of which fields changed, and refuses unknown fields', async () => {
    const res = await lawyer.call('PATCH', `/api/cases/${ids[1]}`, { status: 'filed', notes: 'Requête déposée au TA de Montreuil.' });
    expect(res.status).toBe(200);
    expect(res.body.case.history.at(-1)).toMatchObject({ action: 'updated', fields: ['status', 'notes'], by: 'avocate@leroy.fr' });
    const unknown = await lawyer.call('PATCH', `/api/cases/${ids[1]}`, { stauts: 'closed' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('body: unknown field "stauts": remove it');
    expect((await lawyer.call('GET', '/api/cases/not-a-case')).status).toBe(404);
  });

  it('stores an uploaded document with its checksum and gives the same bytes back', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000, 7)]);
    const up = await upload(ids[1]!, 'Arrêté préfectoral.pdf', 'application/pdf', pdf);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const res = await fetch(`${appliance.url}/api/cases/${ids[1]}/documents/${up.body.document.id}`, {
      headers: { cookie: lawyer.cookie },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Arr_t_ pr_fectoral.pdf"; filename*=UTF-8''Arr%C3%AAt%C3%A9%20pr%C3%A9fectoral.pdf`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(up.body.document.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file whose bytes are not its type, one too large, and keeps no part of them', async () => {
    const before = fs.readdirSync(path.join(dir, 'documents', ids[1]!)).length;
    const fake = await upload(ids[1]!, 'facture.pdf', 'application/pdf', Buffer.from('MZ\x90\x00 this is an executable'));
    expect(fake.status).toBe(415);
    const exe = await upload(ids[1]!, 'setup.exe', 'application/x-msdownload', Buffer.from('MZ'));
    expect(exe.status).toBe(415);
    const big = await upload(ids[1]!, 'scan.pdf', 'application/pdf', Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(1_200_000)]));
    expect(big.status).toBe(413);
    expect(fs.readdirSync(path.join(dir, 'documents', ids[1]!)).length).toBe(before);
  });

  it('keeps a path in a file name from reaching the file system', async () => {
    const up = await upload(ids[1]!, '../../../../etc/passwd.txt', 'text/plain', Buffer.from('bonjour'));
    expect(up.status).toBe(201);
    expect(up.body.document.name).toBe('passwd.txt');
    expect(fs.existsSync(path.join(dir, 'documents', ids[1]!, up.body.document.id))).toBe(true);
  });

  it('exports a case as a tar of its record and documents', async () => {
    const res = await fetch(`${appliance.url}/api/cases/${ids[1]}/export`, { headers: { cookie: lawyer.cookie } });
    expect(res.status).toBe(200);
    const tar = Buffer.from(await res.arrayBuffer());
    expect(tar.toString('latin1')).toContain('case.json');
    expect(tar.includes(Buffer.from('Requête déposée au TA de Montreuil.'))).toBe(true);
    expect(tar.toString('latin1')).toMatch(/documents\/[0-9a-f]{8}-passwd\.txt/);
  });
});

describe('the audit trail', () => {
  it('verifies, and names the line where an edited entry breaks the chain', async () => {
    const ok = await runApplianceCli(dir, ['audit', 'verify', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.entries).toBeGreaterThan(10);
    const admin = new Browser(appliance.url);
    await admin.login('admin@leroy.fr', PASSWORD);
    const entries = (await admin.call('GET', '/api/audit?limit=500')).body.entries as any[];
    expect(entries.some((e) => e.action === 'document.download')).toBe(true);
    expect((await lawyer.call('GET', '/api/audit')).status).toBe(200); // avocat may read the trail

    await appliance.stop();
    const file = path.join(dir, 'audit', fs.readdirSync(path.join(dir, 'audit'))[0]!);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('avocate@leroy.fr', 'someone@else.fr');
    fs.writeFileSync(file, lines.join('\n'));
    const broken = await runApplianceCli(dir, ['audit', 'verify']);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/the audit log is broken at \d{4}-\d{2}\.log line 4: /);
    appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'leroy', MAX_UPLOAD_MB: '1' });
    lawyer.url = appliance.url;
  });
});

describe('an expired license', () => {
  it('refuses new cases but keeps existing ones readable, editable and exportable', async () => {
    await appliance.stop();
    // 30 days of validity and 14 of grace are over 60 days from now.
    appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'leroy', CLOCK_OFFSET_SECONDS: String(60 * 86_400) });
    lawyer.url = appliance.url;
    await lawyer.login('avocate@leroy.fr', PASSWORD);
    const refused = await createCase({ client: client('Keita', 'Awa', 'ML'), procedure: 'oqtf', decisionNotifiedAt: '2026-11-20' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('license_expired');
    expect(refused.body.message).toContain('Existing files stay readable, editable and exportable');
    const list = await lawyer.call('GET', '/api/cases');
    expect(list.status).toBe(200);
    const id = list.body.cases[0].id;
    expect((await lawyer.call('PATCH', `/api/cases/${id}`, { notes: 'toujours modifiable' })).status).toBe(200);
    expect((await fetch(`${appliance.url}/api/cases/${id}/export`, { headers: { cookie: lawyer.cookie } })).status).toBe(200);
    const license = await lawyer.call('GET', '/api/license');
    expect(license.body.state).toBe('expired');
  });
});
