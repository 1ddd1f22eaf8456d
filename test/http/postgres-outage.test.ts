/**
 * The server goes on after its PostgreSQL connections are lost again and again (the database
 * restarted, a failover, an administrator ending backends): a write caught in a loss may fail,
 * as 503 DATABASE_UNAVAILABLE with Retry-After (src/db/unavailable.ts), never as 500 or a client
 * error; every write after it is served at once, and the app holds no more connections than its
 * pool. Always on a real PostgreSQL of its own (in either test pass), the real app over HTTP, a
 * pool of two connections, every backend ended in a loop for 4 s.
 *
 * The pool leak of a lost BEGIN (src/db/postgres-async.ts) is too narrow a window to hit from
 * here: this file passes without that fix; test/db/postgres-lost-transaction catches it.
 */
import pg from 'pg';
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { startPostgres } from '../helpers/postgres.js';

const server = await startPostgres(t);
const url = await server.createDatabase('outage');
const app = await testApp(t, { env: { SUNLINE_DATABASE_URL: url, SUNLINE_DB_POOL_SIZE: '2' } });
const cookies = await loginCookies(app, 'agent-outage', 'agent');

const admin = new pg.Client({ connectionString: url });
await admin.connect();
t.teardown(() => admin.end());
/** Ends every backend of the app's database but this one: what a restart does to the app's connections. */
const endAppBackends = async () =>
  (
    await admin.query<{ n: string }>(
      'select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    )
  ).rows[0]!.n;

const create = (subject: string) =>
  app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    payload: { channel: '12345', category: 'request_for_help', subject, content: `${subject}: 路灯不亮` },
  });

t.test('every connection lost again and again for 4 s during writes: afterwards every write is served at once', async (t) => {
  const statuses = new Map<string, number>();
  let ended = 0;
  let storming = true;
  // Writes in flight at every stage (checkout, BEGIN, statements, COMMIT) while the backends end.
  const writers = Array.from({ length: 6 }, async (_, w) => {
    for (let i = 0; storming; i++) {
      const res = await create(`storm ${w}.${i}`);
      const key =
        res.statusCode === 201
          ? '201'
          : `${res.statusCode} ${(res.json() as { error?: { code?: string } }).error?.code} retry-after ${res.headers['retry-after']}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
  });
  const until = Date.now() + 4_000;
  while (Date.now() < until) ended += Number(await endAppBackends());
  storming = false;
  await Promise.all(writers);
  t.comment(`answers during the losses: ${JSON.stringify(Object.fromEntries(statuses))}; ${ended} backends ended`);
  t.ok(ended > 0, 'the app had connections to lose');
  t.same(
    [...statuses.keys()].filter((s) => s !== '201' && s !== '503 DATABASE_UNAVAILABLE retry-after 2'),
    [],
    'a write caught in a loss either succeeded or answered 503 DATABASE_UNAVAILABLE with Retry-After: never 500, never a client error',
  );

  for (let i = 0; i < 20; i++) {
    const started = Date.now();
    const res = await create(`after ${i}`);
    t.equal(res.statusCode, 201, `write ${i} after the losses is served`);
    t.ok(Date.now() - started < 3_000, `write ${i} did not wait for a pool connection`);
  }
  const ready = await app.http.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200, 'the server is ready');
  const sessions = await admin.query<{ n: string }>(
    "select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'",
  );
  t.ok(Number(sessions.rows[0]!.n) <= 2 + 1, 'the app holds no more connections than its pool (and its LISTEN connection)');
});
