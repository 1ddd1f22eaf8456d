/**
 * A pooled PostgreSQL connection that fails while it is checked out (src/db/postgres.ts): the
 * backend ended between two statements of a transaction, as a server restart or an administrator
 * does. node-postgres emits 'error' on that client, and the pool listens only on idle ones: without
 * the owner's own listener the event has none and ends the process. Against a real PostgreSQL.
 */
import t from 'tap';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../../src/db/postgres.js';
import { startPostgres } from '../helpers/postgres.js';

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!cond() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

t.test('a connection ended in the middle of a transaction is reported, not fatal; the pool goes on with a new one', async (t) => {
  const server = await startPostgres(t);
  const url = await server.createDatabase('lost');
  const errors: Error[] = [];
  const h = await openPostgres({ url, max: 2, onError: (err) => errors.push(err) });
  t.teardown(() => h.close());
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());

  const client = await h.pool.connect();
  await client.query('begin');
  const pid = Number((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);
  // Ended while idle in its transaction: no query of ours is running to receive the error.
  await admin.query('select pg_terminate_backend($1)', [pid]);
  t.ok(await until(() => errors.length > 0, 10_000), 'the lost connection is reported to onError');
  t.match(String((errors[0] as { code?: string }).code ?? errors[0]?.message), /57P01|terminat/, 'as the backend ended by the administrator');
  await t.rejects(client.query('select 1'), 'its next statement fails');
  client.release(true);

  const { rows } = await h.pool.query<{ one: number }>('select 1 as one');
  t.equal(rows[0]!.one, 1, 'the pool answers on a new connection');
  t.not(Number((await h.pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid), pid, 'not the ended one');
  t.same(await h.health(), { ok: true }, 'healthy again');
});
