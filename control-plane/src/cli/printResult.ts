/**
 * Human output of the CLI commands (`--json` prints the result object as is). Money is shown in
 * euros here, as on every screen; files and APIs keep cents.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are plain JSON from commands.ts */
import { formatEuros } from '../domain/billing/money.js';

function euros(cents: number | undefined): string {
  return cents === undefined ? '' : `${(cents / 100).toFixed(2)} €`;
}

/** Billing amounts as on the invoices (fr-FR). */
function eur(cents: number): string {
  return formatEuros(cents);
}

function invoiceTable(invoices: any[]): string {
  return table([
    ['number', 'cabinet', 'month', 'excl. VAT', 'VAT', 'incl. VAT', 'balance'],
    ...invoices.map((i: any) => [
      i.number,
      i.cabinetId,
      i.month,
      eur(i.totalExclVatCents),
      eur(i.vatCents),
      eur(i.totalInclVatCents),
      eur(i.balanceInclVatCents ?? i.totalInclVatCents),
    ]),
  ]);
}

function heldLines(held: any[]): string[] {
  if (held.length === 0) return [];
  return [
    '',
    `${held.length} held for review (above the review amount; an admin runs billing approve MONTH --cabinet ID, or billing reject):`,
    table([
      ['month', 'cabinet', 'incl. VAT', 'status', 'decision'],
      ...held.map((h: any) => [h.month, h.cabinetId, eur(h.totalInclVatCents), h.status, h.invoiceNumber ?? h.rejectionReason ?? '']),
    ]),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `billing preview`: each draft, its lines and totals, what it lacks, and whether the month may be finalized. */
function previewLines(p: any): string[] {
  const out = [
    `drafts of ${p.month}: ${p.drafts.length} invoices, ${eur(p.totalExclVatCents)} excl. VAT, ${eur(p.totalInclVatCents)} incl. VAT; if finalized today: dated ${p.issueDate}, due ${p.dueDate}`,
  ];
  for (const d of p.drafts) {
    out.push(
      '',
      `${d.cabinetId}  ${d.customer.name}  ${eur(d.totalInclVatCents)} incl. VAT${d.needsApproval ? `  (above ${eur(p.reviewAmountCents)}: held for an admin's approval)` : ''}`,
    );
    for (const l of d.lines) out.push(`  ${l.description}  ${eur(l.amountCents)}`);
    out.push(`  total ${eur(d.totalExclVatCents)} excl. VAT + VAT ${d.vatRatePercent} % ${eur(d.vatCents)} = ${eur(d.totalInclVatCents)}`);
    for (const w of d.warnings) out.push(`  warning: ${w.message}`);
    for (const m of d.missing) out.push(`  MISSING ${m.party} ${m.field} (${m.article}): ${m.fix}`);
  }
  out.push(
    '',
    !p.monthOver
      ? `${p.month} is not over: it can be finalized from the 1st of the next month`
      : p.missing.length > 0
        ? `cannot be finalized: ${p.missing.length} mandatory mentions missing (above); fill them and preview again`
        : `ready: control-plane billing close ${p.month} issues these invoices`,
  );
  return out;
}

/** `cabinet update --plan`: the limits before and after, the overrides' fate, the next invoice's proration. */
function planChangeLines(pc: any): string[] {
  return [
    `plan ${pc.fromPlan} → ${pc.toPlan} (${eur(pc.priceCents.from)} → ${eur(pc.priceCents.to)} excl. VAT / month), from ${pc.effectiveAt}`,
    ...pc.limits.map(
      (l: any) =>
        `  ${l.field}: ${l.current} → ${l.next}${l.override !== null ? ` (override; plan ${l.planValue})` : ''}${l.usage !== null ? `, in use ${l.usage}` : ''}${l.belowUsage ? '  BELOW USAGE' : l.lowered ? '  LOWER' : ''}`,
    ),
    ...pc.overrides.map((o: any) => `  override ${o.field} ${JSON.stringify(o.value)}: ${o.fate}`),
    `  next invoice (${pc.proration.month}): ${pc.proration.lines.map((l: any) => `${l.description} ${eur(l.amountCents)}`).join('; ')} = ${eur(pc.proration.totalExclVatCents)} excl. VAT (${pc.proration.differenceExclVatCents >= 0 ? '+' : ''}${eur(pc.proration.differenceExclVatCents)} against no change)`,
  ];
}

function cabinetLines(c: any): string[] {
  const e = c.effective;
  return [
    `${c.id}  ${c.name}  [${c.status}]`,
    `  plan: ${c.plan}${Object.keys(c.overrides).length ? ` with overrides ${JSON.stringify(c.overrides)}` : ''}`,
    ...(e
      ? [
          `  limits: ${e.limits.maxUsers} users, ${e.limits.maxCases} cases, ${e.limits.maxAnalysesMonthly} analyses/month; ${e.aiModel}; advanced features ${e.advancedFeatures ? 'on' : 'off'}; ${e.priceCents !== undefined ? euros(e.priceCents) + '/month' : ''}`,
        ]
      : []),
    ...(c.siret ? [`  SIRET: ${c.siret}`] : []),
    ...(c.vatNumber ? [`  VAT number: ${c.vatNumber}`] : []),
    ...(c.email ? [`  email: ${c.email}`] : []),
    ...(c.address ? [`  address: ${c.address}`] : []),
    ...(c.phone ? [`  phone: ${c.phone}`] : []),
    `  appliance: ${c.applianceId ?? 'not enrolled'}${c.enrollmentCodeExpiresAt ? ` (an enrollment code is pending until ${c.enrollmentCodeExpiresAt})` : ''}`,
    '  history:',
    ...c.planHistory.map(
      (h: any) =>
        `    ${h.effectiveAt}  ${h.plan}  ${h.status}${Object.keys(h.overrides).length ? `  ${JSON.stringify(h.overrides)}` : ''}  (by ${h.by})`,
    ),
  ];
}

export function formatResult(command: string, result: any): string {
  switch (command) {
    case 'admin create':
      return `created ${result.admin.role} ${result.admin.email}`;
    case 'admin token':
      return result.token;
    case 'admin list':
      return table([
        ['email', 'role', 'status'],
        ...result.admins.map((a: any) => [a.email, a.role, a.disabledAt ? `disabled ${a.disabledAt}` : 'active']),
      ]);
    case 'admin token list':
      if (result.tokens.length === 0) return 'no API tokens: control-plane admin token --email E';
      return table([
        ['id', 'admin', 'created', 'expires', 'last used', 'status'],
        ...result.tokens.map((t: any) => [
          t.id,
          t.email,
          t.createdAt,
          t.expiresAt,
          t.lastUsedAt ?? 'never',
          t.status === 'revoked' ? `revoked ${t.revokedAt}` : t.status,
        ]),
      ]);
    case 'admin token revoke':
      return `revoked API token ${result.token.id} of ${result.token.email}`;
    case 'admin disable':
      return `disabled ${result.admin.email}: sessions and API tokens ended`;
    case 'admin password':
      return `new password for ${result.admin.email}: sessions and API tokens ended`;
    case 'admin reset-second-factor':
      return `second factor of ${result.admin.email} reset: sessions ended (API tokens kept); a new one is enrolled at the next login`;
    case 'plan list':
      return table([
        ['plan', 'price/month', 'users', 'cases', 'analyses/month', 'model', 'advanced', 'overage'],
        ...result.plans.map((p: any) => [
          p.id,
          euros(p.priceCents),
          String(p.limits.maxUsers),
          String(p.limits.maxCases),
          String(p.limits.maxAnalysesMonthly),
          p.aiModel,
          p.advancedFeatures ? 'yes' : 'no',
          p.overageAllowed ? `${euros(p.overagePricePerAnalysisCents)}/analysis` : 'refused',
        ]),
      ]);
    case 'plan create':
      return `created plan ${result.plan.id}`;
    case 'cabinet create':
      return [...cabinetLines(result.cabinet), '', `enrollment code (single use, 7 days): ${result.enrollmentCode}`].join('\n');
    case 'cabinet list':
      if (result.cabinets.length === 0) return 'no cabinets yet: control-plane cabinet create --id ID --name NAME --plan PLAN';
      return table([
        ['id', 'name', 'plan', 'status', 'appliance'],
        ...result.cabinets.map((c: any) => [c.id, c.name, c.plan, c.status, c.applianceId ?? '-']),
      ]);
    case 'cabinet show':
      return cabinetLines(result.cabinet).join('\n');
    case 'cabinet update':
      return [...(result.planChange ? [...planChangeLines(result.planChange), ''] : []), ...cabinetLines(result.cabinet)].join('\n');
    case 'cabinet code':
      return `enrollment code (single use, until ${result.expiresAt}): ${result.enrollmentCode}`;
    case 'keys rotate':
      return [
        `new signing key ${result.kid}; published: ${result.published.join(', ')}`,
        '',
        'every cabinet needs this line in its appliance configuration (new bundles carry it):',
        `VENDOR_KEY_PINS=${result.vendorKeyPins.join(',')}`,
      ].join('\n');
    case 'keys list':
      return [
        table([['kid', 'created', 'signing'], ...result.keys.map((k: any) => [k.kid, k.createdAt, k.signing ? 'yes' : ''])]),
        '',
        `VENDOR_KEY_PINS=${result.vendorKeyPins.join(',')}`,
      ].join('\n');
    case 'cabinet bundle':
      return [
        `bundle for ${result.cabinetId}: ${result.folder} and ${result.archive}`,
        `enrollment code (single use, 7 days): ${result.enrollmentCode}`,
        `VENDOR_KEY_PINS=${result.vendorKeyPins.join(',')}`,
      ].join('\n');
    case 'fleet list':
      if (result.appliances.length === 0) return 'no enrolled appliances';
      return table([
        ['cabinet', 'appliance', 'plan', 'version', 'last heartbeat', 'analyses', 'users'],
        ...result.appliances.map((a: any) => [
          a.cabinetId,
          a.applianceId,
          a.plan ?? '-',
          a.version,
          a.lastHeartbeatAt ?? 'never',
          a.usage && a.limits ? `${a.usage.analysesUsed}/${a.limits.maxAnalysesMonthly}` : '-',
          a.usage && a.limits ? `${a.usage.usersActive}/${a.limits.maxUsers}` : '-',
        ]),
      ]);
    case 'billing preview':
      return previewLines(result).join('\n');
    case 'billing close': {
      const total = result.invoices.reduce((sum: number, i: any) => sum + i.totalInclVatCents, 0);
      const head =
        result.invoices.length === 0
          ? `closed ${result.month}: no cabinet to invoice`
          : `closed ${result.month}: ${result.invoices.length} invoices dated ${result.issueDate}, ${result.invoices[0].number} to ${result.invoices.at(-1).number}, ${eur(total)} incl. VAT`;
      return [
        head,
        ...(result.invoices.length ? ['', invoiceTable(result.invoices)] : []),
        ...heldLines(result.held),
        ...(result.warnings.length
          ? ['', `${result.warnings.length} warnings:`, ...result.warnings.map((w: any) => `  ${w.cabinetId}: ${w.message}`)]
          : []),
      ].join('\n');
    }
    case 'billing months':
      return table([
        ['month', 'status', 'invoices', 'excl. VAT', 'incl. VAT', 'numbers'],
        ...result.months.map((m: any) => [
          m.month,
          m.status === 'closed' ? `closed ${m.issueDate}` : m.closable ? 'open (closable)' : 'open',
          String(m.invoiceCount),
          eur(m.totalExclVatCents),
          eur(m.totalInclVatCents),
          m.firstNumber ? `${m.firstNumber} … ${m.lastNumber}` : '',
        ]),
      ]);
    case 'billing month':
      return [
        `${result.month.month}: ${result.month.status}`,
        ...(result.invoices.length ? ['', invoiceTable(result.invoices)] : []),
        ...heldLines(result.held),
        ...(result.creditNotes.length
          ? [
              '',
              'credit notes:',
              ...result.creditNotes.map((c: any) => `  ${c.number} on ${c.invoiceNumber}: -${eur(c.totalInclVatCents)} (${c.reason})`),
            ]
          : []),
      ].join('\n');
    case 'billing held':
      return result.held.length === 0 ? 'no invoice held for review' : heldLines(result.held).slice(1).join('\n');
    case 'billing approve':
      return `issued ${result.invoice.number} to ${result.invoice.cabinetId} for ${result.invoice.month}: ${eur(result.invoice.totalInclVatCents)} incl. VAT, due ${result.invoice.dueDate}`;
    case 'billing reject':
      return `rejected the ${result.rejection.month} invoice of ${result.rejection.cabinetId}: it will not be issued (${result.rejection.reason})`;
    case 'billing invoices':
      return result.invoices.length === 0 ? 'no invoices' : invoiceTable(result.invoices);
    case 'billing invoice': {
      const i = result.invoice;
      return [
        `Facture ${i.number} — ${i.customer.name} (${i.cabinetId}) — ${i.month}, issued ${i.issueDate}, due ${i.dueDate}`,
        ...i.lines.map((l: any) => `  ${l.description}: ${eur(l.amountCents)}`),
        `  total ${eur(i.totalExclVatCents)} excl. VAT + VAT ${i.vatRatePercent} % ${eur(i.vatCents)} = ${eur(i.totalInclVatCents)}`,
        ...(i.usage
          ? [
              `  usage: ${i.usage.analysesUsed} analyses (${i.usage.analysesOverage} over quota), signed heartbeat seq ${i.usage.seq} of ${i.usage.applianceId}, sha256 ${i.usage.jwsSha256}`,
            ]
          : []),
        ...(i.creditNotes.length ? [`  credit notes: ${i.creditNotes.join(', ')}; balance ${eur(i.balanceInclVatCents)}`] : []),
        ...(i.status
          ? [
              `  status ${i.status}${i.daysPastDue ? ` (${i.daysPastDue} days past due)` : ''}: paid ${eur(i.paidCents)}, still owed ${eur(i.balanceDueCents)}`,
              ...i.payments.map(
                (p: any) =>
                  `    ${p.date} ${eur(p.amountCents)} ${p.method}${p.reference ? ` ref. ${p.reference}` : ''} (${p.source}, ${p.recordedBy})`,
              ),
              ...i.relances.map((r: any) => `    relance ${r.step} to ${r.to}: ${r.status}${r.sentAt ? ` ${r.sentAt}` : ''}`),
            ]
          : []),
      ].join('\n');
    }
    case 'billing credit-note': {
      if (result.draft) {
        const d = result.draft;
        return [
          `draft credit note on ${d.invoiceNumber} (${d.customerName}), nothing issued yet:`,
          `  ${d.description}`,
          `  -${eur(d.totalExclVatCents)} excl. VAT, -${eur(d.vatCents)} VAT, -${eur(d.totalInclVatCents)} incl. VAT; the invoice then owes ${eur(d.balanceAfterInclVatCents)} (now ${eur(d.owedInclVatCents)})`,
          'a credit note is never withdrawn: run the same command with --confirm to issue it',
        ].join('\n');
      }
      const c = result.creditNote;
      return `issued credit note ${c.number} on ${c.invoiceNumber}: -${eur(c.totalExclVatCents)} excl. VAT, -${eur(c.totalInclVatCents)} incl. VAT`;
    }
    case 'billing credit-notes':
      if (result.creditNotes.length === 0) return 'no credit notes';
      return table([
        ['number', 'invoice', 'cabinet', 'issued', 'incl. VAT', 'reason'],
        ...result.creditNotes.map((c: any) => [
          c.number,
          c.invoiceNumber,
          c.cabinetId,
          c.issueDate,
          `-${eur(c.totalInclVatCents)}`,
          c.reason,
        ]),
      ]);
    case 'billing pay':
      return `recorded ${eur(result.payment.amountCents)} on ${result.invoice.number} (${result.payment.date}, ${result.payment.method}): now ${result.invoice.status}, still owed ${eur(result.invoice.balanceDueCents)}`;
    case 'billing import-bank':
      return [
        `${result.recorded} recorded, ${result.duplicates} already recorded, ${result.unmatched} unmatched, ${result.refused} refused, ${result.ignored} ignored (debits)`,
        ...result.lines
          .filter((l: any) => l.status === 'unmatched' || l.status === 'refused')
          .map((l: any) => `  line ${l.line}${l.reference ? ` (${l.reference})` : ''}: ${l.status}: ${l.reason}`),
      ].join('\n');
    case 'billing past-due':
      if (result.invoices.length === 0) return 'no invoice past due';
      return table([
        ['number', 'cabinet', 'due', 'days late', 'still owed'],
        ...result.invoices.map((i: any) => [i.number, i.cabinetId, i.dueDate, String(i.daysPastDue), eur(i.balanceDueCents)]),
      ]);
    case 'billing relances':
      return [
        `${result.sent.length} relances sent`,
        ...result.sent.map((r: any) => `  ${r.invoiceNumber} ${r.step} to ${r.to} (${eur(r.balanceDueCents)} owed)`),
        ...result.skipped.map((r: any) => `  ${r.invoiceNumber} ${r.step} not sent: ${r.reason}`),
        ...result.failed.map((r: any) => `  ${r.invoiceNumber} ${r.step} failed (tried again next pass): ${r.reason}`),
      ].join('\n');
    case 'billing xml':
    case 'billing pdf':
    case 'billing export':
      return `wrote ${result.file} (${result.bytes} bytes)`;
    case 'revenue':
      return [
        `MRR ${eur(result.mrrCents)}   ARR ${eur(result.arrCents)}`,
        '',
        table([
          ['plan', 'active cabinets', 'MRR'],
          ...Object.entries(result.byPlan).map(([plan, p]: [string, any]) => [plan, String(p.cabinets), eur(p.mrrCents)]),
        ]),
        '',
        table([
          ['month', 'MRR at end', 'new', 'churned'],
          ...result.months.map((m: any) => [m.month, eur(m.mrrCents), String(m.newCabinets), String(m.churnedCabinets)]),
        ]),
      ].join('\n');
    case 'db migrate':
      return result.applied.length === 0
        ? `${result.database}: schema already at version ${result.version}`
        : `${result.database}: applied schema version${result.applied.length > 1 ? 's' : ''} ${result.applied.join(', ')}; now at version ${result.version}`;
    case 'db import':
      return [
        `${result.from} moved into ${result.database}; counted again in the database before the commit:`,
        table([['aggregate', 'rows'], ...Object.entries(result.counts).map(([name, n]) => [name, String(n)])]),
      ].join('\n');
    default:
      return JSON.stringify(result, null, 2);
  }
}
