/**
 * The signed proof of diligence (docs/deadlines.md): for one deadline, a compact JWS signed with the
 * appliance's own Ed25519 key (the one its heartbeats are signed with, appliance-key.pem) whose
 * payload states the inputs the date was computed from, the rules version, the computed date, who
 * acknowledged the deadline and who closed it, and when. Anyone holding the appliance's public key
 * (`appliance proof public-key`) verifies it with any JOSE library: a lawyer can hand it to the
 * insurer or the bâtonnier without them trusting this appliance's screens.
 */
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { SIGNING_ALG, signApplianceJws, publicJwk, keyId } from '@iamanager/protocol';
import type { CaseRecord } from '../cases/caseSchema.js';
import { RULES_VERSION } from '../ceseda/rules.js';
import type { DeadlineClosure } from '../cases/deadlineClosure.js';
import type { DeadlineStatus } from './deadlineClosing.js';
import { ApplianceError } from '../../errors.js';

/** The JWS `typ`: a proof is never mistaken for a heartbeat or another token signed with the same key. */
export const PROOF_TYP = 'iamanager-diligence+jwt';
/** A proof is small (facts and a few names); a file much larger is not one. */
const PROOF_MAX_BYTES = 256 * 1024;

export interface ProofClaims {
  iss: string;
  sub: string;
  iat: number;
  jti: string;
  /** The key's RFC 7638 thumbprint: which public key to verify with, after a re-enrollment changed it. */
  keyThumbprint: string;
  case: { id: string; reference: string };
  deadline: { remedy: string; label: string; due: string; hourly: boolean; legalBasis: string };
  /** What the date was computed from: the notification, the procedure, the prefecture's département and the facts. */
  inputs: {
    procedure: string;
    decisionNotifiedAt: string;
    departement: string | null;
    facts: Record<string, unknown>;
    /** The stored analysis whose deadline this is, or null for the basic rules (no analysis run). */
    analysis: { id: string; createdAt: string; createdBy: string } | null;
  };
  rulesVersion: string;
  acknowledgement: { by: string; at: string } | null;
  closure: DeadlineClosure | null;
}

type Loose = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The payload for one deadline of a case, as of `now`. */
export async function proofClaims(
  c: CaseRecord,
  d: DeadlineStatus,
  context: {
    applianceId: string;
    cabinetId: string;
    publicKey: KeyObject;
    acknowledgement: { by: string; at: string } | null;
    now: Date;
  },
): Promise<ProofClaims> {
  const latest = c.analyses.length > 0 ? (c.analyses[c.analyses.length - 1] as Loose) : undefined;
  return {
    iss: context.applianceId,
    sub: context.cabinetId,
    iat: Math.floor(context.now.getTime() / 1000),
    jti: randomUUID(),
    keyThumbprint: await keyId(publicJwk(context.publicKey)),
    case: { id: c.id, reference: c.reference },
    deadline: { remedy: d.remedy, label: d.label, due: d.due, hourly: d.hourly, legalBasis: d.legalBasis },
    inputs: {
      procedure: c.procedure,
      decisionNotifiedAt: c.decisionNotifiedAt,
      departement: c.departement,
      facts: c.facts,
      analysis: latest ? { id: str(latest.id), createdAt: str(latest.createdAt), createdBy: str(latest.createdBy) } : null,
    },
    // The analysis's own rules version when the date comes from it: the date it shows was computed then.
    rulesVersion: (latest && str(latest.rulesVersion)) || RULES_VERSION,
    acknowledgement: context.acknowledgement,
    closure: d.closure,
  };
}

export function signProof(claims: ProofClaims, privateKey: KeyObject): Promise<string> {
  return signApplianceJws(PROOF_TYP, claims, privateKey);
}

/**
 * Checks a proof against the appliance's public key: the header (EdDSA, this `typ`), the
 * signature over the exact bytes, then the payload's shape. Any change to a single character of
 * the payload fails the signature. Refusals are `proof_invalid` with the reason.
 */
export async function verifyProof(jws: string, publicKey: KeyObject): Promise<ProofClaims> {
  const token = jws.trim();
  if (Buffer.byteLength(token) > PROOF_MAX_BYTES)
    throw new ApplianceError('proof_invalid', `file: une preuve fait moins de ${PROOF_MAX_BYTES} octets ; ce fichier n'en est pas une`);
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new ApplianceError('proof_invalid', "file: ce n'est pas une preuve signée (JWS compact attendu, fichier .jws)");
  }
  if (header.alg !== SIGNING_ALG || header.typ !== PROOF_TYP)
    throw new ApplianceError('proof_invalid', `file: l'en-tête doit être { alg: "${SIGNING_ALG}", typ: "${PROOF_TYP}" }`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, publicKey.type === 'public' ? publicKey : createPublicKey(publicKey), {
      algorithms: [SIGNING_ALG],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      throw new ApplianceError(
        'proof_invalid',
        "signature: la signature ne correspond pas à la clé publique de l'appliance : la preuve a été modifiée ou vient d'une autre appliance",
      );
    throw new ApplianceError('proof_invalid', "file: ce n'est pas une preuve signée lisible (JWS compact attendu)");
  }
  const claims = JSON.parse(new TextDecoder().decode(payload)) as ProofClaims;
  if (!claims || typeof claims !== 'object' || !claims.deadline || !claims.case || typeof claims.rulesVersion !== 'string')
    throw new ApplianceError('proof_invalid', "file: la signature est bonne mais le contenu n'est pas une preuve de diligence");
  return claims;
}
