/**
 * The CLI's commands, run in the server (through the command socket) when it runs, or in the CLI
 * process under the DATA_DIR lock otherwise — the same functions either way. Other modules (cases,
 * audit, backups) add theirs with `registerCommand`.
 */
import { z } from 'zod';
import { monthSchema, parseWith } from '@iamanager/protocol';
import type { CommandRequest } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { createBackupCommand } from './backupCommands.js';
import { fetchVendorAnchors } from '../domain/audit/auditAnchors.js';
import { runDoctor } from './doctor.js';
import { supportBundleCommand } from './supportBundleCommand.js';
import { enroll, offlineEnrollmentRequest } from '../domain/enrollment/enroll.js';
import { importLicenseFile } from '../domain/enrollment/licenseFile.js';
import { presentUser } from '../presenters/user.js';
import { tokenDaysSchema, tokenExpiry } from '../domain/users/users.js';
import { TlsStore } from '../domain/tls/certificates.js';
import path from 'node:path';
import { ApplianceError } from '../errors.js';
import { publicKeyCommand, verifyProofCommand } from './proofCommands.js';
import { addTargetCommand, editTargetCommand, listTargetsCommand, removeTargetCommand, testTargetCommand } from './offsiteCommands.js';

export type Command = (appliance: Appliance, args: Record<string, string | boolean>, input: string | undefined) => Promise<unknown>;

const commands = new Map<string, Command>();

export function registerCommand(name: string, command: Command): void {
  commands.set(name, command);
}

function arg(args: Record<string, string | boolean>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string' || v === '') throw new ApplianceError('invalid_input', `--${name}: is required`);
  return v;
}

registerCommand('enroll', async (appliance, args) => {
  const code = arg(args, 'code');
  if (args.offline === true) return { request: await offlineEnrollmentRequest(appliance, code) };
  const url = typeof args['control-plane'] === 'string' ? args['control-plane'] : undefined;
  const result = await enroll(appliance, code, url);
  return { applianceId: result.applianceId, cabinetId: result.cabinetId, license: appliance.license.status() };
});

registerCommand('license import', async (appliance, _args, input) => {
  if (!input) throw new ApplianceError('invalid_input', 'FILE: the license file is empty');
  const kind = await importLicenseFile(appliance, input);
  return { imported: kind, license: appliance.license.status() };
});

registerCommand('license show', (appliance) => Promise.resolve(appliance.license.status()));

registerCommand('user add', async (appliance, args, input) => {
  const email = arg(args, 'email');
  const role = arg(args, 'role');
  const password = (input ?? '').replace(/\r?\n$/, '');
  const name = typeof args.name === 'string' ? args.name : (email.split('@')[0] ?? email);
  // The IT person may create the first admin from the shell instead of the wizard.
  const firstAdmin = role === 'admin' && appliance.users.all().length === 0;
  return { user: presentUser(await appliance.users.createUser({ email, role, name, password }, { firstAdmin })) };
});

registerCommand('token create', async (appliance, args) => {
  const user = appliance.users.byEmail(arg(args, 'email'));
  if (!user || !user.active) throw new ApplianceError('not_found', `--email: no active user ${String(args.email)}`);
  const raw = args['expires-in-days'];
  const days = typeof raw === 'string' ? parseWith(tokenDaysSchema, Number(raw), '--expires-in-days') : undefined;
  const { token, info } = await appliance.users.createToken(user.id, typeof args.label === 'string' ? args.label : 'cli', days);
  return { token, id: info.id, expiresAt: tokenExpiry(info) };
});

registerCommand('heartbeat', async (appliance) => {
  if (!appliance.license.enrolled)
    throw new ApplianceError('not_enrolled', 'this appliance is not enrolled: run `appliance enroll --code CODE` first');
  const result = await appliance.heartbeats.beatNow();
  if (result.error)
    throw new ApplianceError('heartbeat_not_delivered', `heartbeat ${result.seq ?? ''} queued, not delivered: ${result.error}`, {
      ...result,
    });
  return result;
});

registerCommand('usage export', async (appliance, args) => {
  const month = parseWith(monthSchema, arg(args, 'month'), '--month');
  const current = appliance.usage.currentMonth();
  if (month > current)
    throw new ApplianceError('month_in_future', `--month ${month} is after the current month ${current}: export a month that has begun`);
  return { month, jws: await appliance.heartbeats.exportMonth(month) };
});

registerCommand('doctor', (appliance) => runDoctor(appliance));

/** Installs the cabinet's own certificate; a running server swaps it in at once. */
registerCommand('tls import', async (appliance, args) => {
  const store = new TlsStore(path.join(appliance.config.dataDir, 'tls'), appliance.config.identity.name ?? 'cabinet');
  const imported = await store.importCustom(arg(args, 'cert-pem'), arg(args, 'key-pem'), appliance.clock());
  await appliance.tls.reload();
  return {
    source: imported.source,
    certificateFingerprint: imported.certFingerprint,
    notAfter: imported.notAfter.toISOString(),
    names: imported.names,
  };
});

/** The chain on its own, then against the anchors the vendor keeps (when it can be reached). */
registerCommand('audit verify', async (appliance) => {
  const vendor = await fetchVendorAnchors(appliance);
  const result = await appliance.audit.verify(vendor.checked ? vendor.anchors : []);
  if (result.brokenAt)
    throw new ApplianceError(
      'audit_chain_broken',
      `the audit log is broken at ${result.brokenAt.file} line ${result.brokenAt.line}: ${result.brokenAt.reason} (${result.entries} entries verified before it)`,
      { ...result },
    );
  if (result.anchorMissed) {
    const a = result.anchorMissed;
    throw new ApplianceError(
      'audit_anchor_mismatch',
      `the audit log does not match the vendor's anchor of ${a.at} (entry ${a.length}, hash ${a.head}): ${a.reason}`,
      { ...result },
    );
  }
  return {
    ...result,
    vendorAnchors: vendor.checked
      ? { checked: true, count: vendor.anchors.length, vendorTime: vendor.vendorTime }
      : { checked: false, reason: vendor.reason },
  };
});

/** What is due now, whatever the back-off: for cron and tests. A mail server that refuses is a failure, with what was sent before it. */
registerCommand('reminders run', async (appliance) => {
  const result = await appliance.reminders.run({ force: true });
  if (result.error !== null)
    throw new ApplianceError(
      'mail_not_delivered',
      `the mail server ${appliance.reminders.status().server ?? ''} did not accept a reminder: ${result.error} (${result.sent.length} sent, ${result.pending} left for the next run)`,
      { ...result },
    );
  return result;
});

registerCommand('reminders list', (appliance) =>
  Promise.resolve({ mail: appliance.reminders.status(), reminders: appliance.reminders.list() }),
);

registerCommand('proof verify', (appliance, _args, input) => verifyProofCommand(appliance, input));

registerCommand('proof public-key', (appliance) => publicKeyCommand(appliance));

registerCommand('backup create', (appliance, args) => createBackupCommand(appliance, args));

registerCommand('support-bundle', (appliance, args) => supportBundleCommand(appliance, args));

registerCommand('backup target add', (appliance, args) => addTargetCommand(appliance, args));
registerCommand('backup target edit', (appliance, args) => editTargetCommand(appliance, args));
registerCommand('backup target list', (appliance) => listTargetsCommand(appliance));
registerCommand('backup target remove', (appliance, args) => removeTargetCommand(appliance, args));
registerCommand('backup target test', (appliance, args) => testTargetCommand(appliance, args));

const requestArgs = z.record(z.string(), z.union([z.string(), z.boolean()]));

export async function runCommand(appliance: Appliance, request: CommandRequest): Promise<unknown> {
  const command = commands.get(request.command);
  if (!command) throw new ApplianceError('invalid_input', `unknown command "${request.command}"`);
  return command(appliance, requestArgs.parse(request.args), request.input);
}
