/**
 * Which failures say "the database is out of reach" (src/db/unavailable.ts): the errors real
 * drivers raise when the server cannot be reached or the handle is gone, and not the errors of a
 * statement the database refused. A request or socket command meeting one answers 503
 * DATABASE_UNAVAILABLE with Retry-After (test/http/postgres-outage.test.ts over HTTP).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import t from 'tap';
import { asUnavailable, databaseUnavailable, RETRY_AFTER_SECONDS } from '../../src/db/unavailable.js';
import { AppError, isCodedError } from '../../src/errors/index.js';
import { freePort } from '../../tools/sandbox-folders.js';
import { startPostgres } from '../helpers/postgres.js';

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (err: unknown) => err,
  );

t.test('the errors of a database out of reach', async (t) => {
  const port = await freePort();
  const refused = await caught(new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect());
  t.ok(databaseUnavailable(refused), `nothing listening: ${String(refused)}`);

  const server = await startPostgres(t);
  const pool = new pg.Pool({ connectionString: server.url, max: 1, connectionTimeoutMillis: 200 });
  t.teardown(() => pool.end());
  const held = await pool.connect();
  const timedOut = await caught(pool.query('select 1'));
  t.ok(databaseUnavailable(timedOut), `no free connection in the pool: ${String(timedOut)}`);

  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  t.teardown(() => admin.end());
  held.on('error', () => undefined);
  const pid = (await held.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  await admin.query('select pg_terminate_backend($1)', [pid]);
  const lost = await caught(held.query('select 1'));
  held.release(true);
  t.ok(databaseUnavailable(lost), `the backend ended: ${String(lost)}`);

  // A new connection refused by the server: the database dropped under the app, the role's login taken away.
  const noDatabase = await caught(new pg.Client({ connectionString: server.url.replace(/\/[^/?]+(\?|$)/, '/sunline_dropped$1') }).connect());
  t.equal((noDatabase as { code?: string }).code, '3D000', 'the database does not exist');
  t.ok(databaseUnavailable(noDatabase), `the database dropped: ${String(noDatabase)}`);
  // (The test server trusts local logins, so a changed password is not refused; a login taken away is: 28000.)
  await admin.query(`create role sunline_no_login nologin`);
  const url = new URL(server.url);
  url.username = 'sunline_no_login';
  const noLogin = await caught(new pg.Client({ connectionString: url.toString() }).connect());
  t.equal((noLogin as { code?: string }).code, '28000', 'the role may not log in');
  t.ok(databaseUnavailable(noLogin), `the role's login taken away: ${String(noLogin)}`);

  const lite = new Database(':memory:');
  lite.close();
  let closed: unknown;
  try {
    lite.prepare('select 1').get();
  } catch (err) {
    closed = err;
  }
  t.ok(databaseUnavailable(closed), `SQLite's handle closed: ${String(closed)}`);
  t.ok(databaseUnavailable(new Error('wrapped', { cause: new Error('wrapped again', { cause: lost }) })), 'through the causes of wrapping errors');

  const mapped = asUnavailable(lost);
  t.ok(isCodedError(mapped) && mapped.code === 'DATABASE_UNAVAILABLE' && mapped.statusCode === 503, 'answered as DATABASE_UNAVAILABLE, 503');
  t.equal((mapped as AppError).retryAfterSeconds, RETRY_AFTER_SECONDS, 'with a time to try again');
  t.equal((mapped as AppError).cause, lost, 'the driver error kept as its cause (logged)');
});

t.test('the errors of a statement or a request stay what they are', async (t) => {
  const server = await startPostgres(t);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.teardown(() => client.end());
  for (const sql of ['selec 1', 'select 1/0', 'select * from no_such_table', "select 'x'::int"]) {
    const err = await caught(client.query(sql));
    t.notOk(databaseUnavailable(err), `${sql}: ${String(err)}`);
    t.equal(asUnavailable(err), err, 'left as it is (500 INTERNAL)');
  }
  const lite = new Database(':memory:');
  t.teardown(() => lite.close());
  let busy: unknown;
  try {
    lite.prepare('select * from nothing').get();
  } catch (err) {
    busy = err;
  }
  t.notOk(databaseUnavailable(busy), `SQLite: ${String(busy)}`);
  const refusal = new AppError('VALIDATION_FAILED', undefined, { cause: new Error('Connection terminated unexpectedly') });
  t.equal(asUnavailable(refusal), refusal, 'a refusal (4xx) stays one, whatever it wraps');
  t.notOk(databaseUnavailable(new Error('read ECONNRESET')), 'a broken request socket is not the database');
});
