import t from 'tap';
import { EnvError, loadEnv } from '../../src/config/env.js';

const env = (vars: Record<string, string> = {}) => loadEnv({ SUNLINE_TELEPHONY: 'false', ...vars }, '/tmp');
const problems = (vars: Record<string, string>): string[] => {
  try {
    env(vars);
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
  return [];
};

t.test('the call-control lease: 3000 ms held, renewed every 1000 ms by default', async (t) => {
  t.same(env().lease, { ttlMs: 3000, renewMs: 1000 });
  t.same(env({ SUNLINE_LEASE_TTL_MS: '2000', SUNLINE_LEASE_RENEW_MS: '500' }).lease, { ttlMs: 2000, renewMs: 500 });
});

t.test('the lease settings are checked at start, with the variable and the reason', async (t) => {
  t.match(problems({ SUNLINE_LEASE_RENEW_MS: '2000' }), [/SUNLINE_LEASE_RENEW_MS: must be at most half of SUNLINE_LEASE_TTL_MS \(3000 ms\)/]);
  t.match(problems({ SUNLINE_LEASE_TTL_MS: '100' }), [/SUNLINE_LEASE_TTL_MS.*at least 500 ms/]);
  t.match(problems({ SUNLINE_LEASE_RENEW_MS: 'soon' }), [/SUNLINE_LEASE_RENEW_MS/]);
});
