import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { createLogger } from '../../src/logging/logger.js';
import { purgeSessionsEvery } from '../../src/users/index.js';
import { usersOn } from '../helpers/users.js';

const log = createLogger({ level: 'silent' });

t.test('expired sessions are deleted at start and on every tick; live ones stay', async (t) => {
  const h = openDb({ file: ':memory:' });
  t.teardown(() => h.close());
  let now = 1_000_000;
  const users = usersOn(t, h, 60_000, () => now);
  await users.create({ username: 'a', displayName: 'a', role: 'agent', password: 'pw-123456' });
  const count = () => (h.sqlite.prepare('select count(*) n from sessions').get() as { n: number }).n;
  await users.login('a', 'pw-123456');
  now += 60_001;
  const { token } = (await users.login('a', 'pw-123456'))!;
  t.equal(count(), 2);
  const stop = purgeSessionsEvery(users, log, 20);
  t.teardown(stop);
  t.equal(count(), 1, 'the expired one went at start');
  t.ok(await users.userForToken(token), 'the live one still serves');
  now += 60_001;
  await new Promise((r) => setTimeout(r, 60));
  t.equal(count(), 0, 'and the second once it expired, on a tick');
});

t.test('a failing purge is logged and tried again', async (t) => {
  let calls = 0;
  const errors: unknown[] = [];
  const fakeLog = { ...log, info: () => undefined, error: (o: unknown) => void errors.push(o) } as unknown as typeof log;
  const stop = purgeSessionsEvery(
    {
      purgeExpiredSessions: () => {
        calls++;
        throw new Error('disk I/O error');
      },
    },
    fakeLog,
    10,
  );
  t.teardown(stop);
  await new Promise((r) => setTimeout(r, 45));
  t.ok(calls >= 2, 'retried on the next tick');
  t.equal(errors.length, calls);
});
