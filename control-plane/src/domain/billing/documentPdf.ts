/**
 * Invoices and credit notes as PDF, in French, with pdfkit. The mandatory mentions:
 *   art. 242 nonies A annexe II CGI — names, SIRET and addresses of vendor and customer (1°), the
 *   vendor's VAT number (2°), issue date (6°), unique number (7°), per line the quantity, precise
 *   description, unit price excl. VAT and VAT rate (8°), the period of service (10°), the total
 *   excl. VAT and the VAT per rate (11°), and that these are services (8° bis);
 *   Code de commerce L. 441-9 and D. 441-5 — due date, late-payment penalties, the 40 € fixed
 *   recovery indemnity, and the (absent) early-payment discount.
 * A credit note names the invoice it corrects by number and date (art. 289, I-5 CGI).
 *
 * The font is DejaVu Sans, regular and bold, read from the `dejavu-fonts-ttf` package (never from
 * the system's fonts, which the Docker image and the VM do not have): pdfkit embeds the subset of
 * glyphs used, with a ToUnicode map so the text can be extracted and searched. PDF/A requires
 * every font embedded; the standard Helvetica used before was not. Content streams are left
 * uncompressed (`compress: false`), as before; the two subsets make a PDF of about 50 KB.
 *
 * Every one is a Factur-X (facturX.ts): PDF/A-3b metadata and output intent, embedded fonts, its
 * CII XML embedded as `factur-x.xml` (see docs/billing.md "E-invoicing").
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type PDFKitDocument from 'pdfkit';
import type { CreditNoteRecord, InvoiceRecord, VendorIdentity } from '../../storage/billingRecords.js';
import { frenchDate, frenchMonth } from './calendar.js';
import { creditNoteXml, embedFacturX, invoiceXml } from './facturX.js';
import { formatEuros } from './money.js';

const LEFT = 50;
const WIDTH = 495;
const COLUMNS = {
  description: { x: 50, width: 230 },
  quantity: { x: 285, width: 55 },
  unitPrice: { x: 345, width: 75 },
  vat: { x: 425, width: 35 },
  amount: { x: 465, width: 80 },
};

/** The names the two embedded fonts are registered under in each document. */
const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';

/** The TTF files, read on first use and kept: every document embeds its own subset of them. */
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function fontFiles(): { regular: Buffer; bold: Buffer } {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    fonts = {
      regular: fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
      bold: fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
    };
  }
  return fonts;
}

/**
 * The narrow no-break space (U+202F) that French number formatting puts before € and between
 * thousands is written as a plain no-break space, which reads the same.
 */
const pdfText = (s: string) => s.replace(/\u202f/g, '\u00a0');

/**
 * pdfkit is loaded on first use: importing it costs about a second, which every CLI command and
 * every server start would otherwise pay.
 */
let pdfkit: Promise<typeof PDFKitDocument> | undefined;

/**
 * Title and author also go into the XMP metadata, which pdfkit writes without escaping: a vendor
 * named "Dupont & Fils" made it unreadable XML, which a PDF/A-3 reader refuses. The Info dictionary
 * must say the same as the XMP (PDF/A), so both get the name with "&" as "et" and no angle brackets;
 * the printed document keeps the name as it is.
 */
function metadataText(text: string): string {
  return text.replace(/&/g, ' et ').replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

async function render(
  build: (doc: PDFKit.PDFDocument) => void,
  title: string,
  author: string,
  at: Date,
  facturXml: string,
): Promise<Buffer> {
  const PDFDocument = await (pdfkit ??= import('pdfkit').then((m) => m.default));
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: false,
    subset: 'PDF/A-3b',
    pdfVersion: '1.7',
    info: { Title: metadataText(title), Author: metadataText(author), Subject: metadataText(title), CreationDate: at, ModDate: at },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { regular, bold } = fontFiles();
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  doc.font(REGULAR);
  build(doc);
  embedFacturX(doc, facturXml, at);
  doc.end();
  return done;
}

function parties(doc: PDFKit.PDFDocument, vendor: VendorIdentity, customer: InvoiceRecord['customer']): void {
  const top = doc.y;
  doc.font(BOLD).fontSize(13).text(pdfText(vendor.name), LEFT, top, { width: 240 });
  doc.font(REGULAR).fontSize(9);
  for (const line of [
    vendor.address,
    vendor.legalForm,
    `SIRET ${vendor.siret}`,
    vendor.rcs,
    `N° TVA intracommunautaire ${vendor.vatNumber}`,
    vendor.email,
  ]) {
    if (line) doc.text(pdfText(line), { width: 240 });
  }
  const vendorBottom = doc.y;
  doc.font(BOLD).fontSize(10).text('Client', 320, top, { width: 225 });
  doc.font(REGULAR).fontSize(10).text(pdfText(customer.name), { width: 225 });
  doc.fontSize(9);
  for (const line of [
    customer.address,
    customer.siret ? `SIRET ${customer.siret}` : null,
    customer.vatNumber ? `N° TVA intracommunautaire : ${customer.vatNumber}` : null,
    customer.email,
    `Référence client : ${customer.cabinetId}`,
  ]) {
    if (line) doc.text(pdfText(line), { width: 225 });
  }
  doc.x = LEFT;
  doc.y = Math.max(vendorBottom, doc.y) + 20;
}

function row(
  doc: PDFKit.PDFDocument,
  cells: { description: string; quantity: string; unitPrice: string; vat: string; amount: string },
  bold = false,
): void {
  const y = doc.y;
  doc.font(bold ? BOLD : REGULAR).fontSize(9);
  doc.text(pdfText(cells.description), COLUMNS.description.x, y, { width: COLUMNS.description.width });
  const bottom = doc.y;
  doc.text(cells.quantity, COLUMNS.quantity.x, y, { width: COLUMNS.quantity.width, align: 'right' });
  doc.text(pdfText(cells.unitPrice), COLUMNS.unitPrice.x, y, { width: COLUMNS.unitPrice.width, align: 'right' });
  doc.text(cells.vat, COLUMNS.vat.x, y, { width: COLUMNS.vat.width, align: 'right' });
  doc.text(pdfText(cells.amount), COLUMNS.amount.x, y, { width: COLUMNS.amount.width, align: 'right' });
  doc.x = LEFT;
  doc.y = Math.max(bottom, doc.y) + 4;
}

function rule(doc: PDFKit.PDFDocument): void {
  doc
    .moveTo(LEFT, doc.y)
    .lineTo(LEFT + WIDTH, doc.y)
    .lineWidth(0.5)
    .stroke();
  doc.y += 4;
}

function totals(
  doc: PDFKit.PDFDocument,
  t: { totalExclVatCents: number; vatRatePercent: number; vatCents: number; totalInclVatCents: number },
  sign = '',
): void {
  doc.y += 6;
  const line = (label: string, cents: number, bold = false) => {
    const y = doc.y;
    doc.font(bold ? BOLD : REGULAR).fontSize(10);
    doc.text(label, 300, y, { width: 160, align: 'right' });
    doc.text(pdfText(`${sign}${formatEuros(cents)}`), COLUMNS.amount.x, y, { width: COLUMNS.amount.width, align: 'right' });
  };
  line('Total HT', t.totalExclVatCents);
  line(`TVA ${t.vatRatePercent} %`, t.vatCents);
  line('Total TTC', t.totalInclVatCents, true);
  doc.x = LEFT;
  doc.moveDown(1.5);
}

function paymentTerms(doc: PDFKit.PDFDocument, vendor: VendorIdentity, dueDate: string): void {
  doc.font(REGULAR).fontSize(8).fillColor('#333333');
  doc.text(
    `Échéance : ${frenchDate(dueDate)} (paiement à ${vendor.paymentTermsDays} jours de la date d'émission)${vendor.iban ? `, par virement sur l'IBAN ${vendor.iban}` : ''}.`,
    LEFT,
    doc.y,
    { width: WIDTH },
  );
  doc.text(
    "Pas d'escompte pour paiement anticipé. En cas de retard de paiement : pénalités au taux de refinancement de la BCE majoré de 10 points (art. L. 441-10 C. com.) et indemnité forfaitaire pour frais de recouvrement de 40 € (art. D. 441-5 C. com.).",
    { width: WIDTH },
  );
  doc.text('Opérations constituées exclusivement de prestations de services.', { width: WIDTH });
  doc.fillColor('black');
}

/** The invoice as a PDF. */
export function invoicePdf(invoice: InvoiceRecord, vendor: VendorIdentity): Promise<Buffer> {
  return render(
    (doc) => {
      parties(doc, vendor, invoice.customer);
      doc.font(BOLD).fontSize(16).text(`Facture n° ${invoice.number}`);
      doc
        .font(REGULAR)
        .fontSize(10)
        .text(`Date d'émission : ${frenchDate(invoice.issueDate)}`);
      doc.text(`Période de service : ${frenchMonth(invoice.month)}`);
      doc.moveDown(1);
      row(doc, { description: 'Désignation', quantity: 'Quantité', unitPrice: 'P.U. HT', vat: 'TVA', amount: 'Montant HT' }, true);
      rule(doc);
      for (const line of invoice.lines) {
        if (line.kind === 'subscription') {
          const quantity = line.days === line.daysInMonth ? '1 mois' : `${line.days}/${line.daysInMonth} mois`;
          row(doc, {
            description: line.description,
            quantity,
            unitPrice: `${formatEuros(line.unitPriceCents)}/mois`,
            vat: `${invoice.vatRatePercent} %`,
            amount: formatEuros(line.amountCents),
          });
        } else {
          row(doc, {
            description: line.description,
            quantity: String(line.quantity),
            unitPrice: formatEuros(line.unitPriceCents),
            vat: `${invoice.vatRatePercent} %`,
            amount: formatEuros(line.amountCents),
          });
        }
      }
      rule(doc);
      totals(doc, invoice);
      if (invoice.usage) {
        const u = invoice.usage;
        doc.font(BOLD).fontSize(9).text("Relevé d'usage signé par l'appliance du client");
        doc
          .font(REGULAR)
          .fontSize(8)
          .text(
            `${u.analysesUsed} analyses réalisées en ${frenchMonth(invoice.month)}, dont ${u.analysesOverage} au-delà du quota. Relevé n° ${u.seq} de l'appliance ${u.applianceId}, reçu le ${u.receivedAt}, signé Ed25519 par la clé de l'appliance ; SHA-256 du jeton signé (JWS) : ${u.jwsSha256}. Le jeton et la clé publique sont fournis sur demande (preuve de l'usage facturé).`,
            { width: WIDTH },
          );
        doc.moveDown(1);
      }
      paymentTerms(doc, vendor, invoice.dueDate);
    },
    `Facture ${invoice.number}`,
    vendor.name,
    new Date(invoice.issuedAt),
    invoiceXml(invoice, vendor),
  );
}

/** The credit note as a PDF. */
export function creditNotePdf(note: CreditNoteRecord): Promise<Buffer> {
  return render(
    (doc) => {
      parties(doc, note.vendor, note.customer);
      doc.font(BOLD).fontSize(16).text(`Avoir n° ${note.number}`);
      doc
        .font(REGULAR)
        .fontSize(10)
        .text(`Date d'émission : ${frenchDate(note.issueDate)}`);
      doc.text(
        `Se rapporte à la facture n° ${note.invoiceNumber} du ${frenchDate(note.invoiceIssueDate)} (période ${frenchMonth(note.month)})`,
      );
      doc.text(`Motif : ${pdfText(note.reason)}`);
      doc.moveDown(1);
      row(doc, { description: 'Désignation', quantity: 'Quantité', unitPrice: 'P.U. HT', vat: 'TVA', amount: 'Montant HT' }, true);
      rule(doc);
      for (const line of note.lines)
        row(doc, {
          description: line.description,
          quantity: '1',
          unitPrice: `-${formatEuros(line.amountCents)}`,
          vat: `${note.vatRatePercent} %`,
          amount: `-${formatEuros(line.amountCents)}`,
        });
      rule(doc);
      totals(doc, note, '-');
      doc
        .font(REGULAR)
        .fontSize(8)
        .text("Montants à déduire de la facture d'origine ; la TVA correspondante est régularisée (art. 272 CGI).", LEFT, doc.y, {
          width: WIDTH,
        });
    },
    `Avoir ${note.number}`,
    note.vendor.name,
    new Date(note.issuedAt),
    creditNoteXml(note),
  );
}
