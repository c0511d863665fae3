/**
 * Facts in, short analysis out, without a server: the new-case form's deadline questions and the
 * procedure derived from them, the questionnaire's answers saved over the case's facts, what
 * changed between two analyses, the analysis page's order (summary card first, unsupported routes
 * collapsed) and the PDF's (page numbers, caveats).
 */
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { runAnalysis, type AnalysisResult } from '../../../appliance/src/domain/ceseda/index.js';
import { diffAnalyses, hasChanges } from '../../../appliance/src/domain/cases/analysisDiff.js';
import { parseNewCaseForm } from '../../../appliance/src/web/newCaseForm.js';
import { applyQuestionnaire, questionnaireFacts } from '../../../appliance/src/web/factsQuestionnaire.js';
import { FACTS_CATALOGUES } from '../../../appliance/src/web/factsMessages.js';
import { CATALOGUES } from '../../../appliance/src/web/messages.js';
import { analysisViewOf, deadlinesOf } from '../../../appliance/src/web/caseViews.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import { changesView } from '../../../appliance/src/web/analysisChanges.js';
import { renderHtml } from '../../../appliance/src/web/render.js';
import { AnalysisSection } from '../../../appliance/src/web/pages/analysis.js';
import { FactsPage } from '../../../appliance/src/web/pages/facts.js';
import { NewCasePage } from '../../../appliance/src/web/pages/cases.js';
import { buildAnalysisPdf } from '../../../appliance/src/web/analysisPdf.js';
import type { Chrome } from '../../../appliance/src/web/viewModels.js';

const m = CATALOGUES.fr;
const f = FACTS_CATALOGUES.fr;
const TODAY = '2026-11-25';

const chrome: Chrome = {
  locale: 'fr',
  cabinetName: 'Cabinet Dupont',
  color: '#2c3e50',
  logoUrl: null,
  user: { name: 'Marie Durand', email: 'marie@dupont.fr', isAdmin: false },
  csrf: 'tok123',
  path: '/',
};

const client = { lastName: 'Benali', firstName: 'Karim', nationality: 'dz', birthDate: '1990-05-17' };

function stored(id: string, createdAt: string, result: AnalysisResult) {
  return { id, createdAt, model: result.model, rulesVersion: result.rulesVersion, facts: result.factsUsed, result };
}

function analyse(procedure: Parameters<typeof runAnalysis>[0]['procedure'], notifiedAt: string, facts: object, now: string) {
  return runAnalysis({ model: 'ceseda-pro-v1', procedure, decisionNotifiedAt: notifiedAt, facts, now: new Date(now), threshold: 0.6 });
}

describe('the new-case form’s deadline questions', () => {
  it('opens a refusal that came with an OQTF as the OQTF of the person’s situation, with the answers kept as facts', () => {
    const r = parseNewCaseForm(
      m,
      f,
      {
        ...client,
        procedure: 'refus_titre_sejour',
        oqtfAccompanies: 'yes',
        libertyStatus: 'assignation_residence',
        territory: 'metropole',
        competentCourt: 'TA de Lyon',
        decisionTakenOn: '2026-11-10',
        notificationMode: 'in_person',
        notificationDate: '2026-11-20',
        notificationTime: '',
      },
      TODAY,
    );
    expect(r).toEqual({
      ok: true,
      data: {
        client: { lastName: 'Benali', firstName: 'Karim', nationality: 'DZ', birthDate: '1990-05-17' },
        procedure: 'oqtf_assignation_residence',
        decisionNotifiedAt: '2026-11-20',
        facts: {
          oqtfAccompanies: true,
          libertyStatus: 'assignation_residence',
          territory: 'metropole',
          competentCourt: 'TA de Lyon',
          decisionTakenOn: '2026-11-10',
          notificationMode: 'in_person',
        },
      },
      derivation: {
        chosen: 'refus_titre_sejour',
        procedure: 'oqtf_assignation_residence',
        reason: 'refusal_with_oqtf',
        article: 'CESEDA L. 921-1 ; R. 614-1 (refus de séjour notifié avec l’OQTF)',
      },
    });
  });

  it('keeps a refusal without OQTF as chosen, and asks the OQTF question of every refusal', () => {
    const base = { ...client, procedure: 'refus_titre_sejour', notificationDate: '2026-11-20' };
    const without = parseNewCaseForm(m, f, { ...base, oqtfAccompanies: 'no' }, TODAY);
    expect(without.ok && without.data.procedure).toBe('refus_titre_sejour');
    expect(without.ok && without.derivation).toBeUndefined();
    const unanswered = parseNewCaseForm(m, f, base, TODAY);
    expect(unanswered.ok ? [] : unanswered.errors).toEqual([{ field: 'oqtfAccompanies', message: f.oqtfAccompaniesRequired }]);
    // An OQTF needs no such answer.
    expect(parseNewCaseForm(m, f, { ...base, procedure: 'oqtf' }, TODAY).ok).toBe(true);
  });

  it('refuses contradictory or impossible dates, naming the field to correct', () => {
    const r = parseNewCaseForm(
      m,
      f,
      {
        ...client,
        procedure: 'oqtf',
        decisionTakenOn: '2026-11-21',
        notificationMode: 'registered_letter',
        notificationDate: '2026-11-20',
        letterFirstPresentedOn: '2026-11-18',
        letterCollectedOn: '2026-11-17',
        letterNeverCollected: 'yes',
      },
      TODAY,
    );
    expect(r.ok ? [] : r.errors).toEqual([
      { field: 'decisionTakenOn', message: f.decisionAfterNotification },
      { field: 'letterCollectedOn', message: f.letterCollectedBeforePresented },
      { field: 'letterNeverCollected', message: f.letterCollectedAndNeverCollected },
    ]);
    const unknownMode = parseNewCaseForm(
      m,
      f,
      { ...client, procedure: 'oqtf', notificationDate: '2026-11-20', notificationMode: 'pigeon' },
      TODAY,
    );
    expect(unknownMode.ok ? [] : unknownMode.errors).toEqual([
      { field: 'notificationMode', message: 'Mode de notification : choisissez une valeur dans la liste.' },
    ]);
    const noDate = parseNewCaseForm(m, f, { ...client, procedure: 'oqtf', notificationMode: 'registered_letter' }, TODAY);
    expect(noDate.ok ? [] : noDate.errors.map((e) => e.field)).toContain('letterFirstPresentedOn');
  });

  it('keeps the letter’s dates only for a registered letter', () => {
    const r = parseNewCaseForm(
      m,
      f,
      { ...client, procedure: 'oqtf', notificationMode: 'in_person', notificationDate: '2026-11-20', letterFirstPresentedOn: '2026-11-18' },
      TODAY,
    );
    expect(r.ok && r.data.facts).toEqual({ notificationMode: 'in_person' });
  });

  it('renders the questions in a lawyer’s words, the letter’s dates in a group shown for a registered letter', () => {
    const html = renderHtml(
      h(NewCasePage, {
        chrome,
        view: {
          procedures: [{ code: 'refus_titre_sejour', label: 'Refus de titre de séjour sans OQTF' }],
          lawyers: [],
          errors: [{ field: 'oqtfAccompanies', message: f.oqtfAccompaniesRequired }],
          values: { oqtfAccompanies: '' },
        },
      }),
    );
    expect(html).toContain('<legend>La décision est-elle assortie d’une OQTF ?</legend>');
    expect(html).toContain('<input type="radio" name="oqtfAccompanies" value="yes" id="f-oqtfAccompanies"/>');
    expect(html).toContain(`<a href="#f-oqtfAccompanies">${f.oqtfAccompaniesRequired.replace(/’/g, '’')}</a>`);
    expect(html).toContain('<fieldset data-shown-when="notificationMode=registered_letter">');
    expect(html).toContain('<option value="retention">En rétention administrative</option>');
    expect(html).toContain('Refus de titre de séjour sans OQTF');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe('the questionnaire', () => {
  const creation = { oqtfAccompanies: true, libertyStatus: 'free', notificationMode: 'in_person' };

  it('saves the answers over the case’s facts, keeps the creation’s, and removes a fact answered “ne sait pas”', () => {
    // The page always sends the situation questions with their stored answers (libertyStatus here).
    const first = applyQuestionnaire(m, f, 'fr', 'oqtf', creation, {
      libertyStatus: 'free',
      marriedToFrenchNational: 'yes',
      communityOfLifeOngoing: 'no',
      childrenInFrance: '2',
      familyTiesInFrance: 'strong',
      criminalConviction: '',
    });
    expect(first).toEqual({
      ok: true,
      facts: {
        ...creation,
        marriedToFrenchNational: true,
        communityOfLifeOngoing: false,
        childrenInFrance: 2,
        familyTiesInFrance: 'strong',
      },
    });
    // Edited: one answer changed, one back to "ne sait pas".
    const edited = applyQuestionnaire(m, f, 'fr', 'oqtf', first.ok ? first.facts : {}, {
      libertyStatus: 'free',
      marriedToFrenchNational: 'yes',
      communityOfLifeOngoing: 'yes',
      childrenInFrance: '',
      familyTiesInFrance: 'strong',
    });
    expect(edited).toEqual({
      ok: true,
      facts: { ...creation, marriedToFrenchNational: true, communityOfLifeOngoing: true, familyTiesInFrance: 'strong' },
    });
  });

  it('names each refused answer in French with what it accepts', () => {
    const r = applyQuestionnaire(m, f, 'fr', 'oqtf', {}, { childrenInFrance: '45', yearsOfResidence: 'dix', frenchLevel: 'D4' });
    expect(r.ok ? [] : r.errors).toEqual([
      { field: 'yearsOfResidence', message: 'Années de présence en France : saisissez un nombre entre 0 et 120.' },
      { field: 'childrenInFrance', message: 'Nombre d’enfants en France : saisissez un nombre entre 0 et 30.' },
      { field: 'frenchLevel', message: 'Niveau de français attesté : choisissez une valeur dans la liste.' },
    ]);
  });

  it('asks each procedure its own questions', () => {
    expect(questionnaireFacts('oqtf')).toEqual(
      expect.arrayContaining(['childrenInFrance', 'previousOqtfNotExecuted', 'seriousHealthCondition']),
    );
    expect(questionnaireFacts('refus_visa')).toContain('visaType');
    expect(questionnaireFacts('oqtf')).not.toContain('visaType');
    expect(questionnaireFacts('naturalisation_refus')).toContain('frenchLevel');
    expect(questionnaireFacts('naturalisation_refus')).not.toContain('libertyStatus');
  });

  it('renders each question with its stored answer', () => {
    const html = renderHtml(
      h(FactsPage, {
        chrome,
        view: {
          caseId: 'c1',
          reference: 'D-1',
          clientName: 'BENALI Karim',
          procedureLabel: 'OQTF (personne libre)',
          sections: [
            {
              code: 'family',
              title: 'Situation familiale',
              questions: [
                { fact: 'marriedToFrenchNational', kind: 'yesno', label: 'Marié(e) à un(e) Français(e)' },
                { fact: 'childrenInFrance', kind: 'number', label: 'Nombre d’enfants en France', min: 0, max: 30 },
              ],
            },
          ],
          errors: [],
          values: { marriedToFrenchNational: 'yes', childrenInFrance: '2' },
        },
      }),
    );
    expect(html).toContain('action="/dossiers/c1/faits"');
    expect(html).toContain('<input type="radio" name="marriedToFrenchNational" value="yes" id="f-marriedToFrenchNational" checked/>');
    expect(html).toMatch(/<input id="f-childrenInFrance" name="childrenInFrance" type="number" min="0" max="30" step="1" value="2"/);
  });
});

describe('what changed between two analyses', () => {
  it('names the facts, deadlines, routes and estimate that moved', () => {
    const before = analyse('oqtf', '2026-11-20', {}, '2026-11-21T10:00:00Z');
    const married = {
      marriedToFrenchNational: true,
      communityOfLifeOngoing: true,
      spouseStillFrench: true,
      marriedInFrance: true,
      longStayVisa: true,
    };
    // Polygamy defeats every titre (CESEDA L. 432-3): each route goes from "à établir" to "non éligible".
    const after = analyse(
      'oqtf',
      '2026-11-20',
      { ...married, polygamy: true, libertyStatus: 'assignation_residence' },
      '2026-11-22T10:00:00Z',
    );
    const diff = diffAnalyses(stored('a1', '2026-11-21T10:00:00Z', before), stored('a2', '2026-11-22T10:00:00Z', after));
    expect(diff.since).toBe('2026-11-21T10:00:00Z');
    expect(diff.facts).toEqual([
      'communityOfLifeOngoing',
      'libertyStatus',
      'longStayVisa',
      'marriedInFrance',
      'marriedToFrenchNational',
      'polygamy',
      'spouseStillFrench',
    ]);
    // At liberty: 1 month franc from Friday 20 Nov 2026 → échéance 20 Dec, dernier jour utile Monday
    // 21 Dec 2026. Assigned: 7 days, the earlier reading non franc → Friday 27 Nov 2026.
    expect(diff.deadlines).toContainEqual({
      remedy: 'recours_contentieux',
      label: 'Recours en annulation (procédure collégiale spéciale, 1 mois)',
      before: '2026-12-21',
      after: null,
    });
    expect(diff.deadlines).toContainEqual({
      remedy: 'recours_contentieux',
      label: 'Recours en annulation (procédure à juge unique, 7 jours)',
      before: null,
      after: '2026-11-27',
    });
    expect(diff.routes.find((r) => r.titre === 'conjoint_francais')).toMatchObject({ before: 'undetermined', after: 'not_eligible' });
    expect(hasChanges(diff)).toBe(true);
    const lines = changesView(stored('a1', '2026-11-21T10:00:00Z', before), stored('a2', '2026-11-22T10:00:00Z', after), 'fr').lines;
    expect(lines).toContain('Recours en annulation (procédure à juge unique, 7 jours) : nouvelle échéance 27/11/2026.');
    expect(lines).toContain('Recours en annulation (procédure collégiale spéciale, 1 mois) : ne s’applique plus.');
    expect(lines).toContain('Carte de séjour « vie privée et familiale » — conjoint de Français : à établir → non éligible.');
    expect(lines[0]).toMatch(/^Faits modifiés : .*Situation de la personne aujourd’hui/);
  });

  it('says nothing changed when the facts did not', () => {
    const a = analyse('refus_titre_sejour', '2026-11-20', { childrenInFrance: 1 }, '2026-11-21T10:00:00Z');
    const b = analyse('refus_titre_sejour', '2026-11-20', { childrenInFrance: 1 }, '2026-11-21T11:00:00Z');
    expect(hasChanges(diffAnalyses(stored('a', '2026-11-21T10:00:00Z', a), stored('b', '2026-11-21T11:00:00Z', b)))).toBe(false);
  });
});

describe('the analysis page and PDF', () => {
  const noFacts = analyse('oqtf', '2026-11-20', {}, '2026-11-21T10:00:00Z');
  const page = (result: AnalysisResult, now = '2026-11-21T10:00:00Z', changes?: { since: string; lines: string[] }) =>
    renderHtml(
      h(AnalysisSection, {
        chrome,
        analysis: { ...analysisViewOf(stored('a1', '2026-11-21T10:00:00Z', result), 0.6), ...(changes ? { changes } : {}) },
        base: '/dossiers/c1',
        canRun: true,
        canExport: true,
        now,
      }),
    );

  it('opens with the summary card: the next deadline, its court and article, the weekday and how long is left', () => {
    const html = page(noFacts);
    const card = html.slice(html.indexOf('summary-title'), html.indexOf('<table>'));
    // OQTF at liberty notified Friday 20 Nov 2026: 1 month franc → Monday 21 December 2026; on Saturday 21 Nov, 30 days left.
    expect(card).toContain(
      'Recours en annulation (procédure collégiale spéciale, 1 mois) — <time datetime="2026-12-21T12:00:00Z">lundi 21 décembre 2026</time>',
    );
    expect(card).toContain('(reste 30 jour(s))');
    expect(card).toContain('<dd>CESEDA L. 911-1 (jugement sous 6 mois)</dd>');
    expect(card).toContain(f.verifyAgainstNotification);
    expect(html.indexOf('summary-title')).toBeLessThan(html.indexOf('<table>'));
  });

  it('collapses the routes the facts do not support and the rules; unfolds a plausible one with its counts', () => {
    const html = page(noFacts);
    expect(html).toContain(f.noPlausibleRoute);
    const others = html.indexOf('<details class="other-routes">');
    expect(others).toBeGreaterThan(html.indexOf('<table>'));
    expect(html.indexOf('Carte de séjour « vie privée et familiale » — conjoint de Français')).toBeGreaterThan(others);
    expect(html).toMatch(/<details class="rules-applied"><summary>Règles appliquées \(\d+\)<\/summary>/);
    const married = analyse(
      'oqtf',
      '2026-11-20',
      { marriedToFrenchNational: true, communityOfLifeOngoing: true, spouseStillFrench: true, marriedInFrance: true },
      '2026-11-21T10:00:00Z',
    );
    const open = page(married);
    const heading = open.indexOf('<h4>Carte de séjour « vie privée et familiale » — conjoint de Français');
    expect(heading).toBeGreaterThan(-1);
    expect(heading).toBeLessThan(open.indexOf('<details class="other-routes">'));
    expect(open).toMatch(
      /conjoint de Français \(CESEDA L\. 423-1\) <span class="route-counts">— \d+ remplie\(s\), 0 non remplie\(s\), \d+ à établir<\/span><\/h4>/,
    );
  });

  it('shows every reading’s date for a deadline courts disagree on, and says an unknown hour was counted from 0 h', () => {
    // Assigned, notified Friday 20 Nov 2026: 7 days non franc → Friday 27 Nov; franc → échéance
    // 27 Nov, dernier jour utile Saturday 28 Nov → extended to Monday 30 Nov 2026.
    const assigned = page(analyse('oqtf_assignation_residence', '2026-11-20', {}, '2026-11-21T10:00:00Z'));
    expect(assigned).toContain('<time datetime="2026-11-27T12:00:00Z">27/11/2026</time> — délai non franc');
    expect(assigned).toContain('<time datetime="2026-11-30T12:00:00Z">30/11/2026</time> — délai franc');
    expect(assigned).toContain('<strong> (retenue (la plus précoce))</strong>');
    // Rétention, the hour unknown: 48 h from 0 h on 20 Nov (Paris, UTC+1) → 22 Nov 2026 00:00 Paris.
    const retention = page(analyse('oqtf_retention', '2026-11-20', {}, '2026-11-20T12:00:00Z'), '2026-11-20T12:00:00Z');
    const card = retention.slice(retention.indexOf('summary-title'), retention.indexOf('<table>'));
    expect(card).toContain('<time datetime="2026-11-22T00:00:00+01:00">dimanche 22 novembre 2026 à 00:00</time>');
    expect(card).toContain('(reste 35 heure(s))');
    expect(card).toContain(f.hourUnknown);
  });

  it('lists what changed since the last analysis right after the summary card', () => {
    const html = page(noFacts, '2026-11-21T10:00:00Z', { since: '2026-11-20T10:00:00Z', lines: ['Estimation : 40 % → 55 %.'] });
    const changes = html.indexOf('Depuis l’analyse du 20/11/2026 11:00');
    expect(changes).toBeGreaterThan(html.indexOf('summary-title'));
    expect(changes).toBeLessThan(html.indexOf('<table>'));
    expect(html).toContain('<li>Estimation : 40 % → 55 %.</li>');
  });

  it('writes the PDF in the same order, with page numbers and the caveats', async () => {
    const analysis = analysisViewOf(stored('a1', '2026-11-21T10:00:00Z', noFacts), 0.6);
    const pdf = await buildAnalysisPdf({
      locale: 'fr',
      cabinet: { name: 'Cabinet Dupont', siret: null, address: null },
      caseReference: 'D-2026-0001',
      clientName: 'BENALI Karim',
      procedureLabel: 'OQTF (personne libre)',
      analysis,
      now: new Date('2026-11-21T10:00:00Z'),
      legible: true,
    });
    const raw = pdf.toString('latin1');
    const pages = Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(raw)?.[1]);
    expect(pages).toBeGreaterThan(1);
    // The text operators' strings, in drawing order (built-in fonts: WinAnsi bytes in hex); a
    // wrapped line is joined back with a space.
    // (Node's TextDecoder reads windows-1252 as latin1: the few WinAnsi punctuation bytes are mapped here.)
    const PUNCTUATION: Record<string, string> = { '\x92': '’', '\x96': '–', '\x97': '—', '\x95': '•', '\x85': '…' };
    const winAnsi = { decode: (b: Buffer) => b.toString('latin1').replace(/[\x85\x92\x95-\x97]/g, (c) => PUNCTUATION[c]!) };
    const text = [...raw.matchAll(/\[([^\]]*)\] TJ/g)]
      .map((op) => [...op[1]!.matchAll(/<([0-9a-f]*)>/gi)].map((s) => winAnsi.decode(Buffer.from(s[1]!, 'hex'))).join(''))
      .join(' ')
      .replace(/\s+/g, ' ');
    for (let n = 1; n <= pages; n++) expect(text).toContain(`Page ${n} sur ${pages}`);
    const plain = (s: string) => s.replace(/\s+/g, ' ');
    const at = (s: string) => {
      const i = text.indexOf(plain(s));
      expect(i, s).toBeGreaterThan(-1);
      return i;
    };
    expect(at('En bref')).toBeLessThan(at('Recours en annulation (procédure collégiale spéciale, 1 mois) — 21/12/2026'));
    expect(at('lundi 21 décembre 2026 (reste 30 jour(s))')).toBeLessThan(at('Échéances'));
    expect(at('Échéances')).toBeLessThan(at('Voies de régularisation plausibles'));
    expect(at('Voies de régularisation plausibles')).toBeLessThan(at('Règles appliquées'));
    expect(at('Règles appliquées')).toBeLessThan(at('Réserves'));
    expect(text.indexOf(plain('L’avocat vérifie chaque échéance'), at('Réserves'))).toBeGreaterThan(-1);
    expect(at('L. 921-1 (7 jours) : délai franc ou non franc')).toBeGreaterThan(at('Réserves'));
  });
});

describe('a 48-hour deadline whose hour is unknown', () => {
  it('says it was counted from 0 h in the deadline lists (dashboard, case page, calendar)', () => {
    const record = {
      id: '00000000-0000-4000-8000-000000000001',
      reference: 'D-2026-0009',
      client: { lastName: 'Haddad', firstName: 'Nadia', nationality: 'TN', birthDate: '1988-03-14' },
      procedure: 'oqtf_retention',
      decisionNotifiedAt: '2026-11-20',
      facts: { libertyStatus: 'retention' },
      analyses: [],
      updatedAt: '2026-11-20T12:00:00Z',
    } as unknown as CaseRecord;
    const [first] = deadlinesOf(record);
    // 48 h from 0 h on Friday 20 Nov 2026 (Paris, UTC+1) → Sunday 22 Nov 2026 at 0 h Paris.
    expect(first).toMatchObject({ dueAt: '2026-11-22T00:00:00+01:00', hourly: true });
    expect(first!.label).toContain('heure de notification inconnue : décompté depuis 0 h (lecture la plus prudente)');
    const withHour = { ...record, id: '00000000-0000-4000-8000-000000000002', decisionNotifiedAt: '2026-11-20T10:30:00+01:00' };
    expect(deadlinesOf(withHour as CaseRecord)[0]!.label).not.toContain('heure de notification inconnue');
  });
});

describe('in English', () => {
  it('asks the same questions and shows the same summary', () => {
    const en = { ...chrome, locale: 'en' as const };
    const form = renderHtml(h(NewCasePage, { chrome: en, view: { procedures: [], lawyers: [], errors: [], values: {} } }));
    expect(form).toContain('<legend>Did the decision come with a removal order (OQTF)?</legend>');
    expect(form).toContain('<option value="registered_letter">Registered letter</option>');
    const result = analyse('oqtf', '2026-11-20', {}, '2026-11-21T10:00:00Z');
    const html = renderHtml(
      h(AnalysisSection, {
        chrome: en,
        analysis: analysisViewOf(stored('a1', '2026-11-21T10:00:00Z', result), 0.6),
        base: '/dossiers/c1',
        canRun: false,
        canExport: false,
        now: '2026-11-21T10:00:00Z',
      }),
    );
    expect(html).toContain('<h3 id="summary-title">In short</h3>');
    expect(html).toContain('Monday, 21 December 2026');
    expect(html).toContain('(30 day(s) left)');
  });
});
