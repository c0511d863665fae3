/**
 * Passkeys (WebAuthn credentials) as a second factor after the password (docs/second-factor.md):
 * the registration ceremony from « Clés d'accès », the authentication ceremony on the login's
 * verification step, and the list a user manages. The cryptography is @simplewebauthn/server's; the
 * rules kept here are the appliance's: challenges issued and consumed on the server
 * (challenges.ts), the origin and RP ID of the address the browser used (relyingParty.ts), one
 * credential id per passkey, and the signature counter, which must move forward.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import type { PasskeysFile, StoredPasskey } from '../../storage/passkeyStore.js';
import { ApplianceError } from '../../errors.js';
import { PasskeyChallenges } from './challenges.js';
import type { RelyingParty } from './relyingParty.js';
import { authenticationResponseOf, registrationResponseOf } from './responses.js';
import { passkeyNameOf } from './passkeyName.js';

/** What the passkey ceremonies need of a user. */
export interface PasskeyUser {
  id: string;
  email: string;
  name: string;
}

export interface PasskeysDeps {
  doc: Document<PasskeysFile>;
  audit: { append(input: { actor: string; action: string; detail?: string }): Promise<void> };
  clock: () => Date;
  log: Logger;
  /** Whether the user must keep a second factor and has no other than their passkeys (the cabinet's policy). */
  mustKeepOne?: (userId: string) => boolean;
}

/** How long the browser waits for the authenticator (the challenge lives longer: CHALLENGE_TTL_MS). */
const CEREMONY_TIMEOUT_MS = 120_000;

export class Passkeys {
  private readonly challenges: PasskeyChallenges;

  constructor(private readonly o: PasskeysDeps) {
    this.challenges = new PasskeyChallenges(o.clock);
  }

  /** The user's passkeys, oldest first. */
  list(userId: string): StoredPasskey[] {
    return this.o.doc.data.passkeys.filter((p) => p.userId === userId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Whether the user has at least one passkey: it then counts as their second factor. */
  has(userId: string): boolean {
    return this.o.doc.data.passkeys.some((p) => p.userId === userId);
  }

  /** The options for `navigator.credentials.create`; the challenge is remembered for `register`. */
  async registrationOptions(user: PasskeyUser, rp: RelyingParty): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.email,
      userDisplayName: user.name,
      // The WebAuthn user handle: the appliance's user id, never the e-mail (§14.6.1: no personal data in it).
      userID: new TextEncoder().encode(user.id),
      timeout: CEREMONY_TIMEOUT_MS,
      // No attestation: the cabinet chooses its keys, the appliance does not vet their makers.
      attestationType: 'none',
      // The browser refuses to make a second passkey on an authenticator that holds one already.
      excludeCredentials: this.list(user.id)
        .filter((p) => p.rpId === rp.id)
        .map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    this.challenges.remember(user.id, 'registration', options.challenge);
    return options;
  }

  /** Checks the browser's answer to `registrationOptions` and keeps the new passkey under `name`. */
  async register(user: PasskeyUser, rp: RelyingParty, responseText: string, rawName: string): Promise<StoredPasskey> {
    const name = passkeyNameOf(rawName);
    const response = registrationResponseOf(responseText);
    const expectedChallenge = this.challenges.take(user.id, 'registration');
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        // A second factor: the password was the knowledge, the key is the possession; a PIN is the key's own business.
        requireUserVerification: false,
      });
    } catch (err) {
      throw refusal(err);
    }
    if (!verified.verified) throw new ApplianceError('passkey_refused', 'the passkey could not be verified: try again');
    const { credential } = verified.registrationInfo;
    if (this.o.doc.data.passkeys.some((p) => p.id === credential.id))
      throw new ApplianceError('already_exists', 'this passkey is already registered on this appliance');
    const now = this.o.clock().toISOString();
    const stored: StoredPasskey = {
      id: credential.id,
      userId: user.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? response.response.transports ?? [],
      rpId: rp.id,
      name,
      createdAt: now,
      lastUsedAt: null,
    };
    this.o.doc.data.passkeys.push(stored);
    await this.o.doc.write();
    await this.o.audit.append({ actor: user.email, action: 'user.passkey_added', detail: name });
    return stored;
  }

  /** The options for `navigator.credentials.get`, offering the user's passkeys made for this host. */
  async authenticationOptions(user: PasskeyUser, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const mine = this.list(user.id);
    const here = mine.filter((p) => p.rpId === rp.id);
    if (here.length === 0) {
      if (mine.length > 0)
        throw new ApplianceError(
          'passkey_host_unsupported',
          `your passkeys were made on ${[...new Set(mine.map((p) => p.rpId))].join(', ')}: open the appliance by that name to use them`,
          { names: [...new Set(mine.map((p) => p.rpId))] },
        );
      throw new ApplianceError('passkey_unknown', 'you have no passkey: use your other second factor', { reason: 'none' });
    }
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: here.map((p) => ({ id: p.id, transports: p.transports })),
      timeout: CEREMONY_TIMEOUT_MS,
      // After a password, presence on the key is the factor (the WebAuthn spec's second-factor case).
      userVerification: 'discouraged',
    });
    this.challenges.remember(user.id, 'authentication', options.challenge);
    return options;
  }

  /**
   * Checks the browser's answer to `authenticationOptions`: the challenge, the origin, the
   * signature by a passkey of this user, and the signature counter. Returns the passkey used.
   */
  async authenticate(user: PasskeyUser, rp: RelyingParty, responseText: string): Promise<StoredPasskey> {
    const response = authenticationResponseOf(responseText);
    const expectedChallenge = this.challenges.take(user.id, 'authentication');
    const passkey = this.o.doc.data.passkeys.find((p) => p.id === response.id && p.userId === user.id && p.rpId === rp.id);
    if (!passkey) throw new ApplianceError('passkey_unknown', 'this passkey is not one of yours on this appliance: use another');
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        // The counter is checked below, with its own error: the library's would be an anonymous failure.
        credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: 0, transports: passkey.transports },
        requireUserVerification: false,
      });
    } catch (err) {
      throw refusal(err);
    }
    if (!verified.verified) throw new ApplianceError('passkey_refused', 'the passkey signature is not valid');
    const counter = verified.authenticationInfo.newCounter;
    // W3C WebAuthn Level 2 §7.2 (the signature counter step) and §6.1.1: a counter that does not move
    // past the stored one means two authenticators share the key — a clone. Authenticators that keep no counter send 0 every time.
    if ((counter > 0 || passkey.counter > 0) && counter <= passkey.counter) {
      this.o.log.warn({ userId: user.id, passkey: passkey.id, counter, stored: passkey.counter }, 'passkey: signature counter went back');
      await this.o.audit.append({ actor: user.email, action: 'user.passkey_counter_regression', detail: passkey.name });
      throw new ApplianceError(
        'passkey_counter_regression',
        `the passkey « ${passkey.name} » answered with a signature counter that did not move forward (${counter} after ${passkey.counter}): it may have been copied. It is refused; use another second factor and remove it from « Clés d'accès »`,
        { passkey: passkey.name },
      );
    }
    passkey.counter = counter;
    passkey.lastUsedAt = this.o.clock().toISOString();
    await this.o.doc.write();
    return passkey;
  }

  async rename(user: PasskeyUser, id: string, rawName: string): Promise<StoredPasskey> {
    const name = passkeyNameOf(rawName);
    const passkey = this.own(user.id, id);
    const before = passkey.name;
    passkey.name = name;
    await this.o.doc.write();
    await this.o.audit.append({ actor: user.email, action: 'user.passkey_renamed', detail: `${before} → ${name}` });
    return passkey;
  }

  async remove(user: PasskeyUser, id: string): Promise<StoredPasskey> {
    const passkey = this.own(user.id, id);
    if (this.list(user.id).length === 1 && this.o.mustKeepOne?.(user.id))
      throw new ApplianceError(
        'second_factor_kept_by_policy',
        'the cabinet requires a second factor of your account and this passkey is your only one: add another (a passkey or an authenticator app) first',
      );
    this.o.doc.data.passkeys = this.o.doc.data.passkeys.filter((p) => p !== passkey);
    await this.o.doc.write();
    await this.o.audit.append({ actor: user.email, action: 'user.passkey_removed', detail: passkey.name });
    return passkey;
  }

  /** Every passkey of a user (an administrator's reset of their second factor); the count removed. */
  async removeAll(userId: string, actor: string): Promise<number> {
    const before = this.o.doc.data.passkeys.length;
    this.o.doc.data.passkeys = this.o.doc.data.passkeys.filter((p) => p.userId !== userId);
    const removed = before - this.o.doc.data.passkeys.length;
    if (removed === 0) return 0;
    await this.o.doc.write();
    await this.o.audit.append({ actor, action: 'user.passkey_removed', detail: `${removed} (reset of ${userId})` });
    return removed;
  }

  private own(userId: string, id: string): StoredPasskey {
    const passkey = this.o.doc.data.passkeys.find((p) => p.id === id && p.userId === userId);
    if (!passkey) throw new ApplianceError('not_found', 'no such passkey among yours (removed already?)');
    return passkey;
  }
}

/** The library's reason (origin, challenge, RP ID, signature) as a typed refusal the page can show. */
function refusal(err: unknown): ApplianceError {
  if (err instanceof ApplianceError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new ApplianceError('passkey_refused', `the passkey answer was refused: ${reason}`);
}
