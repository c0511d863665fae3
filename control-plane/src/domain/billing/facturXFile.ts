/** The Factur-X XML of an invoice or credit note alone (`billing xml`, the API), for platforms that take the CII file. */
import { NotFoundError } from '@iamanager/protocol';
import type { BillingContext } from './closeBillingMonth.js';
import { vendorOf, type BillingFile } from './billingQueries.js';
import { creditNoteXml, invoiceXml } from './facturX.js';

export async function facturXmlFile(cp: BillingContext, number: string): Promise<BillingFile> {
  const xml = async () => {
    if (number.startsWith('A-')) {
      const note = await cp.billingMonths.creditNote(number);
      if (!note) throw new NotFoundError('credit note', number);
      return creditNoteXml(note);
    }
    const invoice = await cp.billingMonths.invoice(number);
    if (!invoice) throw new NotFoundError('invoice', number);
    return invoiceXml(invoice, await vendorOf(cp, invoice.month));
  };
  return { filename: `factur-x-${number}.xml`, contentType: 'application/xml; charset=utf-8', content: Buffer.from(await xml(), 'utf8') };
}
