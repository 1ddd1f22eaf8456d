/**
 * The report queries' JSON field reads in both dialects (src/reports/sql-dialect.ts): the SQL
 * drizzle renders for SQLite and for PostgreSQL, and that SQLite's form reads what production
 * writes (the KPI figures themselves are tested in kpis.test.ts).
 */
import t from 'tap';
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { jsonIsTrue, jsonText } from '../../src/reports/sql-dialect.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

const sqlite = (q: ReturnType<typeof sql>) => new SQLiteSyncDialect().sqlToQuery(q).sql;
const pg = (q: ReturnType<typeof sql>) => new PgDialect().sqlToQuery(q).sql;

t.test('a JSON field as text and as a flag, in each dialect', async (t) => {
  t.equal(sqlite(jsonText('e.data', 'channel', 'sqlite')), `json_extract(e.data, '$.channel')`);
  t.equal(pg(jsonText('e.data', 'channel', 'postgresql')), `(e.data ->> 'channel')`);
  t.equal(sqlite(jsonIsTrue('s.data', 'secondHandling', 'sqlite')), `json_extract(s.data, '$.secondHandling') = 1`);
  t.equal(pg(jsonIsTrue('s.data', 'secondHandling', 'postgresql')), `(s.data ->> 'secondHandling') = 'true'`);
  t.equal(sqlite(jsonText('e.data', 'late')), `json_extract(e.data, '$.late')`, 'SQLite by default (the only runtime today)');
  for (const bad of ["x') or 1=1 --", 'a.b', '', '1st']) t.throws(() => jsonText('e.data', bad), /not a JSON field name/, `refused: ${JSON.stringify(bad)}`);
});

t.test('SQLite: the forms read the JSON the lifecycle writes', async (t) => {
  const h = openTmpDb(t);
  const rows = [{ late: true, channel: 'callback' }, { late: false, channel: 'survey' }, {}];
  const got = rows.map((r) =>
    h.db.get<{ flag: number | null; channel: string | null }>(
      sql`select ${jsonIsTrue(sql`${JSON.stringify(r)}`, 'late')} as flag, ${jsonText(sql`${JSON.stringify(r)}`, 'channel')} as channel`,
    )!,
  );
  t.same(got, [
    { flag: 1, channel: 'callback' },
    { flag: 0, channel: 'survey' },
    { flag: null, channel: null },
  ]);
});
