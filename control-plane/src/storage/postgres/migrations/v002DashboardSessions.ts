/**
 * Schema v2: the dashboard's login failures and logged-out sessions, shared by every node
 * (docs/control-plane-postgres.md "Dashboard login guard and logouts on several nodes").
 *
 * - `login_failures`: one row per scope of the kernel's login limiter (protocol/kernel/src/web/
 *   loginLimiter.ts: the account from one address, the account, the address). An attempt is
 *   checked and counted by one call of `reserve_login_attempt`, which locks the attempt's three
 *   rows (always in the order scope, key: two attempts sharing a row queue, never deadlock) and
 *   counts it as a failure at once — an attempt in flight is a failure to come, as in memory, so
 *   guesses sent at once to several nodes are not all evaluated before one is counted. A success
 *   or an attempt not evaluated gives its count back (`LoginAttempt.end`).
 * - `revoked_sessions`: a logout's session id until its token expires. The insert notifies
 *   `dashboard_revoked_sessions` on commit: each node keeps the list in memory and hears the others'.
 *
 * Times are the nodes' clocks to the millisecond (as job leases'), injectable in tests.
 */
export const V002_DASHBOARD_SESSIONS = `
CREATE TABLE login_failures (
  scope text NOT NULL CHECK (scope IN ('pair', 'account', 'address')),
  key text NOT NULL,
  failures integer NOT NULL CHECK (failures >= 0),
  locked_until timestamptz NOT NULL,
  last_failure_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX login_failures_forgotten ON login_failures (last_failure_at);

-- Arrays hold one entry per scope, in the same order; delays in milliseconds.
CREATE FUNCTION reserve_login_attempt(
  p_now timestamptz,
  p_scopes text[],
  p_keys text[],
  p_thresholds integer[],
  p_first_ms double precision[],
  p_max_ms double precision[],
  p_forget_ms double precision[],
  OUT wait_ms double precision,
  OUT delays_ms double precision[],
  OUT previous timestamptz[],
  OUT locked timestamptz[]
) LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  r login_failures;
  v_failures integer;
  v_delay double precision;
  v_until timestamptz;
BEGIN
  wait_ms := 0;
  delays_ms := ARRAY[]::double precision[];
  previous := ARRAY[]::timestamptz[];
  locked := ARRAY[]::timestamptz[];
  INSERT INTO login_failures (scope, key, failures, locked_until, last_failure_at)
    SELECT s, k, 0, 'epoch', p_now FROM unnest(p_scopes, p_keys) AS t(s, k) ORDER BY s, k
    ON CONFLICT DO NOTHING;
  PERFORM 1 FROM login_failures l JOIN unnest(p_scopes, p_keys) AS t(s, k) ON l.scope = t.s AND l.key = t.k
    ORDER BY l.scope, l.key FOR UPDATE OF l;
  FOR i IN 1 .. array_length(p_scopes, 1) LOOP
    SELECT * INTO r FROM login_failures WHERE scope = p_scopes[i] AND key = p_keys[i];
    IF r.locked_until > p_now THEN
      wait_ms := greatest(wait_ms, extract(epoch FROM r.locked_until - p_now) * 1000);
    END IF;
  END LOOP;
  -- Locked in any scope: refused, nothing counted.
  IF wait_ms > 0 THEN
    RETURN;
  END IF;
  FOR i IN 1 .. array_length(p_scopes, 1) LOOP
    SELECT * INTO r FROM login_failures WHERE scope = p_scopes[i] AND key = p_keys[i];
    -- A count with no failure for the scope's while (and no lock left) is forgotten.
    v_failures := CASE WHEN p_now - r.last_failure_at >= p_forget_ms[i] * interval '1 millisecond' THEN 1 ELSE r.failures + 1 END;
    v_delay := CASE WHEN v_failures < p_thresholds[i] THEN 0
      ELSE least(p_max_ms[i], p_first_ms[i] * power(2, least(v_failures - p_thresholds[i], 30))) END;
    v_until := greatest(r.locked_until, p_now + v_delay * interval '1 millisecond');
    delays_ms := delays_ms || v_delay;
    previous := previous || r.locked_until;
    locked := locked || v_until;
    UPDATE login_failures SET failures = v_failures, locked_until = v_until, last_failure_at = p_now
      WHERE scope = p_scopes[i] AND key = p_keys[i];
  END LOOP;
END
$$;

CREATE TABLE revoked_sessions (
  jti text PRIMARY KEY CHECK (length(jti) BETWEEN 1 AND 64),
  until timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_until ON revoked_sessions (until);
`;
