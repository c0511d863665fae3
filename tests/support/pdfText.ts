/**
 * The text of an uncompressed PDF written with a standard font (pdfkit with `compress: false`
 * and Helvetica): pdfkit writes each run as WinAnsi bytes in hex strings inside `[…] TJ` arrays,
 * split where kerning applies. Enough to assert what an invoice says, without a PDF library.
 */
const WIN_ANSI_HIGH: Record<number, string> = {
  0x80: '€',
  0x85: '…',
  0x8c: 'Œ',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x96: '–',
  0x97: '—',
  0x9c: 'œ',
};

function decodeHex(hex: string): string {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const byte = parseInt(hex.slice(i, i + 2), 16);
    out += WIN_ANSI_HIGH[byte] ?? String.fromCharCode(byte);
  }
  return out;
}

/** One line per text operation, in drawing order. */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of source.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
    lines.push([...match[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => decodeHex(m[1]!)).join(''));
  }
  return lines.join('\n').replace(/\u00a0/g, ' ');
}
