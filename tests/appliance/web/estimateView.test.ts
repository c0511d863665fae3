/**
 * The estimate block of the analysis page and PDF shows what the analysis JSON says about trusting
 * the figure: the caveats (ordre de grandeur, CJA art. L. 10, caps), the base rate and its source
 * (flagged when borrowed), a wide range in words and the unknown facts that would narrow it.
 */
import { h } from 'preact';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/index.js';
import type { ProcedureCode } from '../../../appliance/src/domain/ceseda/procedures.js';
import { analysisViewOf } from '../../../appliance/src/web/caseViews.js';
import { buildAnalysisPdf } from '../../../appliance/src/web/analysisPdf.js';
import { writeEstimatePdf } from '../../../appliance/src/web/estimatePdf.js';
import { EstimateSection } from '../../../appliance/src/web/estimateView.js';
import { estimateViewOf, type EstimateView } from '../../../appliance/src/web/estimateViewModel.js';
import type { Locale } from '../../../appliance/src/web/messages.js';
import { CasePage } from '../../../appliance/src/web/pages/cases.js';
import { renderHtml } from '../../../appliance/src/web/render.js';
import type { AnalysisView, CaseView } from '../../../appliance/src/web/viewModels.js';
import { pdfText } from '../../support/pdfText.js';

const NOW = new Date('2026-11-24T10:00:00Z');

/** A stored pro analysis of a case with no fact filled in, as the case page reads it. */
function storedAnalysis(procedure: ProcedureCode, facts: object = {}): AnalysisView {
  const result = runAnalysis({ model: 'ceseda-pro-v1', procedure, decisionNotifiedAt: '2026-11-20', facts, now: NOW, threshold: 0.87 });
  return analysisViewOf({ id: 'an1', createdAt: NOW.toISOString(), model: result.model, rulesVersion: result.rulesVersion, result }, 0.87);
}

/** The HTML's text with tags removed and entities the renderer uses decoded, whitespace collapsed. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/\s+/g, ' ');
}

/** The estimate block written alone into an uncompressed Helvetica PDF, as text (lines re-joined). */
async function estimatePdfText(e: EstimateView, locale: Locale): Promise<string> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: false });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font('Helvetica').fontSize(10);
  writeEstimatePdf(doc, e, locale);
  doc.end();
  return (await pdfText(await done)).replace(/\s+/g, ' ');
}

const CAVEAT_L10 =
  'Ordre de grandeur établi à partir de moyennes publiées et de pondérations fixées à dire d’expert et documentées, arrondi à 5 points ; ce n’est pas une prédiction de la décision d’une juridiction ou d’un juge déterminé (CJA art. L. 10).';
const OQTF_SOURCE =
  'Cour des comptes, janv. 2024 : environ 18 % à 20 % des OQTF contestées sont annulées (rapport « La politique de lutte contre l’immigration irrégulière »)';

describe('estimate block on the analysis page and in the PDF', () => {
  // A Dublin transfer with nothing known: the OQTF rate borrowed (19 %), range 5–65 % (see
  // tests/appliance/ceseda/estimate.test.ts for the computation), every fact unknown.
  const analysis = storedAnalysis('transfert_dublin');
  const e = analysis.estimate!;

  it('carries the caveats, the source, the borrowed flag and the unknown facts from the stored JSON', () => {
    expect(e).toMatchObject({ probability: 0.2, low: 0.05, high: 0.65, wideRange: true, baseRate: { p: 0.19, borrowed: true } });
    expect(e.caveats).toContain(CAVEAT_L10);
    expect(e.unknown.map((u) => u.label).slice(0, 3)).toEqual([
      'Conditions d’un titre de séjour de plein droit toutes remplies',
      'Menace pour l’ordre public invoquée',
      'Vice relevé dans la décision (motivation, procédure, compétence)',
    ]);
  });

  it('shows them on the page, in French, and the case page uses that block', () => {
    const html = renderHtml(h(EstimateSection, { estimate: e, locale: 'fr' }));
    const text = htmlText(html);
    expect(text).toContain('Probabilité de succès estimée : 20 % (fourchette 5–65 %)');
    expect(text).toContain('Dossier en deçà du seuil du cabinet (87 %).');
    expect(html).toContain('<p class="warning">Fourchette très large (5–65 %) : elle ne dit presque rien de l’issue du recours.</p>');
    expect(text).toContain('Faits inconnus qui élargissent la fourchette, à renseigner d’abord (du plus au moins utile) :');
    expect(html).toMatch(
      /<ol class="unknown-facts"><li>Conditions d’un titre de séjour de plein droit toutes remplies<\/li><li>Menace pour l’ordre public invoquée<\/li><li>Vice relevé/,
    );
    expect(text).toContain(
      `Taux de référence : 19 % — source : ${OQTF_SOURCE} (taux général, faute de statistique propre à cette procédure ; fourchette élargie)`,
    );
    expect(text).toContain(CAVEAT_L10);
    expect(text).toContain('Aucune issue juridictionnelle n’est certaine : l’estimation et la fourchette restent entre 5 % et 95 %.');

    const view: CaseView = {
      id: 'c1',
      reference: 'D-1',
      clientName: 'Amina K.',
      status: 'open',
      procedureLabel: 'Transfert Dublin',
      facts: [],
      documents: [],
      history: [],
      deadlines: [],
      analysis,
      calendarUrl: null,
      can: { write: false, archive: false, analyse: false, export: false },
    };
    const page = htmlText(
      renderHtml(
        h(CasePage, {
          chrome: { locale: 'fr', cabinetName: 'Cabinet', color: '#2c3e50', logoUrl: null, user: null, csrf: null, path: '/' },
          view,
        }),
      ),
    );
    for (const part of [
      'Fourchette très large (5–65 %)',
      'taux général, faute de statistique propre',
      CAVEAT_L10,
      'Menace pour l’ordre public invoquée',
    ])
      expect(page).toContain(part);
  });

  it('writes the same in the PDF', async () => {
    const text = await estimatePdfText(e, 'fr');
    expect(text).toContain('Probabilité de succès estimée : 20 % (fourchette 5–65 %)');
    expect(text).toContain('Fourchette très large (5–65 %) : elle ne dit presque rien de l’issue du recours.');
    expect(text).toContain('1. Conditions d’un titre de séjour de plein droit toutes remplies');
    expect(text).toContain('2. Menace pour l’ordre public invoquée');
    expect(text).toContain('10. Emploi stable (CDI ou métier en tension)');
    expect(text).toContain(`Taux de référence : 19 % — source : ${OQTF_SOURCE} (taux général, faute de statistique propre`);
    expect(text).toContain(CAVEAT_L10);
    // The whole analysis PDF (DejaVu when installed) still renders with the block in it.
    const pdf = await buildAnalysisPdf({
      locale: 'fr',
      cabinet: { name: 'Cabinet Dupont', siret: null, address: null },
      caseReference: 'D-1',
      clientName: 'Amina K.',
      procedureLabel: 'Transfert Dublin',
      analysis,
      now: NOW,
    });
    expect(pdf.toString('latin1').startsWith('%PDF-')).toBe(true);
  });

  it('keeps an own-statistic rate unflagged, its decimal in French, and a narrow range quiet', async () => {
    const cnda = storedAnalysis('asile_rejet_ofpra', { proceduralDefectIdentified: true, publicOrderThreat: false }).estimate!;
    const html = htmlText(renderHtml(h(EstimateSection, { estimate: cnda, locale: 'fr' })));
    expect(html).toContain('Taux de référence : 20,5 % — source : CNDA, 2023');
    expect(html).not.toContain('taux général');
    const solid = storedAnalysis('oqtf', {
      marriedToFrenchNational: true,
      communityOfLifeOngoing: true,
      spouseStillFrench: true,
      marriedInFrance: true,
      longStayVisa: true,
      polygamy: false,
      proceduralDefectIdentified: true,
      familyTiesInFrance: 'strong',
      childrenInFrance: 2,
      yearsOfResidence: 12,
      seriousHealthCondition: true,
      treatmentUnavailableInCountry: true,
      employmentContract: 'cdi',
      publicOrderThreat: false,
      criminalConviction: false,
      previousOqtfNotExecuted: false,
    }).estimate!;
    const solidHtml = renderHtml(h(EstimateSection, { estimate: solid, locale: 'fr' }));
    expect(solidHtml).toContain(
      '<p class="verdict strong">Dossier solide : l’estimation atteint le seuil du cabinet (87 %) et la borne basse de la fourchette reste d’au moins 50 %.</p>',
    );
    expect(solidHtml).not.toContain('Fourchette très large');
    expect(solidHtml).not.toContain('unknown-facts');
    expect(await estimatePdfText(solid, 'fr')).toContain('Dossier solide : l’estimation atteint le seuil du cabinet (87 %)');
    // A threshold above the 95 % cap is said to be unreachable, with the setting to change.
    expect(htmlText(renderHtml(h(EstimateSection, { estimate: { ...solid, threshold: 0.97 }, locale: 'fr' })))).toContain(
      'Dossier en deçà du seuil du cabinet (97 %). Le seuil du cabinet dépasse 95 %, plafond de toute estimation : aucun dossier ne peut l’atteindre ; abaissez PREDICTION_THRESHOLD.',
    );
  });

  it('says it in English too', async () => {
    const html = htmlText(renderHtml(h(EstimateSection, { estimate: e, locale: 'en' })));
    expect(html).toContain('Very wide range (5–65%): it says almost nothing about the outcome.');
    expect(html).toContain('Base rate: 19% — source: ');
    expect(html).toContain('general rate, for want of a statistic of this procedure’s own; range widened');
    expect(await estimatePdfText(e, 'en')).toContain('Unknown facts that widen the range, to fill in first (most useful first):');
  });

  it('never shows 100 % or 0 % from an analysis stored before the caps', () => {
    const old = estimateViewOf(
      {
        probability: 1,
        range: { low: 0.6, high: 1 },
        threshold: 0.87,
        raisedBy: [{ factor: 'Liens familiaux intenses en France', beta: 0.8 }],
        loweredBy: [],
        unknown: ['Condamnation pénale'],
        baseRate: { p: 0.19, source: OQTF_SOURCE },
        caveats: [CAVEAT_L10],
      },
      0.87,
    )!;
    expect(old).toMatchObject({ probability: 0.95, low: 0.6, high: 0.95, unknown: [{ label: 'Condamnation pénale' }] });
    expect(old.baseRate!.borrowed).toBe(false);
    const text = htmlText(renderHtml(h(EstimateSection, { estimate: old, locale: 'fr' })));
    expect(text).toContain('Probabilité de succès estimée : 95 % (fourchette 60–95 %)');
    expect(text).not.toMatch(/\b100 %|–100|\b0 %/);
    const low = estimateViewOf({ probability: 0, range: { low: 0, high: 0.1 } }, 0.87)!;
    expect([low.probability, low.low, low.high]).toEqual([0.05, 0.05, 0.1]);
  });
});
