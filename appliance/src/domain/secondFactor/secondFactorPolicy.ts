/**
 * Who must have a second factor: nobody, everyone, or the users of some roles, set by an admin on
 * `/admin/securite`. A user it covers who has none is led to set one up at their next password
 * login (auth/secondFactorLogin.ts). API tokens are not affected: a token is made from a session
 * that already passed the policy, and scripts cannot type codes.
 */
import { z } from 'zod';
import { parseWith } from '@iamanager/protocol';
import type { Document } from '@iamanager/kernel/storage';
import type { AuditLog } from '../audit/auditLog.js';
import type { User } from '../../storage/userStore.js';
import { SECOND_FACTOR_REQUIREMENTS, type SecuritySettingsFile } from '../../storage/securitySettingsStore.js';
import { ApplianceError } from '../../errors.js';

export const secondFactorPolicySchema = z.strictObject({
  required: z.enum(SECOND_FACTOR_REQUIREMENTS, { error: `must be one of ${SECOND_FACTOR_REQUIREMENTS.join(', ')}` }),
  roles: z.array(z.string().max(32)).max(50).default([]),
});
export type SecondFactorPolicyInput = z.input<typeof secondFactorPolicySchema>;

export class SecondFactorPolicy {
  constructor(
    private readonly doc: Document<SecuritySettingsFile>,
    private readonly audit: AuditLog,
    private readonly clock: () => Date,
  ) {}

  current(): SecuritySettingsFile['secondFactor'] & { updatedAt: string | null; updatedBy: string | null } {
    return { ...this.doc.data.secondFactor, updatedAt: this.doc.data.updatedAt, updatedBy: this.doc.data.updatedBy };
  }

  /** Whether the policy requires `user` to have a second factor. */
  covers(user: Pick<User, 'role'>): boolean {
    const { required, roles } = this.doc.data.secondFactor;
    return required === 'everyone' || (required === 'roles' && roles.includes(user.role));
  }

  /** Sets the policy; `knownRoles` are the roles that exist (a policy naming another would cover nobody, silently). */
  async set(input: unknown, knownRoles: readonly string[], actor: { email: string }): Promise<void> {
    const policy = parseWith(secondFactorPolicySchema, input);
    const unknown = policy.roles.filter((r) => !knownRoles.includes(r));
    if (unknown.length > 0)
      throw new ApplianceError('invalid_input', `roles: ${unknown.join(', ')} do not exist (roles: ${knownRoles.join(', ')})`, {
        field: 'roles',
      });
    if (policy.required === 'roles' && policy.roles.length === 0)
      throw new ApplianceError('invalid_input', 'roles: choose at least one role, or require a second factor of everyone or nobody', {
        field: 'roles',
      });
    const roles = policy.required === 'roles' ? [...new Set(policy.roles)] : [];
    this.doc.data.secondFactor = { required: policy.required, roles };
    this.doc.data.updatedAt = this.clock().toISOString();
    this.doc.data.updatedBy = actor.email;
    await this.doc.write();
    await this.audit.append({
      actor: actor.email,
      action: 'security.second_factor_policy',
      detail: policy.required === 'roles' ? `roles: ${roles.join(', ')}` : policy.required,
    });
  }
}
