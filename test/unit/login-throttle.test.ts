import t from 'tap';
import { LOGIN_THROTTLE_DEFAULTS, LoginLockedError, LoginThrottle } from '../../src/users/index.js';

const MIN = 60_000;

function clocked(opts: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { now: 1_000_000 };
  const throttle = new LoginThrottle({ now: () => clock.now, ...opts });
  const fail = (u: string, n: number) => {
    for (let i = 0; i < n; i++) if (throttle.attempt(u) !== 0) throw new Error(`attempt ${i + 1} refused`);
  };
  return { clock, throttle, fail };
}

t.test('five failures lock for a minute; the lock doubles each time up to 15 minutes', async (t) => {
  const { clock, throttle, fail } = clocked();
  const locks: number[] = [];
  for (let round = 0; round < 6; round++) {
    fail('admin', 5);
    const wait = throttle.attempt('admin');
    locks.push(wait / MIN);
    t.equal(throttle.lockedFor('admin'), wait);
    clock.now += wait; // the lock ends exactly now
  }
  t.same(locks, [1, 2, 4, 8, 15, 15]);
  t.equal(LOGIN_THROTTLE_DEFAULTS.maxLockMs, 15 * MIN);
});

t.test('failures spread wider than the window do not lock; a quiet window forgets the backoff', async (t) => {
  const { clock, throttle, fail } = clocked();
  for (let i = 0; i < 10; i++) {
    fail('agent', 1);
    clock.now += 4 * MIN; // four minutes apart: never five within fifteen minutes
  }
  t.equal(throttle.lockedFor('agent'), 0);

  fail('lead', 5);
  clock.now += MIN;
  fail('lead', 5);
  t.equal(throttle.lockedFor('lead'), 2 * MIN, 'second lock: two minutes');
  clock.now += 2 * MIN + 15 * MIN + 1; // the lock, then a whole quiet window
  fail('lead', 5);
  t.equal(throttle.lockedFor('lead'), MIN, 'forgotten: back to one minute');
});

t.test('success and unlock forget the username; keys ignore case and spaces', async (t) => {
  const { throttle, fail } = clocked();
  fail('Lead ', 4);
  throttle.succeeded('lead');
  fail('lead', 4);
  t.equal(throttle.lockedFor('LEAD'), 0);
  fail('lead', 1);
  t.ok(throttle.lockedFor('LEAD') > 0);
  throttle.unlock('lead');
  t.equal(throttle.attempt('lead'), 0);
});

t.test('the map is bounded: unlocked usernames go first, least recently failed first', async (t) => {
  const { throttle, fail } = clocked({ maxEntries: 3 });
  fail('a', 5); // locked
  fail('b', 1);
  fail('c', 1);
  fail('d', 1);
  t.equal(throttle.size, 3);
  t.ok(throttle.lockedFor('a') > 0, 'a spray of new usernames does not lift a lock');
  fail('b', 4);
  t.equal(throttle.lockedFor('b'), 0, 'b was forgotten: its count starts again');
  const full = clocked({ maxEntries: 2 });
  for (const u of ['x', 'y', 'z']) full.fail(u, 5);
  t.equal(full.throttle.size, 2, 'all locked: the oldest lock goes');
  t.equal(full.throttle.lockedFor('x'), 0);
});

t.test('LoginLockedError carries a fixed code, 429 and whole seconds to wait', async (t) => {
  const e = new LoginLockedError(59_001);
  t.match(e, { code: 'LOGIN_LOCKED', statusCode: 429, retryAfterSeconds: 60 });
  t.equal(new LoginLockedError(10).retryAfterSeconds, 1);
});
