/**
 * A transaction PostgreSQL aborts for a deadlock (40P01) or a serialization failure (40001) is
 * run again by the port (src/db/postgres-async.ts), so that two requests that happened to lock
 * rows in opposite orders both succeed instead of one answering 500. Real PostgreSQL: a real
 * deadlock between two transactions of the port, and the limits of the retry.
 */
import { sql } from 'drizzle-orm';
import t from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { TRANSACTION_RETRIES, isRetryableConflict, postgresAsync } from '../../src/db/postgres-async.js';
import { startPostgres } from '../helpers/postgres.js';

const server = await startPostgres(t);
const url = await server.createDatabase('retry');
const handle = await openPostgres({ url, max: 4 });
t.teardown(() => handle.close());
await handle.pool.query('CREATE TABLE retry_t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)');
await handle.pool.query('INSERT INTO retry_t VALUES (1, 0), (2, 0)');
// Found sooner than the default second (a setting of this test's database only).
await handle.pool.query("ALTER DATABASE retry SET deadlock_timeout = '100ms'");
const db = postgresAsync(handle);

t.test('two transactions that deadlock both commit: the one PostgreSQL aborts runs again', async (t) => {
  let bothHoldTheirFirstRow!: () => void;
  const barrier = new Promise<void>((r) => (bothHoldTheirFirstRow = r));
  let holding = 0;
  const runs = { a: 0, b: 0 };
  const bump = (first: number, second: number, who: 'a' | 'b') =>
    db.transaction(async (tx) => {
      const run = ++runs[who];
      await tx.execute(sql`UPDATE retry_t SET v = v + 1 WHERE id = ${first}`);
      if (run === 1 && ++holding === 2) bothHoldTheirFirstRow();
      if (run === 1) await barrier;
      await tx.execute(sql`UPDATE retry_t SET v = v + 1 WHERE id = ${second}`);
      return run;
    });
  const settled = await Promise.allSettled([bump(1, 2, 'a'), bump(2, 1, 'b')]);
  t.same(
    settled.map((s) => s.status),
    ['fulfilled', 'fulfilled'],
    `both committed (${settled.map((s) => (s.status === 'rejected' ? String(s.reason) : 'ok')).join('; ')})`,
  );
  t.equal(runs.a + runs.b, 3, 'one of them ran twice: PostgreSQL aborted it once');
  const rows = await db.read(async (c) => (await c.execute<{ id: number; v: number }>(sql`SELECT id, v FROM retry_t ORDER BY id`)).rows);
  t.same(
    rows,
    [
      { id: 1, v: 2 },
      { id: 2, v: 2 },
    ],
    'each row bumped once by each, none twice',
  );
});

t.test('the retry is bounded, and only for conflicts', async (t) => {
  let conflicts = 0;
  const conflict = Object.assign(new Error('could not serialize access'), { code: '40001' });
  await t.rejects(
    db.transaction(async () => {
      conflicts++;
      throw conflict;
    }),
    conflict,
  );
  t.equal(conflicts, 1 + TRANSACTION_RETRIES, 'run again TRANSACTION_RETRIES times, then its error');

  let duplicates = 0;
  await t.rejects(
    db.transaction(async (tx) => {
      duplicates++;
      await tx.execute(sql`INSERT INTO retry_t VALUES (1, 0)`);
    }),
  );
  t.equal(duplicates, 1, 'a unique violation is not run again');

  t.ok(isRetryableConflict(new Error('wrapped', { cause: Object.assign(new Error('deadlock detected'), { code: '40P01' }) })), 'found in a cause');
  t.notOk(isRetryableConflict(Object.assign(new Error('x'), { code: '23505' })));
  t.notOk(isRetryableConflict('40001'));
});
