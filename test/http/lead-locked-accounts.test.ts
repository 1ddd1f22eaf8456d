/**
 * Locked logins on the shift-lead page (issue 11 item 1): GET /api/lead/locked-accounts lists the
 * agents and dispatchers whose login is locked after repeated failures (no other role, no password
 * data); shift leads and administrators may read it, others get 403 FORBIDDEN, anonymous 401.
 * The lead then lifts the lock with POST /api/admin/users/:id/unlock and the account leaves the list.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

let address = 0;

t.test('lead: locked agents and dispatchers, and unlocking them', async (t) => {
  const app = await testApp(t);
  const lead = await loginCookies(app, 'lk-lead', 'shift_lead');
  const admin = await loginCookies(app, 'lk-admin', 'admin');
  const agentCookies = await loginCookies(app, 'lk-free', 'agent');
  for (const [username, role] of [
    ['lk-agent', 'agent'],
    ['lk-disp', 'dispatcher'],
    ['lk-boss', 'admin'],
    ['lk-qa', 'qa'],
  ] as const) {
    await app.users.create({ username, displayName: username, role, password: 'correct horse' });
    for (let i = 0; i < 5; i++)
      await app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `198.51.100.${++address}`,
        payload: { username, password: `guess ${i}` },
      });
  }
  const get = (cookies?: { sunline_session: string }) => app.http.inject({ method: 'GET', url: '/api/lead/locked-accounts', ...(cookies ? { cookies } : {}) });

  t.equal((await get()).statusCode, 401);
  const refused = await get(agentCookies);
  t.equal(refused.statusCode, 403, 'an agent may not read it');
  t.equal(refused.json().error.code, 'FORBIDDEN');

  const res = await get(lead);
  t.equal(res.statusCode, 200);
  const { accounts } = res.json() as { accounts: { id: number; username: string; role: string; lockedForMs: number }[] };
  t.same(
    accounts.map((a) => [a.username, a.role]),
    [
      ['lk-agent', 'agent'],
      ['lk-disp', 'dispatcher'],
    ],
    'only locked agents and dispatchers: not the admin, not the qa account, not the unlocked agent',
  );
  t.ok(accounts.every((a) => a.lockedForMs > 0));
  t.same(Object.keys(accounts[0]!).sort(), ['displayName', 'id', 'lockedForMs', 'role', 'username'], 'no password data');
  t.equal((await get(admin)).statusCode, 200, 'an administrator may read it too');

  const unlock = await app.http.inject({
    method: 'POST',
    url: `/api/admin/users/${accounts[0]!.id}/unlock`,
    cookies: lead,
    headers: { 'x-sunline-request': '1' },
  });
  t.equal(unlock.statusCode, 204);
  t.same(
    (await get(lead)).json().accounts.map((a: { username: string }) => a.username),
    ['lk-disp'],
    'the unlocked agent leaves the list',
  );
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lk-agent', password: 'correct horse' } });
  t.equal(login.statusCode, 200, 'and logs in');
});
