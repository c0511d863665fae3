/**
 * « Page n sur N » at the foot of every page of a pdfkit document, written last, once the number of
 * pages is known (the document must be opened with `bufferPages: true` so every page stays open).
 */
export function numberPages(doc: PDFKit.PDFDocument, font: string, label: (n: number, total: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The foot is inside the bottom margin: lifted for the line, or pdfkit would open a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(font)
      .fontSize(8)
      .text(label(i - range.start + 1, range.count), 50, doc.page.height - 35, {
        width: doc.page.width - 100,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}
