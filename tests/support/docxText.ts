/**
 * A .docx's text as Word shows it, one string per paragraph: word/document.xml unzipped, each
 * <w:p>'s <w:t> runs joined (a tag or a word may be split across runs by Word), entities decoded.
 */
import PizZip from 'pizzip';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };

export function docxParagraphs(content: Buffer): string[] {
  const xml = new PizZip(content).file('word/document.xml')?.asText();
  if (xml === undefined) throw new Error('not a Word document: no word/document.xml');
  return xml
    .split(/<\/w:p>/)
    .map((p) =>
      [...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
        .map((m) => m[1] ?? '')
        .join('')
        .replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e),
    )
    .filter((t) => t !== '');
}
