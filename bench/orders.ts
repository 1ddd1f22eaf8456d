/**
 * bench:orders — one million work orders in SQLite: bulk generation, then create throughput
 * through WorkOrdersService (one transaction per order, as in production), then list/filter and
 * full-text search latency through the same query code the REST API uses. Creates are timed in
 * the default SUNLINE_DB_SYNC=group (concurrent requests, each create then await durable()) and,
 * as extra fields, with full and normal; with how busy the group fsyncs keep the disk and how
 * much WAL a create writes (create_fsync_*, create_wal_*).
 *
 *   npm run bench:orders [-- --orders 1000000 --creates 20000 --queries 300]
 * A unit handler's lists and searches (unit_list_*, unit_search_*) go through their scope;
 * status_change_wal_frames: WAL pages a status change of a dispatched order writes.
 * The order desk (desk_*, issue 10) as a city dispatcher: every queue's count with its deadline
 * colours, each queue's first page, filtered searches, and the likely repeats of an order.
 * Targets (benchmark only): queue counts and first pages p95 ≤ 20 ms, filtered full-text
 * search p95 ≤ 50 ms, repeats p95 ≤ 50 ms.
 * Orders created accepted (create_accepted_*): the HTTP create's and the online intake's path
 * (intake.ts createAccepted, through IntakeService.submit) with the waiting clocks of config/,
 * `--accepted N` of them in `group` mode as above, with CPU and WAL per order.
 * Last line: one JSON object. Targets (benchmark only): create ≥ 2000/s, search p95 ≤ 50 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connection.js';
import { fdatasyncFile } from '../src/db/durability.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../src/workorders/index.js';
import { IntakeService } from '../src/workorders/intake.js';
import { orderClocksFrom } from '../src/workorders/order-clocks.js';
import { sqliteOrderReadsOn } from '../src/workorders/order-reads-store-sqlite.js';
import { listOrders, type OrderFilter } from '../src/workorders/queries.js';
import { scopeFor } from '../src/workorders/scope.js';
import { formatProblem, loadConfigDir } from '../src/config/files/index.js';
import { buildWorkCalendar } from '../src/workorders/deadlines/index.js';
import { DESK_QUEUES, DeskService, type DeskSearch, type DeskUser } from '../src/workorders/desk/index.js';
import { unitScope as subtreeOf } from '../src/workorders/dispatch/index.js';
import type { OrderStatus } from '../src/workorders/lifecycle/index.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    creates: { type: 'string', default: '20000' },
    accepted: { type: 'string', default: '6000' },
    queries: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    // Reuse a database: generated there on the first run (and kept), reused as is afterwards.
    db: { type: 'string' },
    // 'desk': only the desk's figures (no creates, lists or unit figures), on --db's orders.
    only: { type: 'string' },
  },
});
const ORDERS = Number(values.orders);
const CREATES = Number(values.creates);
const ACCEPTED = Number(values.accepted);
const QUERIES = Number(values.queries);
const LOAD_START = os.loadavg()[0]!;

const SUBJECTS = [
  '超市售卖过期食品',
  '小区噪音扰民',
  '路灯不亮',
  '公积金提取咨询',
  '社保卡补办',
  '公交线路调整建议',
  '物业收费纠纷',
  '违章停车占道',
  '餐馆油烟污染',
  '医保报销咨询',
  '拖欠工资',
  '网购退款纠纷',
  '道路积水',
  '商标侵权举报',
  '出租车拒载投诉',
];
const PLACES = ['吴兴区爱山街道', '南浔区南浔镇', '德清县武康街道', '德清县莫干山镇', '吴兴区织里镇', '南浔区练市镇'];
const DETAILS = ['市民反映情况属实，请尽快处理', '多次反映未解决', '希望有关部门核实', '已持续一周', '涉及多户居民', '请求回电告知结果'];
const STATUSES: OrderStatus[] = ['closed', 'closed', 'closed', 'evaluated', 'in_progress', 'signed', 'dispatched', 'replied', 'answered_on_spot', 'accepted'];
const CATEGORIES = ['consultation', 'request_for_help', 'complaint', 'report', 'suggestion', 'praise'] as const;
const UNITS = ['city-amr', 'city-hrss', 'city-transport', 'city-housing', 'city-urban', 'deqing-amr', 'wuxing-aishan'];
const CHANNELS = ['12345', '12333', '12328', '12315', '12330', '12356', '12329', 'web', 'wechat'];

const pick = <T>(a: readonly T[], i: number): T => a[i % a.length]!;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function main(): Promise<void> {
  const dir = values.db ? path.dirname(path.resolve(values.db)) : fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-orders-'));
  const dbFile = values.db ? path.resolve(values.db) : path.join(dir, 'bench.db');
  if (values.only !== undefined && (values.only !== 'desk' || !values.db)) throw new Error('--only desk needs --db');
  // The group fsyncs are the server's own (fdatasyncFile), timed: how busy the disk keeps them.
  const fsyncMs: number[] = [];
  const fsync = async (file: string) => {
    const f0 = process.hrtime.bigint();
    await fdatasyncFile(file, dbFile);
    fsyncMs.push(Number(process.hrtime.bigint() - f0) / 1e6);
  };
  const h = openDb({ file: dbFile, synchronous: 'group', fsync });
  const t0 = Date.now();
  const now = Date.now();
  const insert = h.sqlite.prepare(`insert into work_orders
    (number, channel, caller_phone, caller_name, category, subject, content, location, status, lead_unit_id, deadline_at, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const batch = h.sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const created = now - (ORDERS - i) * 30_000; // one order every 30 s, back in time
      const status = pick(STATUSES, i * 7);
      const dispatched = !['answered_on_spot', 'accepted'].includes(status);
      insert.run(
        `BN-${String(i).padStart(8, '0')}`,
        pick(CHANNELS, i),
        `139${String(10_000_000 + (i % 89_999_999)).slice(0, 8)}`,
        null,
        pick(CATEGORIES, i * 5),
        pick(SUBJECTS, i),
        `${pick(PLACES, i * 5)}${pick(SUBJECTS, i)}，${pick(DETAILS, i * 11)}（编号${i}）`,
        pick(PLACES, i * 5),
        status,
        dispatched ? pick(UNITS, i * 13) : null,
        dispatched ? created + 5 * 86_400_000 : null,
        created,
        created,
      );
    }
  });
  const had = h.sqlite.prepare('select count(*) from work_orders').pluck().get() as number;
  if (had === 0) for (let i = 0; i < ORDERS; i += 10_000) batch(i, Math.min(ORDERS, i + 10_000));
  else process.stdout.write(`reusing ${dbFile}: ${had} orders (--orders ignored)\n`);
  if (values.only === 'desk') {
    const desk = await deskFigures(h, now);
    h.close();
    process.stdout.write(
      `${JSON.stringify({ orders: had, ...desk, cpus: os.cpus().length, loadavg_1m_start: Number(LOAD_START.toFixed(2)), loadavg_1m_end: Number(os.loadavg()[0]!.toFixed(2)) })}\n`,
    );
    return;
  }
  const generateS = (Date.now() - t0) / 1000;
  process.stdout.write(`generated ${ORDERS} orders in ${generateS.toFixed(1)} s\n`);

  const service = new WorkOrdersService(sqliteOrdersStoreOn(h.db));
  // The bulk load leaves hundreds of MB for the OS to write back: flush it into the database
  // file first so the creates below do not pay for the generation.
  h.sqlite.pragma('wal_checkpoint(RESTART)');
  // Wall-clock rate and CPU per order (the machine is shared: CPU time shows the code's own
  // cost). The default, SUNLINE_DB_SYNC=group, commits with NORMAL and answers a request after
  // one shared fdatasync of the WAL issued after its commit: measured as the server does it,
  // with CONCURRENCY requests in flight, each creating its order then awaiting durable().
  // 'full' fsyncs every commit; 'normal' never fsyncs (may lose the last commits on power
  // loss); both are sequential, as the event loop runs them. The three modes rotate in blocks
  // of 500 so that all see the same load on the machine.
  const CONCURRENCY = 16;
  const MODES = ['group', 'full', 'normal'] as const;
  type Mode = (typeof MODES)[number];
  const tally = Object.fromEntries(MODES.map((m) => [m, { n: 0, ns: 0, cpuUs: 0, fsyncs: 0 }])) as Record<
    Mode,
    { n: number; ns: number; cpuUs: number; fsyncs: number }
  >;
  fsyncMs.length = 0;
  const answerMs: number[] = [];
  const create = (i: number) => service.createDraft({ channel: pick(CHANNELS, i), callerPhone: `1380000${String(i % 10_000).padStart(4, '0')}` });
  for (let done = 0, block = 0; done < CREATES; block++) {
    const mode = MODES[block % MODES.length]!;
    const n = Math.min(500, CREATES - done);
    h.sqlite.pragma(`synchronous = ${mode === 'full' ? 'FULL' : 'NORMAL'}`);
    const f0 = h.durability.fsyncs;
    const c0 = process.hrtime.bigint();
    const u0 = process.cpuUsage();
    if (mode === 'group') {
      let next = done;
      const request = async () => {
        while (next < done + n) {
          const r0 = process.hrtime.bigint();
          await create(next++);
          await h.durability.durable();
          answerMs.push(Number(process.hrtime.bigint() - r0) / 1e6);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, request));
    } else {
      for (let i = done; i < done + n; i++) await create(i);
    }
    const u = process.cpuUsage(u0);
    tally[mode].ns += Number(process.hrtime.bigint() - c0);
    tally[mode].cpuUs += u.user + u.system;
    tally[mode].fsyncs += h.durability.fsyncs - f0;
    tally[mode].n += n;
    done += n;
  }
  h.sqlite.pragma('synchronous = NORMAL');
  const rate = (m: Mode) => ({ perS: tally[m].n / (tally[m].ns / 1e9), cpuUs: tally[m].cpuUs / tally[m].n });
  const group = rate('group');
  const full = rate('full');
  const normal = rate('normal');
  const perFsync = tally.group.n / Math.max(1, tally.group.fsyncs);
  // Share of the group blocks' wall time during which a group fsync was running (1 = the disk
  // never rested: the rate is bound by how fast it flushes the WAL, not by the CPU).
  const fsyncBusy = fsyncMs.reduce((a, b) => a + b, 0) / (tally.group.ns / 1e6);
  // WAL written per create: every page a create dirties is one frame (page + 24-byte header),
  // written by the commit and flushed by the fsync. Counted over WAL_SAMPLE creates with no
  // checkpoint in between.
  const WAL_SAMPLE = 200;
  h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const autoCheckpoint = h.sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
  h.sqlite.pragma('wal_autocheckpoint = 0');
  for (let i = 0; i < WAL_SAMPLE; i++) await create(i);
  const walBytes = fs.statSync(`${dbFile}-wal`).size - 32; // minus the WAL header
  const walFrames = walBytes / ((h.sqlite.pragma('page_size', { simple: true }) as number) + 24);
  h.sqlite.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  const walKbPerCreate = walBytes / 1024 / WAL_SAMPLE;
  process.stdout.write(
    `created orders through WorkOrdersService, one transaction each: ${group.perS.toFixed(0)}/s (group, the default: ${CONCURRENCY} requests in flight, ` +
      `${perFsync.toFixed(1)} creates per fdatasync of p50 ${pct(fsyncMs, 50).toFixed(2)} ms, fsync busy ${(fsyncBusy * 100).toFixed(0)} %, answered p50 ${pct(answerMs, 50).toFixed(2)} ms p99 ${pct(answerMs, 99).toFixed(2)} ms; ${group.cpuUs.toFixed(0)} µs CPU each), ` +
      `${full.perS.toFixed(0)}/s (full; ${full.cpuUs.toFixed(0)} µs), ${normal.perS.toFixed(0)}/s (normal; ${normal.cpuUs.toFixed(0)} µs); ` +
      `${(walFrames / WAL_SAMPLE).toFixed(1)} WAL frames (${walKbPerCreate.toFixed(0)} KiB) per create\n`,
  );

  const accepted = await acceptedFigures(h, dbFile, fsyncMs);
  process.stdout.write(
    `created accepted (createAccepted, waiting clocks on): ${accepted.create_accepted_per_s}/s (group, ${CONCURRENCY} in flight, ${accepted.create_accepted_per_fsync} per fdatasync of p50 ${accepted.create_accepted_fsync_p50_ms} ms; ` +
      `${accepted.create_accepted_cpu_us} µs CPU each); ${accepted.create_accepted_wal_frames} WAL frames (${accepted.create_accepted_wal_kib} KiB) per create\n`,
  );

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
  const listMs: number[] = [];
  const byFilter = new Map<string, number[]>();
  for (let i = 0; i < QUERIES; i++) {
    const f = { ...pick(filters, i), page: 1 + (i % 5), pageSize: 20 };
    const q0 = process.hrtime.bigint();
    listOrders(h.db, scope, f, now);
    const ms = Number(process.hrtime.bigint() - q0) / 1e6;
    listMs.push(ms);
    const key = JSON.stringify(pick(filters, i));
    byFilter.set(key, [...(byFilter.get(key) ?? []), ms]);
  }
  for (const [key, ms] of byFilter) process.stdout.write(`  list ${key}: p50 ${pct(ms, 50).toFixed(1)} ms, max ${pct(ms, 100).toFixed(1)} ms\n`);
  const searchMs: number[] = [];
  // Half common phrases (each matches 1/15 of all orders), half specific ones (an order's own
  // text, as when an agent looks up a citizen's earlier demand).
  const terms = ['过期食品', '噪音扰民', '公积金提取', '莫干山镇', '拖欠工资', '出租车拒载', '路灯不亮', '织里镇'];
  for (let i = 0; i < QUERIES; i++) {
    const q = i % 2 === 0 ? pick(terms, i) : `编号${(i * 7919) % ORDERS}）`;
    const q0 = process.hrtime.bigint();
    listOrders(h.db, scope, { q, page: 1, pageSize: 20 }, now);
    searchMs.push(Number(process.hrtime.bigint() - q0) / 1e6);
  }
  // A unit handler's lists and searches (scope: the orders their unit leads or co-handles).
  // One order in four also gets a co-handling unit, so that both halves of the scope count.
  h.sqlite
    .prepare(`update work_orders set co_unit_ids = json_array(?) where lead_unit_id is not null and lead_unit_id != ? and id % 4 = 0`)
    .run('city-urban', 'city-urban');
  const unitScope = (i: number) => scopeFor({ role: 'unit_handler', unitId: pick(UNITS, i) });
  const unitFilters: OrderFilter[] = [{}, { status: ['dispatched', 'signed', 'in_progress'] }, { sort: 'deadlineAt' }, { overdue: true, sort: 'deadlineAt' }];
  const unitListMs: number[] = [];
  const byUnitFilter = new Map<string, number[]>();
  for (let i = 0; i < QUERIES; i++) {
    const q0 = process.hrtime.bigint();
    listOrders(h.db, unitScope(i), { ...pick(unitFilters, i * 3), page: 1 + (i % 5), pageSize: 20 }, now);
    const ms = Number(process.hrtime.bigint() - q0) / 1e6;
    unitListMs.push(ms);
    const key = JSON.stringify(pick(unitFilters, i * 3));
    byUnitFilter.set(key, [...(byUnitFilter.get(key) ?? []), ms]);
  }
  for (const [key, ms] of byUnitFilter) process.stdout.write(`  unit list ${key}: p50 ${pct(ms, 50).toFixed(1)} ms, max ${pct(ms, 100).toFixed(1)} ms\n`);
  const unitSearchMs: number[] = [];
  const unitSearchPhraseMs: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const q = i % 2 === 0 ? pick(terms, i) : `编号${(i * 7919) % ORDERS}）`;
    const q0 = process.hrtime.bigint();
    listOrders(h.db, unitScope(i * 5), { q, page: 1, pageSize: 20 }, now);
    unitSearchMs.push(Number(process.hrtime.bigint() - q0) / 1e6);
    if (i % 2 === 0) unitSearchPhraseMs.push(unitSearchMs.at(-1)!);
  }
  process.stdout.write(`  unit search common phrases: p50 ${pct(unitSearchPhraseMs, 50).toFixed(1)} ms, max ${pct(unitSearchPhraseMs, 100).toFixed(1)} ms\n`);
  const desk = await deskFigures(h, now);
  // WAL per status change of a dispatched order: work_orders' status indexes and the unit rows'
  // copies of the list keys (work_order_units, migrations/0011), as a sign or a reply writes them.
  h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  h.sqlite.pragma('wal_autocheckpoint = 0');
  const toSign = h.sqlite.prepare(`select id from work_orders where status = 'dispatched' and id % 997 = 3 limit ${WAL_SAMPLE}`).pluck().all() as number[];
  const sign = h.sqlite.prepare(`update work_orders set status = 'signed', updated_at = updated_at + 1, version = version + 1 where id = ?`);
  for (const id of toSign) sign.run(id);
  const statusWalFrames =
    (fs.statSync(`${dbFile}-wal`).size - 32) / ((h.sqlite.pragma('page_size', { simple: true }) as number) + 24) / Math.max(1, toSign.length);
  h.sqlite.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  const dbBytes = fs.statSync(path.join(dir, 'bench.db')).size;
  h.close();
  if (values.keep || values.db) process.stdout.write(`kept ${dbFile}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });

  const result = {
    orders: ORDERS + CREATES + WAL_SAMPLE + ACCEPTED + WAL_SAMPLE,
    generate_s: Number(generateS.toFixed(1)),
    create_per_s: Math.round(group.perS),
    create_per_s_sync_full: Math.round(full.perS),
    create_per_s_sync_normal: Math.round(normal.perS),
    create_concurrency: CONCURRENCY,
    creates_per_fsync: Number(perFsync.toFixed(1)),
    create_fsync_p50_ms: Number(pct(fsyncMs, 50).toFixed(2)),
    create_fsync_busy: Number(fsyncBusy.toFixed(2)),
    create_wal_frames: Number((walFrames / WAL_SAMPLE).toFixed(1)),
    create_wal_kib: Number(walKbPerCreate.toFixed(1)),
    create_answer_p50_ms: Number(pct(answerMs, 50).toFixed(2)),
    create_answer_p99_ms: Number(pct(answerMs, 99).toFixed(2)),
    create_cpu_us: Math.round(group.cpuUs),
    create_cpu_us_sync_full: Math.round(full.cpuUs),
    create_cpu_us_sync_normal: Math.round(normal.cpuUs),
    ...accepted,
    list_p50_ms: Number(pct(listMs, 50).toFixed(2)),
    list_p95_ms: Number(pct(listMs, 95).toFixed(2)),
    search_p50_ms: Number(pct(searchMs, 50).toFixed(2)),
    search_p95_ms: Number(pct(searchMs, 95).toFixed(2)),
    unit_list_p50_ms: Number(pct(unitListMs, 50).toFixed(2)),
    unit_list_p95_ms: Number(pct(unitListMs, 95).toFixed(2)),
    unit_search_p50_ms: Number(pct(unitSearchMs, 50).toFixed(2)),
    unit_search_p95_ms: Number(pct(unitSearchMs, 95).toFixed(2)),
    status_change_wal_frames: Number(statusWalFrames.toFixed(1)),
    ...desk,
    db_mb: Math.round(dbBytes / 1e6),
    queries: QUERIES,
    cpus: os.cpus().length,
    loadavg_1m_start: Number(LOAD_START.toFixed(2)),
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    loadavg_1m_end: Number(os.loadavg()[0]!.toFixed(2)),
  };
  process.stdout.write(`list p95 ${result.list_p95_ms} ms, search p95 ${result.search_p95_ms} ms (${QUERIES} each, page size 20, total counted)\n`);
  process.stdout.write(`unit-scoped: list p95 ${result.unit_list_p95_ms} ms, search p95 ${result.unit_search_p95_ms} ms\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * ACCEPTED orders created accepted as the online intake and POST /api/workorders create them
 * (IntakeService.submit → createAccepted: the service's one transaction, with the waiting clock
 * the acceptance starts, sla.yaml and calendar.yaml of config/), 16 requests in flight each
 * awaiting durable() as the server answers; then the WAL of 200 more with no checkpoint.
 */
async function acceptedFigures(h: ReturnType<typeof openDb>, dbFile: string, fsyncMs: number[]): Promise<Record<string, number>> {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const built = buildWorkCalendar(loaded.config.calendar);
  if (!built.ok) throw new Error('calendar.yaml does not build');
  const { sla } = loaded.config;
  h.sqlite
    .prepare(`insert or ignore into users (username, display_name, role, password_hash, disabled) values ('bench-system', 'Sunline', 'admin', '!', 1)`)
    .run();
  const systemId = h.sqlite.prepare(`select id from users where username = 'bench-system'`).pluck().get() as number;
  const clocks = orderClocksFrom(
    () => ({ calendar: built.calendar, sla }),
    () => ({ id: systemId }),
  );
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), Date.now, { clocks });
  const intake = new IntakeService({ orderReads: sqliteOrderReadsOn(h.db), orders, systemActor: () => ({ id: systemId, role: 'admin', unitId: null }) });
  const submit = (i: number) =>
    intake.submit(pick(['web', 'mailbox', 'wechat'] as const, i), {
      name: i % 3 === 0 ? '张先生' : null,
      phone: `1370000${String(i % 10_000).padStart(4, '0')}`,
      category: pick(CATEGORIES, i),
      subject: pick(SUBJECTS, i),
      content: `${pick(PLACES, i)}${pick(SUBJECTS, i)}，${pick(DETAILS, i)}`,
      location: pick(PLACES, i),
    });
  const CONCURRENCY = 16;
  h.sqlite.pragma('synchronous = NORMAL');
  // The drafts' fsync times stay the drafts' (create_fsync_*): these are timed apart.
  const draftsFsyncMs = fsyncMs.splice(0);
  const f0 = h.durability.fsyncs;
  const c0 = process.hrtime.bigint();
  const u0 = process.cpuUsage();
  let next = 0;
  const request = async () => {
    while (next < ACCEPTED) {
      await submit(next++);
      await h.durability.durable();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, request));
  const u = process.cpuUsage(u0);
  const ns = Number(process.hrtime.bigint() - c0);
  const fsyncs = h.durability.fsyncs - f0;
  const fsyncP50 = pct(fsyncMs, 50);
  fsyncMs.splice(0, fsyncMs.length, ...draftsFsyncMs);
  const WAL_SAMPLE = 200;
  h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const autoCheckpoint = h.sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
  h.sqlite.pragma('wal_autocheckpoint = 0');
  for (let i = 0; i < WAL_SAMPLE; i++) await submit(i);
  const walBytes = fs.statSync(`${dbFile}-wal`).size - 32;
  const walFrames = walBytes / ((h.sqlite.pragma('page_size', { simple: true }) as number) + 24);
  h.sqlite.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  return {
    create_accepted_per_s: Math.round(ACCEPTED / (ns / 1e9)),
    create_accepted_per_fsync: Number((ACCEPTED / Math.max(1, fsyncs)).toFixed(1)),
    create_accepted_fsync_p50_ms: Number(fsyncP50.toFixed(2)),
    create_accepted_cpu_us: Math.round((u.user + u.system) / ACCEPTED),
    create_accepted_wal_frames: Number((walFrames / WAL_SAMPLE).toFixed(1)),
    create_accepted_wal_kib: Number((walBytes / 1024 / WAL_SAMPLE).toFixed(1)),
  };
}

/**
 * The order desk as a city dispatcher, through DeskService (the code behind /api/desk/*): queue
 * counts, each queue's first page, filtered searches and likely repeats. One in-progress order in
 * 500 gets an extension request waiting, so that 延期申请 is not empty.
 */
async function deskFigures(h: ReturnType<typeof openDb>, now: number): Promise<Record<string, number>> {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const built = buildWorkCalendar(loaded.config.calendar);
  if (!built.ok) throw new Error('calendar.yaml does not build');
  const { org, sla } = loaded.config;
  h.sqlite
    .prepare(
      `update work_orders set pending_extension = json_object('days', 3, 'reason', '需现场核查', 'requestedAt', ?, 'requestedBy', 1) where status = 'in_progress' and id % 500 = 0`,
    )
    .run(now);
  const desk = new DeskService({
    db: h.db,
    org: () => org,
    clocks: () => ({ calendar: built.calendar, sla }),
    unitsInSubtree: (u) => subtreeOf(org, u),
    now: () => now,
  });
  const user: DeskUser = { id: 1, role: 'dispatcher', unitId: null };
  // Wall time, and the process's CPU time of the same call: on a shared machine (load above the
  // cores) the wall tail is mostly waiting for a core; the CPU time is the code's own cost.
  const cpuMs = new Map<number[], number[]>();
  const time = (fn: () => unknown, into?: number[]) => {
    const c0 = process.cpuUsage();
    const q0 = process.hrtime.bigint();
    fn();
    const wall = Number(process.hrtime.bigint() - q0) / 1e6;
    if (into) {
      const c = process.cpuUsage(c0);
      cpuMs.set(into, [...(cpuMs.get(into) ?? []), (c.user + c.system) / 1000]);
    }
    return wall;
  };
  // The same for a promise (the desk's search reads through the async port, decision 0017).
  const timeAsync = async (fn: () => Promise<unknown>, into?: number[]) => {
    const c0 = process.cpuUsage();
    const q0 = process.hrtime.bigint();
    await fn();
    const wall = Number(process.hrtime.bigint() - q0) / 1e6;
    if (into) {
      const c = process.cpuUsage(c0);
      cpuMs.set(into, [...(cpuMs.get(into) ?? []), (c.user + c.system) / 1000]);
    }
    return wall;
  };
  const countsMs: number[] = [];
  const pageMs: number[] = [];
  const byQueue = new Map<string, number[]>();
  for (let i = 0; i < QUERIES; i++) {
    countsMs.push(await timeAsync(() => desk.counts(user), countsMs));
    const queue = pick(DESK_QUEUES, i);
    const ms = await timeAsync(() => desk.queue(user, queue, undefined, 20), pageMs);
    pageMs.push(ms);
    byQueue.set(queue, [...(byQueue.get(queue) ?? []), ms]);
  }
  for (const [queue, ms] of byQueue)
    process.stdout.write(`  desk queue ${queue} first page: p50 ${pct(ms, 50).toFixed(1)} ms, max ${pct(ms, 100).toFixed(1)} ms\n`);
  const searches: DeskSearch[] = [
    { q: '噪音扰民', category: 'complaint' },
    { q: '莫干山镇', status: ['in_progress', 'signed'] },
    { q: '公积金提取', leadUnitId: 'city-hpf', sort: 'deadlineAt' },
    { q: '拖欠工资', createdFrom: now - 30 * 86_400_000 },
    { q: '出租车拒载', channel: '12328', overdue: true },
    { phone: '13910000123' },
    { status: ['replied'], category: 'complaint' },
  ];
  const searchMs: number[] = [];
  const byKind = new Map<string, number[]>();
  for (let i = 0; i < QUERIES; i++) {
    const search = pick(searches, i);
    const ms = await timeAsync(() => desk.search(user, { ...search, pageSize: 20 }), searchMs);
    searchMs.push(ms);
    byKind.set(JSON.stringify(search), [...(byKind.get(JSON.stringify(search)) ?? []), ms]);
  }
  for (const [kind, ms] of byKind) process.stdout.write(`  desk search ${kind}: p50 ${pct(ms, 50).toFixed(1)} ms, max ${pct(ms, 100).toFixed(1)} ms\n`);
  const maxId = h.sqlite.prepare('select max(id) from work_orders').pluck().get() as number;
  const similarMs: number[] = [];
  for (let i = 0; i < QUERIES; i++) similarMs.push(await timeAsync(() => desk.similar(user, 1 + ((i * 7919) % maxId)), similarMs));
  const counts = (await desk.counts(user)).items.map((c) => `${c.queue} ${c.total}`).join(', ');
  process.stdout.write(
    `desk: counts p95 ${pct(countsMs, 95).toFixed(1)} ms (${counts}), first page p95 ${pct(pageMs, 95).toFixed(1)} ms, ` +
      `filtered search p95 ${pct(searchMs, 95).toFixed(1)} ms, repeats p95 ${pct(similarMs, 95).toFixed(1)} ms; ` +
      `CPU p95 ${[countsMs, pageMs, searchMs, similarMs].map((xs) => pct(cpuMs.get(xs) ?? [], 95).toFixed(1)).join(' / ')} ms\n`,
  );
  const figures = (name: string, xs: number[]) => ({
    [`${name}_p50_ms`]: Number(pct(xs, 50).toFixed(2)),
    [`${name}_p95_ms`]: Number(pct(xs, 95).toFixed(2)),
    [`${name}_cpu_p95_ms`]: Number(pct(cpuMs.get(xs) ?? [], 95).toFixed(2)),
  });
  return {
    ...figures('desk_counts', countsMs),
    ...figures('desk_first_page', pageMs),
    ...figures('desk_search', searchMs),
    ...figures('desk_similar', similarMs),
  };
}

await main();
