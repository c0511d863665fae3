/**
 * The web UI's pages rendered to strings from view-models: user text escaped everywhere, no inline
 * script or style (the CSP forbids both), labelled fields with French errors naming the field.
 */
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../appliance/src/web/render.js';
import { CaseListPage, CasePage, NewCasePage } from '../../../appliance/src/web/pages/cases.js';
import { DashboardPage } from '../../../appliance/src/web/pages/dashboard.js';
import { SetupPage } from '../../../appliance/src/web/pages/setup.js';
import { LoginPage } from '../../../appliance/src/web/pages/auth.js';
import { AdminBackupsPage } from '../../../appliance/src/web/pages/adminBackups.js';
import { AdminLicensePage } from '../../../appliance/src/web/pages/adminLicense.js';
import { AdminIdentityPage } from '../../../appliance/src/web/pages/adminIdentity.js';
import { AdminConnectionPage } from '../../../appliance/src/web/pages/adminConnection.js';
import { AdminUsersPage } from '../../../appliance/src/web/pages/adminUsers.js';
import type { AnalysisView, BackupView, CaseView, Chrome } from '../../../appliance/src/web/viewModels.js';
import { analysisViewOf } from '../../../appliance/src/web/caseViews.js';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/index.js';

const EVIL = '<script>alert("x")</script>';

function chrome(over: Partial<Chrome> = {}): Chrome {
  return {
    locale: 'fr',
    cabinetName: 'Cabinet Dupont & Associés',
    color: '#2c3e50',
    logoUrl: null,
    user: { name: 'Marie Durand', email: 'marie@dupont.fr', isAdmin: true },
    csrf: 'tok123',
    path: '/',
    ...over,
  };
}

const BACKUPS_OFF: BackupView = {
  configured: false,
  dailyAt: null,
  lastBackupAt: null,
  nextBackupAt: null,
  backups: 0,
  dir: '/backups',
  lastError: null,
};

function backupsProps(backup: BackupView) {
  return { chrome: chrome({ path: '/admin/sauvegardes' }), backup };
}

/** Every page must be free of inline script and style, whatever it shows. */
function expectCspSafe(html: string): void {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/\sstyle=/);
  expect(html).not.toMatch(/\son[a-z]+=/);
}

const analysis: AnalysisView = {
  id: 'an1',
  model: 'ceseda-pro-v1',
  createdAt: '2026-11-20T10:00:00Z',
  rulesAsOf: '2026-11-01',
  deadlines: [
    {
      label: 'Recours contentieux',
      court: 'Tribunal administratif de Lyon',
      dueAt: '2026-11-22T10:00:00Z',
      hourly: true,
      computation: '48 heures à compter de la notification',
      article: 'CESEDA art. L. 614-6',
    },
  ],
  eligibility: [
    {
      titre: 'Carte de séjour « vie privée et familiale »',
      conditions: [
        { label: 'Parent d’un enfant français', status: 'unknown', article: 'CESEDA art. L. 423-7', evidence: 'acte de naissance' },
      ],
    },
  ],
  estimate: {
    probability: 0.9,
    low: 0.8,
    high: 0.95,
    threshold: 0.87,
    factors: [{ label: 'Enfant français', effect: 0.4 }],
    wideRange: false,
    unknown: [],
    baseRate: null,
    caveats: [],
  },
  rules: [{ rule: 'Délai de 48 heures non prorogé', article: 'CESEDA art. R. 776-2' }],
};

describe('web pages', () => {
  it('escapes client names, notes and search text on the case list', () => {
    const html = renderHtml(
      h(CaseListPage, {
        chrome: chrome({ path: '/dossiers' }),
        view: {
          rows: [
            {
              id: 'c1',
              reference: 'D-2026-001',
              clientName: EVIL,
              nationality: 'ma',
              procedure: 'oqtf',
              procedureLabel: 'OQTF',
              status: 'open',
              assignedTo: 'Me Dupont',
              nextDeadline: '2026-11-25T10:00:00Z',
            },
          ],
          query: { q: '"><img src=x>', procedure: '', status: 'open', sort: 'echeance', mine: false, page: 1 },
          total: 1,
          pageSize: 50,
          procedures: [{ code: 'oqtf', label: 'OQTF' }],
          canCreate: true,
          now: '2026-11-24T12:00:00Z',
        },
      }),
    );
    expectCspSafe(html);
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script>');
    expect(html).not.toContain('"><img src=x>');
    expect(html).toContain('Cabinet Dupont &amp; Associés');
    expect(html).toContain('Page 1 sur 1 — 1 dossier(s)');
    expect(html).toContain('href="/dossiers/c1"');
  });

  it('ties each French validation message to its field on the new-case form', () => {
    const html = renderHtml(
      h(NewCasePage, {
        chrome: chrome(),
        view: {
          procedures: [{ code: 'oqtf', label: 'OQTF' }],
          lawyers: [],
          errors: [{ field: 'lastName', message: 'Nom : ce champ est obligatoire.' }],
          values: { notes: EVIL },
        },
      }),
    );
    expectCspSafe(html);
    expect(html).toContain('<a href="#f-lastName">Nom : ce champ est obligatoire.</a>');
    expect(html).toMatch(
      /<input id="f-lastName" name="lastName" type="text" required aria-invalid="true" aria-describedby="f-lastName-error"\/>/,
    );
    expect(html).toContain('<label for="f-firstName" class="required">');
    expect(html).not.toContain(EVIL);
    expect(html).toContain('name="_csrf" value="tok123"');
  });

  it('shows the analysis with each rule’s article and the estimate against the threshold', () => {
    const view: CaseView = {
      id: 'c1',
      reference: 'D-1',
      clientName: 'Amina K.',
      status: 'open',
      procedureLabel: 'OQTF en rétention',
      facts: [{ label: 'Notes', value: EVIL }],
      documents: [{ id: 'd1', name: `${EVIL}.pdf`, size: 10, uploadedAt: '2026-11-20T10:00:00Z' }],
      history: [],
      deadlines: [],
      analysis,
      calendarUrl: null,
      can: { write: true, archive: true, analyse: true, export: true },
    };
    const html = renderHtml(h(CasePage, { chrome: chrome(), view }));
    expectCspSafe(html);
    expect(html).not.toContain(EVIL);
    expect(html).toContain('CESEDA art. R. 776-2');
    expect(html).toContain('Probabilité de succès estimée : 90 % (fourchette 80–95 %)');
    // 90 % with a range from 80 %: the estimate reaches the 87 % threshold and the low end stays above
    // even odds, so a strong case by the analysis's rule (estimate.ts verdictOf).
    expect(html).toContain(
      '<p class="verdict strong">Dossier solide : l’estimation atteint le seuil du cabinet (87 %) et la borne basse de la fourchette reste d’au moins 50 %.</p>',
    );
    expect(html).toContain('href="/dossiers/c1/analyses/an1.pdf"');
    // The upload form carries the CSRF token as its first field, never in its URL (which logs and
    // Referer headers keep): the route reads it from the multipart body before the file.
    expect(html).toContain('action="/dossiers/c1/pieces" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="tok123"/>');
    const verdictFor = (probability: number, low: number, high: number) => {
      const estimate = { ...analysis.estimate!, probability, low, high };
      return renderHtml(h(CasePage, { chrome: chrome(), view: { ...view, analysis: { ...analysis, estimate } } }));
    };
    expect(verdictFor(0.9, 0.9, 0.95)).toContain(
      '<p class="verdict strong">Dossier solide : même la borne basse de la fourchette atteint le seuil du cabinet (87 %).</p>',
    );
    expect(verdictFor(0.9, 0.45, 0.95)).toContain(
      '<p class="verdict">Issue incertaine : l’estimation atteint le seuil du cabinet (87 %), mais la borne basse de la fourchette est sous 50 %.</p>',
    );
    expect(verdictFor(0.8, 0.6, 0.95)).toContain(
      '<p class="verdict">Issue incertaine : la fourchette encadre le seuil du cabinet (87 %).</p>',
    );
    expect(verdictFor(0.7, 0.5, 0.85)).toContain('<p class="verdict">Dossier en deçà du seuil du cabinet (87 %).</p>');
  });

  it('shows a stored analysis in French: computation steps, notes, and a délai that runs from a later event', () => {
    const result = runAnalysis({
      model: 'ceseda-basic-v1',
      procedure: 'refus_visa',
      decisionNotifiedAt: '2026-01-09',
      facts: {},
      now: new Date('2026-01-10T10:00:00Z'),
      threshold: 0.6,
    });
    const stored = { id: 'an2', createdAt: '2026-01-10T10:00:00Z', model: result.model, rulesVersion: result.rulesVersion, result };
    const view: CaseView = {
      id: 'c2',
      reference: 'D-2',
      clientName: 'Karim B.',
      status: 'open',
      procedureLabel: 'Refus de visa',
      facts: [],
      documents: [],
      history: [],
      deadlines: [],
      analysis: analysisViewOf(stored, 0.6),
      calendarUrl: null,
      can: { write: false, archive: false, analyse: false, export: false },
    };
    const html = renderHtml(h(CasePage, { chrome: chrome(), view }));
    expectCspSafe(html);
    // The visa RAPO's earliest reading (non franc, not extended) since rules 2026-12-05: Sunday 8 Feb kept.
    expect(html).toContain(
      'Délai de 30 jours courant à compter du lendemain de la notification : dernier jour utile le dimanche 8 février 2026, jusqu’à minuit. Selon cette lecture, le délai n’est pas prorogé lorsqu’il expire un samedi, un dimanche ou un jour férié.',
    );
    expect(html).toContain(
      '<p class="hint">Recours rédigé en français et motivé (D. 312-5 / D. 312-7-1). Le silence gardé pendant 2 mois vaut rejet.</p>',
    );
    expect(html).toContain('<td>À déterminer</td>');
    expect(html).toContain('Délai de 2 mois (CJA R. 421-1) courant à compter du rejet du RAPO');
  });

  it('groups deadlines by urgency on the dashboard, each linking to its case', () => {
    const item = {
      caseId: 'c9',
      caseLabel: 'D-9 — Karim B.',
      label: 'Recours TA',
      dueAt: '2026-11-25T10:00:00Z',
      hourly: true,
      article: 'CESEDA art. L. 614-6',
    };
    const html = renderHtml(
      h(DashboardPage, {
        chrome: chrome(),
        view: {
          sections: [
            {
              id: 'mine',
              total: 1,
              groups: [{ urgency: 'within48h', items: [item], total: 1, page: 1, pages: 1, pageSize: 10, collapsed: false }],
            },
            { id: 'cabinet', total: 0, groups: [] },
            { id: 'optional', total: 0, groups: [] },
          ],
          now: '2026-11-24T12:00:00Z',
          openByProcedure: [{ procedure: 'oqtf', label: 'OQTF', count: 3 }],
          plan: 'starter',
          meters: [{ label: 'Utilisateurs actifs', used: 3, limit: 3 }],
          calendarFeed: false,
        },
      }),
    );
    expectCspSafe(html);
    expect(html).toContain('Moins de 48 h');
    expect(html).not.toContain('Dépassées');
    expect(html).toContain('<a href="/dossiers/c9">D-9 — Karim B.</a>');
    // With its weekday, its hour (a délai in hours) and what is left: 11:00 Paris on the 25th is 22 hours after 13:00 on the 24th.
    expect(html).toContain('<time datetime="2026-11-25T10:00:00Z">mer. 25 nov. 2026, 11:00</time>');
    expect(html.replaceAll('\u00a0', ' ')).toContain('<strong class="left">dans 22 h</strong>');
    expect(html).toContain('Mes échéances');
    expect(html).toContain('Aucune autre échéance au cabinet.');
    // The plan's name in French, not the license's code.
    expect(html).toContain('<strong>Starter</strong>');
    expect(html).toContain('class="meter at-limit"');
  });

  it('lists the exact heartbeat fields and the certificate fingerprint in the setup wizard', () => {
    const html = renderHtml(
      h(SetupPage, {
        chrome: chrome({ user: null }),
        view: {
          step: 'enroll',
          cabinetId: null,
          controlPlaneUrl: null,
          certificateFingerprint: 'AB:CD:EF',
          caFingerprint: '12:34',
          caDownload: '/ca.crt',
          caNotAfter: '2028-12-04T10:00:00.000Z',
          caRenewal: { renewedAt: '2026-12-05T10:00:00.000Z', reason: 'it expires on 2027-01-20', previousFingerprint: '56:78' },
          heartbeatFields: [{ field: 'usage.casesOpen', purpose: 'limites' }],
          retention: 'jamais de noms',
          errors: [],
          values: {},
        },
      }),
    );
    expectCspSafe(html);
    expect(html).toContain('<code>usage.casesOpen</code>');
    expect(html).toContain('AB:CD:EF');
    expect(html).toContain('<a href="/ca.crt" download>');
    // The CA's limits and life, and a replacement the IT person must act on.
    expect(html).toContain('ne peut garantir que les noms de cet appareil');
    expect(html).toContain('Valable jusqu’au 04/12/2028');
    expect(html).toContain('L’autorité a été remplacée le 05/12/2026');
    expect(html).toContain('d’empreinte 56:78');
    expect(html).not.toContain('Administration');
  });

  it('renders the login page in English when asked, with the generic wrong-credentials message', () => {
    const html = renderHtml(
      h(LoginPage, {
        chrome: chrome({ locale: 'en', user: null }),
        email: EVIL,
        errors: [{ field: '', message: 'Wrong email or password.' }],
      }),
    );
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Wrong email or password.');
    expect(html).not.toContain(EVIL);
  });

  it('says plainly on the admin page that backups are off without a passphrase, and that nothing can be restored without it', () => {
    const html = renderHtml(h(AdminBackupsPage, backupsProps(BACKUPS_OFF)));
    expect(html).toContain('Sauvegardes désactivées : aucune phrase de passe n’est définie (BACKUP_PASSPHRASE)');
    expect(html).toContain('Sans elle, aucune sauvegarde ne peut être restaurée');
    expect(html).not.toContain('Prochaine sauvegarde');
  });

  it('shows the backup schedule, the last and next backup, and a failure on the admin page', () => {
    const html = renderHtml(
      h(
        AdminBackupsPage,
        backupsProps({
          configured: true,
          dailyAt: '02:30',
          lastBackupAt: '2026-03-14T01:30:00.000Z',
          nextBackupAt: '2026-03-15T01:30:00.000Z',
          backups: 9,
          dir: '/backups',
          lastError: { at: '2026-03-15T01:30:00.000Z', code: 'storage_full', message: EVIL },
        }),
      ),
    );
    expectCspSafe(html);
    expect(html).not.toContain('Sauvegardes désactivées');
    expect(html).toContain('chaque jour à 02:30');
    expect(html).toContain('9 (7 quotidiennes, 4 hebdomadaires, 6 mensuelles)');
    expect(html).toContain('La dernière sauvegarde a échoué');
    expect(html).toContain('le disque qui porte le dossier des sauvegardes est plein : libérez de la place.');
    expect(html).not.toContain(EVIL);
    expect(html).toContain('Sans elle, aucune sauvegarde ne peut être restaurée');
  });

  it('shows what an upgrade would bring on the license page, and escapes what the admin pages show', () => {
    const license = renderHtml(
      h(AdminLicensePage, {
        chrome: chrome({ path: '/admin/licence' }),
        license: {
          plan: 'starter',
          state: 'valid',
          expiresAt: '2027-01-01T00:00:00Z',
          model: 'ceseda-basic-v1',
          meters: [],
          warnings: [],
          upgrade: { plan: 'professional', maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500, model: 'ceseda-pro-v1' },
        },
        errors: [],
      }),
    );
    expectCspSafe(license);
    expect(license).toContain('Ce qu’apporterait la formule Professionnel');
    expect(license).toContain('ceseda-pro-v1');
    expect(license).toContain('<a href="/admin/licence" aria-current="page">');
    const connection = renderHtml(
      h(AdminConnectionPage, {
        chrome: chrome({ path: '/admin/connexion-editeur' }),
        heartbeat: {
          enabled: true,
          controlPlaneUrl: 'https://cp.iamanager.fr',
          lastSentAt: null,
          lastAcknowledgedAt: null,
          queued: 2,
          lastError: EVIL,
          fields: [],
          lastPayload: { note: EVIL },
        },
      }),
    );
    // The state in words, the address in its own row (it used to stand in the « Statut » row).
    expect(connection).toContain('<dt>Statut</dt><dd id="heartbeat-state">Activée, en échec</dd>');
    expect(connection).toContain('<dt>Adresse</dt><dd><code>https://cp.iamanager.fr</code></dd>');
    const identity = renderHtml(
      h(AdminIdentityPage, {
        chrome: chrome({ path: '/admin/identite' }),
        identity: { name: EVIL, siret: '73282932000074', address: null, logoUrl: null, color: '#2c3e50' },
      }),
    );
    const users = renderHtml(
      h(AdminUsersPage, {
        chrome: chrome({ path: '/admin/utilisateurs' }),
        view: {
          users: [
            {
              id: 'u1',
              name: EVIL,
              email: 'a@b.fr',
              role: 'admin',
              roleLabel: 'Administrateur',
              active: true,
              self: false,
              linkExpiresAt: null,
              linkExpired: false,
              mustChangePassword: true,
              secondFactor: false,
            },
          ],
          roles: [{ name: 'avocat', label: 'Avocat' }],
          form: null,
          errors: [],
          values: {},
          shown: null,
        },
      }),
    );
    for (const html of [connection, identity, users]) {
      expectCspSafe(html);
      expect(html).not.toContain(EVIL);
    }
    expect(users).toContain('Mot de passe provisoire à changer');
  });
});
