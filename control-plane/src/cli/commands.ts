/**
 * The CLI's commands, run against an open control plane — in the server (the CLI sent them over
 * the control socket) or in the CLI itself (no server running, the CLI holds the lock). Arguments
 * arrive as the command line gave them (strings, flags); each command validates its own, with
 * messages that name the flag.
 */
import { ValidationError, cabinetIdSchema, keyThumbprints, monthSchema, parseWith } from '@iamanager/protocol';
import { z } from 'zod';
import { SHIPPED_APPLIANCE_VERSION } from '../domain/applianceRelease.js';
import type { ControlPlane } from '../controlPlane.js';
import {
  billingMonth,
  documentPdfFile,
  invoiceEvidenceOf,
  listBillingMonths,
  listHeldInvoices,
  listInvoices,
  monthCsvFile,
  type BillingFile,
} from '../domain/billing/billingQueries.js';
import { closeBillingMonth } from '../domain/billing/closeBillingMonth.js';
import { importBankStatement } from '../domain/billing/bankStatementImport.js';
import { facturXmlFile } from '../domain/billing/facturXFile.js';
import { pastDueInvoices, presentPayment, presentStanding, showInvoiceAccount, withStatus } from '../domain/billing/invoiceAccount.js';
import { recordPayment } from '../domain/billing/payments.js';
import { sendDueRelances } from '../domain/billing/relances.js';
import { draftMonth, presentDrafts } from '../domain/billing/billingPreview.js';
import { changeCabinet } from '../domain/planChange.js';
import { termsOn } from '../domain/planCatalog.js';
import { approveHeldInvoice, rejectHeldInvoice, rejectionInputSchema } from '../domain/billing/reviewHeldInvoice.js';
import { documentNumberSchema, invoiceNumberSchema } from '../domain/billing/documentNumbers.js';
import { creditNoteInputSchema, draftCreditNote, issueCreditNote } from '../domain/billing/issueCreditNote.js';
import { revenueReport } from '../domain/billing/revenue.js';
import { cabinetFields, cabinetPatchSchema, newCabinetSchema } from '../domain/cabinetFields.js';
import { listFleet } from '../domain/fleet.js';
import { installBundle } from '../domain/installBundle.js';
import { newPlanSchema } from '../domain/planFields.js';
import { signRelease } from '../domain/releaseManifest.js';
import { tokenExpiry } from '../domain/tokenLifetime.js';
import { presentCabinet, presentCabinetSummary } from '../presenters/cabinet.js';
import { presentCreditNote, presentHeldInvoice, presentInvoice } from '../presenters/invoice.js';
import { presentPlan } from '../presenters/plan.js';
import { ADMIN_ROLES, type CabinetRecord } from '../storage/records.js';
import { ControlPlaneError } from '../errors.js';

export type CommandArgs = Record<string, string | boolean | undefined>;

export interface CommandRequest {
  command: string;
  args: CommandArgs;
  /** What the CLI read from stdin (the password of `admin create`). */
  input?: string;
}

/** Who acts when the CLI does: DATA_DIR's owner, recorded as such in the plan history. */
const CLI_ACTOR = 'cli';

type Handler = (cp: ControlPlane, args: CommandArgs, input: string | undefined) => Promise<unknown> | unknown;

function str(args: CommandArgs, flag: string): string | undefined {
  const v = args[flag];
  return typeof v === 'string' ? v : undefined;
}

function required(args: CommandArgs, flag: string, example: string): string {
  const v = str(args, flag);
  if (v === undefined || v.trim() === '') throw new ValidationError([`${flag}: is required, e.g. --${flag} ${example}`]);
  return v;
}

function count(args: CommandArgs, flag: string, allowDefault: boolean): number | null | undefined {
  const v = str(args, flag);
  if (v === undefined) return undefined;
  if (allowDefault && v === 'default') return null;
  if (!/^\d{1,10}$/.test(v))
    throw new ValidationError([
      `${flag}: must be a whole number, e.g. --${flag} 10${allowDefault ? ' (or "default" for the plan\'s figure)' : ''}`,
    ]);
  return Number(v);
}

function overridesFrom(args: CommandArgs, allowDefault: boolean) {
  const overrides = {
    maxUsers: count(args, 'max-users', allowDefault),
    maxCases: count(args, 'max-cases', allowDefault),
    maxAnalysesMonthly: count(args, 'max-analyses', allowDefault),
    aiModel: str(args, 'ai-model') === 'default' && allowDefault ? null : str(args, 'ai-model'),
  };
  return Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
}

async function showCabinet(cp: ControlPlane, cabinet: CabinetRecord) {
  const plan = await cp.plans.find(cabinet.plan);
  const terms = plan ? termsOn(plan, cabinet.overrides) : undefined;
  return presentCabinet(cabinet, terms, { seeMoney: true, now: cp.clock() });
}

/** A file for the CLI to write (`--out`): it travels base64 in the JSON result, over the socket too. */
function download(file: BillingFile) {
  return { download: { filename: file.filename, contentType: file.contentType, contentBase64: file.content.toString('base64') } };
}

const roleSchema = z.enum(ADMIN_ROLES, { error: `must be one of ${ADMIN_ROLES.join(', ')}` });
const emailSchema = z.email({ error: 'must be an email address, e.g. --email ops@vendor.fr' });

/** A password read from stdin (one trailing newline dropped): never from the command line, where `ps` shows it. */
function passwordFrom(input: string | undefined, command: string): string {
  const password = (input ?? '').replace(/\r?\n$/, '');
  if (!password) throw new ValidationError([`password: pass it on stdin, e.g. printf "%s" "$PASSWORD" | control-plane ${command}`]);
  return password;
}

const HANDLERS: Record<string, Handler> = {
  async 'admin create'(cp, args, input) {
    const email = parseWith(emailSchema, required(args, 'email', 'ops@vendor.fr'), 'email');
    const role = parseWith(roleSchema, str(args, 'role') ?? 'admin', 'role');
    const password = passwordFrom(input, 'admin create --email E');
    return { admin: await cp.admins.createAdmin({ email, role, password }, cp.clock()) };
  },
  async 'admin token'(cp, args) {
    const now = cp.clock();
    const expiresAt = tokenExpiry({ expiresIn: str(args, 'expires-in'), expires: str(args, 'expires') }, now);
    const { token, summary } = await cp.admins.createApiToken(required(args, 'email', 'ops@vendor.fr'), expiresAt, now);
    return { token, id: summary.id, expiresAt: summary.expiresAt };
  },
  async 'admin token list'(cp, args) {
    const email = str(args, 'email') === undefined ? undefined : parseWith(emailSchema, str(args, 'email'), 'email');
    return { tokens: await cp.admins.listTokens({ email }, cp.clock()) };
  },
  async 'admin token revoke'(cp, args) {
    const id = str(args, 'id')?.trim();
    if (!id)
      throw new ValidationError(['ID: is required: control-plane admin token revoke ID (the ids are in control-plane admin token list)']);
    return { token: await cp.admins.revokeToken(id, cp.clock()) };
  },
  async 'admin list'(cp) {
    return { admins: await cp.admins.list() };
  },
  async 'admin disable'(cp, args) {
    return { admin: await cp.admins.disableAdmin(required(args, 'email', 'ops@vendor.fr'), cp.clock()) };
  },
  async 'admin password'(cp, args, input) {
    const email = required(args, 'email', 'ops@vendor.fr');
    return { admin: await cp.admins.changePassword(email, passwordFrom(input, 'admin password --email E'), cp.clock()) };
  },
  async 'plan list'(cp) {
    return { plans: (await cp.plans.list()).map((p) => presentPlan(p, { seeMoney: true })) };
  },
  async 'plan create'(cp, args) {
    const input = parseWith(newPlanSchema, {
      id: required(args, 'id', 'premium'),
      name: str(args, 'name') ?? required(args, 'id', 'premium'),
      priceCents: count(args, 'price-cents', false) ?? required(args, 'price-cents', '39900'),
      limits: {
        maxUsers: count(args, 'max-users', false),
        maxCases: count(args, 'max-cases', false),
        maxAnalysesMonthly: count(args, 'max-analyses', false),
      },
      aiModel: required(args, 'ai-model', 'ceseda-pro-v1'),
      advancedFeatures: args['advanced-features'] === true,
      overage: { allowed: args['no-overage'] !== true, pricePerAnalysisCents: count(args, 'overage-cents', false) ?? undefined },
    });
    return { plan: presentPlan(await cp.plans.createPlan(input, cp.clock()), { seeMoney: true }) };
  },
  async 'cabinet create'(cp, args) {
    const input = parseWith(newCabinetSchema, {
      id: required(args, 'id', 'dupont'),
      name: required(args, 'name', '"Cabinet Dupont & Associés"'),
      plan: required(args, 'plan', 'professional'),
      siret: str(args, 'siret'),
      email: str(args, 'email'),
      address: str(args, 'address'),
      phone: str(args, 'phone'),
      overrides: overridesFrom(args, false),
    });
    const { cabinet, enrollmentCode } = await cp.cabinets.createCabinet(input, CLI_ACTOR, cp.clock());
    return { cabinet: await showCabinet(cp, cabinet), enrollmentCode };
  },
  async 'cabinet list'(cp) {
    return { cabinets: (await cp.cabinets.list()).map(presentCabinetSummary) };
  },
  async 'cabinet show'(cp, args) {
    return { cabinet: await showCabinet(cp, await cp.cabinets.get(required(args, 'id', 'dupont'))) };
  },
  async 'cabinet update'(cp, args) {
    const id = required(args, 'id', 'dupont');
    await cp.cabinets.get(id);
    const fields: Record<string, unknown> = {};
    for (const flag of ['name', 'plan', 'status', 'siret', 'email', 'address', 'phone'])
      if (str(args, flag) !== undefined) fields[flag] = str(args, flag);
    // Checked under the flag's name ("vat-number: …"); the patch schema below takes the result as is.
    if (str(args, 'vat-number') !== undefined) fields.vatNumber = parseWith(cabinetFields.vatNumber, str(args, 'vat-number'), 'vat-number');
    const overrides = overridesFrom(args, true);
    if (Object.keys(overrides).length > 0) fields.overrides = overrides;
    if (Object.keys(fields).length === 0)
      throw new ValidationError([
        'nothing to change: give at least one of --plan, --max-users, --max-cases, --max-analyses, --status, --name, --address, --siret, --vat-number, --email, --phone',
      ]);
    if (args['keep-overrides'] === true && args['drop-overrides'] === true)
      throw new ValidationError(['keep-overrides: give --keep-overrides or --drop-overrides, not both']);
    if (args['keep-overrides'] === true) fields.overridesOnPlanChange = 'keep';
    if (args['drop-overrides'] === true) fields.overridesOnPlanChange = 'drop';
    if (args['accept-lower-limits'] === true) fields.acceptLowerLimits = true;
    const patch = parseWith(cabinetPatchSchema, fields);
    const { cabinet, planChange } = await changeCabinet(cp, id, patch, CLI_ACTOR);
    return { cabinet: await showCabinet(cp, cabinet), ...(planChange ? { planChange } : {}) };
  },
  async 'cabinet code'(cp, args) {
    return cp.cabinets.issueEnrollmentCode(required(args, 'id', 'dupont'), cp.clock());
  },
  /** Issues a fresh enrollment code and returns the bundle's files; the CLI writes them. */
  async 'cabinet bundle'(cp, args) {
    const id = required(args, 'id', 'dupont');
    const cabinet = await cp.cabinets.get(id);
    const { enrollmentCode, expiresAt } = await cp.cabinets.issueEnrollmentCode(id, cp.clock());
    const vendorKeyPins = await keyThumbprints(await cp.keys.jwks());
    return {
      cabinetId: id,
      enrollmentCode,
      vendorKeyPins,
      files: installBundle(cabinet, {
        enrollmentCode,
        expiresAt,
        controlPlaneUrl: cp.config.publicUrl,
        applianceVersion: cp.config.latestApplianceVersion ?? SHIPPED_APPLIANCE_VERSION,
        vendorKeyPins,
      }),
    };
  },
  /** With the pins to send to every cabinet (VENDOR_KEY_PINS) before the previous key is retired. */
  async 'keys rotate'(cp) {
    const rotated = await cp.keys.rotate(cp.clock());
    return { ...rotated, vendorKeyPins: await keyThumbprints(await cp.keys.jwks()) };
  },
  /** The signed manifest `appliance update` requires (written to --out, default update-<version>.jws). */
  async 'release sign'(cp, args) {
    const signed = await signRelease(cp.keys, { version: str(args, 'version'), image: str(args, 'image') }, cp.clock());
    return {
      version: signed.version,
      image: signed.image,
      kid: signed.kid,
      download: {
        filename: signed.filename,
        contentType: 'application/jose',
        contentBase64: Buffer.from(`${signed.manifest}\n`).toString('base64'),
      },
    };
  },
  async 'keys list'(cp) {
    return { keys: await cp.keys.list(), vendorKeyPins: await keyThumbprints(await cp.keys.jwks()) };
  },
  async 'fleet list'(cp, args) {
    return { appliances: await listFleet(cp, { includeRevoked: args['include-revoked'] === true }) };
  },
  async 'billing preview'(cp, args) {
    const month = parseWith(monthSchema, required(args, 'month', '2026-03'), 'month');
    return presentDrafts(await draftMonth(cp, month, await cp.plans.lookup()));
  },
  async 'billing close'(cp, args) {
    const month = parseWith(monthSchema, required(args, 'month', '2026-03'), 'month');
    const closed = await closeBillingMonth(cp, month, CLI_ACTOR);
    return {
      month: closed.month,
      issueDate: closed.issueDate,
      invoices: closed.invoices.map((i) => presentInvoice(i)),
      held: closed.held.map((h) => presentHeldInvoice(h, { status: 'pending' })),
      warnings: closed.warnings,
    };
  },
  async 'billing held'(cp, args) {
    const month = str(args, 'month') === undefined ? undefined : parseWith(monthSchema, str(args, 'month'), 'month');
    return { held: await listHeldInvoices(cp, { month, pending: args.pending === true }) };
  },
  async 'billing approve'(cp, args) {
    const month = parseWith(monthSchema, required(args, 'month', '2026-03'), 'month');
    const cabinetId = parseWith(cabinetIdSchema, required(args, 'cabinet', 'dupont'), 'cabinet');
    return { invoice: presentInvoice(await approveHeldInvoice(cp, month, cabinetId, CLI_ACTOR)) };
  },
  async 'billing reject'(cp, args) {
    const month = parseWith(monthSchema, required(args, 'month', '2026-03'), 'month');
    const cabinetId = parseWith(cabinetIdSchema, required(args, 'cabinet', 'dupont'), 'cabinet');
    const input = parseWith(rejectionInputSchema, { reason: required(args, 'reason', '"usage counter implausible"') });
    return { rejection: await rejectHeldInvoice(cp, month, cabinetId, input, CLI_ACTOR) };
  },
  async 'billing months'(cp) {
    return { months: await listBillingMonths(cp) };
  },
  async 'billing month'(cp, args) {
    const month = await billingMonth(cp, parseWith(monthSchema, required(args, 'month', '2026-03'), 'month'));
    return { ...month, invoices: await withStatus(cp, month.invoices) };
  },
  async 'billing invoices'(cp, args) {
    const month = str(args, 'month') === undefined ? undefined : parseWith(monthSchema, str(args, 'month'), 'month');
    const cabinetId = str(args, 'cabinet') === undefined ? undefined : parseWith(cabinetIdSchema, str(args, 'cabinet'), 'cabinet');
    return { invoices: await withStatus(cp, await listInvoices(cp, { month, cabinetId })) };
  },
  async 'billing invoice'(cp, args) {
    return { invoice: await showInvoiceAccount(cp, parseWith(invoiceNumberSchema, required(args, 'number', 'F-2026-000001'), 'number')) };
  },
  async 'billing credit-note'(cp, args) {
    const invoice = parseWith(invoiceNumberSchema, required(args, 'invoice', 'F-2026-000001'), 'invoice');
    const input = parseWith(creditNoteInputSchema, {
      reason: required(args, 'reason', '"overage disputed"'),
      amountCents: count(args, 'amount-cents', false),
    });
    // Like an invoice, a credit note is never withdrawn: without --confirm it is only shown.
    if (args.confirm !== true) return { draft: await draftCreditNote(cp, invoice, input) };
    return { creditNote: presentCreditNote(await issueCreditNote(cp, invoice, input, CLI_ACTOR)) };
  },
  async 'billing credit-notes'(cp) {
    return { creditNotes: (await cp.billingMonths.creditNotes()).map(presentCreditNote) };
  },
  async 'billing pdf'(cp, args) {
    const number = parseWith(documentNumberSchema, required(args, 'number', 'F-2026-000001'), 'number');
    return { number, ...download(await documentPdfFile(cp, number)) };
  },
  async 'billing export'(cp, args) {
    const month = parseWith(monthSchema, required(args, 'month', '2026-03'), 'month');
    return { month, ...download(await monthCsvFile(cp, month)) };
  },
  async 'billing evidence'(cp, args) {
    return { evidence: await invoiceEvidenceOf(cp, parseWith(invoiceNumberSchema, required(args, 'number', 'F-2026-000001'), 'number')) };
  },
  async 'billing pay'(cp, args) {
    const number = parseWith(invoiceNumberSchema, required(args, 'number', 'F-2026-000001'), 'number');
    const { payment, standing } = await recordPayment(
      cp,
      number,
      {
        amountCents: count(args, 'amount-cents', false) ?? Number(required(args, 'amount-cents', '12000')),
        date: required(args, 'date', '2026-04-15'),
        method: str(args, 'method') as 'transfer' | undefined,
        reference: str(args, 'reference'),
      },
      { by: CLI_ACTOR, source: 'manual' },
    );
    return { payment: presentPayment(payment), invoice: { number, ...presentStanding(standing) } };
  },
  async 'billing import-bank'(cp, _args, input) {
    return importBankStatement(cp, input ?? '', CLI_ACTOR);
  },
  async 'billing past-due'(cp, args) {
    const cabinetId = str(args, 'cabinet') === undefined ? undefined : parseWith(cabinetIdSchema, str(args, 'cabinet'), 'cabinet');
    return { invoices: await pastDueInvoices(cp, cabinetId ? { cabinetId } : {}) };
  },
  async 'billing relances'(cp) {
    return sendDueRelances(cp);
  },
  async 'billing xml'(cp, args) {
    const number = parseWith(documentNumberSchema, required(args, 'number', 'F-2026-000001'), 'number');
    return { number, ...download(await facturXmlFile(cp, number)) };
  },
  async 'revenue'(cp, args) {
    const months = count(args, 'months', false) ?? undefined;
    if (months !== undefined && (months < 1 || months > 60))
      throw new ValidationError(['months: must be a whole number of months from 1 to 60']);
    return revenueReport(await cp.cabinets.list(), await cp.plans.list(), cp.clock(), months ?? 12);
  },
  // Whoever runs the CLI owns DATA_DIR: the way back in for the last admin, locked out of their second factor.
  async 'admin reset-second-factor'(cp, args) {
    const email = str(args, 'email')?.trim();
    if (!email)
      throw new ValidationError([
        'EMAIL: is required: control-plane admin reset-second-factor EMAIL (the emails are in control-plane admin list)',
      ]);
    await cp.secondFactors.reset(email, CLI_ACTOR, cp.clock());
    return { admin: await cp.admins.get(await cp.admins.idOf(email)) };
  },
};

export async function runCommand(cp: ControlPlane, request: CommandRequest): Promise<unknown> {
  const handler = HANDLERS[request.command];
  if (!handler) throw new ControlPlaneError('unknown_command', `unknown command "${request.command}": run control-plane help`);
  return handler(cp, request.args, request.input);
}
