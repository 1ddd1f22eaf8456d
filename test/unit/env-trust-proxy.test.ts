import t from 'tap';
import { EnvError, loadEnv } from '../../src/config/env.js';

const env = (v?: string) => loadEnv({ SUNLINE_TELEPHONY: 'false', ...(v === undefined ? {} : { SUNLINE_TRUST_PROXY: v }) }, '/tmp');
const problems = (v: string): string[] => {
  try {
    env(v);
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
  return [];
};

t.test('SUNLINE_TRUST_PROXY: off by default; addresses, CIDRs and named ranges', async (t) => {
  t.equal(env().trustProxy, false, 'unset: nobody’s X-Forwarded-For is believed');
  for (const off of ['', ' ', 'false', 'off', 'no']) t.equal(env(off).trustProxy, false, `'${off}'`);
  t.same(env('127.0.0.1').trustProxy, ['127.0.0.1']);
  t.same(env(' 10.0.0.0/8, ::1 ,fd00::/8,loopback,uniquelocal ').trustProxy, ['10.0.0.0/8', '::1', 'fd00::/8', 'loopback', 'uniquelocal']);
  t.ok(Object.isFrozen(env('127.0.0.1').trustProxy));
});

t.test('SUNLINE_TRUST_PROXY: bad values are refused at start, each with its reason', async (t) => {
  t.match(problems('true'), [/SUNLINE_TRUST_PROXY: 'true' would trust X-Forwarded-For from any client/]);
  t.match(problems('*'), [/any client/]);
  t.match(problems('1'), [/SUNLINE_TRUST_PROXY: '1': a hop count cannot tell a proxy from a client/]);
  t.match(problems('10.0.0.0/33'), [/'10.0.0.0\/33' is not an IP address, a CIDR/]);
  t.match(problems('::1/129'), [/'::1\/129'/]);
  t.match(problems('10.0.0.0/8/1'), [/'10.0.0.0\/8\/1'/]);
  t.match(problems('proxy.local'), [/'proxy.local' is not an IP address/]);
  t.same(problems('::1/128,10.1.2.3/32'), []);
  const both = problems('nginx, 10.0.0.999');
  t.equal(both.length, 2, 'every problem at once');
});
