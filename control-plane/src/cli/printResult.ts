/**
 * Human output of the CLI commands (`--json` prints the result object as is). Money is shown in
 * euros here, as on every screen; files and APIs keep cents.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are plain JSON from commands.ts */

function euros(cents: number | undefined): string {
  return cents === undefined ? '' : `${(cents / 100).toFixed(2)} €`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function cabinetLines(c: any): string[] {
  const e = c.effective;
  return [
    `${c.id}  ${c.name}  [${c.status}]`,
    `  plan: ${c.plan}${Object.keys(c.overrides).length ? ` with overrides ${JSON.stringify(c.overrides)}` : ''}`,
    ...(e ? [`  limits: ${e.limits.maxUsers} users, ${e.limits.maxCases} cases, ${e.limits.maxAnalysesMonthly} analyses/month; ${e.aiModel}; advanced features ${e.advancedFeatures ? 'on' : 'off'}; ${e.priceCents !== undefined ? euros(e.priceCents) + '/month' : ''}`] : []),
    ...(c.siret ? [`  SIRET: ${c.siret}`] : []),
    ...(c.email ? [`  email: ${c.email}`] : []),
    ...(c.address ? [`  address: ${c.address}`] : []),
    ...(c.phone ? [`  phone: ${c.phone}`] : []),
    `  appliance: ${c.applianceId ?? 'not enrolled'}${c.enrollmentCodeExpiresAt ? ` (an enrollment code is pending until ${c.enrollmentCodeExpiresAt})` : ''}`,
    '  history:',
    ...c.planHistory.map((h: any) => `    ${h.effectiveAt}  ${h.plan}  ${h.status}${Object.keys(h.overrides).length ? `  ${JSON.stringify(h.overrides)}` : ''}  (by ${h.by})`),
  ];
}

export function formatResult(command: string, result: any): string {
  switch (command) {
    case 'admin create':
      return `created ${result.admin.role} ${result.admin.email}`;
    case 'admin token':
      return result.token;
    case 'admin list':
      return table([['email', 'role'], ...result.admins.map((a: any) => [a.email, a.role])]);
    case 'plan list':
      return table([
        ['plan', 'price/month', 'users', 'cases', 'analyses/month', 'model', 'advanced', 'overage'],
        ...result.plans.map((p: any) => [p.id, euros(p.priceCents), String(p.limits.maxUsers), String(p.limits.maxCases), String(p.limits.maxAnalysesMonthly), p.aiModel, p.advancedFeatures ? 'yes' : 'no', p.overageAllowed ? `${euros(p.overagePricePerAnalysisCents)}/analysis` : 'refused']),
      ]);
    case 'plan create':
      return `created plan ${result.plan.id}`;
    case 'cabinet create':
      return [...cabinetLines(result.cabinet), '', `enrollment code (single use, 7 days): ${result.enrollmentCode}`].join('\n');
    case 'cabinet list':
      if (result.cabinets.length === 0) return 'no cabinets yet: control-plane cabinet create --id ID --name NAME --plan PLAN';
      return table([['id', 'name', 'plan', 'status', 'appliance'], ...result.cabinets.map((c: any) => [c.id, c.name, c.plan, c.status, c.applianceId ?? '-'])]);
    case 'cabinet show':
    case 'cabinet update':
      return cabinetLines(result.cabinet).join('\n');
    case 'cabinet code':
      return `enrollment code (single use, until ${result.expiresAt}): ${result.enrollmentCode}`;
    case 'keys rotate':
      return `new signing key ${result.kid}; published: ${result.published.join(', ')}`;
    case 'keys list':
      return table([['kid', 'created', 'signing'], ...result.keys.map((k: any) => [k.kid, k.createdAt, k.signing ? 'yes' : ''])]);
    case 'fleet list':
      if (result.appliances.length === 0) return 'no enrolled appliances';
      return table([
        ['cabinet', 'appliance', 'plan', 'version', 'last heartbeat', 'analyses', 'users'],
        ...result.appliances.map((a: any) => [a.cabinetId, a.applianceId, a.plan ?? '-', a.version, a.lastHeartbeatAt ?? 'never', a.usage && a.limits ? `${a.usage.analysesUsed}/${a.limits.maxAnalysesMonthly}` : '-', a.usage && a.limits ? `${a.usage.usersActive}/${a.limits.maxUsers}` : '-']),
      ]);
    default:
      return JSON.stringify(result, null, 2);
  }
}
