/** Billing test helpers: a valid vendor identity and a clock moved to a given instant. */
export const VENDOR_ENV = {
  VENDOR_NAME: 'IAManager SAS',
  VENDOR_ADDRESS: '10 rue de Rivoli, 75004 Paris',
  VENDOR_SIRET: '73282932000074',
  VENDOR_VAT_NUMBER: 'FR44732829320',
  VENDOR_LEGAL_FORM: 'SAS au capital de 10 000 €',
  VENDOR_RCS: 'RCS Paris 732 829 320',
  VENDOR_IBAN: 'FR76 3000 6000 0112 3456 7890 189',
};

/** The environment that puts a control plane process's clock at `iso` (CLOCK_OFFSET_SECONDS), billing configured. */
export function clockAt(iso: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...VENDOR_ENV, CLOCK_OFFSET_SECONDS: String(Math.round((Date.parse(iso) - Date.now()) / 1000)), ...extra };
}

/** Cabinet Dupont as the billing and bundle tests create it: a name with "&" and accents, a valid SIRET, an address. */
export const DUPONT_CABINET = [
  '--id',
  'dupont',
  '--name',
  'Cabinet Dupont & Associés',
  '--plan',
  'professional',
  '--siret',
  '12345678901237',
  '--address',
  '123 Rue de la Justice, 75001 Paris',
] as const;
