/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON read for ids */
/**
 * The authorization matrix: who may call what, written out below as the reference, then asserted
 * against the real services for every route × every caller. A route the routers mount but the
 * table does not list (a new endpoint nobody thought about) fails the test, and so does a row for
 * a route that no longer exists.
 *
 * "Y" means authorization lets the call through (the answer may still be 400, 404 or 409 about the
 * request itself); "-" means it is refused: 401/403, or for a web page a redirect to the login
 * page. On the appliance each role is tried twice — with a browser session (and its CSRF token)
 * and with a personal API token — and must get the same answer both ways; on the control plane,
 * where the dashboard takes sessions only, tokens and sessions have columns of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { applianceRoutes, controlPlaneRoutes, routeKey } from '../support/routeTable.js';

// prettier-ignore
/** The appliance. Columns: anonymous, admin, avocat, juriste, secretariat (permissions: appliance/src/auth/permissions.ts). */
const APPLIANCE_MATRIX: Readonly<Record<string, string>> = {
  //                                                 anon admin avocat juriste secretariat
  // Open to anyone: health, setup (answers "already done" once it is), login, static files.
  'GET /healthz':                                      'Y Y Y Y Y',
  'GET /ca.crt':                                       'Y Y Y Y Y',
  'GET /api/setup/status':                             'Y Y Y Y Y',
  // Once set up, enrolling again or importing a license is an admin's (license.manage).
  'POST /api/setup/enroll':                            '- Y - - -',
  'POST /api/setup/license':                           '- Y - - -',
  'POST /api/setup/admin':                             'Y Y Y Y Y',
  'GET /setup':                                        'Y Y Y Y Y',
  'POST /setup/enroll':                                'Y Y Y Y Y',
  'POST /setup/license':                               'Y Y Y Y Y',
  'POST /setup/admin':                                 'Y Y Y Y Y',
  'POST /api/auth/login':                              'Y Y Y Y Y',
  'GET /connexion':                                    'Y Y Y Y Y',
  'POST /connexion':                                   'Y Y Y Y Y',
  'GET /langue':                                       'Y Y Y Y Y',
  'GET /static/app.css':                               'Y Y Y Y Y',
  'GET /static/app.js':                                'Y Y Y Y Y',
  'GET /static/brand.css':                             'Y Y Y Y Y',
  'GET /static/logo':                                  'Y Y Y Y Y',
  // The calendar feed is reached by its secret URL alone (a calendar client has no session): a
  // wrong secret is a 404 for everyone, which is what this row asserts.
  'GET /calendrier/:file':                             'Y Y Y Y Y',
  // Any logged-in user: themselves, their tokens, the license and usage, the dashboard.
  'GET /api/auth/me':                                  '- Y Y Y Y',
  'POST /api/auth/password':                           '- Y Y Y Y',
  'GET /api/roles':                                    '- Y Y Y Y',
  'POST /api/tokens':                                  '- Y Y Y Y',
  'DELETE /api/tokens/:id':                            '- Y Y Y Y',
  'GET /api/license':                                  '- Y Y Y Y',
  'GET /api/billing/usage':                            '- Y Y Y Y',
  'GET /':                                             '- Y Y Y Y',
  'GET /mot-de-passe':                                 '- Y Y Y Y',
  'POST /mot-de-passe':                                '- Y Y Y Y',
  // cases.read, cases.write, documents.read, documents.write: every role.
  'GET /api/cases':                                    '- Y Y Y Y',
  'POST /api/cases':                                   '- Y Y Y Y',
  'GET /api/cases/:id':                                '- Y Y Y Y',
  'PATCH /api/cases/:id':                              '- Y Y Y Y',
  'GET /api/cases/:id/analyses':                       '- Y Y Y Y',
  'POST /api/cases/:id/documents':                     '- Y Y Y Y',
  'GET /api/cases/:id/documents/:docId':               '- Y Y Y Y',
  'GET /dossiers':                                     '- Y Y Y Y',
  'GET /dossiers/nouveau':                             '- Y Y Y Y',
  'POST /dossiers/nouveau':                            '- Y Y Y Y',
  'GET /dossiers/:id':                                 '- Y Y Y Y',
  'POST /dossiers/:id/pieces':                         '- Y Y Y Y',
  'GET /dossiers/:id/pieces/:docId':                   '- Y Y Y Y',
  'GET /calendrier':                                   '- Y Y Y Y',
  'GET /dossiers/:id/faits':                           '- Y Y Y Y',
  'POST /dossiers/:id/faits':                          '- Y Y Y Y',
  'GET /dossiers/:id/modifier':                        '- Y Y Y Y',
  'POST /dossiers/:id/modifier':                       '- Y Y Y Y',
  // cases.export and analyses.run: lawyers and jurists, not the secretariat.
  'GET /api/cases/:id/export':                         '- Y Y Y -',
  'POST /api/cases/:id/analyses':                      '- Y Y Y -',
  'POST /dossiers/:id/analyses':                       '- Y Y Y -',
  'GET /dossiers/:id/analyses/:file':                  '- Y Y Y -',
  'GET /dossiers/:id/echeances.ics':                   '- Y Y Y -',
  'POST /calendrier':                                  '- Y Y Y -',
  'POST /calendrier/revoquer':                         '- Y Y Y -',
  // cases.archive and audit.read: admins and avocats.
  'POST /api/cases/:id/archive':                       '- Y Y - -',
  'POST /api/cases/:id/unarchive':                     '- Y Y - -',
  'POST /dossiers/:id/archiver':                       '- Y Y - -',
  'POST /dossiers/:id/desarchiver':                    '- Y Y - -',
  'GET /api/audit':                                    '- Y Y - -',
  // users.manage, admin.view: admins only.
  'GET /api/users':                                    '- Y - - -',
  'POST /api/users':                                   '- Y - - -',
  'PATCH /api/users/:id':                              '- Y - - -',
  'POST /api/roles':                                   '- Y - - -',
  'GET /api/admin/heartbeat':                          '- Y - - -',
  'POST /api/admin/heartbeat':                         '- Y - - -',
  'GET /admin':                                        '- Y - - -',
  'POST /admin/utilisateurs':                          '- Y - - -',
  'POST /admin/utilisateurs/:id/desactiver':           '- Y - - -',
  'POST /admin/utilisateurs/:id/activer':              '- Y - - -',
  'POST /admin/licence':                               '- Y - - -',
  // The administration's pages, one per subject, and users' access (docs/administration.md): admins only.
  'GET /admin/utilisateurs':                           '- Y - - -',
  'POST /admin/utilisateurs/invitations':              '- Y - - -',
  'POST /admin/utilisateurs/:id/reinitialiser':        '- Y - - -',
  'POST /admin/utilisateurs/:id/role':                 '- Y - - -',
  'GET /admin/licence':                                '- Y - - -',
  'GET /admin/connexion-editeur':                      '- Y - - -',
  'GET /admin/sauvegardes':                            '- Y - - -',
  'GET /admin/messagerie':                             '- Y - - -',
  'GET /admin/identite':                               '- Y - - -',
  'GET /admin/journal':                                '- Y - - -',
  'GET /admin/assistance':                             '- Y - - -',
  'POST /api/users/invitations':                       '- Y - - -',
  'POST /api/users/:id/reset':                         '- Y - - -',
  // A one-time link is its own credential (a wrong one is a 404 page for everyone, which is what these rows assert).
  'GET /invitation/:secret':                           'Y Y Y Y Y',
  'POST /invitation/:secret':                          'Y Y Y Y Y',
  // The plan page and the upgrade request (admin.view, license.manage): admins only.
  'GET /admin/formule':                                '- Y - - -',
  'POST /admin/formule':                               '- Y - - -',
  'POST /admin/formule/envoyer':                       '- Y - - -',
  'POST /admin/support':                              '- Y - - -',
  'GET /admin/support/:file':                          '- Y - - -',
  'POST /admin/support/envoi':                         '- Y - - -',
  // Deadline reminders (docs/reminders.md): acknowledging is for whoever may read the case; the mail server's state and test, admins only.
  'POST /api/cases/:id/deadlines/:remedy/ack':         '- Y Y Y Y',
  'GET /mes-echeances':                                '- Y Y Y Y',
  'POST /mes-echeances/:id/:remedy/prise-en-charge':   '- Y Y Y Y',
  'GET /api/reminders/status':                         '- Y - - -',
  'POST /api/reminders/test':                          '- Y - - -',
  'POST /admin/messagerie/test':                       '- Y - - -',
  // Pièces (docs/telerecours.md): renaming, renumbering, deleting is documents.write (every role); the Télérecours export is cases.export.
  'GET /dossiers/:id/pieces/:docId/modifier':          '- Y Y Y Y',
  'POST /dossiers/:id/pieces/:docId':                  '- Y Y Y Y',
  'POST /dossiers/:id/pieces/:docId/monter':           '- Y Y Y Y',
  'POST /dossiers/:id/pieces/:docId/descendre':        '- Y Y Y Y',
  'GET /dossiers/:id/pieces/:docId/supprimer':         '- Y Y Y Y',
  'PATCH /api/cases/:id/documents/:docId':             '- Y Y Y Y',
  'GET /dossiers/:id/telerecours.zip':                 '- Y Y Y -',
  'GET /dossiers/:id/telerecours.pdf':                 '- Y Y Y -',
  'GET /api/cases/:id/telerecours.zip':                '- Y Y Y -',
  'GET /api/cases/:id/telerecours.pdf':                '- Y Y Y -',
  'POST /dossiers/:id/pieces/:docId/supprimer':        '- Y Y Y Y',
  'DELETE /api/cases/:id/documents/:docId':            '- Y Y Y Y',
  // Drafts (docs/drafting.md): writing one is for whoever may add a pièce; the templates, admins only.
  'POST /dossiers/:id/brouillons/:kind':               '- Y Y Y Y',
  'GET /modeles':                                      '- Y - - -',
  'GET /modeles/:kind/modele.docx':                    '- Y - - -',
  'POST /modeles/:kind':                               '- Y - - -',
  'POST /modeles/:kind/reinitialiser':                 '- Y - - -',
  // Closing deadlines (docs/deadlines.md): closing, confirming and refusing for whoever may change the case; reopening and
  // the cabinet's rule for admins (users.manage); the proof and the register are exports (cases.export).
  'GET /api/cases/:id/deadlines':                      '- Y Y Y Y',
  'POST /api/cases/:id/deadlines/:remedy/close':       '- Y Y Y Y',
  'POST /api/cases/:id/deadlines/:remedy/confirm':     '- Y Y Y Y',
  'POST /api/cases/:id/deadlines/:remedy/refuse':      '- Y Y Y Y',
  'POST /api/cases/:id/deadlines/:remedy/reopen':      '- Y - - -',
  'POST /api/cases/:id/deadlines/:remedy/receipt':     '- Y Y Y Y',
  'GET /api/cases/:id/deadlines/:remedy/proof':        '- Y Y Y -',
  'GET /api/deadlines/public-key':                     '- Y Y Y Y',
  'GET /api/deadlines/register':                       '- Y Y Y -',
  'GET /api/deadline-rules':                           '- Y Y Y Y',
  'PUT /api/deadline-rules':                           '- Y - - -',
  'POST /dossiers/:id/echeances/:remedy/prise-en-charge': '- Y Y Y Y',
  'GET /dossiers/:id/echeances/:remedy/cloturer':      '- Y Y Y Y',
  'POST /dossiers/:id/echeances/:remedy/cloturer':     '- Y Y Y Y',
  'POST /dossiers/:id/echeances/:remedy/accuse':       '- Y Y Y Y',
  'POST /dossiers/:id/echeances/:remedy/confirmer':    '- Y Y Y Y',
  'POST /dossiers/:id/echeances/:remedy/refuser':      '- Y Y Y Y',
  'POST /dossiers/:id/echeances/:remedy/rouvrir':      '- Y - - -',
  'GET /dossiers/:id/echeances/:remedy/preuve':        '- Y Y Y -',
  'GET /dossiers/:id/echeances/:remedy/preuve.jws':    '- Y Y Y -',
  'GET /registre':                                     '- Y Y Y -',
  'GET /echeances/regles':                             '- Y - - -',
  'POST /echeances/regles':                            '- Y - - -',
  // Reminder settings (docs/reminders.md): each user's own choices; the cabinet's policy and mail server, admins only.
  'GET /mes-rappels':                                  '- Y Y Y Y',
  'POST /mes-rappels':                                 '- Y Y Y Y',
  'GET /api/reminders/preferences':                    '- Y Y Y Y',
  'PUT /api/reminders/preferences':                    '- Y Y Y Y',
  'GET /api/reminders/policy':                         '- Y - - -',
  'PUT /api/reminders/policy':                         '- Y - - -',
  'GET /api/reminders/mail-settings':                  '- Y - - -',
  'PUT /api/reminders/mail-settings':                  '- Y - - -',
  'GET /admin/rappels':                                '- Y - - -',
  'POST /admin/rappels/politique':                     '- Y - - -',
  'POST /admin/rappels/messagerie':                    '- Y - - -',
  'POST /admin/rappels/messagerie/env':                '- Y - - -',
  'POST /admin/rappels/test':                          '- Y - - -',
  'GET /setup/messagerie':                             '- Y - - -',
  'POST /setup/messagerie':                            '- Y - - -',
  // Off-site backup targets on /admin/sauvegardes (backups.manage, docs/backup.md « Copies hors site »): admins only.
  'POST /admin/sauvegardes/cibles':                    '- Y - - -',
  'POST /admin/sauvegardes/cibles/:id':                '- Y - - -',
  'POST /admin/sauvegardes/cibles/:id/tester':         '- Y - - -',
  'POST /admin/sauvegardes/cibles/:id/supprimer':      '- Y - - -',
  // Ending all one's sessions, then logging out (this session): last, so the rows above keep their sessions.
  'POST /mot-de-passe/sessions':                       '- Y Y Y Y',
  'POST /api/auth/logout':                             'Y Y Y Y Y',
  'POST /deconnexion':                                 'Y Y Y Y Y',
};
const APPLIANCE_ROLES = ['admin', 'avocat', 'juriste', 'secretariat'] as const;

// prettier-ignore
/**
 * The control plane (policies: control-plane/src/auth/policies.ts). Columns: anonymous, then API
 * tokens of each vendor role, then dashboard sessions of each role. The vendor API takes either;
 * the dashboard's pages take the session only (a token there is an anonymous visitor, sent to the
 * login page).
 */
const CONTROL_PLANE_MATRIX: Readonly<Record<string, string>> = {
  //                                                       tokens          sessions
  //                                                 anon  adm bil sup     adm bil sup
  // Appliances and monitoring: no vendor credential (appliances prove themselves by signature or code).
  'GET /healthz':                                      'Y   Y Y Y   Y Y Y',
  'GET /metrics':                                      'Y   Y Y Y   Y Y Y',
  'GET /v1/keys':                                      'Y   Y Y Y   Y Y Y',
  'POST /v1/enroll':                                   'Y   Y Y Y   Y Y Y',
  'POST /v1/heartbeats':                               'Y   Y Y Y   Y Y Y',
  'POST /v1/usage-reports':                            'Y   Y Y Y   Y Y Y',
  // Like a heartbeat, answered only to a request the appliance signed with its own key (else 400 malformed).
  'GET /v1/audit-anchors':                             'Y   Y Y Y   Y Y Y',
  // Signed by the appliance's key like a heartbeat (else 400 malformed).
  'POST /v1/upgrade-requests':                         'Y   Y Y Y   Y Y Y',
  'POST /v1/support-bundles':                          'Y   Y Y Y   Y Y Y',
  // The dashboard's login page and its stylesheet.
  'GET /static/dashboard.css':                         'Y   Y Y Y   Y Y Y',
  'GET /connexion':                                    'Y   Y Y Y   Y Y Y',
  'POST /connexion':                                   'Y   Y Y Y   Y Y Y',
  // Reading the fleet, cabinets, plans and alerts: every vendor role.
  'GET /api/v1/plans':                                 '-   Y Y Y   Y Y Y',
  'GET /api/v1/cabinets':                              '-   Y Y Y   Y Y Y',
  'GET /api/v1/cabinets/:id':                          '-   Y Y Y   Y Y Y',
  'GET /api/v1/cabinets/:id/support-bundles':          '-   Y Y Y   Y Y Y',
  'GET /api/v1/cabinets/:id/support-bundles/:bundleId': '-   Y Y Y   Y Y Y',
  'GET /api/v1/fleet':                                 '-   Y Y Y   Y Y Y',
  'GET /api/v1/fleet/:applianceId/history':            '-   Y Y Y   Y Y Y',
  'GET /api/v1/alerts':                                '-   Y Y Y   Y Y Y',
  'GET /':                                             '-   - - -   Y Y Y',
  'GET /cabinets':                                     '-   - - -   Y Y Y',
  'GET /cabinets/:id':                                 '-   - - -   Y Y Y',
  'GET /alertes':                                      '-   - - -   Y Y Y',
  'GET /api/v1/upgrade-requests':                      '-   Y Y Y   Y Y Y',
  'GET /demandes':                                     '-   - - -   Y Y Y',
  // Money (seeMoney): admins and billing, never support.
  'GET /api/v1/revenue':                               '-   Y Y -   Y Y -',
  'GET /api/v1/billing/months':                        '-   Y Y -   Y Y -',
  'GET /api/v1/billing/months/:month':                 '-   Y Y -   Y Y -',
  'GET /api/v1/billing/months/:month/invoices.csv':    '-   Y Y -   Y Y -',
  'GET /api/v1/billing/invoices':                      '-   Y Y -   Y Y -',
  'GET /api/v1/billing/invoices/:number':              '-   Y Y -   Y Y -',
  'GET /api/v1/billing/invoices/:number/pdf':          '-   Y Y -   Y Y -',
  'GET /api/v1/billing/invoices/:number/evidence':     '-   Y Y -   Y Y -',
  'GET /api/v1/billing/credit-notes':                  '-   Y Y -   Y Y -',
  'GET /api/v1/billing/credit-notes/:number':          '-   Y Y -   Y Y -',
  'GET /api/v1/billing/credit-notes/:number/pdf':      '-   Y Y -   Y Y -',
  'GET /api/v1/billing/held':                          '-   Y Y -   Y Y -',
  'GET /api/v1/billing/invoices/:number/payments':     '-   Y Y -   Y Y -',
  'GET /api/v1/billing/invoices/:number/factur-x.xml': '-   Y Y -   Y Y -',
  'GET /api/v1/billing/credit-notes/:number/factur-x.xml': '-   Y Y -   Y Y -',
  'GET /api/v1/billing/past-due':                      '-   Y Y -   Y Y -',
  'GET /api/v1/billing/months/:month/drafts':          '-   Y Y -   Y Y -',
  'GET /facturation/mois/:month/brouillons':           '-   - - -   Y Y -',
  'GET /revenus':                                      '-   - - -   Y Y -',
  'GET /facturation':                                  '-   - - -   Y Y -',
  'GET /facturation/mois/:month':                      '-   - - -   Y Y -',
  'GET /facturation/mois/:month/factures.csv':         '-   - - -   Y Y -',
  'GET /facturation/factures/:number':                 '-   - - -   Y Y -',
  'GET /facturation/factures/:number/pdf':             '-   - - -   Y Y -',
  'GET /facturation/factures/:number/preuve':          '-   - - -   Y Y -',
  'GET /facturation/avoirs/:number/pdf':               '-   - - -   Y Y -',
  // Closing a month and issuing credit notes (manageBilling): admins and billing.
  'POST /api/v1/billing/months/:month/close':          '-   Y Y -   Y Y -',
  'POST /api/v1/billing/invoices/:number/credit-notes':'-   Y Y -   Y Y -',
  // Recording money received and sending relances (manageBilling): admins and billing.
  'POST /api/v1/billing/invoices/:number/payments':    '-   Y Y -   Y Y -',
  'POST /api/v1/billing/bank-statements':              '-   Y Y -   Y Y -',
  'POST /api/v1/billing/relances':                     '-   Y Y -   Y Y -',
  'POST /facturation/factures/:number/paiement':       '-   - - -   Y Y -',
  'POST /facturation/mois/:month/cloture':             '-   - - -   Y Y -',
  'POST /facturation/factures/:number/avoir':          '-   - - -   Y Y -',
  'POST /api/v1/billing/invoices/:number/credit-notes/draft': '-   Y Y -   Y Y -',
  'POST /facturation/factures/:number/avoir/confirmer': '-   - - -   Y Y -',
  // Approving or rejecting an invoice held at the close for its amount (reviewInvoices): admins only.
  'POST /api/v1/billing/months/:month/held/:cabinetId/approve': '-   Y - -   Y - -',
  'POST /api/v1/billing/months/:month/held/:cabinetId/reject':  '-   Y - -   Y - -',
  'POST /facturation/mois/:month/attente/:cabinetId/valider':   '-   - - -   Y - -',
  'POST /facturation/mois/:month/attente/:cabinetId/rejeter':   '-   - - -   Y - -',
  // Changing plans, cabinets and enrollment codes: admins only.
  'POST /api/v1/plans':                                '-   Y - -   Y - -',
  'POST /api/v1/cabinets':                             '-   Y - -   Y - -',
  'PATCH /api/v1/cabinets/:id':                        '-   Y - -   Y - -',
  'POST /api/v1/cabinets/:id/enrollment-codes':        '-   Y - -   Y - -',
  'POST /cabinets/:id/formule':                        '-   - - -   Y - -',
  'POST /cabinets/:id/code':                           '-   - - -   Y - -',
  'POST /api/v1/cabinets/:id/plan-change':             '-   Y - -   Y - -',
  'POST /cabinets/:id/coordonnees':                    '-   - - -   Y - -',
  // Closing an upgrade request once acted on (managePlans): admins only.
  'POST /api/v1/upgrade-requests/:id/handled':         '-   Y - -   Y - -',
  'POST /demandes/:id/traitee':                        '-   - - -   Y - -',
  // One's own account: password and API tokens, every role (someone else's token is "not found").
  'GET /compte':                                       '-   - - -   Y Y Y',
  'POST /compte/mot-de-passe':                         '-   - - -   Y Y Y',
  'POST /compte/jetons/:id/revoquer':                  '-   - - -   Y Y Y',
  // Disabling admins and revoking anyone's token (manageAdmins): admins only.
  'GET /administrateurs':                              '-   - - -   Y - -',
  'POST /administrateurs/:id/desactiver':              '-   - - -   Y - -',
  'POST /administrateurs/jetons/:id/revoquer':         '-   - - -   Y - -',
  // Ending all one's sessions, then logging out (this session): last, so the rows above keep their sessions.
  'POST /compte/sessions':                             '-   - - -   Y Y Y',
  'POST /deconnexion':                                 'Y   Y Y Y   Y Y Y',
};
const CONTROL_PLANE_COLUMNS = [
  'anon',
  'admin token',
  'billing token',
  'support token',
  'admin session',
  'billing session',
  'support session',
] as const;
const CONTROL_PLANE_ROLES = ['admin', 'billing', 'support'] as const;

const PASSWORD = 'correct horse battery staple';
/** A pre-session CSRF token every caller carries, so login and setup forms are judged on authorization alone. */
const FORM_TOKEN = 'matrixFormToken000000000';

interface Caller {
  name: string;
  headers: Record<string, string>;
  csrf?: string;
}

let cp: TestControlPlane;
let appliance: TestAppliance;
const applianceCallers = new Map<string, Caller[]>(); // column → callers (session and token)
const cpCallers = new Map<string, Caller[]>(); // column → the one caller it stands for
const params: Record<string, string> = {};

/** Logs into the control plane's dashboard as `email`: its session cookie and CSRF token (read from a page's form). */
async function dashboardSession(url: string, email: string): Promise<Caller> {
  const login = await fetch(`${url}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': `iam_form=${FORM_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: FORM_TOKEN, email, password: PASSWORD }).toString(),
  });
  const session = /cp_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
  expect(session, `dashboard login of ${email}`).toBeDefined();
  const page = await (await fetch(`${url}/cabinets`, { headers: { cookie: session! } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  expect(csrf, `CSRF token on the dashboard page of ${email}`).toBeDefined();
  return { name: `${email.split('@')[0]} session`, headers: { cookie: `${session}; iam_form=${FORM_TOKEN}` }, csrf };
}

beforeAll(async () => {
  const cpDir = tempDir('cp-authz-');
  cp = await startControlPlane(cpDir);
  cpCallers.set('anon', [{ name: 'anonymous', headers: { cookie: `iam_form=${FORM_TOKEN}` } }]);
  for (const role of CONTROL_PLANE_ROLES) {
    const email = `${role}@iamanager.fr`;
    cpCallers.set(`${role} token`, [
      {
        name: `${role} token`,
        headers: { authorization: `Bearer ${await createAdminToken(cpDir, email, role)}`, cookie: `iam_form=${FORM_TOKEN}` },
      },
    ]);
    cpCallers.set(`${role} session`, [await dashboardSession(cp.url, email)]);
  }
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'matrix',
    '--name',
    'Cabinet Matrix',
    '--plan',
    'enterprise',
    '--json',
  ]);

  const dir = tempDir('authz-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'matrix' });
  const admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@matrix.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@matrix.fr', PASSWORD);
  for (const [email, role] of [
    ['avocat@matrix.fr', 'avocat'],
    ['juriste@matrix.fr', 'juriste'],
    ['secretariat@matrix.fr', 'secretariat'],
    ['cible@matrix.fr', 'juriste'],
  ]) {
    expect((await admin.call('POST', '/api/users', { email, name: role, role, password: PASSWORD })).status).toBe(201);
  }
  applianceCallers.set('anon', [{ name: 'anonymous', headers: { cookie: `iam_form=${FORM_TOKEN}` } }]);
  for (const role of APPLIANCE_ROLES) {
    const b = new Browser(appliance.url);
    expect((await b.login(`${role}@matrix.fr`, PASSWORD)).status).toBe(200);
    const token = (await b.call('POST', '/api/tokens', { label: 'matrix' })).body.token as string;
    applianceCallers.set(role, [
      { name: `${role} session`, headers: { cookie: `${b.cookie}; iam_form=${FORM_TOKEN}` }, csrf: b.csrf },
      { name: `${role} token`, headers: { authorization: `Bearer ${token}`, cookie: `iam_form=${FORM_TOKEN}` } },
    ]);
  }

  const users = (await admin.call('GET', '/api/users')).body.users as Array<{ id: string; email: string }>;
  const caseId = (
    await admin.call('POST', '/api/cases', {
      client: { lastName: 'Matrice', firstName: 'Test', nationality: 'FR', birthDate: '1990-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
    })
  ).body.case.id as string;
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 matrix')], { type: 'application/pdf' }), 'acte.pdf');
  const doc = (await (
    await fetch(`${appliance.url}/api/cases/${caseId}/documents`, {
      method: 'POST',
      headers: { 'cookie': admin.cookie, 'x-csrf-token': admin.csrf },
      body: form,
    })
  ).json()) as any;
  const analysis = (await admin.call('POST', `/api/cases/${caseId}/analyses`, {})).body.analysis;
  Object.assign(params, {
    caseId,
    docId: doc.document.id,
    analysisFile: `${analysis.id}.pdf`,
    userId: users.find((u) => u.email === 'cible@matrix.fr')!.id,
  });
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

/** The concrete path to call for a route pattern: real ids, a bogus calendar secret. */
function pathOf(pattern: string): string {
  if (pattern === '/calendrier/:file') return `/calendrier/${'x'.repeat(32)}.ics`;
  if (pattern.startsWith('/api/users/') || pattern.startsWith('/admin/utilisateurs/')) return pattern.replace(':id', params.userId!);
  if (pattern.startsWith('/api/tokens/')) return pattern.replace(':id', '0123456789ab');
  if (pattern.startsWith('/api/v1/cabinets/') || pattern.startsWith('/cabinets/')) return pattern.replace(':id', 'matrix');
  // A future month (cannot be closed), documents that do not exist: refused after authorization.
  if (pattern.includes(':month')) return pattern.replace(':month', '2099-01').replace(':cabinetId', 'matrix');
  if (pattern.includes('/credit-notes/:number') || pattern.includes('/avoirs/:number')) return pattern.replace(':number', 'A-2026-000999');
  if (pattern.includes(':number')) return pattern.replace(':number', 'F-2026-000999');
  if (pattern.includes(':applianceId')) return pattern.replace(':applianceId', 'matrix-000000000000');
  return pattern.replace(':id', params.caseId!).replace(':docId', params.docId!).replace(':file', params.analysisFile!);
}

/** What a caller sends for a route: `{}` to the JSON API, a form (with its CSRF field) to a page, a bare token to the JWS endpoints. */
function requestOf(method: string, pattern: string, caller: Caller): RequestInit {
  const headers: Record<string, string> = { ...caller.headers };
  if (caller.csrf && method !== 'GET') headers['x-csrf-token'] = caller.csrf;
  let body: string | undefined;
  if (method !== 'GET') {
    if (
      pattern.startsWith('/v1/heartbeats') ||
      pattern.startsWith('/v1/usage-reports') ||
      pattern.startsWith('/v1/upgrade-requests') ||
      pattern === '/api/setup/license'
    ) {
      headers['content-type'] = 'application/jose';
      body = 'not.a.jws';
    } else if (pattern.startsWith('/api/') || pattern.startsWith('/v1/')) {
      headers['content-type'] = 'application/json';
      body = '{}';
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = `_csrf=${FORM_TOKEN}`;
    }
  }
  return { method, headers, body, redirect: 'manual' };
}

type Verdict = 'Y' | '-';

/** Refused: 401/403, or a page sending the visitor to log in first. */
function verdictOf(res: Response): Verdict {
  if (res.status === 401 || res.status === 403) return '-';
  if (res.status >= 300 && res.status < 400 && (res.headers.get('location') ?? '').startsWith('/connexion?next=')) return '-';
  return 'Y';
}

function columnsOf(row: string, names: readonly string[]): Array<[string, Verdict]> {
  const cells = row.trim().split(/\s+/) as Verdict[];
  expect(cells).toHaveLength(names.length);
  return names.map((n, i) => [n, cells[i]!]);
}

for (const service of ['appliance', 'control plane'] as const) {
  const matrix = service === 'appliance' ? APPLIANCE_MATRIX : CONTROL_PLANE_MATRIX;
  const columns: readonly string[] = service === 'appliance' ? ['anon', ...APPLIANCE_ROLES] : CONTROL_PLANE_COLUMNS;

  describe(`authorization matrix of the ${service}`, () => {
    it('has a row for every route the routers mount, and none for a route that is gone', async () => {
      const mounted = (service === 'appliance' ? await applianceRoutes() : await controlPlaneRoutes()).map(routeKey);
      expect({
        missingFromTable: mounted.filter((k) => !(k in matrix)),
        notMounted: Object.keys(matrix).filter((k) => !mounted.includes(k)),
      }).toEqual({ missingFromTable: [], notMounted: [] });
    });

    it.each(Object.entries(matrix))('%s: %s', async (key, row) => {
      const [method, pattern] = key.split(' ') as [string, string];
      const running = service === 'appliance' ? appliance : cp;
      const callers = service === 'appliance' ? applianceCallers : cpCallers;
      const got: string[] = [];
      const want: string[] = [];
      for (const [column, expected] of columnsOf(row, columns)) {
        for (const caller of callers.get(column)!) {
          const res = await fetch(`${running.url}${pathOf(pattern)}`, requestOf(method, pattern, caller));
          await res.arrayBuffer();
          expect(res.status, `${caller.name}: ${key}`).toBeLessThan(500);
          got.push(`${caller.name} ${verdictOf(res)} (${res.status})`);
          want.push(
            `${caller.name} ${expected} (${verdictOf(res) === expected ? res.status : expected === 'Y' ? 'not 401/403' : '401/403'})`,
          );
        }
      }
      expect(got).toEqual(want);
    });
  });
}

describe('CSRF on every write of the control plane made with a dashboard session', () => {
  it('refuses each POST and PATCH of the dashboard and the vendor API made with the session cookie but without its CSRF token', async () => {
    // A fresh session: the matrix's last rows ended the admin's sessions.
    const admin = await dashboardSession(cp.url, 'admin@iamanager.fr');
    const writes = Object.keys(CONTROL_PLANE_MATRIX).filter((k) => !k.startsWith('GET ') && !k.includes(' /v1/'));
    const accepted: string[] = [];
    for (const key of writes) {
      const [method, pattern] = key.split(' ') as [string, string];
      for (const csrf of [undefined, 'x'.repeat(24)]) {
        const init = requestOf(method, pattern, { ...admin, csrf: undefined });
        if (csrf) (init.headers as Record<string, string>)['x-csrf-token'] = csrf;
        const res = await fetch(`${cp.url}${pathOf(pattern)}`, init);
        await res.arrayBuffer();
        if (res.status !== 403) accepted.push(`${key} ${csrf ? 'wrong' : 'no'} token → ${res.status}`);
      }
    }
    expect(writes.length).toBeGreaterThanOrEqual(12);
    expect(accepted).toEqual([]);
  });
});

describe('CSRF on every write of the appliance', () => {
  it('refuses each POST, PATCH and DELETE made with a session cookie but without its CSRF token', async () => {
    // A fresh session: the matrix's last rows logged the others out.
    const b = new Browser(appliance.url);
    expect((await b.login('admin@matrix.fr', PASSWORD)).status).toBe(200);
    const admin: Caller = { name: 'admin session', headers: { cookie: `${b.cookie}; iam_form=${FORM_TOKEN}` }, csrf: b.csrf };
    const writes = Object.keys(APPLIANCE_MATRIX).filter((k) => !k.startsWith('GET '));
    const accepted: string[] = [];
    for (const key of writes) {
      const [method, pattern] = key.split(' ') as [string, string];
      for (const csrf of [undefined, 'x'.repeat(24)]) {
        const init = requestOf(method, pattern, { ...admin, csrf: undefined });
        if (csrf) (init.headers as Record<string, string>)['x-csrf-token'] = csrf;
        // The form's _csrf is the pre-session token, not the session's: refused too.
        const res = await fetch(`${appliance.url}${pathOf(pattern)}`, init);
        await res.arrayBuffer();
        if (res.status !== 403) accepted.push(`${key} ${csrf ? 'wrong' : 'no'} token → ${res.status}`);
      }
    }
    expect(writes.length).toBeGreaterThan(30);
    expect(accepted).toEqual([]);
  });
});
