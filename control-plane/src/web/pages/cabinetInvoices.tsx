/** The invoices of one cabinet, as a section of the cabinet page (roles that see money only). */
import { Panel } from '../components.js';
import { InvoiceTable, type InvoiceRow } from './billing.js';

export function CabinetInvoices({ invoices }: { invoices: readonly InvoiceRow[] }) {
  return (
    <Panel title="Factures" id="factures">
      {invoices.length === 0 ? (
        <p class="empty">Aucune facture émise pour ce cabinet.</p>
      ) : (
        <InvoiceTable invoices={invoices} caption="Factures du cabinet" />
      )}
    </Panel>
  );
}
