/**
 * Each user's second factor (docs/second-factor.md): an authenticator app (TOTP, RFC 6238) confirmed
 * with a first code, recovery codes shown once, removal, and an admin's reset. The codes' arithmetic
 * is the kernel's (@iamanager/kernel/secondFactor); what is kept, when, and what is audited is here.
 * Counting wrong codes against the login lock-out is the edge's (auth/secondFactorLogin.ts), as for
 * passwords.
 */
import { checkTotp, matchRecoveryCode, newRecoveryCodes, newTotpSecret } from '@iamanager/kernel/secondFactor';
import type { Document } from '@iamanager/kernel/storage';
import type { AuditLog } from '../audit/auditLog.js';
import type { Users } from '../users/users.js';
import type { User, UserSecondFactor, UsersFile } from '../../storage/userStore.js';
import { ApplianceError } from '../../errors.js';
import { hasSecondFactor, type PasskeyHolders } from './hasSecondFactor.js';
import type { SecondFactorPolicy } from './secondFactorPolicy.js';

/** What the account page shows: never the secret of a confirmed app, never a recovery code. */
export interface SecondFactorStatus {
  totpEnrolledAt: string | null;
  pendingSecret: string | null;
  recoveryCodesLeft: number;
}

export type CodeCheck = 'ok' | 'invalid' | 'replayed';

export class SecondFactors {
  constructor(
    private readonly deps: {
      users: Users;
      doc: Document<UsersFile>;
      audit: AuditLog;
      policy: SecondFactorPolicy;
      clock: () => Date;
      /** The users' passkeys: a second factor too, and gone with an admin's reset. */
      passkeys: PasskeyHolders & { removeAll(userId: string, actor: string): Promise<number> };
    },
  ) {}

  status(user: Pick<User, 'secondFactor'>): SecondFactorStatus {
    const f = user.secondFactor;
    return {
      totpEnrolledAt: f?.totp?.enrolledAt ?? null,
      pendingSecret: f?.totp ? null : (f?.pendingTotp?.secret ?? null),
      recoveryCodesLeft: f?.recoveryCodes.length ?? 0,
    };
  }

  /** Whether the policy requires this user to set one up before anything else (login leads them there). */
  mustEnrol(user: User): boolean {
    return this.deps.policy.covers(user) && !hasSecondFactor(user, this.deps.passkeys);
  }

  private factorOf(user: User): UserSecondFactor {
    user.secondFactor ??= { recoveryCodes: [] };
    return user.secondFactor;
  }

  /** A new secret to show at enrolment (a previous unconfirmed one is replaced). */
  async startTotp(userId: string): Promise<string> {
    const user = this.deps.users.get(userId);
    if (user.secondFactor?.totp)
      throw new ApplianceError(
        'second_factor_already_enrolled',
        'an authenticator app is already set up: remove it first to set up another',
      );
    const secret = newTotpSecret();
    this.factorOf(user).pendingTotp = { secret, createdAt: this.deps.clock().toISOString() };
    await this.deps.doc.write();
    return secret;
  }

  /**
   * Confirms the app with its first code: from then on it is the user's second factor, and ten new
   * recovery codes are returned, to be shown once.
   */
  async confirmTotp(userId: string, code: string): Promise<string[]> {
    const user = this.deps.users.get(userId);
    const factor = user.secondFactor;
    if (factor?.totp)
      throw new ApplianceError(
        'second_factor_already_enrolled',
        'an authenticator app is already set up: remove it first to set up another',
      );
    const pending = factor?.pendingTotp;
    if (!factor || !pending)
      throw new ApplianceError('second_factor_not_enrolled', 'start the setup first: a new secret is shown on /compte/double-facteur');
    const check = checkTotp(pending.secret, code, this.deps.clock(), null);
    if (!check.ok)
      throw new ApplianceError('second_factor_invalid', 'code: is not the code your app shows now (6 digits, check the phone’s time)', {
        field: 'code',
      });
    const { codes, hashes } = newRecoveryCodes();
    factor.totp = { secret: pending.secret, lastUsedStep: check.step, enrolledAt: this.deps.clock().toISOString() };
    delete factor.pendingTotp;
    factor.recoveryCodes = hashes;
    await this.deps.doc.write();
    await this.deps.audit.append({ actor: user.email, action: 'user.second_factor_enrolled', detail: `${user.email} (totp)` });
    return codes;
  }

  /**
   * Checks a code of the user's app. An accepted step is recorded before anything awaits: of two
   * requests racing with the same code, only the first is accepted, the other is 'replayed'.
   */
  async checkTotp(userId: string, code: string): Promise<CodeCheck> {
    const totp = this.deps.users.get(userId).secondFactor?.totp;
    if (!totp) return 'invalid';
    const check = checkTotp(totp.secret, code, this.deps.clock(), totp.lastUsedStep);
    if (!check.ok) return check.reason;
    totp.lastUsedStep = check.step;
    await this.deps.doc.write();
    return 'ok';
  }

  /** Uses a recovery code: how many remain, or null for a code that is not one of the user's (or was used). */
  async useRecoveryCode(userId: string, code: string): Promise<number | null> {
    const user = this.deps.users.get(userId);
    const codes = user.secondFactor?.recoveryCodes ?? [];
    const index = matchRecoveryCode(codes, code);
    if (index < 0) return null;
    codes.splice(index, 1); // before any await: a code works once, even for two racing requests
    await this.deps.doc.write();
    await this.deps.audit.append({ actor: user.email, action: 'user.recovery_code_used', detail: `${user.email} (${codes.length} left)` });
    return codes.length;
  }

  /** New recovery codes (the old ones stop working); the caller has checked a current code. */
  async regenerateRecoveryCodes(userId: string): Promise<string[]> {
    const user = this.deps.users.get(userId);
    if (!user.secondFactor?.totp)
      throw new ApplianceError('second_factor_not_enrolled', 'set up an authenticator app first: recovery codes come with it');
    const { codes, hashes } = newRecoveryCodes();
    this.factorOf(user).recoveryCodes = hashes;
    await this.deps.doc.write();
    await this.deps.audit.append({ actor: user.email, action: 'user.recovery_codes_regenerated', detail: user.email });
    return codes;
  }

  /** Refuses to take away the second factor the policy requires of this user (the caller checks first). */
  assertMayRemove(user: User): void {
    if (this.deps.policy.covers(user))
      throw new ApplianceError(
        'second_factor_kept_by_policy',
        'the cabinet requires a second factor of your account: it cannot be removed (ask an admin to reset it if the phone is lost)',
      );
  }

  /** Removes the user's authenticator app and recovery codes; the caller has checked a current code. */
  async remove(userId: string): Promise<void> {
    const user = this.deps.users.get(userId);
    this.assertMayRemove(user);
    if (!user.secondFactor?.totp) throw new ApplianceError('second_factor_not_enrolled', 'no authenticator app is set up');
    delete user.secondFactor;
    await this.deps.doc.write();
    await this.deps.audit.append({ actor: user.email, action: 'user.second_factor_removed', detail: `${user.email} (totp)` });
  }

  /**
   * An admin's reset (a lost phone and no recovery code left): the app and the codes go, every
   * session of the user ends, and at the next login they set up a new one if the policy requires it.
   * `actor` is the admin's email, or "cli" from the command line.
   */
  async reset(userId: string, actor: string): Promise<User> {
    const user = this.deps.users.get(userId);
    if (!user.secondFactor && !this.deps.passkeys.has(userId))
      throw new ApplianceError('second_factor_not_enrolled', `${user.email} has no second factor to reset`);
    // A lost key is reset like a lost phone: every passkey of the user goes too.
    await this.deps.passkeys.removeAll(userId, actor);
    delete user.secondFactor;
    user.sessionEpoch += 1;
    user.updatedAt = this.deps.clock().toISOString();
    await this.deps.doc.write();
    await this.deps.audit.append({ actor, action: 'user.second_factor_reset', detail: user.email });
    return user;
  }
}
