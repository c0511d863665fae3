/** Redirect after a refused form: what the kernel keeps between the POST and its page's GET. */
import { describe, expect, it } from 'vitest';
import { FormReplays } from '@iamanager/kernel/web';

const clockAt = (start: number) => {
  let t = start;
  return { now: () => new Date(t), move: (ms: number) => (t += ms) };
};

describe('FormReplays', () => {
  const refused = {
    values: { email: 'a@b.fr', password: 'hunter2 hunter2', _csrf: 'x'.repeat(24) },
    errors: [{ field: 'email', message: 'inconnu' }],
  };

  it('gives the refused form back once, to the same owner and page, without its secrets', () => {
    const clock = clockAt(0);
    const replays = new FormReplays(clock.now);
    replays.keep('session:1', '/connexion', refused);
    expect(replays.take('session:2', '/connexion')).toBeUndefined();
    expect(replays.take('session:1', '/ailleurs')).toBeUndefined();
    expect(replays.take('session:1', '/connexion')).toEqual({ values: { email: 'a@b.fr' }, errors: refused.errors });
    expect(replays.take('session:1', '/connexion')).toBeUndefined();
  });

  it('forgets an attempt nobody came back for, and keeps at most its limit (the oldest go first)', () => {
    const clock = clockAt(0);
    const replays = new FormReplays(clock.now, { maxEntries: 2, ttlMs: 1_000 });
    replays.keep('a', '/f', refused);
    clock.move(1_000);
    expect(replays.take('a', '/f')).toBeUndefined();
    replays.keep('a', '/f', refused);
    replays.keep('b', '/f', refused);
    replays.keep('c', '/f', refused);
    expect(replays.size).toBe(2);
    expect(replays.take('a', '/f')).toBeUndefined();
    expect(replays.take('c', '/f')?.errors).toEqual(refused.errors);
  });

  it('keeps the newer of two attempts on one page', () => {
    const replays = new FormReplays(() => new Date(0));
    replays.keep('a', '/f', { values: { n: '1' }, errors: [] });
    replays.keep('a', '/f', { values: { n: '2' }, errors: [] });
    expect(replays.take('a', '/f')?.values).toEqual({ n: '2' });
    expect(replays.size).toBe(0);
  });
});
