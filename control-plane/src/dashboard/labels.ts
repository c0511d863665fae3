/** French names for the codes the domain speaks in (roles, statuses), in one place. */
import type { AdminRole, CabinetStatus } from '../storage/records.js';

export const ROLE_LABELS: Readonly<Record<AdminRole, string>> = { admin: 'administrateur', billing: 'facturation', support: 'support' };

export const CABINET_STATUS_LABELS: Readonly<Record<CabinetStatus, string>> = { active: 'actif', suspended: 'suspendu', cancelled: 'résilié' };
