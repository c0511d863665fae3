/**
 * The support upload token (protocol/src/supportBundle.ts) is verified like a heartbeat
 * (`verifyApplianceJws`): a token with a `crit` header or a `kid` that is not an appliance id is
 * refused `malformed` before any appliance is looked up — the support copy of the check accepted
 * the first and looked the second up.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  SUPPORT_UPLOAD_TYP,
  generateSigningKey,
  signSupportUpload,
  verifySupportUpload,
  type KnownAppliance,
  type SupportUploadClaims,
} from '@iamanager/protocol';

const NOW = new Date('2026-03-15T10:00:00Z');
const key = generateSigningKey();

const claims = (o: Partial<SupportUploadClaims> = {}): SupportUploadClaims => ({
  iss: 'apl-dupont-1',
  sub: 'dupont',
  iat: Math.floor(NOW.getTime() / 1000),
  sha256: 'a'.repeat(64),
  size: 1234,
  ...o,
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A token signed by the enrolled key, with whatever protected header the caller gives. */
function signedWithHeader(header: Record<string, unknown>, payload: Record<string, unknown> = claims()): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
}

function lookups() {
  const asked: string[] = [];
  const findAppliance = (id: string): KnownAppliance => {
    asked.push(id);
    return { publicKey: key.publicKey, cabinetId: 'dupont', revoked: false, lastSeq: 0 };
  };
  return { asked, options: { findAppliance, now: NOW } };
}

async function refusal(p: Promise<unknown>): Promise<ProtocolError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  return err as ProtocolError;
}

describe('verifySupportUpload', () => {
  it('accepts a token signed by the enrolled key, and one hand-built with the plain header', async () => {
    const { asked, options } = lookups();
    expect(await verifySupportUpload(await signSupportUpload(claims(), key.privateKey), options)).toEqual(claims());
    const plain = signedWithHeader({ alg: 'EdDSA', typ: SUPPORT_UPLOAD_TYP, kid: 'apl-dupont-1' });
    expect((await verifySupportUpload(plain, options)).sha256).toBe('a'.repeat(64));
    expect(asked).toEqual(['apl-dupont-1', 'apl-dupont-1']);
  });

  it('refuses a token with a crit header, though signed by the enrolled key', async () => {
    const { asked, options } = lookups();
    const header = { alg: 'EdDSA', typ: SUPPORT_UPLOAD_TYP, kid: 'apl-dupont-1' };
    for (const extra of [{ crit: ['b64'], b64: true }, { b64: true }, { crit: ['exp'] }]) {
      const err = await refusal(verifySupportUpload(signedWithHeader({ ...header, ...extra }), options));
      expect([err.code, err.message]).toEqual(['malformed', expect.stringMatching(/^the Authorization header must be "Bearer <JWS>"/)]);
    }
    expect(asked).toEqual([]);
  });

  it('refuses a kid that is not an appliance id without looking it up', async () => {
    const { asked, options } = lookups();
    for (const kid of ['APL-DUPONT-1', '../apl-dupont-1', 'a', 'x'.repeat(65), '']) {
      const err = await refusal(
        verifySupportUpload(signedWithHeader({ alg: 'EdDSA', typ: SUPPORT_UPLOAD_TYP, kid }, claims({ iss: kid })), options),
      );
      expect(err.code).toBe('malformed');
    }
    expect(asked).toEqual([]);
  });

  it('maps a failed claim check and a stale token to their codes', async () => {
    const { options } = lookups();
    const header = { alg: 'EdDSA', typ: SUPPORT_UPLOAD_TYP, kid: 'apl-dupont-1' };
    const foreignIssuer = await refusal(verifySupportUpload(signedWithHeader(header, claims({ iss: 'apl-martin-1' })), options));
    expect([foreignIssuer.code, foreignIssuer.message]).toEqual(['malformed', 'claim "iss" is invalid: check_failed']);
    const stale = await refusal(
      verifySupportUpload(await signSupportUpload(claims({ iat: claims().iat - 3600 }), key.privateKey), options),
    );
    expect(stale.code).toBe('clock_skew');
  });
});
