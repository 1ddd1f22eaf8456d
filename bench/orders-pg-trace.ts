/**
 * Where a durable create's time goes on PostgreSQL: N creates (WorkOrdersService.createDraft on
 * the pg orders store) with C in flight on a durable server holding M orders; every statement
 * node-postgres sends is timed (from the call to its answer, per kind), and per create: the
 * transaction (BEGIN to COMMIT answered), the counter lock held (counter statement answered to
 * COMMIT answered), the wait for the counter (the counter statement's time beyond the fastest),
 * the wait for the shared flush after the commit.
 * With --statements, also where PostgreSQL's CPU went during the timed creates: by process
 * (backends, autovacuum, checkpointer, WAL writer), pg_stat_statements' statements (execution and
 * planning time, calls) and the tables' autovacuum/autoanalyze runs.
 *   tsx bench/orders-pg-trace.ts [--orders 50000 --creates 2000 --inflight 16 --statements]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { WorkOrdersService } from '../src/workorders/index.js';
import { openPostgresDatabase } from '../src/wiring/database.js';
import { CHANNELS, fillOrders, pick } from './lib/orders-pg-fill.js';
import { serverCpuByProcess, startDurablePostgres } from './lib/postgres-durable.js';
import { printServerProfile, serverProfileStart } from './lib/orders-pg-profile.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '50000' },
    creates: { type: 'string', default: '2000' },
    inflight: { type: 'string', default: '16' },
    statements: { type: 'boolean', default: false },
  },
});
const [ORDERS, CREATES, INFLIGHT] = [Number(values.orders), Number(values.creates), Number(values.inflight)];

const kindOf = (text: string): string => {
  const t = text.trim().toLowerCase();
  if (t.startsWith('with')) return t.includes('"counters"') ? 'numbered insert (counter+order+history)' : 'with …';
  if (t.includes('pg_logical_emit_message')) return 'shared flush';
  if (t.startsWith('set local') && t.includes('commit')) return t.includes('; commit') ? 'set local + commit' : 'set local synchronous_commit';
  if (t.startsWith('insert into "counters"')) return 'counter bump';
  if (t.startsWith('insert into "work_orders"')) return 'order insert';
  if (t.startsWith('insert into "work_order_events"')) return 'history insert';
  return t.split(/\s+/).slice(0, 3).join(' ').slice(0, 40);
};
interface Trace {
  counterAt?: number;
  counterMs?: number;
  commitAt?: number;
  beginAt?: number;
}
const stats = new Map<string, number[]>();
const note = (k: string, ms: number) => stats.set(k, [...(stats.get(k) ?? []), ms]);
const traces = new WeakMap<object, Trace>();
const timed = (orig: (...a: unknown[]) => unknown) =>
  function (this: object, ...args: unknown[]) {
    const a0 = args[0] as string | { text: string };
    const text = typeof a0 === 'string' ? a0 : a0?.text;
    const r = orig.apply(this, args);
    if (typeof text !== 'string' || !r || typeof (r as Promise<unknown>).then !== 'function') return r;
    const t0 = performance.now();
    const k = kindOf(text);
    return (r as Promise<unknown>).then((v) => {
      const t1 = performance.now();
      note(k, t1 - t0);
      let tr = traces.get(this);
      if (k === 'begin') traces.set(this, (tr = { beginAt: t0 }));
      if (tr && (k === 'counter bump' || k.startsWith('numbered'))) Object.assign(tr, { counterAt: t1, counterMs: t1 - t0 });
      if (tr && (k === 'commit' || k === 'set local + commit') && tr.beginAt !== undefined) {
        note('= transaction, BEGIN sent to COMMIT answered', t1 - tr.beginAt);
        if (tr.counterAt !== undefined) note('= counter lock held (counter answered to COMMIT answered)', t1 - tr.counterAt);
        traces.delete(this);
      }
      return v;
    });
  };
for (const proto of [pg.Client.prototype, pg.Pool.prototype] as unknown as Array<{ query: (...a: unknown[]) => unknown }>) proto.query = timed(proto.query);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;
const server = await startDurablePostgres({ statements: values.statements });
// No idle timeout: a connection closed during a timed phase would move its whole life's CPU into the postmaster's reaped children.
const admin = new pg.Pool({ connectionString: server.url, max: 2, idleTimeoutMillis: 0 });
const database = await openPostgresDatabase({ url: server.url, poolSize: INFLIGHT });
await fillOrders(admin, ORDERS, Date.now());
await admin.query('checkpoint');
const service = new WorkOrdersService(database.stores.orders);
const create = (i: number) => service.createDraft({ channel: pick(CHANNELS, i), callerPhone: `1380000${String(i % 10_000).padStart(4, '0')}` });
for (let i = 0; i < 200; i++) await create(i); // warm-up, one at a time
stats.clear();
const profile = values.statements ? await serverProfileStart(admin, server.pid) : undefined;
const cpu0 = serverCpuByProcess(server.pid);
const node0 = process.cpuUsage();
const load0 = os.loadavg()[0]!;
let next = 0;
const answered: number[] = [];
const c0 = performance.now();
await Promise.all(
  Array.from({ length: INFLIGHT }, async () => {
    while (next < CREATES) {
      next++;
      const r0 = performance.now();
      await create(next);
      answered.push(performance.now() - r0);
    }
  }),
);
const ms = performance.now() - c0;
const cpu1 = serverCpuByProcess(server.pid);
const nodeUs = process.cpuUsage(node0);
const w = (await admin.query<{ s: string }>('select wal_sync::text as s from pg_stat_wal')).rows[0]!.s;
process.stdout.write(
  `${CREATES} creates, ${INFLIGHT} in flight, ${ORDERS} orders: ${Math.round(CREATES / (ms / 1000))}/s, answered p50 ${pct(answered, 50).toFixed(2)} ms p99 ${pct(answered, 99).toFixed(2)} ms; WAL fsyncs since start ${w}; load ${load0.toFixed(2)} -> ${os.loadavg()[0]!.toFixed(2)}\n`,
);
const counterFastest = Math.min(...(stats.get('counter bump') ?? stats.get('numbered insert (counter+order+history)') ?? [0]));
for (const [k, xs] of stats) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stdout.write(
    `  ${k.padEnd(62)} n ${String(xs.length).padStart(5)}  mean ${mean.toFixed(2).padStart(7)} ms  p50 ${pct(xs, 50).toFixed(2).padStart(7)}  p99 ${pct(xs, 99).toFixed(2).padStart(7)}  total/create ${((mean * xs.length) / CREATES).toFixed(2)} ms\n`,
  );
}
const tx = stats.get('= transaction, BEGIN sent to COMMIT answered') ?? [];
process.stdout.write(
  `  answered minus transaction (the wait for the shared flush, and the pool): mean ${(answered.reduce((a, b) => a + b, 0) / answered.length - tx.reduce((a, b) => a + b, 0) / Math.max(1, tx.length)).toFixed(2)} ms\n`,
);
process.stdout.write(
  `  CPU per create, µs: bench process ${((nodeUs.user + nodeUs.system) / CREATES).toFixed(0)}; PostgreSQL ${Object.keys(cpu1)
    .map((k) => [k, ((cpu1[k]! - (cpu0[k] ?? 0)) * 1e6) / CREATES] as const)
    .filter(([, us]) => us > 0)
    .map(([k, us]) => `${k} ${us.toFixed(0)}`)
    .join(', ')}\n`,
);
if (profile) await printServerProfile(admin, profile, CREATES);
process.stdout.write(`  (fastest counter statement ${counterFastest.toFixed(2)} ms: the rest of its time is the wait for the counter row lock)\n`);
// The server's stop ends the connections of a pool that may still hold an idle one (57P01): not a failure of the trace.
process.on('uncaughtException', (err) => {
  if ((err as { code?: string }).code !== '57P01') throw err;
});
await database.close();
await admin.end();
await server.stop();
