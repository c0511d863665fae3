/**
 * The control plane's domain error. Its code is typed: one that `errorStatus.ts` (or the
 * kernel's common table) does not map to an HTTP status is a compile error, not a 400 found in
 * production. Catch with `instanceof DomainError`, which it is.
 */
import { DomainError } from '@iamanager/protocol';
import type { ControlPlaneErrorCode } from './errorStatus.js';

export class ControlPlaneError extends DomainError<ControlPlaneErrorCode> {}
