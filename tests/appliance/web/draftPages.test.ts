/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Drafts through the real pages of a running appliance: the templates page (/modeles) refuses a
 * template with an unknown tag, naming it; a cabinet's replacement is what the next draft is
 * written from, until it is reset; the case page's « Rédiger » button keeps the .docx among the
 * case's pièces with the history entry « Brouillon généré », and offers it for download.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import PizZip from 'pizzip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { docxParagraphs } from '../../support/docxText.js';

const PASSWORD = 'correct horse battery staple';
const SHIPPED = new URL('../../../appliance/templates/drafts/', import.meta.url).pathname;
let cp: TestControlPlane;
let appliance: TestAppliance;
let admin: Browser;
let lawyer: Browser;
let caseId = '';

/** A one-paragraph template made from the shipped recours gracieux, its text replaced. */
async function templateWith(body: string): Promise<Buffer> {
  const zip = new PizZip(await fs.readFile(path.join(SHIPPED, 'recours_gracieux.docx')));
  const xml = zip.file('word/document.xml')!.asText();
  const start = xml.indexOf('<w:body>') + '<w:body>'.length;
  zip.file('word/document.xml', `${xml.slice(0, start)}<w:p><w:r><w:t>${body}</w:t></w:r></w:p>${xml.slice(xml.indexOf('<w:sectPr'))}`);
  return zip.generate({ type: 'nodebuffer' });
}

/** Uploads a template as the page's form does: `_csrf` first in the multipart body, then the file. */
async function uploadTemplate(kind: string, content: Buffer, csrf = admin.csrf) {
  const form = new FormData();
  form.append('_csrf', csrf);
  form.append('file', new Blob([content]), 'modele.docx');
  const res = await fetch(`${appliance.url}/modeles/${kind}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: admin.cookie },
    body: form,
  });
  return { status: res.status, location: res.headers.get('location') ?? '', html: await res.text() };
}

async function postForm(who: Browser, url: string) {
  const res = await fetch(`${appliance.url}${url}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: who.csrf }),
  });
  return { status: res.status, location: res.headers.get('location') ?? '', html: await res.text() };
}

async function get(who: Browser, url: string) {
  const res = await fetch(`${appliance.url}${url}`, { headers: { cookie: who.cookie } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

/** Generates a draft from the case page and downloads it: its paragraphs and the document id. */
async function generate(kind: string): Promise<{ docId: string; text: string[] }> {
  const res = await postForm(lawyer, `/dossiers/${caseId}/brouillons/${kind}`);
  expect(res.status, res.html.slice(0, 500)).toBe(302);
  const m = new RegExp(`^/dossiers/${caseId}\\?brouillon=([0-9a-f]{32})#drafts-title$`).exec(res.location);
  expect(m, res.location).not.toBeNull();
  const page = (await get(lawyer, res.location.replace(/#.*/, ''))).body.toString();
  expect(page).toContain('Brouillon généré et ajouté aux pièces');
  expect(page).toContain(`/dossiers/${caseId}/pieces/${m![1]}`);
  const download = await get(lawyer, `/dossiers/${caseId}/pieces/${m![1]}`);
  expect(download.status).toBe(200);
  expect(download.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  return { docId: m![1]!, text: docxParagraphs(download.body) };
}

beforeAll(async () => {
  const cpDir = tempDir('cp-drafts-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'ferry',
    '--name',
    'Cabinet Ferry',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('ferry-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'ferry', CLIENT_NAME: 'Cabinet Ferry' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@ferry.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@ferry.fr', PASSWORD);
  const user = await admin.call('POST', '/api/users', {
    email: 'avocat@ferry.fr',
    name: 'Maître Ferry',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(user.status).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@ferry.fr', PASSWORD)).status).toBe(200);
  const c = await lawyer.call('POST', '/api/cases', {
    client: { lastName: 'Haddad', firstName: 'Nadia', nationality: 'TN', birthDate: '1988-03-14' },
    procedure: 'refus_titre_sejour',
    decisionNotifiedAt: '2026-10-07',
    reference: '2026-DR-01',
    decision: { authority: 'Préfet du Rhône', reference: 'ARR-77' },
    facts: { competentCourt: 'TA de Lyon', decisionTakenOn: '2026-10-01' },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  caseId = c.body.case.id;
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('drafts through the pages', () => {
  it('lists the templates for an administrator, not for a lawyer', async () => {
    const page = await get(admin, '/modeles');
    expect(page.status).toBe(200);
    const html = page.body.toString();
    for (const title of ['Recours gracieux', 'RAPO refus de visa', 'Requête en annulation']) expect(html).toContain(title);
    expect(html).toContain('{client.nom_complet}');
    expect((await get(lawyer, '/modeles')).status).toBe(403);
    const shipped = await get(admin, '/modeles/requete_annulation/modele.docx');
    expect(docxParagraphs(shipped.body)).toContain('REQUÊTE EN ANNULATION');
  });

  it('offers on the case page the drafts that fit its procedure', async () => {
    const html = (await get(lawyer, `/dossiers/${caseId}`)).body.toString();
    expect(html).toContain(`/dossiers/${caseId}/brouillons/recours_gracieux`);
    expect(html).toContain(`/dossiers/${caseId}/brouillons/requete_annulation`);
    expect(html).not.toContain(`/dossiers/${caseId}/brouillons/rapo_visa`);
    const refused = await postForm(lawyer, `/dossiers/${caseId}/brouillons/rapo_visa`);
    expect(refused.status).toBe(409);
  });

  it('refuses a template with an unknown tag, naming it, and keeps the shipped one', async () => {
    const res = await uploadTemplate('recours_gracieux', await templateWith('{client.nom} {client.telephone}'));
    expect(res.status).toBe(422);
    expect(res.html).toContain('Modèle refusé : balise inconnue {client.telephone}');
    const notDocx = await uploadTemplate('recours_gracieux', Buffer.from('%PDF-1.7'));
    expect(notDocx.status).toBe(422);
    expect(notDocx.html).toContain('Modèle refusé : ce n’est pas un document Word .docx.');
    const tooLarge = await uploadTemplate('recours_gracieux', Buffer.alloc(2 * 2 ** 20 + 1, 0x50));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.html).toContain('Modèle refusé : le fichier dépasse 2 Mio.');
    // Without the session's token first in the body, nothing is read or kept.
    const forged = await uploadTemplate('recours_gracieux', await templateWith('{client.nom}'), 'not-the-token');
    expect(forged.status).toBe(403);
    expect((await generate('recours_gracieux')).text.join('\n')).toContain(
      'L. 411-2 du code des relations entre le public et l’administration',
    );
  });

  it('writes the next draft from the cabinet’s template, then from the shipped one after a reset', async () => {
    const ok = await uploadTemplate(
      'recours_gracieux',
      await templateWith('Modèle du cabinet : {client.nom_complet} — {dossier.reference}'),
    );
    expect(ok.status, ok.html.slice(0, 300)).toBe(302);
    expect(ok.location).toBe('/modeles?modele=recours_gracieux&fait=remplace');
    expect((await generate('recours_gracieux')).text).toEqual(['Modèle du cabinet : Nadia HADDAD — 2026-DR-01']);
    const reset = await postForm(admin, '/modeles/recours_gracieux/reinitialiser');
    expect(reset.status).toBe(302);
    const after = (await generate('recours_gracieux')).text.join('\n');
    expect(after).toContain('Nadia HADDAD');
    expect(after).toContain('TA de Lyon');
  });

  it('keeps each draft as a document of the case, with its history entry', async () => {
    const { docId, text } = await generate('requete_annulation');
    const all = text.join('\n');
    expect(all).toContain('À Mesdames et Messieurs les président et conseillers composant le TA de Lyon');
    expect(all).toContain('Nadia HADDAD');
    expect(all).toContain('Préfet du Rhône');
    const stored = await lawyer.call('GET', `/api/cases/${caseId}`);
    const doc = stored.body.case.documents.find((d: any) => d.id === docId);
    expect(doc.name).toMatch(/^requete-annulation-2026-DR-01-\d{4}-\d{2}-\d{2}\.docx$/);
    expect(doc.uploadedBy).toBe('avocat@ferry.fr');
    const drafts = stored.body.case.history.filter((h: any) => h.action === 'draft.generate');
    expect(drafts).toHaveLength(4);
    const html = (await get(lawyer, `/dossiers/${caseId}`)).body.toString();
    expect(html).toContain('Brouillon généré');
  });
});
