/**
 * Second factor primitives shared by the appliance (cabinet users) and the control plane (vendor
 * admins): TOTP (RFC 6238), recovery codes, the enrolment QR code. Storage and policy stay with the
 * services.
 */
export { newTotpSecret, totpUri, checkTotp, totpStep, TOTP_PERIOD_SECONDS, type TotpCheck } from './totp.js';
export { newRecoveryCodes, matchRecoveryCode, DEFAULT_RECOVERY_CODES } from './recoveryCodes.js';
export { totpQrSvg } from './qr.js';
