/**
 * The orders' shared flush needs `pg_logical_emit_message` (commit-flush-pg.ts, decision 0019).
 * A role that may not call it — EXECUTE revoked by a DBA, or a PostgreSQL-compatible server
 * without the function — made every order write fail after its commit. Now start-up tries the
 * flush once and, refused, the orders store commits each transaction durably on its own (the
 * session's `synchronous_commit`), with one warning in the log. Real PostgreSQL (tools/postgres.ts);
 * pg_walinspect tells which commits asked for the flush: it writes one LogicalMessage WAL record.
 */
import pg from 'pg';
import t from 'tap';
import { openPostgresDatabase } from '../../src/wiring/database.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { startPostgres } from '../helpers/postgres.js';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const seq = (n: number) => Array.from({ length: n }, (_, i) => `HZ-20261126-${String(i + 1).padStart(6, '0')}`);

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The same database, as `role` (trust authentication). */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = '';
  return u.toString();
}

/** LogicalMessage WAL records written since `from` (an LSN), read as the superuser. */
async function flushMessagesSince(adminUrl: string, from: string): Promise<number> {
  const rows = await query<{ n: string }>(
    adminUrl,
    `select count(*) as n from pg_get_wal_records_info('${from}', pg_current_wal_lsn()) where resource_manager = 'LogicalMessage'`,
  );
  return Number(rows[0]!.n);
}

async function setUp(t: { teardown(fn: () => unknown): void }, name: string, revoke: boolean) {
  const server = await startPostgres(t);
  const adminUrl = await server.createDatabase(name);
  // The application's role owns its database, as a DBA sets one up; it is no superuser.
  for (const statement of [
    'create extension if not exists pg_walinspect',
    'create role clerk login',
    `alter database ${name} owner to clerk`,
    'alter schema public owner to clerk',
    `alter database ${name} set synchronous_commit = on`,
    ...(revoke ? ['revoke execute on function pg_catalog.pg_logical_emit_message(boolean, text, text) from public'] : []),
  ])
    await query(adminUrl, statement);
  const url = asRole(adminUrl, 'clerk');
  const warnings: string[] = [];
  const log = { warn: (...args: unknown[]) => void warnings.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')) };
  const db = await openPostgresDatabase({ url, poolSize: 4, log });
  t.teardown(() => db.close());
  const from = (await query<{ lsn: string }>(adminUrl, 'select pg_current_wal_lsn() as lsn'))[0]!.lsn;
  const svc = new WorkOrdersService(db.stores.orders, () => NOW);
  return { adminUrl, url, warnings, svc, from };
}

t.test('a role without EXECUTE on pg_logical_emit_message: orders are written, each commit durable on its own, and the log says why', async (t) => {
  const s = await setUp(t, 'clerks', true);
  await t.rejects(query(s.url, "select pg_logical_emit_message(true, 'probe', '')"), /permission denied/, 'the role may not call it');
  t.equal(s.warnings.length, 1, 'one warning at start');
  t.match(s.warnings[0], /pg_logical_emit_message.*GRANT EXECUTE/, 'naming the function and the way back');

  const created = await Promise.all(Array.from({ length: 12 }, () => s.svc.createDraft({ channel: '12345' })));
  t.same(created.map((o) => o.number).sort(), seq(12), 'twelve concurrent creates answered, numbered 1…12');
  const stored = await query<{ number: string }>(s.adminUrl, 'select number from work_orders order by number');
  t.same(
    stored.map((r) => r.number),
    seq(12),
    'and stored',
  );
  t.equal(await flushMessagesSince(s.adminUrl, s.from), 0, 'no commit asked for the shared flush');
});

t.test('a role that may call it: the shared flush, and no warning', async (t) => {
  const s = await setUp(t, 'flushers', false);
  t.same(s.warnings, [], 'nothing to say at start');
  const created = await Promise.all(Array.from({ length: 12 }, () => s.svc.createDraft({ channel: '12345' })));
  t.same(created.map((o) => o.number).sort(), seq(12), 'twelve concurrent creates answered, numbered 1…12');
  t.ok((await flushMessagesSince(s.adminUrl, s.from)) >= 1, 'the creates were answered after the shared flush');
});
