/**
 * Issuing and checking proofs of diligence with the appliance's own key (diligenceProof.ts says
 * what a proof holds). The key exists once the appliance is enrolled; before that there is nothing
 * to sign with, and the refusal says so.
 */
import type { KeyObject } from 'node:crypto';
import { keyId, publicJwk, type SigningKey } from '@iamanager/protocol';
import type { Actor, Cases } from '../cases/cases.js';
import type { CaseRecord } from '../cases/caseSchema.js';
import { loadApplianceKey } from '../enrollment/applianceKey.js';
import { ApplianceError } from '../../errors.js';
import type { DeadlineClosing, DeadlineStatus } from './deadlineClosing.js';
import { proofClaims, signProof, verifyProof, type ProofClaims } from './diligenceProof.js';

export interface ProofDeps {
  dataDir: string;
  ids: () => { applianceId: string | null; cabinetId: string | null };
  cases: Cases;
  closing: DeadlineClosing;
  clock: () => Date;
}

export class DiligenceProofs {
  constructor(private readonly deps: ProofDeps) {}

  private async key(): Promise<SigningKey> {
    const key = await loadApplianceKey(this.deps.dataDir);
    if (!key)
      throw new ApplianceError(
        'no_appliance_key',
        "l'appliance n'a pas encore de clé de signature : elle en reçoit une à son enregistrement auprès de l'éditeur (appliance enroll)",
      );
    return key;
  }

  /** A signed proof for one deadline; the read is audited as `deadline.proof`. */
  async issue(caseId: string, remedy: string, actor: Actor): Promise<{ jws: string; claims: ProofClaims; case: CaseRecord }> {
    const c = await this.deps.cases.readCase(caseId, actor, 'deadline.proof');
    const status: DeadlineStatus | undefined = this.deps.closing.statusesOf(c).find((d) => d.remedy === remedy);
    if (!status)
      throw new ApplianceError('deadline_not_found', `remedy: le dossier ${c.reference} n'a pas d'échéance « ${remedy} »`, {
        field: 'remedy',
      });
    const key = await this.key();
    const { applianceId, cabinetId } = this.deps.ids();
    const claims = await proofClaims(c, status, {
      applianceId: applianceId ?? 'appliance',
      cabinetId: cabinetId ?? '',
      publicKey: key.publicKey,
      acknowledgement: status.acknowledged,
      now: this.deps.clock(),
    });
    return { jws: await signProof(claims, key.privateKey), claims, case: c };
  }

  /** The public key a third party verifies proofs with: JWK, PEM (SPKI) and its RFC 7638 thumbprint. */
  async publicKey(): Promise<{ jwk: ReturnType<typeof publicJwk>; pem: string; thumbprint: string }> {
    const { publicKey } = await this.key();
    const jwk = publicJwk(publicKey);
    return { jwk, pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), thumbprint: await keyId(jwk) };
  }

  /** Checks a proof against this appliance's key (or the one given). */
  async verify(jws: string, publicKey?: KeyObject): Promise<ProofClaims> {
    return verifyProof(jws, publicKey ?? (await this.key()).publicKey);
  }
}
