/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider, in process), over HTTP
 * (docs/single-sign-on.md): the e-mail of the ID token matched to a user case apart, first-login
 * creation within the plan's seats, the domains, unverified and disabled accounts refused, a
 * callback that is not this browser's or already used refused, and password login off for all
 * but the break-glass admin, back on from the command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApplianceCli } from '../../support/appliance.js';
import { CookieClient, type Landing } from '../../support/cookieClient.js';
import { PASSWORD, adminPages, ssoForm, startSsoCabinet, type SsoCabinet } from '../../support/ssoCabinet.js';

let cabinet: SsoCabinet;
let url: string;

const isCallback = (u: URL) => u.pathname === '/connexion/oidc/retour';

beforeAll(async () => {
  cabinet = await startSsoCabinet('dupont', {
    marie: { email: 'Marie.Durand@Dupont.fr', email_verified: true, name: 'Marie Durand' },
    nouveau: { email: 'paul.nouveau@dupont.fr', email_verified: true, name: 'Paul Nouveau' },
    troisieme: { email: 'claire.troisieme@dupont.fr', email_verified: true, name: 'Claire Troisième' },
    etranger: { email: 'someone@gmail.com', email_verified: true, name: 'Someone' },
    nonverifie: { email: 'jeanne@dupont.fr', email_verified: false, name: 'Jeanne' },
    parti: { email: 'parti@dupont.fr', email_verified: true, name: 'Parti' },
    sansmail: { name: 'Sans Mail' },
  });
  url = cabinet.appliance.url;
  // The starter plan allows 3 active users: the admin, Marie, and one more.
  for (const email of ['marie.durand@dupont.fr', 'parti@dupont.fr']) {
    const created = await cabinet.admin.call('POST', '/api/users', { email, name: email, role: 'avocat', password: PASSWORD });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const parti = (await cabinet.admin.call('GET', '/api/users')).body.users.find((u: any) => u.email === 'parti@dupont.fr');
  expect((await cabinet.admin.call('PATCH', `/api/users/${parti.id}`, { active: false })).status).toBe(200);
  const saved = await adminPages(cabinet).post(
    '/admin/connexion-unique',
    ssoForm(cabinet, { allowedDomains: 'dupont.fr', createUsers: '1', newUserRole: 'avocat' }),
  );
  expect(saved.body).toContain('Réglages de connexion unique enregistrés.');
}, 180_000);

afterAll(async () => {
  await cabinet?.close();
});

/** From the login button to the provider's login form, signed in there as `account`, back to the appliance. */
async function ssoLogin(
  account: string,
  client = new CookieClient(),
  stopAt?: (u: URL) => boolean,
): Promise<{ client: CookieClient; page: Landing }> {
  const providerLogin = await client.go(`${url}/connexion/oidc`);
  expect(providerLogin.url.startsWith(cabinet.idp.issuer), providerLogin.body.slice(0, 500)).toBe(true);
  expect(providerLogin.body).toContain('name="login"');
  const page = await client.submit(providerLogin, { prompt: 'login', login: account, password: 'any' }, /interaction/, stopAt);
  return { client, page };
}

async function me(client: CookieClient): Promise<any> {
  const res = await client.request(`${url}/api/auth/me`);
  return { status: res.status, body: await res.json() };
}

async function auditActions(): Promise<Array<{ action: string; actor: string; detail?: string }>> {
  return (await cabinet.admin.call('GET', '/api/audit?limit=1000')).body.entries;
}

describe('the login page', () => {
  it('offers « Se connecter avec Microsoft » once single sign-on is configured, and shows the redirect URI to register', async () => {
    const login = await new CookieClient().go(`${url}/connexion`);
    expect(login.body).toContain('Se connecter avec Microsoft');
    expect(login.body).toContain('href="/connexion/oidc"');
    const admin = await adminPages(cabinet).client.go(`${url}/admin/connexion-unique`);
    expect(admin.body).toContain(`${url}/connexion/oidc/retour`);
    // The client secret is write-only: never on the page.
    expect(admin.body).not.toContain(cabinet.idp.clientSecret);
    expect(admin.body).toContain('Un secret est enregistré');
  });
});

describe('logging in through the provider', () => {
  it('matches the ID token’s e-mail to an existing user whatever its case, opens a session and audits it', async () => {
    const { client, page } = await ssoLogin('marie');
    expect(page.status, page.body.slice(0, 500)).toBe(200);
    expect(page.url).toMatch(/\/connexion\/oidc\/retour\?/);
    // A page, not a redirect, leads on: a SameSite=Strict cookie is not sent on a chain begun at the provider.
    expect(page.body).toContain('http-equiv="refresh"');
    const who = await me(client);
    expect(who.status).toBe(200);
    expect(who.body.user.email).toBe('marie.durand@dupont.fr');
    // The flow cookie is used up.
    expect(client.cookie(url, 'iam_oidc')).toBeUndefined();
    const entries = await auditActions();
    expect(entries.some((e) => e.action === 'user.login_oidc' && e.actor === 'marie.durand@dupont.fr')).toBe(true);
  });

  it('creates an unknown e-mail of the cabinet’s domain at its first login, with the role chosen, within the plan', async () => {
    const { client, page } = await ssoLogin('nouveau');
    expect(page.status, page.body.slice(0, 500)).toBe(200);
    expect((await me(client)).body.user).toMatchObject({ email: 'paul.nouveau@dupont.fr', name: 'Paul Nouveau', role: 'avocat' });
    const entries = await auditActions();
    expect(entries.some((e) => e.action === 'user.created_oidc' && e.detail === 'paul.nouveau@dupont.fr (avocat)')).toBe(true);
  });

  it('refuses a first login once the plan’s users are all active, saying the plan is full, and creates nobody', async () => {
    // Admin, Marie and Paul: the starter plan's 3 active users.
    const { client, page } = await ssoLogin('troisieme');
    expect(page.status).toBe(403);
    expect(page.body).toContain('La formule du cabinet est complète');
    expect((await me(client)).status).toBe(401);
    const users = (await cabinet.admin.call('GET', '/api/users')).body.users.map((u: any) => u.email);
    expect(users).not.toContain('claire.troisieme@dupont.fr');
  });

  it('refuses an e-mail outside the cabinet’s domains, an unverified one, a disabled user and a token without e-mail', async () => {
    const cases: Array<[string, string]> = [
      ['etranger', 'L’adresse someone@gmail.com n’appartient pas aux domaines du cabinet (dupont.fr).'],
      ['nonverifie', 'Microsoft n’a pas vérifié l’adresse jeanne@dupont.fr'],
      ['parti', 'Le compte parti@dupont.fr est désactivé sur cette appliance'],
      ['sansmail', 'Microsoft n’a transmis aucune adresse e-mail'],
    ];
    for (const [account, text] of cases) {
      const { client, page } = await ssoLogin(account);
      expect(page.status, account).toBe(403);
      expect(page.body.replace(/&#x27;|&#39;/g, '’'), account).toContain(text);
      expect((await me(client)).status, account).toBe(401);
    }
    const refused = (await auditActions()).filter((e) => e.action === 'user.login_oidc_refused').map((e) => e.detail);
    expect(refused).toEqual(expect.arrayContaining(['domain_not_allowed', 'email_unverified', 'disabled', 'no_email']));
  });
});

describe('the provider’s answer', () => {
  it('says the provider refused when the person cancels at the provider (error=access_denied)', async () => {
    const client = new CookieClient();
    const providerLogin = await client.go(`${url}/connexion/oidc`);
    const cancel = /href="([^"]*\/abort)"/.exec(providerLogin.body)?.[1];
    expect(cancel, providerLogin.body.slice(0, 500)).toBeTruthy();
    const page = await client.go(new URL(cancel!.replace(/&amp;/g, '&'), providerLogin.url).href);
    expect(page.url).toMatch(/\/connexion\/oidc\/retour\?error=access_denied/);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Le fournisseur a refusé la connexion (access_denied)');
    expect((await me(client)).status).toBe(401);
  });

  it('is refused when its state is not the one this browser’s login started with', async () => {
    const { client, page } = await ssoLogin('marie', new CookieClient(), isCallback);
    const forged = new URL(page.url);
    forged.searchParams.set('state', 'not-the-state-of-this-login');
    const res = await client.go(forged.href);
    expect(res.status).toBe(400);
    expect(res.body).toContain('ne correspond pas à la connexion commencée');
    expect((await me(client)).status).toBe(401);
  });

  it('is refused in another browser (no flow cookie) and when used a second time, even with the flow cookie copied', async () => {
    const { client, page } = await ssoLogin('marie', new CookieClient(), isCallback);
    const flowCookie = client.cookie(url, 'iam_oidc');
    expect(flowCookie).toBeTruthy();
    const elsewhere = await new CookieClient().go(page.url);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('ne correspond à aucune connexion commencée dans ce navigateur');
    const first = await client.go(page.url);
    expect(first.status).toBe(200);
    const replay = new CookieClient();
    replay.setCookie(url, 'iam_oidc', flowCookie!);
    const again = await replay.go(page.url);
    expect(again.status).toBe(400);
    expect(again.body).toContain('a déjà servi');
    expect((await me(replay)).status).toBe(401);
  });
});

describe('the admin page', () => {
  it('refuses each wrong field naming it and the fix', async () => {
    const pages = adminPages(cabinet);
    const notHttps = await pages.post('/admin/connexion-unique', ssoForm(cabinet, { issuer: 'http://idp.example.com' }));
    expect(notHttps.body).toContain('Émetteur (issuer) : Adresse non sécurisée');
    const badDomain = await pages.post('/admin/connexion-unique', ssoForm(cabinet, { allowedDomains: 'dupont.fr, pas un domaine' }));
    expect(badDomain.body).toContain('Domaines de messagerie autorisés : Séparés par des virgules');
    const adminRole = await pages.post('/admin/connexion-unique', ssoForm(cabinet, { createUsers: '1', newUserRole: 'admin' }));
    expect(adminRole.body).toContain('Rôle des comptes ainsi créés : choisissez un rôle de la liste, autre qu’administrateur.');
    const notAdmin = await pages.post(
      '/admin/connexion-unique',
      ssoForm(cabinet, { localLoginOff: '1', breakGlassEmail: 'marie.durand@dupont.fr' }),
    );
    expect(notAdmin.body).toContain('Compte de secours : indiquez l’adresse d’un administrateur actif');
    const noBreakGlass = await pages.post('/admin/connexion-unique', ssoForm(cabinet, { localLoginOff: '1' }));
    expect(noBreakGlass.body).toContain('Compte de secours : indiquez l’adresse d’un administrateur actif');
    // Nothing of it was saved: the cabinet's settings are as before.
    const show = await runApplianceCli(cabinet.appliance.dataDir, ['sso', 'show', '--json']);
    expect(show.json).toMatchObject({ allowedDomains: ['dupont.fr'], createUsers: true, localLoginOff: false, hasClientSecret: true });
    expect(show.stdout).not.toContain(cabinet.idp.clientSecret);
  });

  it('« Tester la découverte » says the provider answers, or what is wrong: unreachable, issuer mismatch', async () => {
    const pages = adminPages(cabinet);
    const ok = await pages.post('/admin/connexion-unique/test', {});
    expect(ok.body).toContain(`Découverte réussie : ${cabinet.idp.issuer} répond`);
    // localhost reaches the same provider, which names itself 127.0.0.1: the issuer does not match.
    const port = new URL(cabinet.idp.issuer).port;
    const mismatch = ssoForm(cabinet, { issuer: `http://localhost:${port}`, allowedDomains: 'dupont.fr', createUsers: '1' });
    expect((await pages.post('/admin/connexion-unique', mismatch)).body).toContain('Réglages de connexion unique enregistrés.');
    const wrong = await pages.post('/admin/connexion-unique/test', {});
    expect(wrong.body).toContain(
      `Émetteur différent : le document de découverte annonce ${cabinet.idp.issuer} et non http://localhost:${port}`,
    );
    // A provider that is not there.
    const gone = ssoForm(cabinet, { issuer: 'http://127.0.0.1:9', allowedDomains: 'dupont.fr', createUsers: '1' });
    expect((await pages.post('/admin/connexion-unique', gone)).body).toContain('Réglages de connexion unique enregistrés.');
    const unreachable = await pages.post('/admin/connexion-unique/test', {});
    expect(unreachable.body).toContain('Fournisseur injoignable : aucune réponse de http://127.0.0.1:9/.well-known/openid-configuration');
    // A login meanwhile says the provider is down, as a page.
    const down = await new CookieClient().go(`${url}/connexion/oidc`);
    expect(down.status).toBe(502);
    expect(down.body).toContain('Le fournisseur d’identité ne répond pas');
    // Back to the working provider (the secret must be typed again: the issuer changed).
    const back = await pages.post(
      '/admin/connexion-unique',
      ssoForm(cabinet, { allowedDomains: 'dupont.fr', createUsers: '1', clientSecret: '' }),
    );
    expect(back.body).toContain('Secret client : obligatoire');
    expect(
      (await pages.post('/admin/connexion-unique', ssoForm(cabinet, { allowedDomains: 'dupont.fr', createUsers: '1' }))).body,
    ).toContain('Réglages de connexion unique enregistrés.');
  });
});

describe('the API', () => {
  it('shows the settings without the secret, keeps it on a PUT without one, and refuses a wrong field naming it', async () => {
    const got = await cabinet.admin.call('GET', '/api/sso/settings');
    expect(got.status).toBe(200);
    expect(got.body.redirectUri).toBe(`${url}/connexion/oidc/retour`);
    expect(JSON.stringify(got.body)).not.toContain(cabinet.idp.clientSecret);
    const body = {
      issuer: cabinet.idp.issuer,
      clientId: cabinet.idp.clientId,
      displayName: 'Microsoft',
      allowedDomains: ['dupont.fr'],
      createUsers: true,
      newUserRole: 'avocat',
      localLoginOff: false,
    };
    const put = await cabinet.admin.call('PUT', '/api/sso/settings', body);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.settings).toMatchObject({ hasClientSecret: true, allowedDomains: ['dupont.fr'], createUsers: true });
    const bad = await cabinet.admin.call('PUT', '/api/sso/settings', { ...body, issuer: 'http://idp.example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_input');
    expect(bad.body.message).toMatch(/issuer: must start with https:\/\//);
    const breakGlass = await cabinet.admin.call('PUT', '/api/sso/settings', {
      ...body,
      localLoginOff: true,
      breakGlassEmail: 'marie.durand@dupont.fr',
    });
    expect(breakGlass.status).toBe(400);
    expect(breakGlass.body.message).toMatch(/^breakGlassEmail: marie.durand@dupont.fr is not an active admin/);
    const test = await cabinet.admin.call('POST', '/api/sso/test');
    expect(test.status).toBe(200);
    expect(test.body.discovery.issuer).toBe(cabinet.idp.issuer);
  });
});

describe('password login turned off', () => {
  it('refuses the password of everyone but the break-glass admin, leaves API tokens working, and comes back on from the CLI', async () => {
    const marie = new CookieClient();
    const token = await runApplianceCli(cabinet.appliance.dataDir, ['token', 'create', '--email', 'marie.durand@dupont.fr', '--json']);
    expect(token.code, token.stderr).toBe(0);
    const pages = adminPages(cabinet);
    const off = await pages.post(
      '/admin/connexion-unique',
      ssoForm(cabinet, { allowedDomains: 'dupont.fr', createUsers: '1', localLoginOff: '1', breakGlassEmail: 'ADMIN@dupont.fr' }),
    );
    expect(off.body).toContain('Réglages de connexion unique enregistrés.');

    const api = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'marie.durand@dupont.fr', password: PASSWORD }),
    });
    expect(api.status).toBe(403);
    expect(((await api.json()) as any).error).toBe('local_login_disabled');
    // The login form says so, pointing at the button; a wrong password says only that it is wrong.
    const form = await marie.go(`${url}/connexion`);
    expect(form.body).toContain('La connexion par mot de passe est désactivée pour ce cabinet');
    const refused = await marie.submit(form, { email: 'marie.durand@dupont.fr', password: PASSWORD }, /^\/connexion$/);
    expect(refused.body).toContain('utilisez le bouton « Se connecter avec Microsoft » ci-dessus');
    expect((await me(marie)).status).toBe(401);
    const wrong = await marie.submit(
      await marie.go(`${url}/connexion`),
      { email: 'marie.durand@dupont.fr', password: 'not her password' },
      /^\/connexion$/,
    );
    expect(wrong.body).toContain('Adresse e-mail ou mot de passe incorrect.');
    expect(wrong.body).not.toContain('ci-dessus');

    const bearer = await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${token.json.token}` } });
    expect(bearer.status).toBe(200);
    const breakGlass = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@dupont.fr', password: PASSWORD }),
    });
    expect(breakGlass.status).toBe(200);
    // Single sign-on still lets her in.
    expect((await ssoLogin('marie')).page.status).toBe(200);

    const cli = await runApplianceCli(cabinet.appliance.dataDir, ['sso', 'allow-local-login', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.json).toMatchObject({ localLogin: 'on', changed: true });
    const again = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'marie.durand@dupont.fr', password: PASSWORD }),
    });
    expect(again.status).toBe(200);
    expect((await auditActions()).some((e) => e.action === 'sso.allow_local_login')).toBe(true);
  });
});
