/**
 * The text of a PDF, read with pdf.js (`pdfjs-dist`): it decodes embedded fonts through their
 * ToUnicode maps (the invoices embed DejaVu Sans) as well as the standard fonts' encodings
 * (Helvetica in the appliance's PDFs). One line per line of text as pdf.js reports it, pages in
 * order; no-break spaces read as plain spaces. Enough to assert what a document says.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  // pdf.js may detach the buffer it is given: hand it a copy.
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    let text = '';
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      if (!text.endsWith('\n')) text += '\n';
    }
    return text
      .replace(/[\u00a0\u202f]/g, ' ')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n+$/, '');
  } finally {
    await doc.destroy();
  }
}
