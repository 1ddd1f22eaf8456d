/**
 * The server's database on either dialect (src/wiring/database.ts): a SQLite file and a real
 * PostgreSQL, each opened migrated, with one adapter of every port on it. Each dialect's stores
 * are its own (a row committed through one store is read through the others on the same database,
 * never the other's); the commit probe commits; health and close; on PostgreSQL a server that went
 * away shows in the health within a probe.
 */
import path from 'node:path';
import t, { type Test } from 'tap';
import { sql } from 'drizzle-orm';
import { HEALTH_PROBE_MS, openPostgresDatabase, openSqliteDatabase, type ServerDatabase } from '../../src/wiring/database.js';
import { rows } from '../../src/reports/report-read.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { readOrderDetail } from '../../src/workorders/queries.js';
import { tmpDir } from '../helpers/db-fixtures.js';
import { startPostgres } from '../helpers/postgres.js';

const probes = (db: ServerDatabase) =>
  db.stores.reports
    .read(() => rows<{ value: number }>(sql`select value from counters where name = 'metrics:commit-probe'`))
    .then((r) => Number(r[0]?.value ?? 0));

async function exercise(t: Test, db: ServerDatabase, other: ServerDatabase | null) {
  t.same(db.health(), { ok: true }, `${db.dialect}: healthy`);
  const otherBefore = other ? await probes(other) : 0;
  await db.probeCommit();
  await db.probeCommit();
  t.equal(await probes(db), 2, `${db.dialect}: two commit probes committed, read through the reports' reader`);
  if (other) t.equal(await probes(other), otherBefore, `${db.dialect}: not on the other database`);
  await db.durable();
  // A work order created through the orders store is read through the order reads store.
  const orders = new WorkOrdersService(db.stores.orders, () => Date.now());
  const made = await orders.createDraft({ channel: 'web', callerPhone: '13900001111' });
  t.equal((await orders.get(made.id)).number, made.number, `${db.dialect}: the order through the orders store`);
  const detail = await readOrderDetail(db.stores.orderReads, { kind: 'all', hideReporter: false }, made.id);
  t.equal(detail.number, made.number, `${db.dialect}: and through the order reads store`);
  if (other) await t.rejects(readOrderDetail(other.stores.orderReads, { kind: 'all', hideReporter: false }, made.id + 1000), `${db.dialect}: not on the other`);
}

t.test('SQLite and PostgreSQL, each with its own stores', async (t) => {
  const file = path.join(tmpDir(t, 'sunline-serverdb-'), 'sunline.db');
  const lite = openSqliteDatabase({ file });
  const server = await startPostgres(t);
  const pg = await openPostgresDatabase({ url: await server.createDatabase('server_db'), poolSize: 2 });
  t.equal(lite.dialect, 'sqlite');
  t.equal(lite.where, file);
  t.ok(lite.sqlite, 'SQLite hands out its handle');
  t.equal(pg.dialect, 'postgres');
  t.equal(pg.sqlite, null, 'PostgreSQL has none');
  t.notMatch(pg.where, /:[^:@/]+@/, 'no password in the URL shown');
  await exercise(t, lite, pg);
  await exercise(t, pg, lite);
  await lite.close();
  t.equal(lite.health().ok, false, 'SQLite: closed');
  await server.stop();
  await new Promise((r) => setTimeout(r, HEALTH_PROBE_MS + 1_000));
  t.equal(pg.health().ok, false, `PostgreSQL: the server gone shows within a probe (${JSON.stringify(pg.health())})`);
  await pg.close();
  t.same(pg.health(), { ok: false, error: 'closed' });
});
