/**
 * What the demo (`npm start`) creates: its logins, the seed's three cabinets
 * (../shared/seed/multi-tenant-architecture.md names them) and the demo vendor's identity.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one password of every demo login, vendor and cabinet alike: it is printed at start. */
export const DEMO_PASSWORD = 'demo-password-2026';
export const DEMO_ROOT = path.resolve('data/demo');
export const DEMO_ADMIN = { email: 'demo@iamanager.test', password: DEMO_PASSWORD };
/** A support login, to see the dashboard as support staff do: health, no prices, no plan changes. */
export const DEMO_SUPPORT = { email: 'support@iamanager.test', password: DEMO_PASSWORD };

/** The seed's cabinets, with SIRETs that pass the checksum, and the port each appliance takes. */
export const DEMO_CABINETS = [
  {
    id: 'dupont',
    name: 'Cabinet Dupont & Associés',
    plan: 'professional',
    port: 5001,
    siret: '12345678901237',
    address: '123 Rue de la Justice, 75001 Paris',
    phone: '01.23.45.67.89',
    email: 'contact@cabinet-dupont.fr',
  },
  {
    id: 'martin',
    name: 'Cabinet Martin',
    plan: 'starter',
    port: 5002,
    siret: '84219567300012',
    address: '8 quai Saint-Vincent, 69001 Lyon',
    phone: '04.72.00.00.00',
    email: 'contact@cabinet-martin.fr',
  },
  {
    id: 'bernard',
    name: 'Cabinet Bernard',
    plan: 'enterprise',
    port: 5003,
    siret: '55501234000017',
    address: '20 cours Pierre Puget, 13006 Marseille',
    phone: '04.91.00.00.00',
    email: 'contact@cabinet-bernard.fr',
  },
] as const;

/** The demo vendor's identity on invoices (docs/billing.md); the SIRET and VAT number pass their checksums. */
export const DEMO_VENDOR = {
  VENDOR_NAME: 'IAManager Démo SAS',
  VENDOR_ADDRESS: '10 rue de Rivoli, 75004 Paris',
  VENDOR_SIRET: '73282932000074',
  VENDOR_VAT_NUMBER: 'FR44732829320',
  VENDOR_LEGAL_FORM: 'SAS au capital de 10 000 €',
  VENDOR_RCS: 'RCS Paris 732 829 320',
  VENDOR_EMAIL: 'facturation@iamanager.test',
  VENDOR_IBAN: 'FR76 3000 6000 0112 3456 7890 189',
};

/** The repository holding this file, whether it runs from its source or from its build (dist/). */
function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'control-plane', 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the demo runs from a source checkout of the repository');
    dir = parent;
  }
  return dir;
}

/** The compiled services the demo starts, from the repository's own builds. */
export const REPOSITORY = repositoryRoot();
export const CONTROL_PLANE_MAIN = path.join(REPOSITORY, 'control-plane', 'dist', 'main.js');
export const APPLIANCE_MAIN = path.join(REPOSITORY, 'appliance', 'dist', 'main.js');
