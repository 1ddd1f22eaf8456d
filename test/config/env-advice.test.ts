/**
 * What a refused setting's message advises must itself be accepted: SUNLINE_TRUST_PROXY=true
 * advised "or give a hop count", which the same setting refuses.
 */
import t from 'tap';
import { envProblems } from './fixtures/env.js';

const problems = envProblems;

t.test('SUNLINE_TRUST_PROXY=true advises only what is accepted', async (t) => {
  const [message = ''] = problems({ SUNLINE_TRUST_PROXY: 'true' });
  t.match(message, /would trust X-Forwarded-For from any client: list the proxy addresses/);
  t.notMatch(message, /hop count/, 'a hop count is refused, so it is not advised');
  t.strictSame(problems({ SUNLINE_TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }), [], 'the example given is accepted');
  t.match(problems({ SUNLINE_TRUST_PROXY: '2' }), [/a hop count cannot tell a proxy from a client/]);
});
