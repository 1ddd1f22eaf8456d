/**
 * bench:reports — the reports over a year of a big centre (issue 14 item 9): 3M calls and 1M
 * work orders over the 12 months 2025-12-01 … 2026-11-30 (Beijing), with their history
 * (bench/lib/year-of-centre.ts), then over HTTP through buildApp as a shift lead (a unit handler
 * for its own scorecard): the month report beside the month before (total, by unit, by agent),
 * the unit assessment (ranking, and one unit's scorecard), the hot topics of the month, the daily
 * trend of 92 days (its built days from the rollups; a shift lead's, a county dispatcher's), the XLSX exports of a month (time and the process's peak RSS), and the
 * wallboard's live update (an order created over HTTP, a queue change → the summary on a
 * wallboard socket). Each item `--runs` times, one after another; p50/p95/max per item.
 *
 *   npm run bench:reports [-- --db /tmp/sunline-bench-reports/year.db --fresh --runs 20 --month 2026-11 --only hot_topics,wallboard]
 * The database is generated on the first run (~20 min on a loaded 2-core machine: calls, orders,
 * then the hot topics' index of every order; 3.6 GB) and reused afterwards; `--fresh` rebuilds it,
 * `--generate-only` stops there; the KPI reports' daily rollups of the closed days are then built (only
 * those not built yet or changed: ~12 min for the year on a loaded machine, seconds afterwards). The server migrates it at start. While a KPI report of a month
 * takes seconds (docs/performance.md), use `--runs 3`. The exports' memory: the process's peak
 * RSS (VmHWM, reset before each export) beside its RSS before; server and client share the process. Targets: month report, scorecard, hot topics p95 ≤ 300 ms; wallboard ≤ 100 ms after the
 * event; XLSX export of a month ≤ 10 s and < 200 MB RSS. Last line: one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parse } from 'yaml';
import { io as connectClient } from 'socket.io-client';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { createLogger } from '../src/logging/logger.js';
import { openDb } from '../src/db/connection.js';
import { OrgSchema } from '../src/config/files/schemas/org.js';
import { TopicIndex } from '../src/reports/topic-index.js';
import { sqliteTopicIndexStoreOn } from '../src/reports/topic-index-store-sqlite.js';
import { ReportRollups } from '../src/reports/report-rollups.js';
import { DAY_MS, shanghaiDayStart } from '../src/lib/shanghai-time.js';
import type { WallboardSummary } from '../src/contract/index.js';
import { perDay, prng, writeCalls, writeCallsOfDay, writeOrders, writePeople, type YearSpec } from './lib/year-of-centre.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/sunline-bench-reports/year.db' },
    fresh: { type: 'boolean', default: false },
    calls: { type: 'string', default: '3000000' },
    orders: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '20' },
    month: { type: 'string', default: '2026-11' },
    /** Only generate (and index) the database. */
    'generate-only': { type: 'boolean', default: false },
    /** Only these items, by name prefix, comma-separated (e.g. `hot_topics,wallboard`). */
    only: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const MONTH = values.month;
const DB = path.resolve(values.db);
const ONLY = values.only?.split(',').filter(Boolean);
const wanted = (name: string) => !ONLY || ONLY.some((p) => name.startsWith(p));
const LOAD_START = os.loadavg()[0]!;
const SPEC: YearSpec = {
  calls: Number(values.calls),
  orders: Number(values.orders),
  start: Date.parse('2025-12-01T00:00:00+08:00'),
  days: 365,
  agents: 150,
  callers: 800_000,
  seed: 12345,
};
const log = (s: string) => process.stdout.write(`${s}\n`);
const round = (x: number) => Math.round(x * 10) / 10;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
};

/** Generates the year (unless done) and brings the hot topics' index up to date; a marker table records what is done. */
async function prepare(): Promise<{ generatedS: number; indexedS: number }> {
  if (values.fresh) for (const f of [DB, `${DB}-wal`, `${DB}-shm`]) fs.rmSync(f, { force: true });
  const h = openDb({ file: DB, synchronous: 'normal' });
  const s = h.sqlite;
  s.exec(`create table if not exists bench_reports_meta (key text primary key, value text not null)`);
  const done = (key: string) => s.prepare('select value from bench_reports_meta where key = ?').pluck().get(key) as string | undefined;
  const mark = (key: string, value: unknown) => s.prepare('insert or replace into bench_reports_meta values (?, ?)').run(key, JSON.stringify(value));
  const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));
  let generatedS = 0;
  const g0 = performance.now();
  if (!done('generated')) {
    const had = s.prepare('select count(*) from calls').pluck().get() as number;
    if (had > 0) throw new Error(`${DB} has ${had} calls but no finished generation: rerun with --fresh`);
    s.pragma('synchronous = OFF');
    s.pragma('foreign_keys = OFF');
    s.pragma('cache_size = -200000');
    const w = writePeople(s, org, SPEC);
    log(`generating ${SPEC.calls} calls and ${SPEC.orders} orders into ${DB}`);
    const calls = writeCalls(w, SPEC, log);
    const { orders, events } = writeOrders(w, org, SPEC, log);
    s.pragma('wal_checkpoint(TRUNCATE)');
    s.exec('analyze');
    mark('generated', { calls, orders, events, spec: SPEC, at: new Date().toISOString() });
    generatedS = (performance.now() - g0) / 1000;
    log(`generated in ${generatedS.toFixed(0)} s: ${calls} calls, ${orders} orders, ${events} order events`);
  } else log(`reusing ${DB}: ${done('generated')}`);
  // The hot topics' index of every order: what a first start works off in the background.
  const i0 = performance.now();
  if (!done('indexed')) {
    const index = new TopicIndex(sqliteTopicIndexStoreOn(h.db));
    s.pragma('synchronous = OFF');
    for (let n = 1; !(await index.catchUp(20_000)); n++) log(`  hot topics index: ${n * 20_000} orders (${((performance.now() - i0) / 1000).toFixed(0)} s)`);
    mark('indexed', { at: new Date().toISOString() });
    log(`hot topics indexed in ${((performance.now() - i0) / 1000).toFixed(0)} s`);
  }
  const indexedS = (performance.now() - i0) / 1000;
  // The KPI reports' daily rollups of every closed day (what the server's job builds after an upgrade;
  // `npm run reports:rollups` does the same): only the days not built yet or marked dirty.
  const r0 = performance.now();
  let built = 0;
  new ReportRollups({ db: h.db }).catchUp(Infinity, () => void (++built % 50 === 0 && log(`  report rollups: ${built} days`)));
  if (built) log(`report rollups: ${built} days built in ${((performance.now() - r0) / 1000).toFixed(0)} s`);
  // Today's calls so far (the wallboard's intraday figures), at a weekday's rate.
  const now = Date.now();
  const today = shanghaiDayStart(now);
  if (!(s.prepare('select 1 from calls where entered_at >= ? limit 1').get(today) as unknown)) {
    const w = writePeople(s, org, SPEC);
    const perDayCalls = Math.max(...perDay(SPEC, SPEC.calls));
    const seq = { next: (s.prepare('select count(*) from calls').pluck().get() as number) + 1 };
    const n = s.transaction(() => writeCallsOfDay(w, SPEC, prng(today), today, perDayCalls, seq, now))();
    log(`today's calls so far: ${n}`);
  }
  s.pragma('wal_checkpoint(TRUNCATE)');
  h.close();
  return { generatedS, indexedS };
}

/** Peak RSS of this process since the last reset (VmHWM), MB; null where /proc cannot tell. */
function peakRss(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
/** Resets VmHWM to the current RSS (Linux: clear_refs 5); false where not allowed. */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { generatedS, indexedS } = await prepare();
  if (values['generate-only']) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-reports-'));
  const env = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_DB_FILE: DB,
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_MEDIA: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_DB_SYNC: 'group',
    SUNLINE_LOG_LEVEL: 'warn',
    // An A/B of the page cache: SUNLINE_DB_CACHE_MB=16 npm run bench:… (else the server's default).
    ...(process.env.SUNLINE_DB_CACHE_MB ? { SUNLINE_DB_CACHE_MB: process.env.SUNLINE_DB_CACHE_MB } : {}),
  });
  const app = await buildApp(env, { logger: createLogger({ level: env.logLevel }, pino.destination({ dest: path.join(dir, 'server.log'), sync: true })) });
  const sockets: Array<{ disconnect(): void }> = [];
  try {
    await app.http.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;
    const login = async (username: string, role: 'shift_lead' | 'admin' | 'dispatcher' | 'unit_handler' | 'agent', unitId?: string) => {
      const password = 'bench-pw-123456';
      if (!app.db.sqlite.prepare('select 1 from users where username = ?').get(username))
        await app.users.create({ username, displayName: username, role, password, ...(unitId ? { unitId } : {}) });
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
        body: JSON.stringify({ username, password }),
      });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      if (!cookie.startsWith('sunline_session=')) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
      return { cookie, 'x-sunline-request': '1' };
    };
    const lead = await login('ry-bench-lead', 'shift_lead');
    const handler = await login('ry-bench-handler', 'unit_handler', 'city-urban');
    const agent = await login('ry-bench-agent', 'agent');
    const countyDispatcher = await login('ry-bench-county', 'dispatcher', 'dq-12345');

    const results: Record<string, number | string | boolean | null> = {};
    const get = async (url: string, headers: Record<string, string>) => {
      const res = await fetch(`${base}${url}`, { headers });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.toString('utf8', 0, 500)}`);
      return body;
    };
    const timeItem = async (name: string, url: string, headers: Record<string, string>, runs = RUNS) => {
      const ms: number[] = [];
      if (!wanted(name)) return ms;
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        bytes = (await get(url, headers)).length;
        ms.push(performance.now() - t0);
      }
      log(
        `${name.padEnd(22)} p50 ${pct(ms, 50).toFixed(1).padStart(7)} ms  p95 ${pct(ms, 95).toFixed(1).padStart(7)} ms  max ${pct(ms, 100).toFixed(1).padStart(7)} ms  (${runs} runs, ${bytes} bytes)  ${url}`,
      );
      Object.assign(results, { [`${name}_p50_ms`]: round(pct(ms, 50)), [`${name}_p95_ms`]: round(pct(ms, 95)), [`${name}_max_ms`]: round(pct(ms, 100)) });
      return ms;
    };
    const month = `date=${MONTH}-01`;
    const last = new Date(Date.parse(`${MONTH}-01T00:00:00+08:00`) + 32 * DAY_MS);
    const monthEnd = new Date(Date.parse(`${last.toISOString().slice(0, 7)}-01T00:00:00+08:00`) - DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);
    const trendFrom = new Date(Date.parse(`${monthEnd}T00:00:00+08:00`) - 91 * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);
    log(
      `load ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (${os.cpus().length} cores); month ${MONTH} beside the month before`,
    );

    await timeItem('kpis_month', `/api/reports/kpis?period=month&${month}`, lead);
    await timeItem('kpis_month_by_unit', `/api/reports/kpis?period=month&${month}&by=unit`, lead);
    await timeItem('kpis_month_by_agent', `/api/reports/kpis?period=month&${month}&by=agent`, lead);
    await timeItem('kpis_month_by_area', `/api/reports/kpis?period=month&${month}&by=area`, lead);
    await timeItem('assessment_ranking', `/api/reports/assessment?month=${MONTH}`, lead);
    await timeItem('unit_scorecard', `/api/reports/assessment?month=${MONTH}`, handler);
    await timeItem('hot_topics', `/api/reports/hot-topics?period=month&${month}`, lead);
    await timeItem('daily_92_days', `/api/reports/daily?period=custom&date=${trendFrom}&to=${monthEnd}`, lead);
    await timeItem('daily_92_days_county', `/api/reports/daily?period=custom&date=${trendFrom}&to=${monthEnd}`, countyDispatcher);

    // The exports: wall time, and the process's peak RSS during each (VmHWM reset before; also sampled).
    const canReset = resetPeakRss();
    for (const [name, url] of [
      ['xlsx_kpis_by_agent', `/api/reports/kpis.xlsx?period=month&${month}&by=agent`],
      ['xlsx_assessment', `/api/reports/assessment.xlsx?month=${MONTH}`],
      ['xlsx_hot_topics', `/api/reports/hot-topics.xlsx?period=month&${month}`],
    ] as const) {
      if (!wanted(name)) continue;
      global.gc?.();
      const before = process.memoryUsage().rss / 1e6;
      if (canReset) resetPeakRss();
      let sampled = before;
      const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss / 1e6)), 5);
      const t0 = performance.now();
      const body = await get(url, lead);
      const ms = performance.now() - t0;
      clearInterval(timer);
      const peak = canReset ? (peakRss() ?? sampled) : sampled;
      if (body.subarray(0, 2).toString() !== 'PK') throw new Error(`${url}: not a workbook`);
      log(
        `${name.padEnd(22)} ${ms.toFixed(0)} ms, ${body.length} bytes; process RSS ${before.toFixed(0)} MB before, peak ${Math.max(peak, sampled).toFixed(0)} MB`,
      );
      Object.assign(results, {
        [`${name}_ms`]: Math.round(ms),
        [`${name}_rss_before_mb`]: Math.round(before),
        [`${name}_rss_peak_mb`]: Math.round(Math.max(peak, sampled)),
      });
    }
    results['rss_peak_from_vmhwm'] = canReset;

    // The wallboard: a lead's page in the wallboard view. Each sample waits for a quiet second
    // (the room sends at most one summary a second), then makes a change and waits for its summary.
    const summaries: Array<{ at: number; s: WallboardSummary }> = [];
    const wall = connectClient(base, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: lead.cookie },
      auth: { view: 'wallboard' },
    });
    sockets.push(wall);
    wall.on('wallboard:summary', (s: WallboardSummary) => summaries.push({ at: performance.now(), s }));
    const until = async (what: string, ok: () => boolean, ms = 10_000) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    await until('the first summary', () => summaries.length > 0);
    const orderMs: number[] = [];
    const queueMs: number[] = [];
    const samples = wanted('wallboard') ? Math.max(5, Math.ceil(RUNS / 2)) : 0;
    // A quiet second since the last summary (the heartbeat's too), so that the change goes out at once.
    const quiet = async () => {
      while (performance.now() - summaries.at(-1)!.at < 1_100) await new Promise((r) => setTimeout(r, 1_100 - (performance.now() - summaries.at(-1)!.at)));
    };
    for (let i = 0; i < samples; i++) {
      await quiet();
      const seen = summaries.length;
      const today = summaries.at(-1)!.s.orders.today;
      const t0 = performance.now();
      const res = await fetch(`${base}/api/workorders`, {
        method: 'POST',
        headers: { ...agent, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: '12345', category: 'consultation', content: `咨询社保缴费（基准${i}）` }),
      });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
      await until('the order on the wallboard', () => summaries.slice(seen).some((x) => x.s.orders.today > today));
      orderMs.push(summaries.slice(seen).find((x) => x.s.orders.today > today)!.at - t0);

      await quiet();
      const seen2 = summaries.length;
      const q0 = performance.now();
      app.events.emit('queue.changed', {
        at: Date.now(),
        agents: [{ agentId: 900, displayName: 'bench', state: i % 2 ? 'available' : 'paused', since: Date.now(), pauseReason: null, callId: null, penalty: 0 }],
      });
      await until('a summary after a queue change', () => summaries.length > seen2);
      queueMs.push(summaries[seen2]!.at - q0);
    }
    for (const [name, ms, what] of [
      ['wallboard_order', orderMs, 'POST /api/workorders sent → summary with the order'],
      ['wallboard_queue', queueMs, 'queue.changed → summary'],
    ] as const) {
      if (ms.length === 0) continue;
      log(
        `${name.padEnd(22)} p50 ${pct(ms, 50).toFixed(1).padStart(7)} ms  p95 ${pct(ms, 95).toFixed(1).padStart(7)} ms  max ${pct(ms, 100).toFixed(1).padStart(7)} ms  (${ms.length} samples; ${what})`,
      );
      Object.assign(results, { [`${name}_p50_ms`]: round(pct(ms, 50)), [`${name}_p95_ms`]: round(pct(ms, 95)), [`${name}_max_ms`]: round(pct(ms, 100)) });
    }

    const counts = app.db.sqlite
      .prepare(
        `select (select count(*) from calls) as calls, (select count(*) from work_orders) as orders, (select count(*) from work_order_events) as order_events, (select count(*) from agent_state_events) as agent_state_events`,
      )
      .get() as Record<string, number>;
    const out = {
      bench: 'reports',
      ...counts,
      month: MONTH,
      runs: RUNS,
      generate_s: Math.round(generatedS),
      index_s: Math.round(indexedS),
      ...results,
      db_mb: Math.round(fs.statSync(DB).size / 1e6),
      cpus: os.cpus().length,
      loadavg_1m_start: Number(LOAD_START.toFixed(2)),
      loadavg_1m_end: Number(os.loadavg()[0]!.toFixed(2)),
    };
    log(JSON.stringify(out));
  } finally {
    for (const s of sockets) s.disconnect();
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
