/**
 * The drafts, in process: each shipped template rendered from a seeded case and read back (the
 * reference, the decision's dates, a deadline, a ground, the bordereau, the client's facts), the
 * template check (an unknown tag refused by name, not a .docx refused), a cabinet's replacement
 * used then reset, and a generated draft kept as a document of the case with its history entry.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PizZip from 'pizzip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '@iamanager/protocol';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/index.js';
import { DocumentFiles } from '../../../appliance/src/domain/documents/documentFiles.js';
import { DRAFT_KINDS, draftKindsFor, type DraftKind } from '../../../appliance/src/domain/drafting/draftKinds.js';
import { buildDraftModel, type DraftContext } from '../../../appliance/src/domain/drafting/draftModel.js';
import { DraftTemplates } from '../../../appliance/src/domain/drafting/draftTemplates.js';
import { generateDraft, type DraftDeps } from '../../../appliance/src/domain/drafting/generateDraft.js';
import { checkTemplate, renderDraft } from '../../../appliance/src/domain/drafting/renderDraft.js';
import { describeFactFr } from '../../../appliance/src/web/draftFacts.js';
import { docxParagraphs } from '../../support/docxText.js';

const NOW = new Date('2026-10-20T09:00:00Z');
const CASE_ID = '3f1c2a4e-8b7d-4c1e-9f0a-2b3c4d5e6f70';

const CONTEXT: DraftContext = {
  cabinet: { name: 'Cabinet Martin', address: '12 rue de la Paix, 75002 Paris', phone: '01 23 45 67 89', email: 'contact@martin.fr' },
  lawyer: { name: 'Maître Claire Martin', email: 'claire@martin.fr' },
  now: NOW,
  describeFact: describeFactFr,
};

/**
 * A refusal of a first titre de séjour (no OQTF) notified on Wednesday 7 October 2026, to the
 * parent of a French child; a pro analysis stored as the case keeps it; two pièces numbered by the
 * PIECES feature (label/number), read in their number's order, and an earlier draft left out.
 */
function seededCase(procedure: CaseRecord['procedure'] = 'refus_titre_sejour'): CaseRecord {
  const facts = {
    decisionTakenOn: '2026-10-01',
    competentCourt: 'TA de Montreuil',
    parentOfFrenchChild: true,
    childIsMinor: true,
    childResidesInFrance: true,
    contributesSinceBirth: true,
    yearsContributingToChild: 3,
    yearsOfResidence: 6,
  };
  const result = runAnalysis({
    model: 'ceseda-pro-v1',
    procedure,
    decisionNotifiedAt: '2026-10-07',
    facts,
    now: NOW,
    threshold: 0.6,
  });
  return {
    id: CASE_ID,
    reference: '2026-0042',
    client: { lastName: 'Benali', firstName: 'Karim', nationality: 'DZ', birthDate: '1988-03-14', agdrefNumber: '7501234567' },
    procedure,
    decisionNotifiedAt: '2026-10-07',
    decision: {
      authority: 'Préfet de la Seine-Saint-Denis',
      reference: 'ARR-2026-118',
      summary: 'Refus de délivrance d’une carte de séjour',
    },
    departement: '93',
    status: 'open',
    outcome: null,
    archived: false,
    assignedTo: 'u-lawyer',
    notes: '',
    facts,
    documents: [
      {
        id: 'b'.repeat(32),
        name: 'acte-naissance.pdf',
        contentType: 'application/pdf',
        size: 10,
        sha256: 'x',
        uploadedAt: '',
        uploadedBy: '',
        label: 'Acte de naissance de l’enfant',
        number: 2,
      },
      {
        id: 'a'.repeat(32),
        name: 'arrete.pdf',
        contentType: 'application/pdf',
        size: 10,
        sha256: 'x',
        uploadedAt: '',
        uploadedBy: '',
        label: 'Arrêté attaqué',
        number: 1,
      },
      {
        id: 'c'.repeat(32),
        name: 'recours-gracieux-old.docx',
        contentType: 'x',
        size: 1,
        sha256: 'x',
        uploadedAt: '',
        uploadedBy: '',
        draft: 'recours_gracieux',
      },
    ] as CaseRecord['documents'],
    analyses: [{ id: 'an-1', createdAt: NOW.toISOString(), createdBy: 'claire@martin.fr', result }],
    history: [],
    createdAt: '',
    createdBy: '',
    updatedAt: '2026-10-20T09:00:00Z',
  };
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'drafts-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const text = (content: Buffer) => docxParagraphs(content).join('\n');

describe('the data model', () => {
  it('reads the case: client, decision, deadlines, facts in French, grounds, pièces in their order without earlier drafts', () => {
    const model = buildDraftModel(seededCase(), CONTEXT);
    expect(model.client.nom_complet).toBe('Karim BENALI');
    expect(model.client.nationalite).toBe('Algérie');
    expect(model.decision.date).toBe('1er octobre 2026');
    // Notified Wed. 7 October 2026: the two months of CJA R. 421-1 run to 7 December, a délai franc
    // ends the next day, Tuesday 8 December 2026 (a working day, not a holiday).
    expect(model.delai_contentieux?.echeance).toBe('8 décembre 2026');
    expect(model.faits).toContainEqual({ libelle: 'Parent d’un enfant français', valeur: 'Oui' });
    expect(model.faits).toContainEqual({ libelle: 'Date de la décision', valeur: '1er octobre 2026' });
    expect(model.moyens.length).toBeGreaterThan(0);
    expect(model.moyens.map((m) => m.article).join(' ')).toMatch(/L\. 423-7/);
    expect(model.pieces).toEqual([
      { numero: 1, intitule: 'Arrêté attaqué' },
      { numero: 2, intitule: 'Acte de naissance de l’enfant' },
    ]);
    expect(model.dossier.est_oqtf).toBe(false);
  });

  it('offers the drafts that fit the procedure', () => {
    expect(draftKindsFor('refus_visa')).toEqual(['rapo_visa', 'aide_juridictionnelle', 'requete_annulation']);
    expect(draftKindsFor('naturalisation_refus')).toEqual(['rapo_naturalisation', 'aide_juridictionnelle', 'requete_annulation']);
    expect(draftKindsFor('oqtf')).toEqual(['aide_juridictionnelle', 'requete_annulation']);
    expect(draftKindsFor('retention_placement')).toEqual(['aide_juridictionnelle']);
  });
});

describe('each shipped template, rendered from the seeded case', () => {
  const templates = () => new DraftTemplates(dir);
  const procedureFor: Record<DraftKind, CaseRecord['procedure']> = {
    recours_gracieux: 'refus_titre_sejour',
    rapo_visa: 'refus_visa',
    rapo_naturalisation: 'naturalisation_refus',
    aide_juridictionnelle: 'refus_titre_sejour',
    requete_annulation: 'refus_titre_sejour',
  };

  for (const kind of DRAFT_KINDS) {
    it(`${kind}: passes the upload check and carries the case`, async () => {
      const template = await templates().read(kind);
      expect(() => checkTemplate(template)).not.toThrow();
      const out = text(renderDraft(template, buildDraftModel(seededCase(procedureFor[kind]), CONTEXT)));
      expect(out).toContain('2026-0042');
      expect(out).toContain('Karim BENALI');
      expect(out).toContain('7 octobre 2026'); // the notification
      expect(out).toContain('Préfet de la Seine-Saint-Denis');
      expect(out).toContain('Pièce n° 1 : Arrêté attaqué\nPièce n° 2 : Acte de naissance de l’enfant');
      expect(out).not.toContain('recours-gracieux-old');
      expect(out).not.toMatch(/\{[#/^]?[a-z_.]+\}/); // no tag left unfilled
      expect(out).not.toContain('undefined');
    });
  }

  it('recours gracieux: CRPA L. 411-2, the facts, a ground and the contentious deadline', async () => {
    const out = text(renderDraft(await templates().read('recours_gracieux'), buildDraftModel(seededCase(), CONTEXT)));
    expect(out).toContain('L. 411-2 du code des relations entre le public et l’administration');
    expect(out).toContain('Parent d’un enfant français : Oui');
    expect(out).toContain('Années de présence en France : 6');
    expect(out).toMatch(/L\. 423-7/);
    expect(out).toMatch(/: 8 décembre 2026 — /);
    expect(out).toContain('Maître Claire Martin');
  });

  it('requête: parties, R. 411-1, conclusions, the OQTF paragraph only for an OQTF', async () => {
    const template = await templates().read('requete_annulation');
    const refusal = text(renderDraft(template, buildDraftModel(seededCase(), CONTEXT)));
    expect(refusal).toContain('À Mesdames et Messieurs les président et conseillers composant le TA de Montreuil');
    expect(refusal).toContain('CJA R. 411-1');
    expect(refusal).toContain('— ANNULER la décision du 1er octobre 2026 (Préfet de la Seine-Saint-Denis) ;');
    expect(refusal).toContain('Inventaire détaillé des pièces jointes (CJA R. 412-2)');
    expect(refusal).not.toContain('L. 614-1');
    const oqtf = text(renderDraft(template, buildDraftModel(seededCase('oqtf'), CONTEXT)));
    expect(oqtf).toContain('articles L. 614-1 et suivants du CESEDA');
  });

  it('what the case does not hold is left « [à compléter] »', async () => {
    const bare = { ...seededCase(), decision: {}, analyses: [], documents: [] };
    const out = text(renderDraft(await templates().read('recours_gracieux'), buildDraftModel(bare, { ...CONTEXT, lawyer: null })));
    expect(out).toContain('Objet de la décision : [à compléter]');
    expect(out).toContain('[à compléter : moyens — l’analyse n’en a pas relevé]');
    expect(out).toContain('[à compléter : pièces]');
  });
});

/** A one-paragraph .docx made from a shipped one, its text replaced. */
async function templateWith(body: string): Promise<Buffer> {
  const zip = new PizZip(await new DraftTemplates(dir).read('recours_gracieux'));
  const xml = zip.file('word/document.xml')!.asText();
  const start = xml.indexOf('<w:body>') + '<w:body>'.length;
  const end = xml.indexOf('<w:sectPr');
  zip.file('word/document.xml', `${xml.slice(0, start)}<w:p><w:r><w:t xml:space="preserve">${body}</w:t></w:r></w:p>${xml.slice(end)}`);
  return zip.generate({ type: 'nodebuffer' });
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the template check', () => {
  it('refuses an unknown tag, naming it and listing the known ones', async () => {
    const err = refusal(() => checkTemplate(templateWithSync));
    expect(err.code).toBe('draft_template_invalid');
    expect(err.message).toContain('unknown tag {client.telephone}');
    expect(err.message).toContain('{client.nom}');
    expect(err.details).toEqual({ unknownTags: ['client.telephone'] });
  });

  it('refuses a loop field outside its loop, and accepts it inside', async () => {
    expect(refusal(() => checkTemplate(outsideLoop)).details).toEqual({ unknownTags: ['numero'] });
    expect(() => checkTemplate(insideLoop)).not.toThrow();
  });

  it('refuses what is not a .docx and a tag that does not compile', async () => {
    expect(refusal(() => checkTemplate(Buffer.from('%PDF-1.7 not a template'))).message).toMatch(/not a \.docx/);
    expect(refusal(() => checkTemplate(unclosed)).message).toMatch(/do not compile/);
  });

  let templateWithSync: Buffer;
  let outsideLoop: Buffer;
  let insideLoop: Buffer;
  let unclosed: Buffer;
  beforeEach(async () => {
    templateWithSync = await templateWith('{client.nom} {client.telephone}');
    outsideLoop = await templateWith('{numero}');
    insideLoop = await templateWith('{#pieces}{numero} {intitule} {dossier.reference}{/pieces}');
    unclosed = await templateWith('{#pieces}{numero}');
  });
});

describe('a cabinet’s template', () => {
  it('is used once uploaded, and the shipped one again after a reset', async () => {
    const templates = new DraftTemplates(dir);
    await templates.replace('recours_gracieux', await templateWith('Modèle du cabinet pour {client.nom_complet}'));
    expect((await templates.states()).find((s) => s.kind === 'recours_gracieux')?.replacedAt).not.toBeNull();
    const model = buildDraftModel(seededCase(), CONTEXT);
    expect(text(renderDraft(await templates.read('recours_gracieux'), model))).toBe('Modèle du cabinet pour Karim BENALI');
    expect(await templates.reset('recours_gracieux')).toBe(true);
    expect(text(renderDraft(await templates.read('recours_gracieux'), model))).toContain('L. 411-2');
    expect((await templates.states()).every((s) => s.replacedAt === null)).toBe(true);
  });

  it('is not kept when refused', async () => {
    const templates = new DraftTemplates(dir);
    await expect(templates.replace('rapo_visa', await templateWith('{inconnu}'))).rejects.toThrow(/unknown tag \{inconnu\}/);
    expect((await templates.states()).every((s) => s.replacedAt === null)).toBe(true);
  });
});

describe('generating a draft', () => {
  function deps(record: CaseRecord, actions: string[]): DraftDeps {
    return {
      cases: {
        get: () => record,
        mutate: async (_id, actor, action, change) => {
          const result = change(record);
          record.history.push({ at: NOW.toISOString(), by: actor.email, action });
          actions.push(action);
          return result;
        },
      } as DraftDeps['cases'],
      documents: new DocumentFiles(path.join(dir, 'documents'), 2 ** 20),
      templates: new DraftTemplates(dir),
      clock: () => NOW,
      context: () => ({ cabinet: CONTEXT.cabinet, lawyer: CONTEXT.lawyer, describeFact: describeFactFr }),
    };
  }

  it('keeps the .docx as a document of the case, with its history entry', async () => {
    const record = seededCase();
    const actions: string[] = [];
    const d = deps(record, actions);
    const doc = await generateDraft(d, CASE_ID, 'requete_annulation', { id: 'u-lawyer', email: 'claire@martin.fr' });
    expect(doc.name).toBe('requete-annulation-2026-0042-2026-10-20.docx');
    expect(record.documents.at(-1)).toEqual(doc);
    expect(actions).toEqual(['draft.generate']);
    const stored = await fs.readFile(d.documents.pathOf(CASE_ID, doc.id));
    expect(stored.length).toBe(doc.size);
    expect(text(stored)).toContain('REQUÊTE EN ANNULATION');
  });

  it('refuses a draft that does not fit the procedure, naming those that do', async () => {
    const record = seededCase('oqtf');
    await expect(generateDraft(deps(record, []), CASE_ID, 'rapo_visa', { id: 'u', email: 'x@y.fr' })).rejects.toThrow(
      /does not fit .*aide_juridictionnelle, requete_annulation/,
    );
    expect(record.documents).toHaveLength(3);
  });
});
