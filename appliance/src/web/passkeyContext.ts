/**
 * What the passkey routes share: the relying party of this request (the appliance's names, the
 * address the browser used: domain/passkeys/relyingParty.ts), and the JSON answer of an options
 * request, which /static/passkeys.js reads — a refusal there carries its sentence in the page's
 * language, since the script shows it as it is.
 */
import os from 'node:os';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { COMMON_STATUS } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { passkeyHostNames, relyingPartyOf, type RelyingParty } from '../domain/passkeys/relyingParty.js';
import { APPLIANCE_STATUS } from '../errorStatus.js';
import { chromeOf, localeOf, messagesOf } from './pageContext.js';
import { passkeyRefusal } from './passkeyErrors.js';
import { describeError } from './webErrors.js';

const STATUS: Readonly<Record<string, number>> = { ...COMMON_STATUS, ...APPLIANCE_STATUS };

export function relyingPartyFor(appliance: Appliance, ctx: Context): RelyingParty {
  const names = passkeyHostNames(appliance.config.tlsNames, os.hostname());
  return relyingPartyOf({ protocol: ctx.protocol, host: ctx.host, hostname: ctx.hostname }, names, chromeOf(appliance, ctx).cabinetName);
}

/** Sends `{ options }`, or the API's error shape (`{ ok: false, error, message }`) with the message in the page's language. */
export async function answerOptions(ctx: Context, make: () => Promise<unknown>): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  try {
    ctx.body = { options: await make() };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const message = passkeyRefusal(err, localeOf(ctx))?.message ?? describeError(err, messagesOf(ctx)).text;
    ctx.status = STATUS[err.code] ?? 400;
    ctx.body = { ok: false, error: err.code, message };
  }
}
