/** SECOND_FACTOR_REQUIRED_FOR, read and checked at start-up (config.ts): the roles that must sign in with a second factor. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@iamanager/kernel/config';
import { readConfig } from '../../control-plane/src/config.js';

const NO_DOTENV = '/nonexistent/.env';
const requiredFor = (value?: string) =>
  readConfig({ DATA_DIR: '/tmp/cp', ...(value === undefined ? {} : { SECOND_FACTOR_REQUIRED_FOR: value }) }, NO_DOTENV).dashboard
    .secondFactorRequiredFor;

describe('SECOND_FACTOR_REQUIRED_FOR', () => {
  it('defaults to the admin role, and takes all, none or a list of roles', () => {
    expect(requiredFor()).toEqual(['admin']);
    expect(requiredFor('all')).toEqual(['admin', 'billing', 'support']);
    expect(requiredFor('none')).toEqual([]);
    expect(requiredFor(' Admin , billing,admin ')).toEqual(['admin', 'billing']);
  });

  it('refuses anything else at start-up, naming the variable, the roles and the bad one', () => {
    let problems: string[] = [];
    try {
      readConfig({ DATA_DIR: '/tmp/cp', SECOND_FACTOR_REQUIRED_FOR: 'admin,root' }, NO_DOTENV);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([
      'SECOND_FACTOR_REQUIRED_FOR: must be "all", "none" or roles separated by commas among admin, billing, support (e.g. admin,billing); "root" is not a role',
    ]);
  });
});
