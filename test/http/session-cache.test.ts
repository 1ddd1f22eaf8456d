/**
 * The session check on every request is served from memory (users/session-cache.ts), and a
 * session ended in any way is refused at the very next request: logout, a disabled user, a
 * changed password, expiry, a change of role, a change made by another connection.
 */
import t from 'tap';
import { queryFromElsewhere } from '../helpers/app-database.js';
import { loginCookies, testApp } from '../helpers/app.js';

const me = (app: Awaited<ReturnType<typeof testApp>>, cookies: { sunline_session: string }) => app.http.inject({ method: 'GET', url: '/api/auth/me', cookies });
const list = (app: Awaited<ReturnType<typeof testApp>>, cookies: { sunline_session: string }) =>
  app.http.inject({ method: 'GET', url: '/api/workorders', cookies });

/** Resolves once the app has been told of another connection's commit (a bound for a hung test, not a measure). */
async function told(app: Awaited<ReturnType<typeof testApp>>, before: number | undefined): Promise<void> {
  for (const end = Date.now() + 5_000; app.users.commitsElsewhere() === before; await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error('the app was not told of the commit elsewhere');
  }
}

t.test('a logged-out session is refused at the next request', async (t) => {
  const app = await testApp(t);
  const cookies = await loginCookies(app, 'agent1', 'agent');
  t.equal((await me(app, cookies)).statusCode, 200);
  t.equal((await list(app, cookies)).statusCode, 200, 'served from the cache now');
  t.equal(app.users.sessionCache.size, 1);
  t.equal((await app.http.inject({ method: 'POST', url: '/api/auth/logout', cookies })).statusCode, 204);
  t.equal((await me(app, cookies)).statusCode, 401);
  t.equal((await list(app, cookies)).statusCode, 401);
});

t.test('a disabled user is refused at the next request, on every session', async (t) => {
  const app = await testApp(t);
  const a = await loginCookies(app, 'agent1', 'agent');
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'pw-123456' } });
  const b = { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
  const other = await loginCookies(app, 'agent2', 'agent');
  for (const c of [a, b, other]) t.equal((await me(app, c)).statusCode, 200);
  await app.users.disable((await me(app, a)).json().user.id);
  t.equal((await me(app, a)).statusCode, 401);
  t.equal((await list(app, b)).statusCode, 401);
  t.equal((await me(app, other)).statusCode, 200, "another user's session stays");
  const again = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'pw-123456' } });
  t.equal(again.statusCode, 401, 'and cannot log in again');
});

t.test('a changed password ends every session of the user', async (t) => {
  const app = await testApp(t);
  const a = await loginCookies(app, 'agent1', 'agent');
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'pw-123456' } });
  const b = { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
  t.equal((await me(app, a)).statusCode, 200);
  t.equal((await me(app, b)).statusCode, 200);
  await app.users.changePassword((await me(app, a)).json().user.id, 'new-pw-7890');
  t.equal((await me(app, a)).statusCode, 401);
  t.equal((await me(app, b)).statusCode, 401);
  const old = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'pw-123456' } });
  t.equal(old.statusCode, 401, 'the old password is refused');
  const fresh = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'new-pw-7890' } });
  t.equal(fresh.statusCode, 200);
  t.equal((await me(app, { sunline_session: fresh.cookies.find((c) => c.name === 'sunline_session')!.value })).statusCode, 200);
});

t.test('an expired session is refused even though it was cached a moment ago', async (t) => {
  // 0.0005 h = 1.8 s.
  const app = await testApp(t, { env: { SUNLINE_SESSION_TTL_HOURS: '0.0005' } });
  const cookies = await loginCookies(app, 'agent1', 'agent');
  t.equal((await me(app, cookies)).statusCode, 200);
  await new Promise((r) => setTimeout(r, 1900));
  t.equal((await me(app, cookies)).statusCode, 401);
});

t.test('a changed role shows at the next request', async (t) => {
  const app = await testApp(t);
  const cookies = await loginCookies(app, 'lead1', 'agent');
  t.equal((await me(app, cookies)).json().user.role, 'agent');
  await app.users.upsert({ username: 'lead1', displayName: 'lead1', role: 'unit_handler', unitId: 'city-urban', password: 'pw-123456' });
  t.match((await me(app, cookies)).json().user, { role: 'unit_handler', unitId: 'city-urban' });
});

t.test('a session ended by another connection to the database is refused at the next request', async (t) => {
  const app = await testApp(t);
  const cookies = await loginCookies(app, 'agent1', 'agent');
  t.equal((await me(app, cookies)).statusCode, 200);
  const before = app.users.commitsElsewhere();
  await queryFromElsewhere(app, 'delete from sessions');
  // SQLite's data_version moves at the commit; PostgreSQL's notification (LISTEN/NOTIFY,
  // src/db/postgres-commit-signal.ts) comes a round trip later on a connection of its own.
  await told(app, before);
  t.equal((await me(app, cookies)).statusCode, 401);
});
