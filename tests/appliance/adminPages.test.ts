/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * The administration pages against a real appliance (docs/administration.md): one page per
 * subject with its sub-navigation; a refused admin form answers 303 to its page, which shows the
 * error once; invitations by one-time link and by temporary password end to end (the temporary
 * one reaches only the password page until changed); a reset ends the user's sessions; an admin
 * cannot change their own role; the audit log's filters, pages and case references; an expired
 * link and a deleted case (after a restart with the clock moved on).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const CLIENT = { lastName: 'Diallo', firstName: 'Awa', nationality: 'SN', birthDate: '1990-05-17' };
let cp: TestControlPlane;
let appliance: TestAppliance;
let dataDir: string;
let admin: Browser;

interface Answer {
  status: number;
  html: string;
  location: string | null;
  setCookie: string | null;
}

async function request(path: string, init: { cookie?: string; form?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${appliance.url}${path}`, {
    method: init.form ? 'POST' : 'GET',
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: init.form ? new URLSearchParams(init.form) : undefined,
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location'), setCookie: res.headers.get('set-cookie') };
}

const page = (path: string, b: Browser = admin) => request(path, { cookie: b.cookie });
const post = (path: string, fields: Record<string, string>, b: Browser = admin) =>
  request(path, { cookie: b.cookie, form: { _csrf: b.csrf, ...fields } });

const usersOf = async () => (await admin.call('GET', '/api/users')).body.users as Array<{ id: string; email: string; role: string }>;
const idOf = async (email: string) => (await usersOf()).find((u) => u.email === email)!.id;
const decode = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"');

/** Invites through the page, follows the redirect and returns what the page showed once. */
async function invite(email: string, method: 'lien' | 'mot-de-passe-provisoire'): Promise<string> {
  const sent = await post('/admin/utilisateurs/invitations', {
    inviteName: `Invité ${email}`,
    inviteEmail: email,
    inviteRole: 'avocat',
    method,
  });
  expect([sent.status, sent.location]).toEqual([303, '/admin/utilisateurs']);
  const shown = await page('/admin/utilisateurs');
  expect(shown.html).toContain(`Invitation créée pour ${email}.`);
  const secret =
    method === 'lien' ? /id="shown-link">([^<]+)</.exec(shown.html)?.[1] : /id="shown-password">([^<]+)</.exec(shown.html)?.[1];
  expect(secret).toBeDefined();
  // Shown once: a reload of the page no longer holds it.
  const again = await page('/admin/utilisateurs');
  expect(again.html).not.toContain(secret!);
  expect(again.html).not.toContain('id="acces-a-transmettre"');
  return decode(secret!);
}

beforeAll(async () => {
  const cpDir = tempDir('cp-adm-');
  cp = await startControlPlane(cpDir);
  await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'leroy',
    '--name',
    'Cabinet Leroy',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  dataDir = tempDir('leroy-');
  appliance = await startAppliance(dataDir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'leroy' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@leroy.fr', name: 'Claire Leroy', password: PASSWORD })).status).toBe(
    201,
  );
  expect((await admin.login('admin@leroy.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('one page per subject', () => {
  it('serves the overview and every subject page with the sub-navigation marking the current one', async () => {
    const overview = await page('/admin');
    expect(overview.status).toBe(200);
    for (const href of [
      '/admin/utilisateurs',
      '/admin/licence',
      '/admin/connexion-editeur',
      '/admin/sauvegardes',
      '/admin/messagerie',
      '/admin/identite',
      '/admin/journal',
      '/admin/assistance',
    ]) {
      expect(overview.html).toContain(`<h2 id="card-`);
      expect(overview.html).toContain(`<a href="${href}">`);
      const subject = await page(href);
      expect(subject.status, href).toBe(200);
      expect(subject.html, href).toContain(`<a href="${href}" aria-current="page">`);
    }
    expect(overview.html).toContain('<a href="/admin" aria-current="page">');
    // One active user (the admin) of the professional plan's 10.
    expect(overview.html).toContain('1 utilisateurs actifs sur 10 permis par la formule');
  });

  it('says the heartbeat’s state in words, its address in a row of its own', async () => {
    const { html } = await page('/admin/connexion-editeur');
    // HEARTBEAT_ENABLED=false in tests (support/appliance.ts).
    expect(html).toContain('<dd id="heartbeat-state">Désactivée</dd>');
    expect(html).toContain(`<dt>Adresse</dt><dd><code>${cp.url}</code></dd>`);
  });
});

describe('redirect after post', () => {
  it('answers a refused invitation with 303 to its page, which shows the errors once and keeps the values', async () => {
    const refused = await post('/admin/utilisateurs/invitations', {
      inviteName: 'Paul',
      inviteEmail: 'pas-une-adresse',
      inviteRole: 'avocat',
      method: 'lien',
    });
    expect([refused.status, refused.location]).toEqual([303, '/admin/utilisateurs']);
    expect(refused.location).not.toContain('csrf');
    const shown = await page('/admin/utilisateurs');
    expect(shown.html).toContain('class="error-summary"');
    expect(shown.html).toContain('Adresse e-mail');
    expect(shown.html).toContain('value="pas-une-adresse"');
    expect(shown.html).toContain('id="f-inviteEmail-error"');
    const reload = await page('/admin/utilisateurs');
    expect(reload.html).not.toContain('class="error-summary"');
    expect(reload.html).not.toContain('pas-une-adresse');
  });

  it('does the same for an empty license import and for a row action', async () => {
    const license = await post('/admin/licence', { license: '' });
    expect([license.status, license.location]).toEqual([303, '/admin/licence']);
    expect((await page('/admin/licence')).html).toContain('id="f-license-error"');
    expect((await page('/admin/licence')).html).not.toContain('id="f-license-error"');
    const selfId = await idOf('admin@leroy.fr');
    const own = await post(`/admin/utilisateurs/${selfId}/role`, { role: 'avocat' });
    expect([own.status, own.location]).toEqual([303, '/admin/utilisateurs']);
    expect(decode((await page('/admin/utilisateurs')).html)).toContain('Vous ne pouvez pas changer votre propre rôle');
    expect((await usersOf()).find((u) => u.id === selfId)!.role).toBe('admin');
  });
});

describe('invitations', () => {
  it('by one-time link: the invitee sets a password there, is logged in, and the link is used up', async () => {
    const link = await invite('paul@leroy.fr', 'lien');
    expect(link).toMatch(new RegExp(`^${appliance.url}/invitation/[A-Za-z0-9_-]{43}$`));
    const path = new URL(link).pathname;
    // Pending, holding a seat: listed with its link's end, and counted on the overview.
    expect((await page('/admin/utilisateurs')).html).toContain('Invitation en attente');
    expect((await page('/admin')).html).toContain('2 utilisateurs actifs sur 10');
    // Nobody can log in before the password is set.
    expect((await new Browser(appliance.url).login('paul@leroy.fr', 'x'.repeat(16))).status).toBe(401);
    const form = await request(path);
    expect(form.status).toBe(200);
    expect(decode(form.html)).toContain('Bienvenue Invité paul@leroy.fr');
    const formCookie = /iam_form=[^;]+/.exec(form.setCookie ?? '')![0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.html)![1]!;
    const short = await request(path, { cookie: formCookie, form: { _csrf: csrf, password: 'court' } });
    expect([short.status, short.location]).toEqual([303, path]);
    expect((await request(path, { cookie: formCookie })).html).toContain('class="error-summary"');
    const done = await request(path, { cookie: formCookie, form: { _csrf: csrf, password: PASSWORD } });
    expect([done.status, done.location]).toEqual([303, '/']);
    const session = /iam_session=[^;]+/.exec(done.setCookie ?? '')![0];
    expect((await request('/', { cookie: session })).status).toBe(200);
    // Single use: the same link is now unknown.
    expect((await request(path)).status).toBe(404);
    expect((await new Browser(appliance.url).login('paul@leroy.fr', PASSWORD)).status).toBe(200);
    const entries = (await admin.call('GET', '/api/audit')).body.entries as Array<{ action: string; actor: string; detail?: string }>;
    expect(
      entries.some((e) => e.action === 'user.invite' && e.actor === 'admin@leroy.fr' && e.detail === 'paul@leroy.fr (avocat, lien)'),
    ).toBe(true);
    expect(entries.some((e) => e.action === 'user.link.used' && e.actor === 'paul@leroy.fr')).toBe(true);
  });

  it('by temporary password: the first session reaches only the password page until it is changed', async () => {
    const temporary = await invite('sofia@leroy.fr', 'mot-de-passe-provisoire');
    expect(temporary).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    const sofia = new Browser(appliance.url);
    expect((await sofia.login('sofia@leroy.fr', temporary)).status).toBe(200);
    expect((await sofia.call('GET', '/api/cases')).body.error).toBe('password_change_required');
    const dashboard = await page('/dossiers', sofia);
    expect([dashboard.status, dashboard.location]).toEqual([303, '/mot-de-passe']);
    expect(decode((await page('/mot-de-passe', sofia)).html)).toContain('mot de passe provisoire : choisissez le vôtre');
    const changed = await sofia.call('POST', '/api/auth/password', { currentPassword: temporary, newPassword: PASSWORD });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await sofia.call('GET', '/api/cases')).status).toBe(200);
    expect((await page('/dossiers', sofia)).status).toBe(200);
  });

  it('through the API too, with the same rules', async () => {
    const res = await admin.call('POST', '/api/users/invitations', {
      email: 'lea@leroy.fr',
      name: 'Léa',
      role: 'secretariat',
      method: 'lien',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.access.link).toMatch(/\/invitation\/[A-Za-z0-9_-]{43}$/);
    expect(res.body.user.accessLinkExpiresAt).toBe(res.body.access.expiresAt);
    const bad = await admin.call('POST', '/api/users/invitations', { email: 'x@leroy.fr', name: 'X', role: 'avocat', method: 'pigeon' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('method');
  });
});

describe('reset and role changes', () => {
  it('a reset ends the user’s sessions and their old password, and gives a new way in', async () => {
    const paul = new Browser(appliance.url);
    expect((await paul.login('paul@leroy.fr', PASSWORD)).status).toBe(200);
    const id = await idOf('paul@leroy.fr');
    const reset = await post(`/admin/utilisateurs/${id}/reinitialiser`, { method: 'mot-de-passe-provisoire' });
    expect([reset.status, reset.location]).toEqual([303, '/admin/utilisateurs']);
    const shown = await page('/admin/utilisateurs');
    expect(shown.html).toContain('Accès de paul@leroy.fr réinitialisé');
    const temporary = /id="shown-password">([^<]+)</.exec(shown.html)![1]!;
    expect((await paul.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await new Browser(appliance.url).login('paul@leroy.fr', PASSWORD)).status).toBe(401);
    const again = new Browser(appliance.url);
    expect((await again.login('paul@leroy.fr', temporary)).status).toBe(200);
    expect((await again.call('GET', '/api/cases')).status).toBe(403);
    expect((await again.call('POST', '/api/auth/password', { currentPassword: temporary, newPassword: PASSWORD })).status).toBe(200);
  });

  it('changes a role from the page, and refuses the last active admin’s demotion', async () => {
    const paulId = await idOf('paul@leroy.fr');
    const promoted = await post(`/admin/utilisateurs/${paulId}/role`, { role: 'admin' });
    expect([promoted.status, promoted.location]).toEqual([303, '/admin/utilisateurs']);
    expect(decode((await page('/admin/utilisateurs')).html)).toContain('Rôle de paul@leroy.fr changé : Administrateur');
    // Paul demotes Claire (two admins: allowed), then Claire is no admin and Paul is the last one.
    const paul = new Browser(appliance.url);
    expect((await paul.login('paul@leroy.fr', PASSWORD)).status).toBe(200);
    const claireId = await idOf('admin@leroy.fr');
    expect((await paul.call('PATCH', `/api/users/${claireId}`, { role: 'avocat' })).status).toBe(200);
    const own = await paul.call('PATCH', `/api/users/${paulId}`, { role: 'avocat' });
    expect(own.status).toBe(400);
    // Claire back as admin for the tests after this one (her role change ended her session).
    expect((await paul.call('PATCH', `/api/users/${claireId}`, { role: 'admin' })).status).toBe(200);
    expect((await admin.login('admin@leroy.fr', PASSWORD)).status).toBe(200);
    const roles = (await admin.call('GET', '/api/audit')).body.entries
      .filter((e: any) => e.action === 'user.role')
      .map((e: any) => e.detail);
    expect(roles).toEqual(
      expect.arrayContaining(['paul@leroy.fr: avocat → admin', 'admin@leroy.fr: admin → avocat', 'admin@leroy.fr: avocat → admin']),
    );
  });
});

describe('the audit log', () => {
  let caseIds: string[] = [];

  beforeAll(async () => {
    caseIds = [];
    for (const reference of ['2026-OQTF-001', '2026-OQTF-002']) {
      const res = await admin.call('POST', '/api/cases', {
        client: CLIENT,
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-01-05',
        reference,
        // The same client twice on purpose (not a likely duplicate to warn about).
        confirmDuplicate: true,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      caseIds.push(res.body.case.id);
    }
    // 60 reads of the first case: more than one page of 50.
    for (let i = 0; i < 60; i++) expect((await admin.call('GET', `/api/cases/${caseIds[0]}`)).status).toBe(200);
  }, 60_000);

  it('shows case references and users’ names, and filters by case reference', async () => {
    const { html } = await page('/admin/journal?dossier=2026-oqtf-002');
    expect(html).toContain(`<a href="/dossiers/${caseIds[1]}">2026-OQTF-002</a>`);
    expect(html).not.toContain('2026-OQTF-001');
    expect(html).toContain('Claire Leroy');
    expect(decode(html)).toContain('Création d’un dossier');
  });

  it('filters by action and user, and pages 50 at a time, clamping a page past the end', async () => {
    const first = await page('/admin/journal?action=case.read&utilisateur=admin%40leroy.fr');
    expect(first.html).toContain('60 entrée(s)');
    expect(first.html).toContain('Page 1 sur 2');
    expect((first.html.match(/<tr>/g) ?? []).length).toBe(51); // the header row and 50 entries
    const past = await page('/admin/journal?action=case.read&utilisateur=admin%40leroy.fr&page=9');
    expect(past.html).toContain('Page 2 sur 2');
    expect((past.html.match(/<tr>/g) ?? []).length).toBe(11);
    const nobody = await page('/admin/journal?action=case.read&utilisateur=paul%40leroy.fr');
    expect(nobody.html).toContain('0 entrée(s)');
  });

  it('names the field of an invalid date, and of dates in the wrong order', async () => {
    const invalid = decode((await page('/admin/journal?du=31/02/2026')).html);
    expect(invalid).toContain('« Du » doit être une date au format JJ/MM/AAAA ou AAAA-MM-JJ.');
    const reversed = decode((await page('/admin/journal?du=2026-03-10&au=2026-03-01')).html);
    expect(reversed).toContain('« Au » doit être postérieur ou égal à « Du ».');
    // A day with no entry: today's entries are all after it.
    const before = await page('/admin/journal?au=2020-01-01');
    expect(before.html).toContain('0 entrée(s)');
  });

  it('marks a case that no longer exists, and refuses an expired link (restart with the clock 73 hours on)', async () => {
    const link = (
      await admin.call('POST', '/api/users/invitations', { email: 'tard@leroy.fr', name: 'Tard', role: 'avocat', method: 'lien' })
    ).body.access.link as string;
    await appliance.stop();
    // The case's file removed while the appliance is stopped: its audit entries stay, its reference is gone.
    const casesDir = path.join(dataDir, 'cases');
    for (const name of fs.readdirSync(casesDir))
      if (name.startsWith(caseIds[1]!)) fs.rmSync(path.join(casesDir, name), { recursive: true });
    // 72 hours of validity (ACCESS_LINK_HOURS): 73 hours later the link has ended.
    appliance = await startAppliance(dataDir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'leroy', CLOCK_OFFSET_SECONDS: String(73 * 3600) });
    admin = new Browser(appliance.url);
    expect((await admin.login('admin@leroy.fr', PASSWORD)).status).toBe(200);
    const journal = decode((await page(`/admin/journal?action=case.create`)).html);
    expect(journal).toContain(`${caseIds[1]} « dossier supprimé »`);
    const expired = await request(new URL(link).pathname);
    expect(expired.status).toBe(410);
    expect(decode(expired.html)).toContain('Ce lien a expiré le');
    expect((await page('/admin/utilisateurs')).html).toContain('Lien expiré le');
  }, 60_000);
});
