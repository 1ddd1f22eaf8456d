/**
 * PostgreSQL's data_version (src/db/postgres-commit-signal.ts, migrations-pg/0029), on a real
 * PostgreSQL: another connection's commit to what the session check reads moves the users store's
 * `commitsElsewhere()` (the triggers' notifications, heard by a listener of the test's own); what
 * it does not read, a rollback and a sweep that deletes nothing do not; the listening connection, ended by the server (pg_terminate_backend), comes back by itself,
 * counts its return (notifications meanwhile are lost) and signals again afterwards.
 */
import t from 'tap';
import pg from 'pg';
import { openPostgresDatabase } from '../../src/wiring/database.js';
import { openCommitSignal } from '../../src/db/postgres-commit-signal.js';
import { USERS_CHANGED_CHANNEL } from '../../src/users/users-store-pg.js';
import { startPostgres } from '../helpers/postgres.js';

/** Resolves once `moved()` holds; rejects after `ms` (a bound for a hung test, not a measure). */
async function until(moved: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!moved()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

t.test('the users store is told of commits elsewhere to sessions and accounts', async (t) => {
  const server = await startPostgres(t);
  const url = await server.createDatabase('signal_db');
  const errors: Error[] = [];
  const db = await openPostgresDatabase({ url, poolSize: 2, onPoolError: (err) => errors.push(err) });
  t.teardown(() => db.close());
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  t.teardown(() => other.end());
  const count = () => db.stores.users.commitsElsewhere();
  t.equal(count(), 0, 'a number from the start');

  const { rows } = await other.query<{ id: number }>(
    `insert into users (username, display_name, role, password_hash) values ('sig-1', 'Sig', 'agent', 'x') returning id`,
  );
  const id = rows[0]!.id;
  await other.query(`insert into sessions (token_hash, user_id, expires_at) values ('h1', $1, 9e12), ('h2', $1, 9e12), ('h3', $1, 9e12)`, [id]);
  // The triggers, heard on a listener of the test's own, with payloads: a marker sent after a
  // statement arrives after its notification (they come in commit order).
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  t.teardown(() => listener.end());
  const heard: string[] = [];
  listener.on('notification', (msg) => void heard.push(msg.payload ?? ''));
  await listener.query(`LISTEN ${USERS_CHANGED_CHANNEL}`);
  /** Runs `sql` on the other connection; resolves with whether it notified the channel. */
  const moves = async (sql: string, params: unknown[] = []): Promise<boolean> => {
    heard.length = 0;
    await other.query(sql, params);
    await other.query(`select pg_notify($1, 'marker')`, [USERS_CHANGED_CHANNEL]);
    await until(() => heard.includes('marker'), 5_000, `the marker after ${sql}`);
    return heard.some((p) => p !== 'marker');
  };
  t.equal(await moves(`update users set created_at = created_at + 1 where id = $1`, [id]), false, 'a column the session check does not read: nothing');
  t.equal(await moves(`delete from sessions where expires_at < 0`), false, 'a sweep that deletes nothing: nothing');
  t.equal(await moves(`begin; delete from sessions where token_hash = 'h1'; rollback`), false, 'a rolled-back delete: nothing');
  t.equal(await moves(`delete from sessions where token_hash = 'h1'`), true, 'a session deleted');
  t.equal(await moves(`update sessions set expires_at = 1 where token_hash = 'h2'`), true, "a session's expiry changed");
  for (const [column, value] of [
    ['disabled', true],
    ['password_hash', 'y'],
    ['role', 'shift_lead'],
    ['unit_id', 'u1'],
    ['display_name', 'Sig 2'],
    ['must_change_password', true],
  ] as const) {
    t.equal(await moves(`update users set ${column} = $2 where id = $1`, [id, value]), true, `an account's ${column} changed`);
  }
  t.equal(await moves(`truncate sessions`), true, 'sessions truncated');
  // The store's count, through the server's own listening connection.
  await until(() => count()! > 0, 5_000, 'the store counts them too');
  const before = count()!;
  await other.query(`update users set disabled = false where id = $1`, [id]);
  await until(() => count()! > before, 5_000, 'the store counts a change');
  t.same(errors, [], 'no connection lost');
});

t.test('the listening connection comes back when the server ends it, and signals again', async (t) => {
  const server = await startPostgres(t);
  const url = await server.createDatabase('signal_lost');
  const errors: Error[] = [];
  const signal = await openCommitSignal({ url, channel: 'sunline_test', onError: (err) => errors.push(err), retryMs: 50 });
  t.teardown(() => signal.close());
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  t.teardown(() => other.end());
  await other.query(`select pg_notify('sunline_test', '')`);
  await until(() => signal.count() === 1, 5_000, 'the first notification');
  await other.query(`select pg_notify('another_channel', '')`);

  const ended = await other.query<{ ok: boolean }>(
    `select pg_terminate_backend(pid) as ok from pg_stat_activity where query = 'LISTEN sunline_test' and pid <> pg_backend_pid()`,
  );
  t.same(
    ended.rows.map((r) => r.ok),
    [true],
    'the one listening backend ended',
  );
  await until(() => signal.count() === 2, 5_000, 'the reconnection counted');
  t.ok(errors.length >= 1, `the loss reported (${errors[0]?.message})`);
  const listeners = async () => (await other.query(`select 1 from pg_stat_activity where query = 'LISTEN sunline_test'`)).rowCount;
  // The ended backend leaves pg_stat_activity as it exits.
  for (let i = 0; i < 100 && (await listeners()) !== 1; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await listeners(), 1, 'listening again on one connection');
  await other.query(`select pg_notify('sunline_test', '')`);
  await until(() => signal.count() === 3, 5_000, 'a notification after the reconnection');

  await signal.close();
  await other.query(`select pg_notify('sunline_test', '')`);
  t.equal(signal.count(), 3, 'closed: it counts no more');
  for (let i = 0; i < 100 && (await listeners()) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await listeners(), 0, 'and its connection is gone');
});
