/**
 * Typed errors with stable codes, free of HTTP. Domain code throws these; one table at each
 * service's edge maps codes to statuses (see `http/errorMiddleware.ts`), so the same error reads
 * the same from a CLI, a test or an HTTP client.
 */
export class DomainError<Code extends string = string> extends Error {
  /** A stable machine code (`snake_case`), part of the API: clients and tests match on it. */
  readonly code: Code;
  /** Extra machine-readable facts a client may act on (the field at fault, the plan that would allow it…). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: Code, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Input that does not match its schema: the message names every field at fault and its fix. */
export class ValidationError extends DomainError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super('invalid_input', issues.join('; '), { issues });
    this.issues = issues;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${JSON.stringify(id)} does not exist`, { what, id });
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

/**
 * The rejection codes of the wire protocol (docs/protocol.md). Every verification failure maps
 * to exactly one of them; the control plane counts rejections by this code in `/metrics`.
 */
export const PROTOCOL_ERROR_CODES = [
  'malformed',
  'bad_signature',
  'unknown_appliance',
  'revoked_appliance',
  'replayed_sequence',
  'clock_skew',
  'expired',
  'wrong_audience',
  // An upgrade request whose nonce (`jti`) was already recorded (upgradeRequest.ts).
  'replayed_request',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export class ProtocolError extends DomainError {
  declare readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
