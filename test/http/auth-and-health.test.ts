import t from 'tap';
import { testApp } from '../helpers/app.js';
import { appQuery, loseAppDatabase } from '../helpers/app-database.js';

t.test('health: live always, ready reflects the database', async (t) => {
  const app = await testApp(t);
  const live = await app.http.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200);
  const ready = await app.http.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.same(Object.keys(ready.json().components), ['database', 'config']);
  t.same(ready.json().status, 'ready');
  t.same(ready.json().components.database, { ok: true });
  t.equal(ready.json().components.config.ok, true, 'missing prompts are warnings, never unready');

  await loseAppDatabase(app);
  // On PostgreSQL readiness shows the pool's last probe, run at once on a lost connection (and
  // every 5 s): asked until it answers otherwise, for at most 30 s.
  let notReady = await app.http.inject({ method: 'GET', url: '/health/ready' });
  for (let tries = 0; notReady.statusCode === 200 && tries < 300; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    notReady = await app.http.inject({ method: 'GET', url: '/health/ready' });
  }
  t.equal(notReady.statusCode, 503);
  t.equal(notReady.json().status, 'not_ready');
  t.equal(notReady.json().components.database.ok, false);
});

t.test('login: scrypt-hashed passwords, cookie session, fixed error codes', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'agent1', displayName: '坐席一', role: 'agent', password: 'correct horse' });
  const [row] = await appQuery<{ password_hash: string }>(app, 'select password_hash from users where username = ?', ['agent1']);
  t.match(row!.password_hash, /^scrypt\$16384\$8\$1\$/, 'password stored as scrypt hash');
  t.notMatch(row!.password_hash, /correct horse/);

  const bad = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'nope' } });
  t.equal(bad.statusCode, 401);
  t.equal(bad.json().error.code, 'BAD_CREDENTIALS');

  const unknown = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'nope' } });
  t.equal(unknown.json().error.code, 'BAD_CREDENTIALS', 'unknown user looks the same as a wrong password');

  const invalid = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '' } });
  t.equal(invalid.statusCode, 400);
  t.equal(invalid.json().error.code, 'VALIDATION_FAILED');

  const anonymous = await app.http.inject({ method: 'GET', url: '/api/auth/me' });
  t.equal(anonymous.statusCode, 401);
  t.equal(anonymous.json().error.code, 'UNAUTHENTICATED');

  const ok = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent1', password: 'correct horse' } });
  t.equal(ok.statusCode, 200);
  const cookie = ok.cookies.find((c) => c.name === 'sunline_session');
  t.ok(cookie, 'session cookie set');
  t.equal(cookie?.httpOnly, true);
  t.equal(cookie?.sameSite, 'Lax');
  const me = await app.http.inject({ method: 'GET', url: '/api/auth/me', cookies: { sunline_session: cookie!.value } });
  t.equal(me.statusCode, 200);
  t.match(me.json().user, { username: 'agent1', role: 'agent', displayName: '坐席一' });

  const out = await app.http.inject({ method: 'POST', url: '/api/auth/logout', cookies: { sunline_session: cookie!.value } });
  t.equal(out.statusCode, 204);
  const after = await app.http.inject({ method: 'GET', url: '/api/auth/me', cookies: { sunline_session: cookie!.value } });
  t.equal(after.statusCode, 401, 'the session is gone after logout');
});

t.test('login is rate limited per client', async (t) => {
  const app = await testApp(t);
  let last = 0;
  for (let i = 0; i < 12; i++) {
    // A username each: the per-account lock (login-lockout.test.ts) is not what stops these.
    const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `x${i}`, password: 'y' } });
    last = res.statusCode;
    if (res.statusCode === 429) {
      t.equal(res.json().error.code, 'RATE_LIMITED');
      break;
    }
  }
  t.equal(last, 429);
});

t.test('unknown routes answer 404 NOT_FOUND; OpenAPI is served at /docs', async (t) => {
  const app = await testApp(t);
  const res = await app.http.inject({ method: 'GET', url: '/api/nope' });
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'NOT_FOUND');
  const spec = await app.http.inject({ method: 'GET', url: '/docs/json' });
  t.equal(spec.statusCode, 200);
  t.ok(spec.json().paths['/api/auth/login'], 'login documented');
});
