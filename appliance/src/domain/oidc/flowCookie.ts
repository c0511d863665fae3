/**
 * What the browser carries between `/connexion/oidc` and the provider's answer on
 * `/connexion/oidc/retour`: the state, the nonce, the PKCE verifier and where to go after. It is a
 * cookie sealed with the appliance's SECRET_KEY (JWE, A256GCM: signed and encrypted, so neither
 * forged nor read), valid 10 minutes: enough to type a password and answer the provider's MFA,
 * short enough that a stolen one soon means nothing. Nothing is kept on the server before the
 * answer comes back, so a flood of started logins costs no memory.
 */
import { createHmac } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';

export const FLOW_COOKIE = 'iam_oidc';
export const FLOW_MINUTES = 10;

const flowSchema = z.object({ state: z.string().min(1), nonce: z.string().min(1), verifier: z.string().min(43), next: z.string() });
export type OidcFlow = z.infer<typeof flowSchema>;

/** A key of its own, derived from SECRET_KEY, so a flow cookie can never pass for a session token. */
function flowKey(secretKey: string): Uint8Array {
  return createHmac('sha256', secretKey).update('iamanager oidc flow cookie v1').digest();
}

export async function sealFlow(secretKey: string, flow: OidcFlow, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new EncryptJWT({ ...flow })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + FLOW_MINUTES * 60)
    .encrypt(flowKey(secretKey));
}

/** The flow sealed in `cookie`, or undefined when it is absent, forged, from another key or expired. */
export async function openFlow(secretKey: string, cookie: string | undefined, now: Date): Promise<OidcFlow | undefined> {
  if (!cookie || cookie.length > 4096) return undefined;
  try {
    const { payload } = await jwtDecrypt(cookie, flowKey(secretKey), { currentDate: now, keyManagementAlgorithms: ['dir'] });
    const flow = flowSchema.safeParse(payload);
    return flow.success ? flow.data : undefined;
  } catch {
    return undefined;
  }
}
