import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { SessionCache } from '../../src/users/index.js';
import { usersOn } from '../helpers/users.js';

const user = (id: number) => ({ id, username: `u${id}`, displayName: `u${id}`, role: 'agent' as const, unitId: null });

t.test('the cache holds at most max sessions, the least recently used dropped first', async (t) => {
  const c = new SessionCache({ max: 3 });
  for (const k of ['a', 'b', 'c']) c.set(k, { user: user(1), expiresAt: 1000, readAt: 0 });
  t.ok(c.get('a', 1), 'a used: b is now the oldest');
  c.set('d', { user: user(2), expiresAt: 1000, readAt: 0 });
  t.equal(c.size, 3);
  t.equal(c.get('b', 1), undefined);
  t.ok(c.get('a', 1));
  t.ok(c.get('d', 1));
});

t.test('an entry expires with its session and is read again after recheckMs', async (t) => {
  const c = new SessionCache({ recheckMs: 100 });
  c.set('a', { user: user(1), expiresAt: 1000, readAt: 0 });
  t.ok(c.get('a', 99));
  t.equal(c.get('a', 100), undefined, 'older than recheckMs');
  c.set('b', { user: user(1), expiresAt: 50, readAt: 0 });
  t.equal(c.get('b', 50), undefined, 'expired');
});

t.test('a change written on our own connection without UsersService shows within recheckMs', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  let now = 1_000_000;
  const users = usersOn(t, h, 3_600_000, () => now, undefined, new SessionCache({ recheckMs: 5000 }));
  await users.create({ username: 'a', displayName: 'a', role: 'agent', password: 'pw-123456' });
  const { token } = (await users.login('a', 'pw-123456'))!;
  t.ok(await users.userForToken(token));
  h.sqlite.prepare('delete from sessions').run();
  now += 4999;
  t.ok(await users.userForToken(token), 'still served from memory inside the window');
  now += 1;
  t.equal(await users.userForToken(token), null, 'read again from the database');
  t.equal(users.sessionCache.size, 0);
});
