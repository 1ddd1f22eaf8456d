/**
 * bench:orders-pg — bench:orders on PostgreSQL (issue 16 item 5): a million work orders in a
 * throwaway PostgreSQL that commits durably (bench/lib/postgres-durable.ts: fsync,
 * synchronous_commit and full-page writes on), migrated as the server migrates it
 * (openPostgresDatabase: migrations-pg/ under the advisory lock), filled with bench/orders.ts's
 * rows (bench/lib/orders-pg-fill.ts), then timed through the code the server runs on PostgreSQL —
 * the stores of src/wiring/database.ts, never hand-written SQL:
 *
 * - creates: WorkOrdersService.createDraft on the pg orders store, one transaction each, committed
 *   durably — one at a time, and with as many in flight as the pool has connections (a server
 *   takes many requests at once; the orders store commits without waiting for the flush and answers
 *   after one WAL flush shared by the commits waiting meanwhile: decision 0019);
 *   then the same concurrency with synchronous_commit off (no flush waited for: what the fsync
 *   costs). Per mode: rate, answer p50/p99, the bench's and the server's CPU per create, WAL bytes
 *   and WAL fsyncs (pg_stat_wal) per create. Then orders created accepted (IntakeService.submit →
 *   createAccepted, the waiting clocks of config/), pool-size in flight, durable;
 * - the list queries, the Chinese text searches, a unit handler's lists and searches and the order
 *   desk, with bench/orders.ts's query mix, one at a time: p50/p95/p99 (readOrderPage on the pg
 *   order reads, DeskService on the pg order and desk reads);
 * - then the same reads again, a few of each, with auto_explain logging the plan (EXPLAIN ANALYZE,
 *   buffers) of every statement over --explain-ms into --plans.
 *
 * With --writing, each timed read follows a create committed just before it (not timed), as on a
 * server that is taking calls: no count kept from an earlier read is used (count-memo-pg.ts
 * keeps one only until anything commits).
 *
 *   npm run bench:orders-pg [-- --orders 1000000 --creates 6000 --accepted 3000 --queries 300 --pool 10 --sqlite --writing]
 * --sqlite first runs bench/orders.ts (SQLite) with the same --orders and --queries, in a child
 * process before PostgreSQL starts, and prints the two side by side with the targets
 * (`--sqlite-db FILE`: bench/orders.ts's --db, its orders generated there once and reused).
 * Targets (issue 16 item 5): create ≥ 3,000/s durable, search p95 ≤ 50 ms, list p95 ≤ 20 ms.
 * Last line: one JSON object ({ postgres, sqlite? }).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { formatProblem, loadConfigDir } from '../src/config/files/index.js';
import { buildWorkCalendar } from '../src/workorders/deadlines/index.js';
import { WorkOrdersService } from '../src/workorders/index.js';
import { IntakeService } from '../src/workorders/intake.js';
import { orderClocksFrom } from '../src/workorders/order-clocks.js';
import { readOrderPage, type OrderFilter } from '../src/workorders/queries.js';
import { scopeFor } from '../src/workorders/scope.js';
import { openPostgresDatabase, type ServerStores } from '../src/wiring/database.js';
import { deskTimings, pct, type Timings } from './lib/orders-pg-desk.js';
import { CATEGORIES, CHANNELS, DETAILS, PLACES, SUBJECTS, UNITS, fillOrders, pick } from './lib/orders-pg-fill.js';
import { serverCpuSeconds, startDurablePostgres } from './lib/postgres-durable.js';
import { compareWithSqlite, runSqliteBench, savePlans } from './lib/orders-pg-report.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    creates: { type: 'string', default: '6000' },
    accepted: { type: 'string', default: '3000' },
    queries: { type: 'string', default: '300' },
    pool: { type: 'string', default: '10' },
    sqlite: { type: 'boolean', default: false },
    writing: { type: 'boolean', default: false },
    // With --sqlite: bench/orders.ts's --db (its orders generated into FILE once, reused after).
    'sqlite-db': { type: 'string' },
    'explain-ms': { type: 'string', default: '20' },
    plans: { type: 'string', default: '/tmp/sunline-bench-orders-pg-plans.log' },
  },
});
const ORDERS = Number(values.orders);
const CREATES = Number(values.creates);
const ACCEPTED = Number(values.accepted);
const QUERIES = Number(values.queries);
const POOL = Number(values.pool);
const load1 = () => Number(os.loadavg()[0]!.toFixed(2));
const round = (x: number, d = 2) => Number(x.toFixed(d));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const sqlite = values.sqlite ? await runSqliteBench(ORDERS, QUERIES, values['sqlite-db']) : undefined;
  const loadStart = load1();
  const server = await startDurablePostgres();
  // No idle timeout: a connection closed during a timed phase would move its whole life's CPU (the fill's) into the postmaster's reaped children.
  const admin = new pg.Pool({ connectionString: server.url, max: 2, idleTimeoutMillis: 0 });
  const m0 = Date.now();
  const database = await openPostgresDatabase({ url: server.url, poolSize: POOL });
  const migrateS = (Date.now() - m0) / 1000;
  const stores = database.stores;
  const now = Date.now();
  process.stdout.write(
    `PostgreSQL ${(await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v} migrated in ${migrateS.toFixed(1)} s; filling ${ORDERS} orders\n`,
  );
  const fill = await fillOrders(admin, ORDERS, now);
  process.stdout.write(`filled in ${fill.rowsS.toFixed(0)} s, indexes ${fill.indexesS.toFixed(0)} s, vacuum analyze ${fill.vacuumS.toFixed(0)} s\n`);
  await admin.query('checkpoint');

  const creates = await createFigures(stores, admin, server.pid);
  const accepted = await acceptedFigures(stores, admin);
  const writing = new WorkOrdersService(stores.orders);
  const commit = values.writing ? (): Promise<unknown> => writing.createDraft({ channel: '12345' }) : undefined;
  const t = await readTimings(stores, now, QUERIES, true, commit);
  const { rows: sizes } = await admin.query<{ mb: number }>(`select (pg_database_size(current_database()) / 1e6)::int as mb`);

  // The plans: the same reads, a few each, with auto_explain on for every statement over --explain-ms.
  await admin.query(`alter system set auto_explain.log_min_duration = '${Number(values['explain-ms'])}ms'`);
  for (const s of ['log_analyze', 'log_buffers']) await admin.query(`alter system set auto_explain.${s} = on`);
  await admin.query('select pg_reload_conf()');
  await sleep(300);
  await readTimings(stores, now, Math.min(QUERIES, 28), false, commit);
  await sleep(300);
  const plans = savePlans(server.logFile, values.plans);

  const figures = (name: string, xs: number[]) => ({
    [`${name}_p50_ms`]: round(pct(xs, 50)),
    [`${name}_p95_ms`]: round(pct(xs, 95)),
    [`${name}_p99_ms`]: round(pct(xs, 99)),
  });
  const result = {
    orders: ORDERS,
    fill_s: Math.round(fill.rowsS + fill.indexesS + fill.vacuumS),
    ...creates,
    ...accepted,
    ...Object.assign({}, ...Object.entries(t).map(([k, xs]) => figures(k, xs))),
    db_mb: sizes[0]!.mb,
    queries: QUERIES,
    writing: values.writing ? 1 : 0,
    pool: POOL,
    slow_statements_explained: plans,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    loadavg_1m_start: loadStart,
    loadavg_1m_end: load1(),
  } as Record<string, number | string>;
  // pg-pool's end() resolves once its idle clients are told to end, not once they have: the server's
  // stop can still reach one (57P01), which the pool re-emits as an 'error' that would end the
  // bench before its summary (seen twice at 1M on 2026-12-07).
  admin.on('error', () => undefined);
  await database.close();
  await admin.end();
  await server.stop();
  process.stdout.write(
    `PostgreSQL: create ${result.create_per_s}/s durable with ${POOL} in flight (${result.create_per_s_sequential}/s one at a time, ${result.create_per_s_async}/s synchronous_commit off); ` +
      `list p95 ${result.list_p95_ms} ms, search p95 ${result.search_p95_ms} ms; plans of ${plans} statements over ${values['explain-ms']} ms in ${values.plans}\n`,
  );
  if (sqlite) compareWithSqlite(sqlite, result);
  process.stdout.write(`${JSON.stringify({ postgres: result, ...(sqlite ? { sqlite } : {}) })}\n`);
}

/** The creates in three modes, two rounds of each (so that all see the machine's load alike). */
async function createFigures(stores: ServerStores, admin: pg.Pool, pid: number): Promise<Record<string, number>> {
  const service = new WorkOrdersService(stores.orders);
  const create = (i: number) => service.createDraft({ channel: pick(CHANNELS, i), callerPhone: `1380000${String(i % 10_000).padStart(4, '0')}` });
  const MODES = ['sequential', 'concurrent', 'async'] as const;
  type Mode = (typeof MODES)[number];
  const tally = Object.fromEntries(MODES.map((m) => [m, { n: 0, ms: 0, cpuUs: 0, serverS: 0, walBytes: 0, syncs: 0, syncMs: 0, answerMs: [] as number[] }]));
  const wal = async () =>
    (
      await admin.query<{ lsn: string; syncs: string; sync_ms: number }>(
        'select pg_current_wal_lsn()::text as lsn, wal_sync as syncs, wal_sync_time as sync_ms from pg_stat_wal',
      )
    ).rows[0]!;
  const per = Math.ceil(CREATES / MODES.length / 2);
  let next = 0;
  for (let round = 0; round < 2; round++)
    for (const mode of MODES) {
      await admin.query(`alter system set synchronous_commit = ${mode === 'async' ? 'off' : 'on'}`);
      await admin.query('select pg_reload_conf()');
      await sleep(1200); // the reload reaches the pool's sessions; the backends' WAL statistics are flushed (at most once a second)
      const w0 = await wal();
      const s0 = serverCpuSeconds(pid);
      const u0 = process.cpuUsage();
      const c0 = process.hrtime.bigint();
      const end = next + per;
      const answered = tally[mode]!.answerMs;
      const request = async () => {
        while (next < end) {
          const r0 = process.hrtime.bigint();
          await create(next++);
          answered.push(Number(process.hrtime.bigint() - r0) / 1e6);
        }
      };
      await Promise.all(Array.from({ length: mode === 'sequential' ? 1 : POOL }, request));
      const ms = Number(process.hrtime.bigint() - c0) / 1e6;
      const u = process.cpuUsage(u0);
      const serverS = serverCpuSeconds(pid) - s0;
      await sleep(1200);
      const w1 = await wal();
      const bytes = (await admin.query<{ b: string }>('select pg_wal_lsn_diff($1, $2)::bigint as b', [w1.lsn, w0.lsn])).rows[0]!.b;
      const t = tally[mode]!;
      t.n += per;
      t.ms += ms;
      t.cpuUs += u.user + u.system;
      t.serverS += serverS;
      t.walBytes += Number(bytes);
      t.syncs += Number(w1.syncs) - Number(w0.syncs);
      t.syncMs += w1.sync_ms - w0.sync_ms;
    }
  await admin.query('alter system reset synchronous_commit');
  await admin.query('select pg_reload_conf()');
  const out: Record<string, number> = { create_concurrency: POOL };
  for (const mode of MODES) {
    const t = tally[mode]!;
    const suffix = mode === 'concurrent' ? '' : `_${mode}`;
    out[`create_per_s${suffix}`] = Math.round(t.n / (t.ms / 1000));
    out[`create_answer_p50_ms${suffix}`] = round(pct(t.answerMs, 50));
    out[`create_answer_p99_ms${suffix}`] = round(pct(t.answerMs, 99));
    out[`create_cpu_us${suffix}`] = Math.round(t.cpuUs / t.n);
    out[`create_server_cpu_us${suffix}`] = Math.round((t.serverS * 1e6) / t.n);
    out[`create_wal_kib${suffix}`] = round(t.walBytes / 1024 / t.n, 1);
    out[`creates_per_fsync${suffix}`] = round(t.n / Math.max(1, t.syncs), 1);
    out[`create_fsync_mean_ms${suffix}`] = round(t.syncMs / Math.max(1, t.syncs));
    process.stdout.write(
      `created ${t.n} drafts, ${mode === 'async' ? `synchronous_commit off, ${POOL} in flight` : mode === 'sequential' ? 'durable, one at a time' : `durable, ${POOL} in flight`}: ` +
        `${out[`create_per_s${suffix}`]}/s, answered p50 ${out[`create_answer_p50_ms${suffix}`]} ms p99 ${out[`create_answer_p99_ms${suffix}`]} ms, ` +
        `CPU ${out[`create_cpu_us${suffix}`]} µs here + ${out[`create_server_cpu_us${suffix}`]} µs in PostgreSQL each, ` +
        `${out[`create_wal_kib${suffix}`]} KiB WAL each, ${out[`creates_per_fsync${suffix}`]} per WAL fsync (mean ${out[`create_fsync_mean_ms${suffix}`]} ms)\n`,
    );
  }
  return out;
}

/** Orders created accepted as the online intake and POST /api/workorders do, POOL in flight, durable. */
async function acceptedFigures(stores: ServerStores, admin: pg.Pool): Promise<Record<string, number>> {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const built = buildWorkCalendar(loaded.config.calendar);
  if (!built.ok) throw new Error('calendar.yaml does not build');
  const { sla } = loaded.config;
  const { rows } = await admin.query<{ id: number }>(
    `insert into users (username, display_name, role, password_hash, disabled, created_at) values ('bench-system', 'Sunline', 'admin', '!', true, $1) returning id`,
    [Date.now()],
  );
  const systemId = rows[0]!.id;
  const clocks = orderClocksFrom(
    () => ({ calendar: built.calendar, sla }),
    () => ({ id: systemId }),
  );
  const orders = new WorkOrdersService(stores.orders, Date.now, { clocks });
  const intake = new IntakeService({ orderReads: stores.orderReads, orders, systemActor: () => ({ id: systemId, role: 'admin', unitId: null }) });
  let next = 0;
  const c0 = process.hrtime.bigint();
  const request = async () => {
    while (next < ACCEPTED) {
      const i = next++;
      await intake.submit(pick(['web', 'mailbox', 'wechat'] as const, i), {
        name: i % 3 === 0 ? '张先生' : null,
        phone: `1370000${String(i % 10_000).padStart(4, '0')}`,
        category: pick(CATEGORIES, i),
        subject: pick(SUBJECTS, i),
        content: `${pick(PLACES, i)}${pick(SUBJECTS, i)}，${pick(DETAILS, i)}`,
        location: pick(PLACES, i),
      });
    }
  };
  await Promise.all(Array.from({ length: POOL }, request));
  const perS = Math.round(ACCEPTED / (Number(process.hrtime.bigint() - c0) / 1e9));
  process.stdout.write(`created ${ACCEPTED} accepted (createAccepted, waiting clocks on), durable, ${POOL} in flight: ${perS}/s\n`);
  return { create_accepted_per_s: perS };
}

/** bench/orders.ts's reads (lists, searches, a unit handler's lists and searches, the desk), `n` of each, wall ms by figure; `commit` (--writing) before each, not timed. */
async function readTimings(stores: ServerStores, now: number, n: number, print: boolean, commit?: () => Promise<unknown>): Promise<Timings> {
  const time = async (fn: () => Promise<unknown>) => {
    await commit?.();
    const q0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - q0) / 1e6;
  };
  const out: Timings = { list: [], search: [], unit_list: [], unit_search: [] };
  const byKind = new Map<string, number[]>();
  const note = (kind: string, ms: number) => byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  const scope = { kind: 'all', hideReporter: false } as const;
  const filters: OrderFilter[] = [
    { status: ['in_progress', 'signed'] },
    { category: 'complaint' },
    { leadUnitId: 'city-amr', sort: 'deadlineAt' },
    { overdue: true, sort: 'deadlineAt' },
    { channel: '12315' },
    { createdFrom: now - 7 * 86_400_000 },
    {},
  ];
  for (let i = 0; i < n; i++) {
    const ms = await time(() => readOrderPage(stores.orderReads, scope, { ...pick(filters, i), page: 1 + (i % 5), pageSize: 20 }, now));
    out.list!.push(ms);
    note(`list ${JSON.stringify(pick(filters, i))}`, ms);
  }
  // Half common phrases (each matches 1/15 of all orders), half an order's own text.
  const terms = ['过期食品', '噪音扰民', '公积金提取', '莫干山镇', '拖欠工资', '出租车拒载', '路灯不亮', '织里镇'];
  const termOf = (i: number) => (i % 2 === 0 ? pick(terms, i) : `编号${(i * 7919) % ORDERS}）`);
  for (let i = 0; i < n; i++) {
    const ms = await time(() => readOrderPage(stores.orderReads, scope, { q: termOf(i), page: 1, pageSize: 20 }, now));
    out.search!.push(ms);
    note(i % 2 === 0 ? `search ${termOf(i)}` : 'search an order’s own text', ms);
  }
  const unitScope = (i: number) => scopeFor({ role: 'unit_handler', unitId: pick(UNITS, i) });
  const unitFilters: OrderFilter[] = [{}, { status: ['dispatched', 'signed', 'in_progress'] }, { sort: 'deadlineAt' }, { overdue: true, sort: 'deadlineAt' }];
  for (let i = 0; i < n; i++) {
    const f = pick(unitFilters, i * 3);
    const ms = await time(() => readOrderPage(stores.orderReads, unitScope(i), { ...f, page: 1 + (i % 5), pageSize: 20 }, now));
    out.unit_list!.push(ms);
    note(`unit list ${JSON.stringify(f)}`, ms);
  }
  for (let i = 0; i < n; i++) {
    const ms = await time(() => readOrderPage(stores.orderReads, unitScope(i * 5), { q: termOf(i), page: 1, pageSize: 20 }, now));
    out.unit_search!.push(ms);
    note(i % 2 === 0 ? 'unit search common phrases' : 'unit search an order’s own text', ms);
  }
  if (print) for (const [kind, ms] of byKind) process.stdout.write(`  ${kind}: p50 ${pct(ms, 50).toFixed(1)} ms, max ${pct(ms, 100).toFixed(1)} ms\n`);
  return { ...out, ...(await deskTimings(stores, now, ORDERS, n, print, commit)) };
}

await main();
