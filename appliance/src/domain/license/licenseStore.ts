/**
 * The appliance's license: stored as received (the vendor's JWS and keys), verified offline at
 * start-up and on every change. Plan, limits, model and features come from here only.
 *
 * After expiry the grace period starts: everything works and a warning is shown. After grace,
 * creating users, cases and analyses is refused with a message saying what to do, while reading,
 * editing and exporting existing data always works — a limit never locks a lawyer out of a file.
 */
import path from 'node:path';
import { z } from 'zod';
import type { DomainError } from '@iamanager/protocol';
import {
  ProtocolError,
  jwksSchema,
  licenseState,
  partitionByPins,
  unverifiedKid,
  verifyPinnedLicense,
  verifyReceipt,
  type Jwks,
  type LicenseClaims,
  type LicenseState,
  type ReceiptClaims,
} from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import type { EnvLimits } from '../../config.js';
import type { ClockGuard } from './clockGuard.js';
import { effectiveLimits, type EffectiveLimits } from './effectiveLimits.js';
import { ApplianceError } from '../../errors.js';
import { decodeJwt } from 'jose';

const DAY_MS = 86_400_000;

const licenseFileSchema = z.object({
  applianceId: z.string().nullable(),
  cabinetId: z.string().nullable(),
  issuer: z.string().nullable(),
  license: z.string().nullable(),
  vendorKeys: jwksSchema.nullable(),
  heartbeatIntervalSeconds: z.number().int().positive(),
  installedAt: z.string().nullable(),
  /**
   * The newest receipt from the control plane (protocol/src/receipt.ts): its signed time is a
   * clock floor that survives the loss of clock.json and of the audit log's tail.
   */
  receipt: z.string().nullable().default(null),
});
type LicenseFile = z.infer<typeof licenseFileSchema>;

const EMPTY: LicenseFile = {
  applianceId: null,
  cabinetId: null,
  issuer: null,
  license: null,
  vendorKeys: null,
  heartbeatIntervalSeconds: 900,
  installedAt: null,
  receipt: null,
};

/** A receipt is written when it moves the vendor's time on by this much: a backlog drained in seconds costs one write. */
const RECEIPT_PERSIST_SECONDS = 60;

export interface LicenseStatus {
  enrolled: boolean;
  state: LicenseState | 'unenrolled' | 'invalid';
  applianceId: string | null;
  cabinetId: string | null;
  plan: string | null;
  limits: EffectiveLimits | null;
  expiresAt: string | null;
  graceEndsAt: string | null;
  clockSetBack: boolean;
  /** False when VENDOR_KEY_PINS is unset: the vendor keys received at enrollment are trusted on first use. */
  vendorKeysPinned: boolean;
  warnings: string[];
}

/** Said in the status (and so logged once at start-up) while VENDOR_KEY_PINS is unset. */
export const UNPINNED_WARNING =
  "VENDOR_KEY_PINS is not set: the vendor keys received at enrollment are trusted on first use, so whoever can write DATA_DIR could install a license signed by a key of their own; copy the VENDOR_KEY_PINS line of your install bundle's .env into the appliance configuration";

export type Creatable = 'user' | 'case' | 'analysis';

export class LicenseStore {
  private claims: LicenseClaims | undefined;
  private limitWarnings: string[] = [];
  /** Why the stored license does not verify (edited file, foreign key), if it does not. */
  private invalidReason: string | undefined;

  private constructor(
    private readonly doc: Document<LicenseFile>,
    private readonly envLimits: EnvLimits,
    private readonly clock: ClockGuard,
    private readonly log: Logger,
    /** VENDOR_KEY_PINS: kept outside DATA_DIR, so writing license.json cannot change what is trusted. */
    private readonly vendorKeyPins: readonly string[] | undefined,
  ) {}

  static async open(
    dataDir: string,
    envLimits: EnvLimits,
    clock: ClockGuard,
    log: Logger,
    vendorKeyPins?: readonly string[],
  ): Promise<LicenseStore> {
    const doc = await openDocument<LicenseFile>(path.join(dataDir, 'license.json'), EMPTY, { schema: licenseFileSchema, log, mode: 0o640 });
    const store = new LicenseStore(doc, envLimits, clock, log, vendorKeyPins);
    if (doc.data.license) {
      try {
        await store.verifyStored();
      } catch (err) {
        // A stored license that no longer verifies (edited file, foreign or unpinned key) grants nothing, but
        // the appliance still starts: reading and exporting existing data must keep working.
        store.invalidReason = (err as Error).message;
        log.error({ code: (err as DomainError).code, message: (err as Error).message }, 'license: the stored license does not verify');
      }
    }
    if (doc.data.receipt) {
      try {
        clock.raiseFloor(new Date((await store.verifyReceipt(doc.data.receipt)).iat * 1000));
      } catch (err) {
        log.error(
          { code: (err as DomainError).code, message: (err as Error).message },
          'license: the stored receipt from the control plane does not verify (edited file): its time is not used',
        );
      }
    }
    return store;
  }

  private async verifyStored(): Promise<void> {
    const d = this.doc.data;
    if (!d.license || !d.vendorKeys || !d.applianceId || !d.issuer) throw new ProtocolError('malformed', 'license.json is incomplete');
    const { claims } = await verifyPinnedLicense(
      d.license,
      { keys: d.vendorKeys, issuer: d.issuer, audience: d.applianceId, now: this.clock.now(), allowExpired: true },
      this.vendorKeyPins,
    );
    this.accept(claims);
  }

  private accept(claims: LicenseClaims): void {
    this.claims = claims;
    // The vendor signed this license at `iat`: that time has passed, whatever the local clock says.
    this.clock.raiseFloor(new Date(claims.iat * 1000));
    this.invalidReason = undefined;
    const { warnings } = effectiveLimits(claims, this.envLimits);
    this.limitWarnings = warnings;
    for (const w of warnings) this.log.warn({ warning: w }, 'license: environment value ignored');
  }

  get enrolled(): boolean {
    return this.doc.data.applianceId !== null && this.claims !== undefined;
  }

  /** A license was installed once (even if it no longer verifies): the appliance was set up. */
  get everInstalled(): boolean {
    return this.doc.data.applianceId !== null && this.doc.data.license !== null;
  }

  get applianceId(): string | null {
    return this.doc.data.applianceId;
  }

  get cabinetId(): string | null {
    return this.doc.data.cabinetId;
  }

  get heartbeatIntervalSeconds(): number {
    return this.doc.data.heartbeatIntervalSeconds;
  }

  get licenseJws(): string | null {
    return this.doc.data.license;
  }

  get licenseId(): string | null {
    return this.claims?.jti ?? null;
  }

  /** The verified claims (the contact and offers the upgrade page shows come from here: upgradeOffers.ts). */
  verifiedClaims(): LicenseClaims | undefined {
    return this.claims;
  }

  /** The limits in force, or undefined before enrollment. */
  limits(): EffectiveLimits | undefined {
    return this.claims ? effectiveLimits(this.claims, this.envLimits).limits : undefined;
  }

  /** The .env limits the signed license overrides (also logged, and in `status().warnings`). */
  ignoredEnvSettings(): readonly string[] {
    return this.limitWarnings;
  }

  state(): LicenseState | 'unenrolled' | 'invalid' {
    if (!this.claims) return this.invalidReason ? 'invalid' : 'unenrolled';
    return licenseState(this.claims, this.clock.now(), 120);
  }

  status(): LicenseStatus {
    const c = this.claims;
    const warnings = [...this.limitWarnings];
    const state = this.state();
    if (this.clock.setBack)
      warnings.push(
        `the system clock is behind a time this appliance already saw (${this.clock.latestSeenAt()}): set it right (NTP); licenses are judged by the later time`,
      );
    if (state === 'grace' && c)
      warnings.push(
        `the license expired on ${iso(c.exp)}; the grace period ends on ${iso(c.exp + c.graceDays * 86_400)}: the appliance must reach the control plane (or import a new license) before then`,
      );
    if (state === 'invalid')
      warnings.push(
        `the installed license does not verify (${this.invalidReason}): creating users, cases and analyses is refused; import the license file again or let the appliance reach the control plane`,
      );
    if (state === 'expired')
      warnings.push(
        'the license and its grace period have expired: creating users, cases and analyses is refused until a new license arrives; reading, editing and exporting still work',
      );
    if (!this.vendorKeyPins) warnings.push(UNPINNED_WARNING);
    return {
      enrolled: this.enrolled,
      state,
      applianceId: this.doc.data.applianceId,
      cabinetId: this.doc.data.cabinetId,
      plan: c?.plan ?? null,
      limits: this.limits() ?? null,
      expiresAt: c ? iso(c.exp) : null,
      graceEndsAt: c ? iso(c.exp + c.graceDays * 86_400) : null,
      clockSetBack: this.clock.setBack,
      vendorKeysPinned: this.vendorKeyPins !== undefined,
      warnings,
    };
  }

  /** Throws unless the license allows creating one more `what` (limits are checked by the caller). */
  assertCanCreate(what: Creatable): EffectiveLimits {
    const state = this.state();
    const limits = this.limits();
    if (state === 'invalid')
      throw new ApplianceError(
        'license_invalid',
        `cannot create a new ${what}: the installed license does not verify (edited or damaged file). Existing files stay readable, editable and exportable. Import the license file again, or let the appliance reach the control plane`,
      );
    if (state === 'unenrolled' || !limits)
      throw new ApplianceError(
        'not_enrolled',
        'this appliance is not enrolled yet: finish the setup (enrollment code or license file) first',
      );
    if (state === 'expired') {
      throw new ApplianceError(
        'license_expired',
        `cannot create a new ${what}: the license and its grace period have expired. Existing files stay readable, editable and exportable. Let the appliance reach the control plane, or import a new license file (appliance license import FILE)`,
      );
    }
    if (state === 'not_yet_valid')
      throw new ApplianceError('license_not_yet_valid', 'the license is not valid yet: check the appliance clock');
    return limits;
  }

  /**
   * Installs a license after verifying it: enrollment (with the vendor keys and identity that
   * came with it), a license from a heartbeat answer, or an imported file.
   *
   * An imported file must be newer than the license installed (`license_older`): a file is an
   * untrusted source, and an old one could bring back terms the vendor has since changed. A
   * license in the control plane's answer to a heartbeat (`fromControlPlane`) replaces the one
   * installed whatever their issue times: it is what the vendor says now, over the channel the
   * appliance's own signed heartbeat opened, and it verifies with the vendor keys — while a license
   * with a later `iat` may have been made on the machine (a key of one's own added to the pins), and
   * must never let it refuse the vendor's renewals and suspensions.
   */
  async install(input: {
    license: string;
    vendorKeys?: Jwks;
    applianceId?: string;
    cabinetId?: string;
    heartbeatIntervalSeconds?: number;
    reset?: boolean;
    fromControlPlane?: boolean;
  }): Promise<LicenseClaims> {
    const d = this.doc.data;
    const reset = input.reset === true;
    const applianceId = input.applianceId ?? d.applianceId;
    const vendorKeys = input.vendorKeys ?? d.vendorKeys;
    if (!applianceId || !vendorKeys)
      throw new ApplianceError(
        'not_enrolled',
        'this license file holds a license only: import the full enrollment file first (it carries the appliance id and the vendor keys)',
      );
    // The issuer is learnt from the first license (received over the enrollment channel) and pinned.
    const issuer = reset || !d.issuer ? unverifiedIssuer(input.license) : d.issuer;
    const { claims, state } = await verifyPinnedLicense(
      input.license,
      { keys: vendorKeys, issuer, audience: applianceId, now: this.clock.now() },
      this.vendorKeyPins,
    );
    if (input.cabinetId && claims.sub !== input.cabinetId)
      throw new ProtocolError('wrong_audience', `the license is for cabinet "${claims.sub}", not "${input.cabinetId}"`);
    if (!reset && !input.fromControlPlane && this.claims && claims.iat < this.claims.iat)
      throw new ApplianceError('license_older', 'this license is older than the one installed: nothing changed');
    if (input.fromControlPlane && this.claims && claims.iat < this.claims.iat) {
      this.log.warn(
        { replaced: this.claims.jti, replacedIat: this.claims.iat, licenseId: claims.jti },
        "license: the control plane sent a license older than the one installed, which it did not issue last: the control plane's replaces it",
      );
    }
    this.doc.data = {
      applianceId,
      cabinetId: claims.sub,
      issuer,
      license: input.license,
      vendorKeys: input.vendorKeys ? await this.trustedOf(input.vendorKeys) : vendorKeys,
      heartbeatIntervalSeconds: input.heartbeatIntervalSeconds ?? d.heartbeatIntervalSeconds,
      installedAt: this.clock.now().toISOString(),
      receipt: reset ? null : d.receipt,
    };
    await this.doc.write();
    this.accept(claims);
    this.log.info({ plan: claims.plan, licenseId: claims.jti, expiresAt: iso(claims.exp), state }, 'license: installed');
    return claims;
  }

  /**
   * The vendor keys kept from an enrollment: with pins, only the pinned ones — a key the cabinet
   * does not trust is not kept to be trusted later, and license.json then lists only what verifies.
   */
  private async trustedOf(keys: Jwks): Promise<Jwks> {
    if (!this.vendorKeyPins) return keys;
    const { pinned, unpinned } = await partitionByPins(keys, this.vendorKeyPins);
    if (unpinned.length > 0)
      this.log.warn({ dropped: unpinned.map((k) => k.kid) }, 'license: vendor keys not in VENDOR_KEY_PINS were not kept');
    return { keys: pinned };
  }

  /** VENDOR_KEY_PINS is set: licenses verify only with pinned keys, and keys may be learnt (below). */
  get vendorKeysPinned(): boolean {
    return this.vendorKeyPins !== undefined;
  }

  /** Whether license.json holds a key under the `kid` this license names (false for a non-JWS). */
  holdsKeyFor(license: string): boolean {
    const kid = unverifiedKid(license);
    return kid !== undefined && (this.doc.data.vendorKeys?.keys.some((k) => k.kid === kid) ?? false);
  }

  /**
   * After a vendor key rotation: installs a license signed by a key not held yet, with the vendor's
   * published keys (`GET /v1/keys`) added to those held. Only with pins — then where the keys come
   * from does not matter, since only pinned ones are used and kept; without pins, keys are learnt
   * at enrollment only, so nothing a network answer says can change what is trusted.
   */
  async installWithPublishedKeys(license: string, published: Jwks, options: { fromControlPlane?: boolean } = {}): Promise<LicenseClaims> {
    if (!this.vendorKeyPins)
      throw new ApplianceError(
        'untrusted_vendor_key',
        'vendor keys are learnt after enrollment only when VENDOR_KEY_PINS is set: set it, or enroll again',
      );
    // A held key under a kid the vendor publishes with another key is not the vendor's (license.json
    // rewritten): it is dropped. Nothing is written unless the license then verifies with a pinned key.
    const held = (this.doc.data.vendorKeys?.keys ?? []).filter((h) => !published.keys.some((p) => p.kid === h.kid && p.x !== h.x));
    const added = published.keys.filter((p) => !held.some((h) => h.kid === p.kid && h.x === p.x));
    return this.install({ license, vendorKeys: { keys: [...held, ...added] }, fromControlPlane: options.fromControlPlane });
  }

  /**
   * Verifies a receipt from the control plane for this appliance, with the vendor keys held (only
   * pinned ones when VENDOR_KEY_PINS is set), like a license.
   */
  async verifyReceipt(jws: string): Promise<ReceiptClaims> {
    const d = this.doc.data;
    if (!d.vendorKeys || !d.applianceId || !d.issuer)
      throw new ApplianceError('not_enrolled', 'this appliance is not enrolled: it holds no vendor keys to verify a receipt with');
    return verifyReceipt(jws, { keys: d.vendorKeys, issuer: d.issuer, audience: d.applianceId }, this.vendorKeyPins);
  }

  /**
   * Takes a receipt from a heartbeat answer: its signed time raises the clock floor at once, and
   * is kept in license.json when it moves on by a minute or more, so it still counts after a
   * restart with clock.json gone. Throws when it does not verify (the caller logs it).
   */
  async acceptReceipt(jws: string): Promise<ReceiptClaims> {
    const claims = await this.verifyReceipt(jws);
    this.clock.raiseFloor(new Date(claims.iat * 1000));
    const stored = this.doc.data.receipt ? unverifiedIat(this.doc.data.receipt) : 0;
    if (claims.iat >= stored + RECEIPT_PERSIST_SECONDS) {
      this.doc.data.receipt = jws;
      await this.doc.write();
    }
    return claims;
  }

  async setHeartbeatInterval(seconds: number): Promise<void> {
    if (seconds === this.doc.data.heartbeatIntervalSeconds) return;
    this.doc.data.heartbeatIntervalSeconds = seconds;
    await this.doc.write();
  }

  /** Days until the license expires (negative once expired), for the heartbeat and the UI. */
  daysLeft(): number | null {
    return this.claims ? Math.floor((this.claims.exp * 1000 - this.clock.now().getTime()) / DAY_MS) : null;
  }
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** The `iss` claim before verification (verification then pins it). */
function unverifiedIssuer(jws: string): string {
  try {
    const payload = decodeJwt(jws);
    if (typeof payload.iss === 'string' && payload.iss.length > 0) return payload.iss;
  } catch {
    // fall through
  }
  throw new ProtocolError('malformed', 'the license is not a compact JWS');
}

/** The `iat` of a receipt this appliance stored after verifying it (0 if unreadable). */
function unverifiedIat(jws: string): number {
  try {
    const payload = decodeJwt(jws);
    return typeof payload.iat === 'number' ? payload.iat : 0;
  } catch {
    return 0;
  }
}
