/**
 * Per-account login throttling (users/login-throttle.ts): five wrong passwords for one username
 * lock it, whatever addresses they came from; while locked even the right password gets 429
 * LOGIN_LOCKED with a Retry-After; a successful login starts the count afresh.
 */
import t from 'tap';
import { LOGIN_THROTTLE_DEFAULTS } from '../../src/users/index.js';
import { testApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof testApp>>;
let address = 0;
/** Each attempt from another address, as from a botnet: the per-address limit never applies. */
const login = (app: App, username: string, password: string) =>
  app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `198.51.100.${(address++ % 250) + 1}`, payload: { username, password } });

t.test('five wrong passwords from five addresses lock the account; the right one is then refused too', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'admin1', displayName: '管理员', role: 'admin', password: 'correct horse' });
  await app.users.create({ username: 'agent1', displayName: '坐席', role: 'agent', password: 'correct horse' });
  t.equal(LOGIN_THROTTLE_DEFAULTS.maxFailures, 5);
  for (let i = 0; i < 5; i++) {
    const res = await login(app, 'admin1', `guess ${i}`);
    t.equal(res.json().error.code, 'BAD_CREDENTIALS', `guess ${i + 1}`);
  }
  const right = await login(app, 'admin1', 'correct horse');
  t.equal(right.statusCode, 429, 'the right password during the lock');
  t.equal(right.json().error.code, 'LOGIN_LOCKED');
  t.ok(!right.cookies.some((c) => c.name === 'sunline_session'), 'no session');
  const retryAfter = Number(right.headers['retry-after']);
  t.ok(retryAfter > 0 && retryAfter <= LOGIN_THROTTLE_DEFAULTS.lockMs / 1000, `Retry-After ${retryAfter} s`);
  t.equal((await login(app, 'ADMIN1 ', 'correct horse')).json().error.code, 'LOGIN_LOCKED', 'case and spaces do not make another account');
  t.equal((await login(app, 'agent1', 'correct horse')).statusCode, 200, 'other accounts log in as usual');

  // Lifted (an administrator's unlock; the lock's own expiry is in test/unit/login-throttle.test.ts).
  app.users.loginThrottle.unlock('admin1');
  t.equal((await login(app, 'admin1', 'correct horse')).statusCode, 200);
});

t.test('a successful login resets the count; unknown usernames lock the same way', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'lead1', displayName: '班长', role: 'shift_lead', password: 'correct horse' });
  for (let i = 0; i < 4; i++) t.equal((await login(app, 'lead1', 'typo')).statusCode, 401);
  t.equal((await login(app, 'lead1', 'correct horse')).statusCode, 200, 'the fifth attempt is right');
  for (let i = 0; i < 4; i++) t.equal((await login(app, 'lead1', 'typo')).statusCode, 401, 'four more typos: counted from zero');
  t.equal((await login(app, 'lead1', 'correct horse')).statusCode, 200);

  const ghost: number[] = [];
  for (let i = 0; i < 6; i++) ghost.push((await login(app, 'ghost', 'x')).statusCode);
  t.same(ghost, [401, 401, 401, 401, 401, 429], 'a username that does not exist looks like one that does');
});

t.test('concurrent guesses cannot all slip in before the first is judged', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'admin2', displayName: 'a', role: 'admin', password: 'correct horse' });
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => login(app, 'admin2', `guess ${i}`)));
  const codes = all.map((r) => r.statusCode);
  t.equal(codes.filter((c) => c === 401).length, 5, 'five passwords checked');
  t.equal(codes.filter((c) => c === 429).length, 15, 'the rest refused unchecked');
});
