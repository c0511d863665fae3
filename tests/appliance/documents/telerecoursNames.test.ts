/**
 * The names the Télérecours export gives each pièce (docs/telerecours.md): number first, ASCII
 * letters, digits, dashes and underscores only, at most 80 characters with ".pdf"; and the labels
 * documents stored before pièces had labels get from their file name.
 */
import { describe, expect, it } from 'vitest';
import {
  asciiTitle,
  bordereauFileName,
  exportNames,
  pieceTitle,
  TELERECOURS_NAME_MAX,
} from '../../../appliance/src/domain/documents/telerecoursNames.js';
import { checkedPieceLabel, checkedPieceNumber, defaultPieceLabel, piecesOf } from '../../../appliance/src/domain/documents/pieces.js';
import type { CaseDocument } from '../../../appliance/src/domain/cases/caseSchema.js';

function doc(name: string, label?: string): CaseDocument {
  return {
    id: name,
    name,
    contentType: 'application/pdf',
    size: 1,
    sha256: '',
    uploadedAt: '2026-12-01T10:00:00Z',
    uploadedBy: 'a@b.fr',
    ...(label ? { label } : {}),
  };
}

describe('the names of the exported pièces', () => {
  it('strips accents, ligatures and punctuation, keeping dashes', () => {
    expect(asciiTitle('Décision attaquée')).toBe('Decision_attaquee');
    expect(asciiTitle('Attestation d’hébergement – Mme Œuvre')).toBe('Attestation_d_hebergement_Mme_OEuvre');
    expect(asciiTitle('Avis d’imposition 2025 (n° 12/34) & co.')).toBe('Avis_d_imposition_2025_n_12_34_co');
    expect(asciiTitle('Jean-Pierre Ngô Çelik')).toBe('Jean-Pierre_Ngo_Celik');
    expect(asciiTitle('…')).toBe('');
  });

  it('starts each name with its number on two digits, three from 100 pièces', () => {
    expect(pieceTitle(1, 'Décision attaquée', 2)).toBe('01_Decision_attaquee');
    expect(pieceTitle(7, '«»', 2)).toBe('07_Piece');
    expect(pieceTitle(12, 'Bail', 3)).toBe('012_Bail');
    expect(bordereauFileName(9)).toBe('00_Bordereau.pdf');
    expect(bordereauFileName(100)).toBe('000_Bordereau.pdf');
  });

  it('bounds every name to 80 characters with its extension, without a trailing underscore', () => {
    const long = 'Relevé de situation bancaire '.repeat(6);
    const [named] = exportNames(piecesOf({ documents: [doc('x.pdf', long)] }));
    expect(named!.fileName.length).toBeLessThanOrEqual(TELERECOURS_NAME_MAX);
    // 80 - ".pdf" (4) - "01_" (3) = 73 characters of the label: "Releve_de_situation_bancaire_" is 29, twice is 58,
    // then 15 more of the third repetition: "Releve_de_situa"; no trailing "_" to strip there.
    expect(named!.fileName).toBe('01_Releve_de_situation_bancaire_Releve_de_situation_bancaire_Releve_de_situa.pdf');
    expect(named!.fileName).toMatch(/^[A-Za-z0-9_-]+\.pdf$/);
  });

  it('follows the bordereau order and stays unique when labels repeat', () => {
    const names = exportNames(piecesOf({ documents: [doc('a.pdf', 'Fiche de paie'), doc('b.pdf', 'Fiche de paie'), doc('c.pdf')] }));
    expect(names.map((n) => n.fileName)).toEqual(['01_Fiche_de_paie.pdf', '02_Fiche_de_paie.pdf', '03_c.pdf']);
  });
});

describe('labels and numbers of pièces', () => {
  it('derives a label from the file name for a document stored without one', () => {
    expect(defaultPieceLabel('decision_prefecture_2026.pdf')).toBe('decision prefecture 2026');
    expect(defaultPieceLabel('.pdf')).toBe('.pdf');
    expect(piecesOf({ documents: [doc('Passeport.png'), doc('b.pdf', 'Bail')] }).map((p) => [p.number, p.label])).toEqual([
      [1, 'Passeport'],
      [2, 'Bail'],
    ]);
  });

  it('refuses an empty or too long label and a number outside the list, naming the field', () => {
    expect(checkedPieceLabel('  Décision   attaquée ')).toBe('Décision attaquée');
    expect(() => checkedPieceLabel('   ')).toThrow(/^label: is required/);
    expect(() => checkedPieceLabel('x'.repeat(121))).toThrow(/^label: is longer than 120/);
    expect(checkedPieceNumber('3', 3)).toBe(3);
    expect(() => checkedPieceNumber('4', 3)).toThrow(/^number: must be a whole number from 1 to 3/);
    expect(() => checkedPieceNumber('0', 3)).toThrow(/^number:/);
    expect(() => checkedPieceNumber('1.5', 3)).toThrow(/^number:/);
  });
});
