/**
 * Relances: the reminder e-mails of an unpaid invoice, at set points after its due date. The
 * due date is the last day to pay; from the next day late-payment penalties run (art. L. 441-10,
 * II C. com.) and the 40 € recovery indemnity is owed (art. D. 441-5 C. com.), which every
 * relance recalls. Three points:
 *   reminder         1 day past due   — a courteous reminder (relance amiable);
 *   second_reminder  15 days past due — a second relance;
 *   final_notice     30 days past due — the last one before the file goes to an admin, who
 *                    alone decides whether to suspend the cabinet (never done automatically).
 * A pass sends, for each past-due invoice, the latest point reached if it was not sent yet (after
 * an outage the earlier ones are not sent late: they are superseded).
 *
 * Each relance is sent once, across restarts and nodes: it is claimed (PaymentLedger.claimRelance:
 * its own durable file, or its row's primary key) before it is handed to the SMTP server, and
 * marked sent once accepted; a pass that finds it claimed by another sends nothing. A server that refuses gives the claim
 * back (tried again at the next pass); a crash in between leaves it `sending`, which is never sent
 * again — at most one e-mail, the record showing it may not have left.
 */
import { ControlPlaneError } from '../../errors.js';
import { RELANCE_STEPS, type RelanceStep } from '../../storage/paymentRecords.js';
import type { VendorIdentity } from '../../storage/billingRecords.js';
import { frenchDate, frenchMonth } from './calendar.js';
import { vendorOf } from './billingQueries.js';
import { invoicePdf } from './documentPdf.js';
import { invoiceStandings } from './invoiceAccount.js';
import type { InvoiceStanding } from './invoiceStatus.js';
import { smtpSender, type MailSender, type OutgoingMail } from '@iamanager/kernel/mail';
import { formatEuros } from './money.js';
import type { PaymentContext } from './payments.js';
import type { InvoiceRecord } from '../../storage/billingRecords.js';
import { LeasedSchedule, type JobLeaseHolder } from '../leasedSchedule.js';

/** Days past the due date at which each relance is due. */
export const RELANCE_DAYS: Record<RelanceStep, number> = { reminder: 1, second_reminder: 15, final_notice: 30 };

export interface RelanceContext extends PaymentContext {
  config: PaymentContext['config'] & { mail: { smtpUrl: string; from: string } | undefined };
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void; error: (o: object, m: string) => void };
}

export interface RelancePass {
  sent: { invoiceNumber: string; step: RelanceStep; to: string; balanceDueCents: number }[];
  skipped: { invoiceNumber: string; step: RelanceStep; reason: string }[];
  failed: { invoiceNumber: string; step: RelanceStep; reason: string }[];
}

/** The latest relance an invoice `daysPastDue` late has reached, if any. */
export function relanceStepFor(daysPastDue: number): RelanceStep | undefined {
  return [...RELANCE_STEPS].reverse().find((step) => daysPastDue >= RELANCE_DAYS[step]);
}

const SUBJECTS: Record<RelanceStep, string> = {
  reminder: 'Rappel : facture {n} arrivée à échéance',
  second_reminder: 'Deuxième relance : facture {n} impayée',
  final_notice: 'Dernière relance avant suspension possible : facture {n} impayée',
};

export function relanceMail(
  step: RelanceStep,
  invoice: InvoiceRecord,
  standing: InvoiceStanding,
  vendor: VendorIdentity,
  to: string,
): OutgoingMail {
  const lines = [
    'Madame, Monsieur,',
    '',
    `Sauf erreur de notre part, la facture n° ${invoice.number} du ${frenchDate(invoice.issueDate)} (période ${frenchMonth(invoice.month)}), d'un montant de ${formatEuros(invoice.totalInclVatCents)} TTC, arrivée à échéance le ${frenchDate(invoice.dueDate)}, reste impayée${standing.paidCents > 0 ? ` pour partie (${formatEuros(standing.paidCents)} déjà reçus)` : ''}.`,
    '',
    `Montant restant dû : ${formatEuros(standing.balanceDueCents)} TTC, en retard de ${standing.daysPastDue} jour${standing.daysPastDue > 1 ? 's' : ''}.`,
    vendor.iban
      ? `Merci de le régler par virement sur l'IBAN ${vendor.iban}, en indiquant la référence ${invoice.number}.`
      : `Merci de le régler en indiquant la référence ${invoice.number}.`,
    '',
    "Nous vous rappelons qu'en cas de retard de paiement sont dues des pénalités au taux de refinancement de la BCE majoré de 10 points (art. L. 441-10 du Code de commerce) ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 € (art. D. 441-5 du Code de commerce).",
    ...(step === 'final_notice'
      ? [
          '',
          "Sans règlement de votre part, nous pourrons être amenés à suspendre votre licence IAManager. Votre appliance continuerait alors de fonctionner pendant le délai de grâce de la licence ; ensuite, la création d'utilisateurs, de dossiers et d'analyses serait refusée, la consultation, la modification et l'export de vos dossiers restant toujours possibles.",
        ]
      : []),
    '',
    'Si ce règlement a été effectué entre-temps, merci de ne pas tenir compte de ce message.',
    '',
    'Cordialement,',
    vendor.name,
    ...(vendor.email ? [vendor.email] : []),
  ];
  return { to, subject: SUBJECTS[step].replace('{n}', invoice.number), text: lines.join('\n') };
}

/** Sends the relances now due, one pass at a time; refused without SMTP_URL and MAIL_FROM (`mail_not_configured`). */
export function sendDueRelances(cp: RelanceContext): Promise<RelancePass> {
  const mail = cp.config.mail;
  if (!mail)
    return Promise.reject(
      new ControlPlaneError(
        'mail_not_configured',
        'relances need an SMTP server: set SMTP_URL and MAIL_FROM (docs/billing.md "Getting paid")',
      ),
    );
  return alone(cp.paymentLedger, () => relancePass(cp, smtpSender(mail.smtpUrl, mail.from)));
}

/** The pass running or last run in this process, per ledger. */
const passes = new WeakMap<object, Promise<unknown>>();

/**
 * Runs a relance pass alone in this process: serve's periodic pass and one asked for over the
 * control socket would otherwise both draft the same relances (each is still sent once: the claim
 * decides, as between nodes).
 */
function alone<T>(ledger: object, pass: () => Promise<T>): Promise<T> {
  const run = (passes.get(ledger) ?? Promise.resolve()).then(pass, pass);
  passes.set(
    ledger,
    run.catch(() => undefined),
  );
  return run;
}

async function relancePass(cp: RelanceContext, sender: MailSender): Promise<RelancePass> {
  const pass: RelancePass = { sent: [], skipped: [], failed: [] };
  for (const { invoice, standing } of await invoiceStandings(cp)) {
    if (standing.status !== 'past_due') continue;
    const step = relanceStepFor(standing.daysPastDue);
    if (!step || (await cp.paymentLedger.relance(invoice.number, step))) continue;
    const to = (await cp.cabinets.find(invoice.cabinetId))?.email ?? invoice.customer.email;
    if (!to) {
      pass.skipped.push({
        invoiceNumber: invoice.number,
        step,
        reason: `cabinet "${invoice.cabinetId}" has no e-mail address: set one with cabinet update --email`,
      });
      continue;
    }
    const vendor = await vendorOf(cp, invoice.month);
    const message = relanceMail(step, invoice, standing, vendor, to);
    message.attachments = [
      { filename: `facture-${invoice.number}.pdf`, content: await invoicePdf(invoice, vendor), contentType: 'application/pdf' },
    ];
    const claimedAt = cp.clock().toISOString();
    const claimed = await cp.paymentLedger.claimRelance({
      invoiceNumber: invoice.number,
      cabinetId: invoice.cabinetId,
      step,
      to,
      status: 'sending',
      claimedAt,
      sentAt: null,
      messageId: null,
      balanceDueCents: standing.balanceDueCents,
    });
    // Another pass (another node's, or one asked for meanwhile) claimed it first: it sends it.
    if (!claimed) continue;
    let messageId: string | null;
    try {
      messageId = await sender.send(message);
    } catch (err) {
      await cp.paymentLedger.releaseRelance(invoice.number, step);
      cp.log.error({ err, invoice: invoice.number, step }, 'relance not sent: the SMTP server refused it; tried again at the next pass');
      pass.failed.push({ invoiceNumber: invoice.number, step, reason: (err as Error).message });
      continue;
    }
    await cp.paymentLedger.markRelanceSent(invoice.number, step, cp.clock().toISOString(), messageId);
    cp.log.info({ invoice: invoice.number, step, to }, 'relance sent');
    pass.sent.push({ invoiceNumber: invoice.number, step, to, balanceDueCents: standing.balanceDueCents });
  }
  return pass;
}

/** The relance pass's name in `job_leases`. */
export const RELANCE_JOB = 'relances';

/**
 * `serve`'s periodic pass (when mail is configured): on start, then every `intervalSeconds`, on the
 * node holding the job lease `relances` (the claims already make each relance go once; the lease
 * spares the other nodes a pass that would find every relance claimed).
 */
export function startRelanceSchedule(cp: RelanceContext, intervalSeconds: number, node: JobLeaseHolder): { stop(): Promise<void> } {
  if (!cp.config.mail) return { stop: async () => undefined };
  const schedule = new LeasedSchedule(RELANCE_JOB, () => sendDueRelances(cp), {
    ...node,
    everyMs: intervalSeconds * 1000,
    clock: cp.clock,
    log: cp.log,
    failure: 'relance pass failed; the next one tries again',
  });
  schedule.start().catch((err: unknown) => cp.log.error({ err }, 'relance pass failed; the next one tries again'));
  return { stop: () => schedule.stop() };
}
