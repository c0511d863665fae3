/**
 * The command line (docs/control-plane.md): `control-plane <group> <verb> [ID] [--flags]`. This
 * file is the table; the kernel's parser (`@iamanager/kernel/cli`) reads argv against it, strictly,
 * so a mistyped flag is an error naming it, not a silent no-op.
 */
import { commandLine, type CommandTable } from '@iamanager/kernel/cli';
import { ControlPlaneError } from '../errors.js';

const s = { type: 'string' } as const;
const b = { type: 'boolean' } as const;
const limits = { 'max-users': s, 'max-cases': s, 'max-analyses': s, 'ai-model': s };
const contact = { siret: s, email: s, address: s, phone: s };

export const COMMANDS: CommandTable = {
  'serve': {
    options: {},
    json: false,
    usage: 'serve                                   # PORT (default 4000), DATA_DIR (default ./data/control-plane)',
  },
  'admin create': {
    options: { email: s, role: s },
    stdin: true,
    usage: 'admin create --email E [--role admin|billing|support]   # password from stdin',
  },
  'admin token': {
    options: { 'email': s, 'expires-in': s, 'expires': s },
    usage: 'admin token --email E [--expires-in 90d | --expires YYYY-MM-DD]   # a new Bearer API token (default 90 days, at most 365)',
  },
  'admin token list': {
    options: { email: s },
    usage: 'admin token list [--email E]            # tokens: id, owner, created, expires, last used, status',
  },
  'admin token revoke': {
    options: {},
    positional: 'id',
    usage: 'admin token revoke ID                   # the token is refused from its next request',
  },
  'admin list': { options: {}, usage: 'admin list' },
  'admin disable': {
    options: { email: s },
    usage: 'admin disable --email E                 # no login, sessions and tokens ended (never the last active admin)',
  },
  'admin password': {
    options: { email: s },
    stdin: true,
    usage: "admin password --email E                # new password from stdin; ends the admin's sessions and tokens",
  },
  'plan list': { options: {}, usage: 'plan list' },
  'plan create': {
    options: { 'id': s, 'name': s, 'price-cents': s, ...limits, 'advanced-features': b, 'overage-cents': s, 'no-overage': b },
    usage:
      'plan create --id ID --price-cents N --max-users N --max-cases N --max-analyses N --ai-model M [--name NAME] [--advanced-features] [--overage-cents N | --no-overage]',
  },
  'cabinet create': {
    options: { id: s, name: s, plan: s, ...contact, ...limits },
    usage:
      'cabinet create --id ID --name NAME --plan PLAN [--siret S] [--email E] [--address A] [--phone P] [--max-users N] [--max-cases N] [--max-analyses N]',
  },
  'cabinet list': { options: {}, usage: 'cabinet list' },
  'cabinet show': { options: {}, positional: 'id', usage: 'cabinet show ID' },
  'cabinet update': {
    options: {
      'name': s,
      'plan': s,
      'status': s,
      ...contact,
      'vat-number': s,
      ...limits,
      'keep-overrides': b,
      'drop-overrides': b,
      'accept-lower-limits': b,
    },
    positional: 'id',
    usage:
      'cabinet update ID [--plan PLAN] [--keep-overrides|--drop-overrides] [--accept-lower-limits] [--max-users N|default] [--max-cases N|default] [--max-analyses N|default] [--status active|suspended|cancelled] [--name N] [--address A] [--siret S] [--vat-number FR…] [--email E] [--phone P]',
  },
  'cabinet bundle': {
    options: { out: s },
    positional: 'id',
    usage: 'cabinet bundle ID --out DIR             # the install bundle: .env, compose file, install.sh, README (folder and .tar.gz)',
  },
  'cabinet code': {
    options: {},
    positional: 'id',
    usage: 'cabinet code ID                         # a new enrollment code (7 days, single use)',
  },
  'keys rotate': {
    options: {},
    usage: 'keys rotate                             # new vendor license key; the previous one stays published',
  },
  'keys list': { options: {}, usage: 'keys list' },
  'release sign': {
    options: { version: s, image: s, out: s },
    usage:
      'release sign --version x.y.z --image REPO@sha256:DIGEST [--out FILE]   # the signed update-x.y.z.jws appliances require to update',
  },
  'fleet list': { options: { 'include-revoked': b }, usage: 'fleet list [--include-revoked]' },
  'billing preview': {
    options: {},
    positional: 'month',
    usage: "billing preview YYYY-MM                 # that month's drafts: every invoice, its lines, totals, warnings and missing mentions",
  },
  'billing close': {
    options: {},
    positional: 'month',
    usage:
      "billing close YYYY-MM                   # finalize the drafts: issue that month's invoices (once the month is over, every mandatory mention filled)",
  },
  'billing held': {
    options: { month: s, pending: b },
    usage: 'billing held [--month YYYY-MM] [--pending]   # invoices held at a close for review (above BILLING_REVIEW_AMOUNT_CENTS)',
  },
  'billing approve': {
    options: { cabinet: s },
    positional: 'month',
    usage: 'billing approve YYYY-MM --cabinet ID     # issue a held invoice, with the next number',
  },
  'billing reject': {
    options: { cabinet: s, reason: s },
    positional: 'month',
    usage: 'billing reject YYYY-MM --cabinet ID --reason TEXT   # never issue a held invoice',
  },
  'billing months': { options: {}, usage: 'billing months                          # closed months and the recent open ones' },
  'billing month': {
    options: {},
    positional: 'month',
    usage: "billing month YYYY-MM                   # a month's invoices and credit notes",
  },
  'billing invoices': { options: { month: s, cabinet: s }, usage: 'billing invoices [--month YYYY-MM] [--cabinet ID]' },
  'billing invoice': {
    options: {},
    positional: 'number',
    usage: 'billing invoice NUMBER                  # one invoice, with its lines and credit notes',
  },
  'billing credit-note': {
    options: { 'reason': s, 'amount-cents': s, 'confirm': b },
    positional: 'invoice',
    usage:
      'billing credit-note INVOICE --reason TEXT [--amount-cents N] [--confirm]   # an avoir: the whole invoice, or N cents excl. VAT; shown as a draft, issued with --confirm',
  },
  'billing credit-notes': { options: {}, usage: 'billing credit-notes' },
  'billing pdf': {
    options: { out: s },
    positional: 'number',
    usage: 'billing pdf NUMBER [--out FILE]         # the PDF of an invoice (F-…) or credit note (A-…)',
  },
  'billing export': {
    options: { out: s },
    positional: 'month',
    usage: "billing export YYYY-MM [--out FILE]     # the month's invoices and credit notes as CSV for the accountant",
  },
  'billing evidence': {
    options: {},
    positional: 'number',
    usage: "billing evidence NUMBER                 # the signed usage (JWS) behind an invoice, with the appliance's key",
  },
  'billing pay': {
    options: { 'amount-cents': s, 'date': s, 'method': s, 'reference': s },
    positional: 'number',
    usage:
      'billing pay NUMBER --amount-cents N --date YYYY-MM-DD [--method transfer|direct_debit|card|cheque|cash|other] [--reference R]   # a payment received (incl. VAT)',
  },
  'billing import-bank': {
    options: {},
    stdin: true,
    usage: "billing import-bank < statement.csv    # the bank statement's credit lines recorded as payments, matched by invoice number",
  },
  'billing past-due': {
    options: { cabinet: s },
    usage: 'billing past-due [--cabinet ID]          # unpaid invoices after their due date, most overdue first',
  },
  'billing relances': {
    options: {},
    usage: 'billing relances                        # send the reminder e-mails now due (each once; serve sends them on its own)',
  },
  'billing xml': {
    options: { out: s },
    positional: 'number',
    usage: 'billing xml NUMBER [--out FILE]         # the Factur-X CII XML (EN 16931) of an invoice or credit note, alone',
  },
  'revenue': {
    options: { months: s },
    usage: 'revenue [--months N]                    # MRR, ARR, by plan; new and churned cabinets per month',
  },
  'admin reset-second-factor': {
    options: {},
    positional: 'email',
    usage: "admin reset-second-factor EMAIL         # lost phone and recovery codes: enrols again at next login; ends the admin's sessions",
  },
  'db migrate': {
    options: {},
    usage: "db migrate                              # brings DATABASE_URL's schema to this version's (docs/control-plane-postgres.md)",
  },
  'db import': {
    options: { from: s },
    usage:
      'db import --from DATA_DIR                # moves a stopped installation from its files into DATABASE_URL, once (an empty database), and prints the counts moved',
  },
};

/** `control-plane help`, `control-plane <command> --help`, and every command's arguments, parsed. */
export const CONTROL_PLANE_CLI = commandLine({
  bin: 'control-plane',
  commands: COMMANDS,
  error: (code, message) => new ControlPlaneError(code, message),
});
