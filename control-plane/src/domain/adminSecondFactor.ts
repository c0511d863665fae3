/**
 * The vendor admins' second factor on the dashboard: a TOTP application (RFC 6238, the kernel's
 * `@iamanager/kernel/secondFactor`) and single-use recovery codes. What it protects is the
 * dashboard login only: the vendor API's Bearer tokens are not touched — a token is already a
 * secret of its own, made by someone who signed in, revocable and always expiring (admins.ts).
 *
 * - Enrolment: a new secret is sealed on the record as pending (PENDING_ENROLMENT_MINUTES) and
 *   shown once as a QR code and as text; it replaces any factor only once a code computed from it
 *   is confirmed. The recovery codes are shown then, once: only their hashes are kept.
 * - Checking: a code whose time step is not after the last one accepted is a replay, refused; a
 *   recovery code works once. Callers run every check under the login guard, so wrong codes count
 *   in the same lock-out as wrong passwords.
 * - Policy: the roles in SECOND_FACTOR_REQUIRED_FOR (default `admin`, config.ts) cannot sign in
 *   without one: they are led to enrol first and reach nothing else, and cannot remove theirs.
 * - Reset: another `admin` (dashboard) or the CLI clears an admin's factor and ends their
 *   sessions; it is recorded on the admin (who and when) and in the log.
 */
import { checkTotp, matchRecoveryCode, newRecoveryCodes, newTotpSecret, totpQrSvg, totpUri } from '@iamanager/kernel/secondFactor';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../errors.js';
import type { AdminRole } from '../storage/records.js';
import type { AdminDirectory, AdminIdentity } from './admins.js';
import type { SecondFactorSeal } from './secondFactorSeal.js';

/** How long a secret shown for enrolment may be confirmed: long enough to find one's phone, not a standing offer. */
export const PENDING_ENROLMENT_MINUTES = 30;

/** What a login needs after the right password. */
export type LoginStep = 'session' | 'verify' | 'enrol';

export interface SecondFactorStatus {
  enrolledAt: string | null;
  recoveryCodesLeft: number;
  /** The admin's role must have one (and cannot remove it). */
  required: boolean;
}

export interface Enrolment {
  secret: string;
  uri: string;
  qrSvg: string;
  startedAt: string;
}

/** A code's check: the kind that matched, or why none did. */
export type CodeCheck = { ok: true; kind: 'totp' | 'recovery'; recoveryCodesLeft: number } | { ok: false; reason: 'invalid' | 'replayed' };

/** Six digits, maybe spaced ("123 456"): what an authenticator shows; anything else is read as a recovery code. */
const TOTP_INPUT = /^\d{6}$/;

export class AdminSecondFactors {
  constructor(
    private readonly admins: AdminDirectory,
    private readonly seal: SecondFactorSeal,
    private readonly o: { requiredFor: readonly AdminRole[]; issuer: string; log: Logger },
  ) {}

  required(role: AdminRole): boolean {
    return this.o.requiredFor.includes(role);
  }

  async status(id: string): Promise<SecondFactorStatus> {
    const admin = await this.admins.recordOf(id);
    return {
      enrolledAt: admin.secondFactor?.enrolledAt ?? null,
      recoveryCodesLeft: admin.secondFactor?.recoveryHashes.length ?? 0,
      required: this.required(admin.role),
    };
  }

  /** After the right password: a session at once, the code first, or enrolment first (the role requires a factor it lacks). */
  async loginStep(admin: AdminIdentity): Promise<LoginStep> {
    if ((await this.admins.recordOf(admin.id)).secondFactor) return 'verify';
    return this.required(admin.role) ? 'enrol' : 'session';
  }

  /** A session of this admin is refused: the role requires a factor the admin does not have (yet, or any more). */
  async blocksSession(admin: AdminIdentity): Promise<boolean> {
    return (await this.loginStep(admin)) === 'enrol';
  }

  /** Starts (or restarts) an enrolment: a new secret, pending until a code from it is confirmed. */
  async startEnrolment(id: string, now: Date): Promise<Enrolment> {
    const secret = newTotpSecret();
    const startedAt = now.toISOString();
    const email = await this.admins.changeRecord(id, (admin) => {
      admin.secondFactorPending = { sealedSecret: this.seal.seal(admin.id, secret), startedAt };
      return admin.email;
    });
    return this.enrolmentOf(email, secret, startedAt);
  }

  /** The enrolment under way, or undefined (none, or older than PENDING_ENROLMENT_MINUTES). */
  async pendingEnrolment(id: string, now: Date): Promise<Enrolment | undefined> {
    const admin = await this.admins.recordOf(id);
    const pending = admin.secondFactorPending;
    if (!pending || now.getTime() - Date.parse(pending.startedAt) > PENDING_ENROLMENT_MINUTES * 60_000) return undefined;
    const secret = this.seal.open(admin.id, pending.sealedSecret);
    return secret === undefined ? undefined : this.enrolmentOf(admin.email, secret, pending.startedAt);
  }

  private async enrolmentOf(email: string, secret: string, startedAt: string): Promise<Enrolment> {
    const uri = totpUri({ issuer: this.o.issuer, account: email, secret });
    return { secret, uri, qrSvg: await totpQrSvg(uri), startedAt };
  }

  /**
   * Confirms the enrolment under way with a code from its secret: the factor is in place (any
   * previous one replaced) and its recovery codes are returned, to be shown once. Undefined when
   * the code is wrong; `enrolment_expired` when there is nothing to confirm.
   */
  async confirmEnrolment(id: string, code: string, now: Date): Promise<{ recoveryCodes: string[] } | undefined> {
    const pending = await this.pendingEnrolment(id, now);
    if (!pending)
      throw new ControlPlaneError(
        'enrolment_expired',
        `no second factor enrolment under way (or it is over ${PENDING_ENROLMENT_MINUTES} minutes old): start again`,
      );
    const checked = checkTotp(pending.secret, code, now, null);
    if (!checked.ok) return undefined;
    const { codes, hashes } = newRecoveryCodes();
    await this.admins.changeRecord(id, (admin) => {
      // Restarted meanwhile (on any node): the code was checked against the secret that was pending then.
      if (!admin.secondFactorPending || this.seal.open(admin.id, admin.secondFactorPending.sealedSecret) !== pending.secret)
        throw new ControlPlaneError(
          'enrolment_expired',
          'a new second factor enrolment was started meanwhile: confirm with a code from it',
        );
      admin.secondFactor = {
        sealedSecret: admin.secondFactorPending.sealedSecret,
        enrolledAt: now.toISOString(),
        // The confirming code is spent: it cannot also open the next login.
        lastUsedStep: checked.step,
        recoveryHashes: hashes,
        recoveryCodesAt: now.toISOString(),
      };
      admin.secondFactorPending = null;
    });
    this.o.log.info({ adminId: id }, 'admin second factor enrolled');
    return { recoveryCodes: codes };
  }

  /**
   * Checks a code from the admin's application, or one of their recovery codes, and spends it: the
   * TOTP step is recorded (an older or equal step is then a replay), a recovery code is removed.
   * The check and the spending happen in one step on the locked record (AdminDirectory.changeRecord),
   * so the same code sent twice at once, to one node or two, is accepted once.
   */
  async checkCode(id: string, code: string, now: Date): Promise<CodeCheck> {
    const entered = code.trim();
    return this.admins.changeRecord(id, (admin): CodeCheck => {
      const factor = admin.secondFactor;
      if (!factor) throw new ControlPlaneError('no_second_factor', `${admin.email} has no second factor`);
      if (TOTP_INPUT.test(entered.replace(/\s/g, ''))) {
        const secret = this.seal.open(admin.id, factor.sealedSecret);
        if (secret === undefined)
          throw new ControlPlaneError(
            'second_factor_unreadable',
            `the second factor of ${admin.email} cannot be read (the sealing key changed): sign in with a recovery code, or have it reset (control-plane admin reset-second-factor ${admin.email})`,
          );
        const checked = checkTotp(secret, entered, now, factor.lastUsedStep);
        if (!checked.ok) return checked;
        factor.lastUsedStep = checked.step;
        return { ok: true, kind: 'totp', recoveryCodesLeft: factor.recoveryHashes.length };
      }
      const index = matchRecoveryCode(factor.recoveryHashes, entered);
      if (index < 0) return { ok: false, reason: 'invalid' };
      factor.recoveryHashes.splice(index, 1);
      return { ok: true, kind: 'recovery', recoveryCodesLeft: factor.recoveryHashes.length };
    });
  }

  /** New recovery codes (the old ones stop working), returned to be shown once. The caller checked a code first. */
  async regenerateRecoveryCodes(id: string, now: Date): Promise<string[]> {
    const { codes, hashes } = newRecoveryCodes();
    await this.admins.changeRecord(id, (admin) => {
      if (!admin.secondFactor) throw new ControlPlaneError('no_second_factor', `${admin.email} has no second factor`);
      admin.secondFactor.recoveryHashes = hashes;
      admin.secondFactor.recoveryCodesAt = now.toISOString();
    });
    this.o.log.info({ adminId: id }, 'admin recovery codes regenerated');
    return codes;
  }

  /** Removes one's own second factor; refused when the role requires one (a new one may replace it instead). */
  async remove(id: string): Promise<void> {
    await this.admins.changeRecord(id, (admin) => {
      if (this.required(admin.role))
        throw new ControlPlaneError(
          'second_factor_required',
          `the ${admin.role} role must sign in with a second factor (SECOND_FACTOR_REQUIRED_FOR): enrol a new one to replace it instead`,
        );
      admin.secondFactor = null;
      admin.secondFactorPending = null;
    });
    this.o.log.info({ adminId: id }, 'admin second factor removed by its owner');
  }

  /**
   * Clears another admin's second factor (lost phone and recovery codes) and ends every dashboard
   * session of theirs: their next login starts with enrolment again if their role requires one.
   * `by` is who did it (an admin's email, or `cli`), recorded on the admin. Their API tokens go on.
   */
  async reset(email: string, by: string, now: Date): Promise<void> {
    const id = await this.admins.idOf(email);
    await this.admins.changeRecord(id, (admin) => {
      admin.secondFactor = null;
      admin.secondFactorPending = null;
      admin.secondFactorReset = { at: now.toISOString(), by };
      admin.sessionEpoch += 1;
    });
    this.o.log.warn({ email: email.trim().toLowerCase(), by }, 'admin second factor reset; their dashboard sessions ended');
  }
}
