/**
 * The PostgreSQL owner of the connection (src/db/postgres.ts) against a real PostgreSQL
 * (tools/postgres.ts): two nodes starting together on one fresh database both start and the
 * migrations are applied once (the advisory lock; without it the second migrator fails on
 * "already exists" or applies everything twice); a database without a UTF-8 LC_CTYPE is refused
 * before anything is created; health and close.
 */
import t from 'tap';
import pg from 'pg';
import { readJournal } from '../../src/db/migration-safety.js';
import { migratePostgres, openPostgres, PG_MIGRATIONS_DIR } from '../../src/db/postgres.js';
import { startPostgres } from '../helpers/postgres.js';

const MIGRATIONS = readJournal(PG_MIGRATIONS_DIR).length;

t.test('PostgreSQL owner', async (t) => {
  const server = await startPostgres(t);
  const admin = new pg.Client({ connectionString: server.url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  t.teardown(() => admin.end());
  const count = async (url: string, query: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return Number((await c.query<{ n: string }>(query)).rows[0]!.n);
    } finally {
      await c.end();
    }
  };

  t.test('two nodes starting together on a fresh database: both start, each migration applied once', async (t) => {
    for (let round = 0; round < 3; round++) {
      const url = await server.createDatabase(`race${round}`);
      const [a, b] = await Promise.all([openPostgres({ url, max: 2 }), openPostgres({ url, max: 2 })]);
      t.teardown(() => Promise.all([a.close(), b.close()]));
      t.equal(await count(url, 'select count(*) as n from drizzle.__drizzle_migrations'), MIGRATIONS, `round ${round}: ${MIGRATIONS} migrations recorded`);
      t.equal(await count(url, `select count(*) as n from pg_tables where tablename = 'work_orders'`), 1);
      t.same(await a.health(), { ok: true });
      t.same(await b.health(), { ok: true });
    }
    const url = await server.createDatabase('race_count');
    const pools = [new pg.Pool({ connectionString: url, max: 1 }), new pg.Pool({ connectionString: url, max: 1 })];
    t.teardown(() => Promise.all(pools.map((p) => p.end())));
    const applied = await Promise.all(pools.map((p) => migratePostgres(p)));
    t.same(applied.sort(), [0, MIGRATIONS], 'one applied them all, the other none');
    t.equal(await migratePostgres(pools[0]!), 0, 'a later start applies nothing');
  });

  t.test('the drizzle handle works, health reports a closed pool', async (t) => {
    const url = await server.createDatabase('owner');
    const h = await openPostgres({ url });
    t.equal(h.url, url, 'no password to mask here');
    const { rows } = await h.pool.query<{ n: string }>('select count(*) as n from users');
    t.equal(rows[0]!.n, '0');
    await h.close();
    await h.close();
    t.same(await h.health(), { ok: false, error: 'closed' });
  });

  t.test('health reports a database that went away', async (t) => {
    const url = await server.createDatabase('goes_away');
    const errors: Error[] = [];
    const h = await openPostgres({ url, onError: (err) => errors.push(err) });
    t.teardown(() => h.close());
    t.same(await h.health(), { ok: true });
    await admin.query('drop database goes_away with (force)');
    const health = await h.health();
    t.equal(health.ok, false);
    t.match(health.error, /terminat|does not exist/, `the pool's error: ${health.error ?? ''}`);
  });

  t.test('a database whose LC_CTYPE is not UTF-8 is refused before anything is created', async (t) => {
    await admin.query(`create database c_locale template template0 encoding 'UTF8' locale 'C'`);
    const url = server.url.replace(/\/[^/]+$/, '/c_locale');
    await t.rejects(openPostgres({ url }), {
      code: 'DB_LOCALE_NOT_UTF8',
      message: /database "c_locale" has encoding UTF8 and LC_CTYPE "C".*CREATE DATABASE c_locale TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'/,
    });
    t.equal(await count(url, `select count(*) as n from pg_namespace where nspname = 'drizzle'`), 0, 'nothing migrated');
  });

  t.test('an unreachable server fails the start with the error of the server', async (t) => {
    await t.rejects(openPostgres({ url: `postgres://postgres@127.0.0.1:${server.port}/no_such_db` }), /database "no_such_db" does not exist/);
  });
});
