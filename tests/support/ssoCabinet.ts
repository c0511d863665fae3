/**
 * A cabinet with single sign-on for the tests (docs/single-sign-on.md): a control plane, an
 * appliance enrolled on the starter plan (3 active users) on a fixed loopback port with PUBLIC_URL
 * set (the redirect URI registered at the provider is built from it), its admin, and a real OIDC
 * provider (oidcProvider.ts) with the accounts given.
 */
import { expect } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from './controlPlane.js';
import { Browser, freePort, startAppliance, type TestAppliance } from './appliance.js';
import { startOidcProvider, type OidcAccount, type TestOidcProvider } from './oidcProvider.js';
import { CookieClient } from './cookieClient.js';

export const PASSWORD = 'correct horse battery staple';

export interface SsoCabinet {
  cp: TestControlPlane;
  appliance: TestAppliance;
  admin: Browser;
  idp: TestOidcProvider;
  close(): Promise<void>;
}

export async function startSsoCabinet(id: string, accounts: Record<string, OidcAccount>): Promise<SsoCabinet> {
  const cpDir = tempDir('cp-sso-');
  const cp = await startControlPlane(cpDir, { PORT: String(await freePort()) });
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', id, '--name', `Cabinet ${id}`, '--plan', 'starter', '--json']);
  expect(created.code, created.stderr).toBe(0);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const idp = await startOidcProvider({ redirectUri: `${publicUrl}/connexion/oidc/retour`, accounts });
  const appliance = await startAppliance(tempDir(`${id}-sso-`), {
    CONTROL_PLANE_URL: cp.url,
    CLIENT_ID: id,
    PORT: String(port),
    PUBLIC_URL: publicUrl,
  });
  const admin = new Browser(appliance.url);
  const enrolled = await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  const first = await admin.call('POST', '/api/setup/admin', { email: `admin@${id}.fr`, name: 'Admin', password: PASSWORD });
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  expect((await admin.login(`admin@${id}.fr`, PASSWORD)).status).toBe(200);
  return {
    cp,
    appliance,
    admin,
    idp,
    close: async () => {
      await appliance.stop();
      await idp.close();
      await cp.stop();
    },
  };
}

/** A page-like client carrying the admin's session, for the admin page's forms (CSRF token in `_csrf`). */
export function adminPages(cabinet: SsoCabinet): {
  client: CookieClient;
  post(path: string, form: Record<string, string>): ReturnType<CookieClient['go']>;
} {
  const client = new CookieClient();
  const [name, value] = cabinet.admin.cookie.split('=') as [string, string];
  client.setCookie(cabinet.appliance.url, name, value);
  return { client, post: (path, form) => client.go(`${cabinet.appliance.url}${path}`, { form: { _csrf: cabinet.admin.csrf, ...form } }) };
}

/** The settings form as the admin page sends it, with the test provider. */
export function ssoForm(cabinet: SsoCabinet, over: Record<string, string> = {}): Record<string, string> {
  return {
    issuer: cabinet.idp.issuer,
    clientId: cabinet.idp.clientId,
    clientSecret: cabinet.idp.clientSecret,
    displayName: 'Microsoft',
    allowedDomains: '',
    newUserRole: 'avocat',
    breakGlassEmail: '',
    ...over,
  };
}
