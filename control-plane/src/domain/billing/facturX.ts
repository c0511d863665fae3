/**
 * Factur-X: every invoice and credit note as a PDF/A-3 with its structured twin embedded, the
 * UN/CEFACT Cross Industry Invoice (CII D16B) XML at the EN 16931 profile of Factur-X 1.07
 * (`urn:cen.eu:en16931:2017`). French businesses must be able to receive electronic invoices from
 * 1 September 2026 and SMEs must issue them from 1 September 2027 (art. 289 bis CGI, as set by
 * art. 91 loi n° 2023-1322 de finances pour 2024); Factur-X is one of the three formats of the
 * base (with UBL and CII alone).
 *
 * The XML carries the same figures as the PDF, read from the same record: numbers, dates, both
 * parties (SIREN under scheme 0002, VAT number, address), each line, the VAT per rate, totals,
 * the due date and payment means, and for a credit note (type 381) the invoice it corrects
 * (BG-3). Amounts are in euros with two decimals; the VAT breakdown is the invoice's single
 * rate, its tax computed on the total (BR-S-09 holds by construction, see money.ts).
 */
import type { CreditNoteRecord, Customer, InvoiceRecord, VendorIdentity } from '../../storage/billingRecords.js';

export const FACTURX_FILENAME = 'factur-x.xml';
export const EN16931_GUIDELINE = 'urn:cen.eu:en16931:2017';

/** UNTDID 1001: commercial invoice, credit note. */
const TYPE_CODE = { invoice: '380', creditNote: '381' } as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
// Control characters are not allowed in XML 1.0; a label pasted with one must not break the file.
// eslint-disable-next-line no-control-regex
const text = (s: string) => esc(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' '));
const amount = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
const day = (date: string) => `<udt:DateTimeString format="102">${date.replaceAll('-', '')}</udt:DateTimeString>`;

/** "10 rue de Rivoli, 75004 Paris" → street, postcode, city (French addresses end with "NNNNN City"). */
export function splitAddress(address: string | null): { line: string | null; postcode: string | null; city: string | null } {
  if (!address) return { line: null, postcode: null, city: null };
  const m = /^(.*?)[,\s]+(\d{5})\s+([^,]+)$/.exec(address.trim());
  return m ? { line: m[1]!.trim(), postcode: m[2]!, city: m[3]!.trim() } : { line: address.trim(), postcode: null, city: null };
}

function postalAddress(address: string | null): string {
  const a = splitAddress(address);
  return [
    '<ram:PostalTradeAddress>',
    a.postcode ? `<ram:PostcodeCode>${a.postcode}</ram:PostcodeCode>` : '',
    a.line ? `<ram:LineOne>${text(a.line)}</ram:LineOne>` : '',
    a.city ? `<ram:CityName>${text(a.city)}</ram:CityName>` : '',
    // Vendor and cabinets are French (the appliance serves French cabinets only).
    '<ram:CountryID>FR</ram:CountryID>',
    '</ram:PostalTradeAddress>',
  ].join('');
}

function seller(vendor: VendorIdentity): string {
  return [
    '<ram:SellerTradeParty>',
    `<ram:Name>${text(vendor.name)}</ram:Name>`,
    vendor.legalForm ? `<ram:Description>${text([vendor.legalForm, vendor.rcs].filter(Boolean).join(', '))}</ram:Description>` : '',
    // BT-30, scheme 0002 = SIREN (ISO 6523 ICD): the first nine digits of the SIRET.
    `<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">${vendor.siret.slice(0, 9)}</ram:ID><ram:TradingBusinessName>${text(vendor.name)}</ram:TradingBusinessName></ram:SpecifiedLegalOrganization>`,
    postalAddress(vendor.address),
    vendor.email
      ? `<ram:URIUniversalCommunication><ram:URIID schemeID="EM">${text(vendor.email)}</ram:URIID></ram:URIUniversalCommunication>`
      : '',
    `<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">${text(vendor.vatNumber)}</ram:ID></ram:SpecifiedTaxRegistration>`,
    '</ram:SellerTradeParty>',
  ].join('');
}

function buyer(customer: Customer): string {
  return [
    '<ram:BuyerTradeParty>',
    `<ram:ID>${text(customer.cabinetId)}</ram:ID>`,
    `<ram:Name>${text(customer.name)}</ram:Name>`,
    customer.siret
      ? `<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">${customer.siret.slice(0, 9)}</ram:ID></ram:SpecifiedLegalOrganization>`
      : '',
    postalAddress(customer.address),
    customer.email
      ? `<ram:URIUniversalCommunication><ram:URIID schemeID="EM">${text(customer.email)}</ram:URIID></ram:URIUniversalCommunication>`
      : '',
    '</ram:BuyerTradeParty>',
  ].join('');
}

interface XmlLine {
  name: string;
  quantity: number;
  unitCode: string;
  netPriceCents: number;
  amountCents: number;
  period?: { from: string; to: string };
}

function lineItem(line: XmlLine, index: number, vatRatePercent: number): string {
  return [
    '<ram:IncludedSupplyChainTradeLineItem>',
    `<ram:AssociatedDocumentLineDocument><ram:LineID>${index + 1}</ram:LineID></ram:AssociatedDocumentLineDocument>`,
    `<ram:SpecifiedTradeProduct><ram:Name>${text(line.name)}</ram:Name></ram:SpecifiedTradeProduct>`,
    `<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>${amount(line.netPriceCents)}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>`,
    `<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="${line.unitCode}">${line.quantity}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>`,
    '<ram:SpecifiedLineTradeSettlement>',
    `<ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>${vatRatePercent}</ram:RateApplicablePercent></ram:ApplicableTradeTax>`,
    line.period
      ? `<ram:BillingSpecifiedPeriod><ram:StartDateTime>${day(line.period.from)}</ram:StartDateTime><ram:EndDateTime>${day(line.period.to)}</ram:EndDateTime></ram:BillingSpecifiedPeriod>`
      : '',
    `<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>${amount(line.amountCents)}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>`,
    '</ram:SpecifiedLineTradeSettlement>',
    '</ram:IncludedSupplyChainTradeLineItem>',
  ].join('');
}

interface XmlDocument {
  number: string;
  typeCode: string;
  issueDate: string;
  notes: { subject: string; content: string }[];
  lines: XmlLine[];
  vendor: VendorIdentity;
  customer: Customer;
  totals: { totalExclVatCents: number; vatRatePercent: number; vatCents: number; totalInclVatCents: number };
  period: { from: string; to: string };
  dueDate: string | null;
  paymentTerms: string;
  preceding?: { number: string; issueDate: string };
}

function monthPeriod(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: `${month}-01`, to: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

/** The French mentions of art. L. 441-9 C. com., as the notes Factur-X's French guide asks for (PMT, PMD, AAB). */
function frenchNotes(vendor: VendorIdentity): { subject: string; content: string }[] {
  return [
    ...(vendor.legalForm || vendor.rcs ? [{ subject: 'REG', content: [vendor.legalForm, vendor.rcs].filter(Boolean).join(', ') }] : []),
    {
      subject: 'PMT',
      content: 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € (art. D. 441-5 C. com.).',
    },
    {
      subject: 'PMD',
      content: 'Pénalités de retard : taux de refinancement de la BCE majoré de 10 points (art. L. 441-10 C. com.).',
    },
    { subject: 'AAB', content: "Pas d'escompte pour paiement anticipé." },
  ];
}

function ciiXml(d: XmlDocument): string {
  const t = d.totals;
  const payment = d.vendor.iban
    ? `<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>${d.vendor.iban}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>`
    : // UNTDID 4461 code 1, "instrument not defined": no IBAN configured to name a transfer (BR-61).
      '<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>1</ram:TypeCode></ram:SpecifiedTradeSettlementPaymentMeans>';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">',
    `<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>${EN16931_GUIDELINE}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>`,
    '<rsm:ExchangedDocument>',
    `<ram:ID>${d.number}</ram:ID>`,
    `<ram:TypeCode>${d.typeCode}</ram:TypeCode>`,
    `<ram:IssueDateTime>${day(d.issueDate)}</ram:IssueDateTime>`,
    ...d.notes.map(
      (n) =>
        `<ram:IncludedNote><ram:Content>${text(n.content)}</ram:Content><ram:SubjectCode>${n.subject}</ram:SubjectCode></ram:IncludedNote>`,
    ),
    '</rsm:ExchangedDocument>',
    '<rsm:SupplyChainTradeTransaction>',
    ...d.lines.map((l, i) => lineItem(l, i, t.vatRatePercent)),
    '<ram:ApplicableHeaderTradeAgreement>',
    `<ram:BuyerReference>${text(d.customer.cabinetId)}</ram:BuyerReference>`,
    seller(d.vendor),
    buyer(d.customer),
    '</ram:ApplicableHeaderTradeAgreement>',
    '<ram:ApplicableHeaderTradeDelivery/>',
    '<ram:ApplicableHeaderTradeSettlement>',
    `<ram:PaymentReference>${d.number}</ram:PaymentReference>`,
    '<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>',
    payment,
    // DueDateTypeCode 72: VAT on services is due when paid (art. 269, 2-c CGI).
    `<ram:ApplicableTradeTax><ram:CalculatedAmount>${amount(t.vatCents)}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>${amount(t.totalExclVatCents)}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:DueDateTypeCode>72</ram:DueDateTypeCode><ram:RateApplicablePercent>${t.vatRatePercent}</ram:RateApplicablePercent></ram:ApplicableTradeTax>`,
    `<ram:BillingSpecifiedPeriod><ram:StartDateTime>${day(d.period.from)}</ram:StartDateTime><ram:EndDateTime>${day(d.period.to)}</ram:EndDateTime></ram:BillingSpecifiedPeriod>`,
    `<ram:SpecifiedTradePaymentTerms><ram:Description>${text(d.paymentTerms)}</ram:Description>${d.dueDate ? `<ram:DueDateDateTime>${day(d.dueDate)}</ram:DueDateDateTime>` : ''}</ram:SpecifiedTradePaymentTerms>`,
    '<ram:SpecifiedTradeSettlementHeaderMonetarySummation>',
    `<ram:LineTotalAmount>${amount(t.totalExclVatCents)}</ram:LineTotalAmount>`,
    `<ram:TaxBasisTotalAmount>${amount(t.totalExclVatCents)}</ram:TaxBasisTotalAmount>`,
    `<ram:TaxTotalAmount currencyID="EUR">${amount(t.vatCents)}</ram:TaxTotalAmount>`,
    `<ram:GrandTotalAmount>${amount(t.totalInclVatCents)}</ram:GrandTotalAmount>`,
    `<ram:DuePayableAmount>${amount(t.totalInclVatCents)}</ram:DuePayableAmount>`,
    '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>',
    d.preceding
      ? `<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>${d.preceding.number}</ram:IssuerAssignedID><ram:FormattedIssueDateTime><qdt:DateTimeString format="102">${d.preceding.issueDate.replaceAll('-', '')}</qdt:DateTimeString></ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>`
      : '',
    '</ram:ApplicableHeaderTradeSettlement>',
    '</rsm:SupplyChainTradeTransaction>',
    '</rsm:CrossIndustryInvoice>',
    '',
  ].join('\n');
}

/** The CII XML (Factur-X EN 16931) of an invoice. */
export function invoiceXml(invoice: InvoiceRecord, vendor: VendorIdentity): string {
  return ciiXml({
    number: invoice.number,
    typeCode: TYPE_CODE.invoice,
    issueDate: invoice.issueDate,
    notes: frenchNotes(vendor),
    lines: invoice.lines.map((line) =>
      line.kind === 'subscription'
        ? // A prorated month is one line of its amount, the days billed as its period (BG-26).
          {
            name: line.description,
            quantity: 1,
            unitCode: 'C62',
            netPriceCents: line.amountCents,
            amountCents: line.amountCents,
            period: { from: line.from, to: line.to },
          }
        : {
            name: line.description,
            quantity: line.quantity,
            unitCode: 'C62',
            netPriceCents: line.unitPriceCents,
            amountCents: line.amountCents,
          },
    ),
    vendor,
    customer: invoice.customer,
    totals: invoice,
    period: monthPeriod(invoice.month),
    dueDate: invoice.dueDate,
    paymentTerms: `Paiement à ${vendor.paymentTermsDays} jours de la date d'émission${vendor.iban ? ', par virement' : ''}.`,
  });
}

/** The CII XML of a credit note: type 381, positive amounts, the corrected invoice as BG-3. */
export function creditNoteXml(note: CreditNoteRecord): string {
  return ciiXml({
    number: note.number,
    typeCode: TYPE_CODE.creditNote,
    issueDate: note.issueDate,
    notes: [{ subject: 'AAI', content: `Motif : ${note.reason}` }, ...frenchNotes(note.vendor)],
    lines: note.lines.map((l) => ({
      name: l.description,
      quantity: 1,
      unitCode: 'C62',
      netPriceCents: l.amountCents,
      amountCents: l.amountCents,
    })),
    vendor: note.vendor,
    customer: note.customer,
    totals: note,
    period: monthPeriod(note.month),
    dueDate: null,
    paymentTerms: "Montant à déduire de la facture d'origine.",
    preceding: { number: note.invoiceNumber, issueDate: note.invoiceIssueDate },
  });
}

/**
 * The XMP that declares the PDF a Factur-X (Factur-X 1.07, §"PDF/A-3 metadata"): the `fx`
 * properties and, as PDF/A requires for any schema outside its predefined ones, their extension
 * schema description.
 */
export function facturXXmp(documentType: 'INVOICE' = 'INVOICE'): string {
  return `
        <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
            <fx:DocumentType>${documentType}</fx:DocumentType>
            <fx:DocumentFileName>${FACTURX_FILENAME}</fx:DocumentFileName>
            <fx:Version>1.0</fx:Version>
            <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>fx</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentFileName</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentType</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The type of the hybrid document in capital letters, e.g. INVOICE or ORDER</pdfaProperty:description></rdf:li>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>Version</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The actual version of the standard applying to the embedded XML document</pdfaProperty:description></rdf:li>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description></rdf:li>
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>`;
}

/**
 * Makes a pdfkit document a Factur-X: the XML attached as `factur-x.xml` with AFRelationship
 * `Alternative` (the EN 16931 profile: the XML is an equivalent of the visual invoice) and
 * referenced from the catalog's /AF, plus the Factur-X XMP. The document must have been created
 * with `subset: 'PDF/A-3b'`.
 */
export function embedFacturX(doc: PDFKit.PDFDocument, xml: string, at: Date): void {
  // pdfkit writes /AFRelationship from `relationship`; its type declarations do not list it yet.
  const options = {
    name: FACTURX_FILENAME,
    type: 'text/xml',
    relationship: 'Alternative',
    description: 'Factur-X (EN 16931) invoice data',
    creationDate: at,
    modifiedDate: at,
  } as PDFKit.Mixins.PDFAttachmentOptions;
  doc.file(Buffer.from(xml, 'utf8'), options);
  doc.appendXML(facturXXmp());
}
