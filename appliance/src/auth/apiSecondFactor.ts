/**
 * The second factor on `POST /api/auth/login` (a script or another client logging in with a
 * password): the same rules as the pages' second step, in one request — the `code` field carries
 * the app's 6 digits or a recovery code, and wrong ones count in the login guard. A user the policy
 * covers who has no second factor yet must set it up in a browser first: an API login cannot show
 * a QR code.
 */
import type { Context } from 'koa';
import type { Appliance } from '../appliance.js';
import type { User } from '../storage/userStore.js';
import { hasSecondFactor } from '../domain/secondFactor/hasSecondFactor.js';
import { ApplianceError } from '../errors.js';
import { ENROLMENT_PAGE, guardedAppCode, guardedCodeCheck, looksLikeTotp } from './secondFactorLogin.js';

export async function checkApiSecondFactor(appliance: Appliance, ctx: Context, user: User, code: string | undefined): Promise<void> {
  if (!hasSecondFactor(user, appliance.passkeys)) {
    if (appliance.secondFactors.mustEnrol(user))
      throw new ApplianceError(
        'second_factor_setup_required',
        `the cabinet requires a second factor of this account: log in with a browser and set it up at ${ENROLMENT_PAGE}`,
      );
    return;
  }
  // A passkey needs a browser's WebAuthn: a client of the JSON API cannot present one.
  if (!user.secondFactor?.totp)
    throw new ApplianceError(
      'second_factor_required',
      'this account’s second factor is a passkey, which needs a browser: log in on the pages, or use a personal API token (Authorization: Bearer)',
    );
  if (!code?.trim())
    throw new ApplianceError(
      'second_factor_required',
      'code: is required for this account (the 6 digits of your authenticator app, or a recovery code)',
      {
        field: 'code',
      },
    );
  if (looksLikeTotp(code)) {
    const result = await guardedAppCode(appliance, ctx, user, code);
    if (result === 'replayed')
      throw new ApplianceError('second_factor_replayed', 'code: was already used: wait for the next one (every 30 seconds)', {
        field: 'code',
      });
    if (result !== 'ok')
      throw new ApplianceError('second_factor_invalid', 'code: is not the code your app shows now (check the device’s time)', {
        field: 'code',
      });
    return;
  }
  const left = await guardedCodeCheck(
    appliance,
    ctx,
    user.email,
    () => appliance.secondFactors.useRecoveryCode(user.id, code),
    (r) => r !== null,
  );
  if (left === null) throw new ApplianceError('second_factor_invalid', 'code: is not one of your unused recovery codes', { field: 'code' });
}
