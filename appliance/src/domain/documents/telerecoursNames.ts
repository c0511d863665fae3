/**
 * The names Télérecours expects (docs/telerecours.md): each file's « intitulé » starts with the
 * pièce's number in the inventaire détaillé and describes its content (CJA R. 414-5); Télérecours'
 * own documentation asks for at most 80 characters, no accented or special characters (« % », « / »,
 * « & »…) and no « . », dashes and underscores being allowed. The same title names the bookmark
 * (signet) of the combined PDF, so a file, its signet and its line of the bordereau agree.
 */
import type { Piece } from './pieces.js';

/** The intitulé's limit from Télérecours' documentation, applied to the whole name with its ".pdf" (the stricter reading). */
export const TELERECOURS_NAME_MAX = 80;
const EXTENSION = '.pdf';

/** Letters that do not decompose into a base letter and an accent. */
const LIGATURES: Readonly<Record<string, string>> = {
  œ: 'oe',
  Œ: 'OE',
  æ: 'ae',
  Æ: 'AE',
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
};

/** ASCII letters, digits, dashes and underscores only: accents dropped, every other run of characters one underscore. */
export function asciiTitle(text: string): string {
  return text
    .replace(/[œŒæÆßøØđĐłŁ]/g, (c) => LIGATURES[c] ?? '')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
}

/** Width of the numbers: two digits (01…99) as practice writes them, more for a case with 100 pièces or more. */
export function numberWidth(count: number): number {
  return Math.max(2, String(count).length);
}

/** "01_Decision_attaquee": the title of pièce `number` (its file name without ".pdf", its signet). */
export function pieceTitle(number: number, label: string, width: number): string {
  const prefix = `${String(number).padStart(width, '0')}_`;
  const room = TELERECOURS_NAME_MAX - EXTENSION.length - prefix.length;
  const body = asciiTitle(label)
    .slice(0, room)
    .replace(/[_-]+$/, '');
  return prefix + (body || 'Piece');
}

export function bordereauTitle(width: number): string {
  return `${'0'.padStart(width, '0')}_Bordereau`;
}

export interface ExportName {
  piece: Piece;
  title: string;
  fileName: string;
}

/** Each pièce's title and file name, in the bordereau's order. Unique because each starts with its own number. */
export function exportNames(pieces: readonly Piece[]): ExportName[] {
  const width = numberWidth(pieces.length);
  return pieces.map((piece) => {
    const title = pieceTitle(piece.number, piece.label, width);
    return { piece, title, fileName: title + EXTENSION };
  });
}

export function bordereauFileName(count: number): string {
  return bordereauTitle(numberWidth(count)) + EXTENSION;
}
