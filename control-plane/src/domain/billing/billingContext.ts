/** What the billing use cases stand on: the control plane's configuration, clock and registries. */
import type { Clock } from '../../clock.js';
import type { ApplianceStore } from '../../storage/stores.js';
import type { CabinetRegistry } from '../cabinets.js';
import type { PlanCatalog } from '../planCatalog.js';
import type { VendorIdentity } from '../../storage/billingRecords.js';
import type { BillingMonthStore } from '../../storage/stores.js';

export interface BillingContext {
  config: { vendor: VendorIdentity | undefined; billingReviewAmountCents: number };
  clock: Clock;
  /** Where every billing document is issued (numbered and dated by the store under its lock), and read. */
  billingMonths: BillingMonthStore;
  cabinets: CabinetRegistry;
  appliances: ApplianceStore;
  plans: PlanCatalog;
}
