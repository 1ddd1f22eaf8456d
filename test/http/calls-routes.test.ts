import t from 'tap';
import { testApp } from '../helpers/app.js';

async function session(app: Awaited<ReturnType<typeof testApp>>, username: string, role: 'agent' | 'shift_lead') {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456' });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

t.test('REST twins of the console commands check roles and report telephony being off', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-r', 'agent');
  const lead = await session(app, 'lead-r', 'shift_lead');

  const answer = await app.http.inject({ method: 'POST', url: '/api/calls/abc/answer', cookies: agent });
  t.equal(answer.statusCode, 503);
  t.equal(answer.json().error.code, 'ASTERISK_UNAVAILABLE');
  const reject = await app.http.inject({ method: 'POST', url: '/api/calls/abc/reject', cookies: agent });
  t.equal(reject.json().error.code, 'ASTERISK_UNAVAILABLE');
  t.equal((await app.http.inject({ method: 'POST', url: '/api/calls/abc/answer', cookies: lead })).statusCode, 403, 'only agents answer');
  t.equal((await app.http.inject({ method: 'POST', url: '/api/calls/abc/answer' })).statusCode, 401);

  const me = await app.http.inject({ method: 'GET', url: '/api/agents/me', cookies: agent });
  t.match(me.json(), { state: 'logged_out', callId: null });
  const queue = await app.http.inject({ method: 'GET', url: '/api/queue', cookies: lead });
  t.equal(queue.statusCode, 200);
  t.same(queue.json().waiting, []);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/queue', cookies: agent })).statusCode, 403, 'agents do not see the queue');
});
