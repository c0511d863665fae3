/**
 * A case's pièces end to end, with a real appliance process: labels derived for documents uploaded
 * without one, renamed and renumbered through the pages and the API, deleted after a confirmation
 * (history, audit, file gone from disk), the upload with no file, and the Télérecours exports read
 * back — the zip's names and order (fflate), the single PDF's signets and page counts (pdf-lib) —
 * and refused, naming the pièce, when one cannot be converted or is encrypted or broken.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { pdfText } from '../../support/pdfText.js';

const PASSWORD = 'correct horse battery staple';
/** The classic 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
interface ApiPiece {
  id: string;
  name: string;
  number: number;
  label: string;
}
interface AuditEntry {
  action: string;
  detail: string;
}
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyer: Browser;
let caseId = '';

async function pdfWithPages(count: number, classicTrailer = false): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < count; i++) doc.addPage([300, 400]).drawText(`page ${i + 1}`, { x: 20, y: 300 });
  return Buffer.from(await doc.save({ useObjectStreams: !classicTrailer }));
}

/** A PDF whose trailer says it is encrypted: what pdf-lib (and Télérecours) cannot open without the password. */
async function encryptedPdf(): Promise<Buffer> {
  const text = (await pdfWithPages(1, true)).toString('latin1');
  return Buffer.from(text.replace(/trailer\s*<</, 'trailer\n<<\n/Encrypt << /Filter /Standard /V 1 /R 2 >>'), 'latin1');
}

async function upload(name: string, type: string, bytes: Buffer): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${appliance.url}/api/cases/${caseId}/documents`, {
    method: 'POST',
    headers: { 'cookie': lawyer.cookie, 'x-csrf-token': lawyer.csrf },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

/** Posts a page form with the session's cookie and CSRF token; the redirect is returned, not followed. */
async function postForm(route: string, fields: Record<string, string> = {}) {
  const res = await fetch(`${appliance.url}${route}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': lawyer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: lawyer.csrf, ...fields }),
  });
  const location = res.headers.get('location') ?? '';
  // A refused form answers 303 back to its page, which shows it once (redirect after post): read it.
  if (res.status === 303 && location.endsWith('/modifier')) {
    const back = await fetch(`${appliance.url}${location}`, { headers: { cookie: lawyer.cookie } });
    return { status: res.status, location, html: await back.text() };
  }
  return { status: res.status, location, html: await res.text() };
}

async function get(route: string) {
  const res = await fetch(`${appliance.url}${route}`, { headers: { cookie: lawyer.cookie } });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

async function documents(): Promise<ApiPiece[]> {
  const res = await lawyer.call('GET', `/api/cases/${caseId}`);
  expect(res.status).toBe(200);
  return res.body.case.documents;
}

const idOf = async (name: string) => (await documents()).find((d) => d.name === name)!.id;

/** The outline's titles with the index of the page each one opens. */
function signetsOf(doc: PDFDocument): Array<{ title: string; page: number }> {
  const pages = doc.getPages().map((p) => p.ref.toString());
  const outlines = doc.catalog.lookup(PDFName.of('Outlines'), PDFDict);
  const out: Array<{ title: string; page: number }> = [];
  let item = outlines.lookupMaybe(PDFName.of('First'), PDFDict);
  while (item) {
    const title = item.lookup(PDFName.of('Title')) as PDFHexString | PDFString;
    const dest = item.lookup(PDFName.of('Dest'), PDFArray);
    out.push({ title: title.decodeText(), page: pages.indexOf((dest.get(0) as PDFRef).toString()) });
    item = item.lookupMaybe(PDFName.of('Next'), PDFDict);
  }
  expect(outlines.lookup(PDFName.of('Count'))?.toString()).toBe(String(out.length));
  return out;
}

beforeAll(async () => {
  const cpDir = tempDir('cp-pieces-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'piece',
    '--name',
    'Cabinet Pièce',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('piece-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'piece' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@piece.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@piece.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocat@piece.fr', name: 'Maître Pièce', role: 'avocat', password: PASSWORD })).status,
  ).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@piece.fr', PASSWORD)).status).toBe(200);
  const c = await lawyer.call('POST', '/api/cases', {
    client: { lastName: 'Haddad', firstName: 'Nadia', nationality: 'TN', birthDate: '1988-03-14' },
    procedure: 'refus_titre_sejour',
    decisionNotifiedAt: '2026-11-10',
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  caseId = c.body.case.id;
  expect((await upload('Décision attaquée.pdf', 'application/pdf', await pdfWithPages(2))).status).toBe(201);
  expect((await upload('passeport_scan.png', 'image/png', PNG)).status).toBe(201);
  expect((await upload('Attestation d’hébergement – Mme Œuvre.pdf', 'application/pdf', await pdfWithPages(3))).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('pièces', () => {
  it('numbers documents in upload order and derives their labels from the file names', async () => {
    expect((await documents()).map((d) => [d.number, d.label])).toEqual([
      [1, 'Décision attaquée'],
      [2, 'passeport scan'],
      [3, 'Attestation d’hébergement – Mme Œuvre'],
    ]);
    const page = await get(`/dossiers/${caseId}`);
    const html = page.bytes.toString('utf8');
    expect(html).toContain('name="label" type="text" value="passeport scan"');
    expect(html).toContain(`action="/dossiers/${caseId}/pieces/${await idOf('passeport_scan.png')}/monter"`);
    expect(html).toContain(`href="/dossiers/${caseId}/telerecours.zip"`);
  });

  it('renames and moves a pièce through the page, and renumbers through the API', async () => {
    const png = await idOf('passeport_scan.png');
    const renamed = await postForm(`/dossiers/${caseId}/pieces/${png}`, { label: 'Passeport (copie intégrale)', number: '2' });
    expect(renamed.status).toBe(302);
    expect(renamed.location).toBe(`/dossiers/${caseId}#piece-${png}`);
    const attestation = await idOf('Attestation d’hébergement – Mme Œuvre.pdf');
    expect((await postForm(`/dossiers/${caseId}/pieces/${attestation}/monter`)).status).toBe(302);
    expect((await documents()).map((d) => d.label)).toEqual([
      'Décision attaquée',
      'Attestation d’hébergement – Mme Œuvre',
      'Passeport (copie intégrale)',
    ]);
    // Down and back up again: the same order, two entries in the history.
    const decision = await idOf('Décision attaquée.pdf');
    expect((await postForm(`/dossiers/${caseId}/pieces/${decision}/descendre`)).status).toBe(302);
    expect((await documents()).map((d) => d.name)[1]).toBe('Décision attaquée.pdf');
    expect((await postForm(`/dossiers/${caseId}/pieces/${decision}/monter`)).status).toBe(302);
    expect((await documents()).map((d) => d.name)[0]).toBe('Décision attaquée.pdf');
    // The API: the passport becomes pièce 1, the others move down and keep their order.
    const patched = await lawyer.call('PATCH', `/api/cases/${caseId}/documents/${png}`, { number: 1 });
    expect(patched.status).toBe(200);
    expect((patched.body.documents as ApiPiece[]).map((d) => `${d.number} ${d.label}`)).toEqual([
      '1 Passeport (copie intégrale)',
      '2 Décision attaquée',
      '3 Attestation d’hébergement – Mme Œuvre',
    ]);
    const history = (await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.history as Array<{ action: string; note?: string }>;
    expect(history.slice(-5).map((h) => [h.action, h.note])).toEqual([
      ['document.label', 'pièce n° 2 « Passeport (copie intégrale) » (passeport_scan.png)'],
      ['document.move', 'pièce n° 3 → n° 2 (Attestation d’hébergement – Mme Œuvre.pdf)'],
      ['document.move', 'pièce n° 1 → n° 2 (Décision attaquée.pdf)'],
      ['document.move', 'pièce n° 2 → n° 1 (Décision attaquée.pdf)'],
      ['document.move', 'pièce n° 3 → n° 1 (passeport_scan.png)'],
    ]);
  });

  it('refuses a bad label or number, naming the field, on the page and in the API', async () => {
    const png = await idOf('passeport_scan.png');
    const page = await postForm(`/dossiers/${caseId}/pieces/${png}`, { label: '   ', number: '1' });
    expect([page.status, page.location]).toEqual([303, `/dossiers/${caseId}/pieces/${png}/modifier`]);
    expect(page.html).toContain('Intitulé de la pièce : saisissez ce qu’est la pièce');
    const number = await postForm(`/dossiers/${caseId}/pieces/${png}`, { label: 'Passeport', number: '9' });
    expect(number.status).toBe(303);
    expect(number.html).toContain('Numéro de la pièce : saisissez un nombre entier de 1 à 3.');
    const api = await lawyer.call('PATCH', `/api/cases/${caseId}/documents/${png}`, { number: 0 });
    expect(api.status).toBe(400);
    expect(api.body.message).toMatch(/^number: must be a whole number from 1 to 3/);
    expect((await documents())[0]!.label).toBe('Passeport (copie intégrale)');
  });

  it('says that no file was chosen when the form is sent without one', async () => {
    // What a browser sends for an empty file input: the part is there, with an empty name and no bytes.
    const boundary = '----pieces-test';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${lawyer.csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n` +
      `--${boundary}--\r\n`;
    const res = await fetch(`${appliance.url}/dossiers/${caseId}/pieces`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': lawyer.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    // The case page again, the message above the form (nothing was kept).
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Fichier : aucun fichier n’a été choisi ; choisissez la pièce à ajouter puis envoyez.');
    expect(await documents()).toHaveLength(3);
  });

  it('exports a zip named and ordered as the bordereau, accents stripped, every file a PDF', async () => {
    const res = await get(`/dossiers/${caseId}/telerecours.zip`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.bytes));
    // The order set above: passport (1), decision (2), attestation (3); "’", "–" and "Œ" become "_", "_" and "OE".
    expect(Object.keys(files)).toEqual([
      '00_Bordereau.pdf',
      '01_Passeport_copie_integrale.pdf',
      '02_Decision_attaquee.pdf',
      '03_Attestation_d_hebergement_Mme_OEuvre.pdf',
    ]);
    const pageCounts = [];
    for (const bytes of Object.values(files)) pageCounts.push((await PDFDocument.load(bytes)).getPageCount());
    // The bordereau on one page, the PNG as one page, then the PDFs as uploaded (2 and 3 pages).
    expect(pageCounts).toEqual([1, 1, 2, 3]);
    const bordereau = await pdfText(files['00_Bordereau.pdf']!);
    expect(bordereau).toContain('Bordereau des pièces');
    expect(bordereau).toContain('Pièce n° 1 : Passeport (copie intégrale)');
    expect(bordereau).toContain('Fichier 03_Attestation_d_hebergement_Mme_OEuvre.pdf');
  });

  it('exports one PDF, the bordereau first, a signet per pièce on its first page', async () => {
    const res = await get(`/dossiers/${caseId}/telerecours.pdf`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    const doc = await PDFDocument.load(res.bytes);
    // 1 (bordereau) + 1 (PNG) + 2 + 3 pages.
    expect(doc.getPageCount()).toBe(7);
    expect(signetsOf(doc)).toEqual([
      { title: '00_Bordereau', page: 0 },
      { title: '01_Passeport_copie_integrale', page: 1 },
      { title: '02_Decision_attaquee', page: 2 },
      { title: '03_Attestation_d_hebergement_Mme_OEuvre', page: 4 },
    ]);
    const audit = await lawyer.call('GET', `/api/audit?caseId=${caseId}`);
    expect((audit.body.entries as AuditEntry[]).filter((e) => e.action === 'case.export').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses to export a pièce it cannot convert, an encrypted and a broken PDF, naming each', async () => {
    expect(
      (
        await upload(
          'Note en délibéré.docx',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          Buffer.from('PK\x03\x04word', 'latin1'),
        )
      ).status,
    ).toBe(201);
    // The case page warns beside the pièce before any export is tried.
    expect((await get(`/dossiers/${caseId}`)).bytes.toString('utf8')).toContain(
      'Format non exportable vers Télérecours : déposez-la en PDF.',
    );
    const page = await get(`/dossiers/${caseId}/telerecours.zip`);
    expect(page.status).toBe(422);
    expect(page.bytes.toString('utf8')).toContain(
      'N° 4 « Note en délibéré » (Note en délibéré.docx) : ce format (Word, ODT, texte) ne peut pas être converti en PDF ici : déposez la pièce en PDF.',
    );
    expect((await lawyer.call('DELETE', `/api/cases/${caseId}/documents/${await idOf('Note en délibéré.docx')}`)).status).toBe(200);

    expect((await upload('avis protégé.pdf', 'application/pdf', await encryptedPdf())).status).toBe(201);
    expect((await upload('scan abîmé.pdf', 'application/pdf', Buffer.from('%PDF-1.4 not really a pdf', 'latin1'))).status).toBe(201);
    const api = await lawyer.call('GET', `/api/cases/${caseId}/telerecours.pdf`);
    expect(api.status).toBe(422);
    expect(api.body.error).toBe('piece_not_exportable');
    expect(api.body.details.pieces).toEqual([
      { number: 4, label: 'avis protégé', name: 'avis protégé.pdf', reason: 'encrypted' },
      { number: 5, label: 'scan abîmé', name: 'scan abîmé.pdf', reason: 'broken' },
    ]);
  });

  it('deletes a pièce after a confirmation: history and audit keep its number and name, the file leaves the disk', async () => {
    const broken = await idOf('scan abîmé.pdf');
    const file = path.join(appliance.dataDir, 'documents', caseId, broken);
    expect(fs.existsSync(file)).toBe(true);
    const confirm = await get(`/dossiers/${caseId}/pieces/${broken}/supprimer`);
    expect(confirm.status).toBe(200);
    expect(confirm.bytes.toString('utf8')).toContain('Supprimer la pièce n° 5 « scan abîmé » (fichier scan abîmé.pdf)');
    const res = await postForm(`/dossiers/${caseId}/pieces/${broken}/supprimer`);
    expect(res.status).toBe(302);
    expect(fs.existsSync(file)).toBe(false);
    // The API deletes the encrypted one; the pièces after a deleted one move up (none here).
    const encrypted = await idOf('avis protégé.pdf');
    const api = await lawyer.call('DELETE', `/api/cases/${caseId}/documents/${encrypted}`);
    expect(api.body.deleted).toMatchObject({ number: 4, label: 'avis protégé', name: 'avis protégé.pdf' });
    expect((await documents()).map((d) => d.number)).toEqual([1, 2, 3]);
    const history = (await lawyer.call('GET', `/api/cases/${caseId}`)).body.case.history as Array<{ action: string; note?: string }>;
    expect(history.filter((h) => h.action === 'document.delete').map((h) => h.note)).toEqual([
      'pièce n° 4 « Note en délibéré » (Note en délibéré.docx)',
      'pièce n° 5 « scan abîmé » (scan abîmé.pdf)',
      'pièce n° 4 « avis protégé » (avis protégé.pdf)',
    ]);
    const audit = await lawyer.call('GET', `/api/audit?caseId=${caseId}`);
    expect(
      (audit.body.entries as AuditEntry[]).find((e) => e.action === 'case.document.delete' && e.detail.includes('scan abîmé.pdf'))?.detail,
    ).toBe(`${broken} pièce n° 5 « scan abîmé » (scan abîmé.pdf)`);
    // The case page shows the deletion in its history, with the number and the file name.
    expect((await get(`/dossiers/${caseId}`)).bytes.toString('utf8')).toContain(
      'Pièce supprimée — pièce n° 5 « scan abîmé » (scan abîmé.pdf)',
    );
    // And the export works again.
    expect((await get(`/dossiers/${caseId}/telerecours.zip`)).status).toBe(200);
  });

  it('answers 404 for a pièce of another case or none', async () => {
    expect((await lawyer.call('PATCH', `/api/cases/${caseId}/documents/${'0'.repeat(32)}`, { label: 'x' })).status).toBe(404);
    expect((await postForm(`/dossiers/${caseId}/pieces/${'0'.repeat(32)}/supprimer`)).status).toBe(404);
  });
});
