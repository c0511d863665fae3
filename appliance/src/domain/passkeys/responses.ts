/**
 * The browser's answers to a ceremony, as @simplewebauthn/browser serialises them, checked for
 * shape before any cryptography: a missing or mistyped field is named in the refusal, so a broken
 * script or a hand-made request gets a message rather than a library's stack.
 */
import { z } from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { ApplianceError } from '../../errors.js';

const base64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'base64url text')
  .max(16_384);

const registrationSchema = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: z.array(z.string().max(20)).max(10).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

const authenticationSchema = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

function parsed<T>(schema: z.ZodType<T>, text: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApplianceError('passkey_refused', 'response: the passkey answer is not JSON: click the passkey button again', {
      field: 'response',
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = ['response', ...(issue?.path ?? []).map(String)].join('.');
    throw new ApplianceError('passkey_refused', `${where}: ${issue?.message ?? 'malformed'} (the passkey answer is incomplete)`, {
      field: 'response',
    });
  }
  return result.data;
}

export function registrationResponseOf(text: string): RegistrationResponseJSON {
  return parsed(registrationSchema, text) as RegistrationResponseJSON;
}

export function authenticationResponseOf(text: string): AuthenticationResponseJSON {
  return parsed(authenticationSchema, text) as AuthenticationResponseJSON;
}
