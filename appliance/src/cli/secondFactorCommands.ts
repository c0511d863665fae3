/**
 * `appliance users reset-second-factor EMAIL`: an admin's reset from the Docker host's shell, for
 * when no admin can log in (the last admin lost the phone and the recovery codes). Whoever runs it
 * holds the host, which holds the data: the audit log records it as done by "cli".
 */
import type { Appliance } from '../appliance.js';
import { ApplianceError } from '../errors.js';

export async function resetSecondFactorCommand(appliance: Appliance, args: Record<string, string | boolean>): Promise<unknown> {
  const email = typeof args.email === 'string' ? args.email : '';
  if (!email) throw new ApplianceError('invalid_input', 'EMAIL: give the user: appliance users reset-second-factor marie@cabinet.fr');
  const user = appliance.users.byEmail(email);
  if (!user) throw new ApplianceError('not_found', `EMAIL: no user ${email}`);
  await appliance.secondFactors.reset(user.id, 'cli');
  const required = appliance.secondFactorPolicy.covers(user);
  return {
    email: user.email,
    reset: true,
    message: `${user.email}: second factor removed, sessions ended${required ? '; a new one is set up at the next login (the cabinet requires it)' : ''}`,
  };
}
