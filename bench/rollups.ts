/**
 * bench:rollups — what the KPI reports' rollup job (src/reports/report-rollups.ts) costs the
 * server's event loop while it rebuilds a backlog of days on a big centre's database (issue 14
 * item 9; docs/performance.md "The rollup job off the event loop"). On a COPY of the year's
 * database (bench:reports makes one; never the original): marks the `--days` latest built days of
 * each source before `--before` dirty (as late changes do; their months' sums are rebuilt too),
 * then runs the job as the server does (ReportRollups.start, one day or month per turn, `--busy-ms`
 * apart) while this thread, standing in for the server, measures
 * - its event-loop delay (perf_hooks monitorEventLoopDelay, 10 ms resolution): p50 / p99 / max;
 * - a small write transaction every 50 ms on its own connection (a call, an order event…): how
 *   long it waits for the job's writes (the writer lock);
 * first for `--idle-s` seconds without the job (the machine's own noise), then until the backlog is
 * built. `--job worker` (the default: the job's worker thread) or `inline` (the builds on this
 * thread, as before the worker). The old job (before the worker) can be measured by running this
 * file in a checkout of that commit (it needs only start/close/pending/pendingMonths). Last line:
 * one JSON object.
 *
 *   npm run bench:rollups -- --db /tmp/COPY/year.db [--days 10 --job worker --busy-ms 1000 --before 2026-11-01]
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connection.js';
import { ReportRollups } from '../src/reports/report-rollups.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    days: { type: 'string', default: '10' },
    job: { type: 'string', default: 'worker' },
    'busy-ms': { type: 'string', default: '1000' },
    'idle-s': { type: 'string', default: '10' },
    /** The marked days are the latest built ones before this Beijing date. */
    before: { type: 'string', default: '2026-11-01' },
  },
});
if (!values.db) {
  process.stderr.write('usage: npm run bench:rollups -- --db COPY_OF_THE_YEAR.db [--days N --job worker|inline]\n');
  process.exit(2);
}
const log = (s: string) => process.stdout.write(`${s}\n`);
const load = () => os.loadavg()[0]!.toFixed(1);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const loadStart = load();

// The server's settings (SUNLINE_DB_SYNC defaults to group: NORMAL commits).
const h = openDb({ file: values.db, synchronous: 'group' });
h.sqlite.exec('create table if not exists bench_rollup_ticks (at integer not null)');
const before = Date.parse(`${values.before}T00:00:00+08:00`);
let marked = 0;
for (const source of ['calls', 'orders']) {
  const days = h.sqlite
    .prepare(`select day from report_rollup_days where source = ? and day < ? and built_at > 0 order by day desc limit ?`)
    .pluck()
    .all(source, before, Number(values.days)) as number[];
  for (const day of days) marked += h.sqlite.prepare(`insert or ignore into report_rollup_dirty (source, day) values (?, ?)`).run(source, day).changes;
}
log(`marked ${marked} days dirty; job ${values.job}; load ${loadStart}`);

/** Event-loop delay and write waits over one phase. */
async function measure(phase: string, until: () => boolean | Promise<boolean>): Promise<Record<string, number>> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const writes: number[] = [];
  const insert = h.sqlite.prepare('insert into bench_rollup_ticks (at) values (?)');
  const ticker = setInterval(() => {
    const t0 = performance.now();
    insert.run(Date.now());
    writes.push(performance.now() - t0);
  }, 50);
  loop.enable();
  const t0 = performance.now();
  while (!(await until())) await new Promise((r) => setTimeout(r, 250));
  loop.disable();
  clearInterval(ticker);
  const ms = (ns: number) => r1(ns / 1e6);
  const out = {
    seconds: r1((performance.now() - t0) / 1000),
    loopP50: ms(loop.percentile(50)),
    loopP99: ms(loop.percentile(99)),
    loopMax: ms(loop.max),
    writes: writes.length,
    writeP50: r1(pct(writes, 50)),
    writeP99: r1(pct(writes, 99)),
    writeMax: r1(Math.max(0, ...writes)),
  };
  log(`${phase}: ${JSON.stringify(out)} (load ${load()})`);
  return out;
}

const idleUntil = performance.now() + Number(values['idle-s']) * 1000;
const idle = await measure('without the job', () => performance.now() >= idleUntil);

const builds: Array<{ source: string; day: number; month: boolean; outcome: string; readMs: number; writeMs: number }> = [];
const rollups = new ReportRollups({
  db: h.db,
  busyMs: Number(values['busy-ms']),
  jobIn: values.job === 'inline' ? 'inline' : 'worker',
  onBuild: (b) => builds.push(b),
  onError: (err) => log(`job failed: ${String(err)}`),
});
const left = () =>
  rollups.pending('calls').length + rollups.pending('orders').length + rollups.pendingMonths('calls').length + rollups.pendingMonths('orders').length;
const backlog = left();
log(`backlog: ${backlog} days and months`);
rollups.start();
// Polled as the job asks (hasPending: the dirty marks first, a key lookup while any is left), not by left(), whose full pending() scans the order events (~0.3 s a call on the big year).
const busy = await measure('while the job rebuilds', () => !rollups.hasPending());
await rollups.close();
h.sqlite.exec('drop table bench_rollup_ticks');
h.close();

const of = (xs: typeof builds, k: 'readMs' | 'writeMs') => ({
  p50: r1(
    pct(
      xs.map((b) => b[k]),
      50,
    ),
  ),
  max: r1(Math.max(0, ...xs.map((b) => b[k]))),
});
const calls = builds.filter((b) => b.source === 'calls' && !b.month);
const orders = builds.filter((b) => b.source === 'orders' && !b.month);
const summary = {
  job: values.job,
  marked,
  backlog,
  builds: builds.length,
  changed: builds.filter((b) => b.outcome !== 'built').length,
  callDay: { read: of(calls, 'readMs'), write: of(calls, 'writeMs') },
  orderDay: { read: of(orders, 'readMs'), write: of(orders, 'writeMs') },
  idle,
  busy,
  load: { start: Number(loadStart), end: Number(load()) },
};
log(JSON.stringify(summary));
