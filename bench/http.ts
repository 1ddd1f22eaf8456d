/**
 * bench:http — the HTTP hot path of the work-order API against a bare Fastify route of the same
 * process, same run: one order (GET /api/workorders/:id, with its history), the list, a text
 * search, the session check alone (/api/auth/me) and creates over HTTP (POST /api/workorders,
 * answered after the durable commit: SUNLINE_DB_SYNC=group, decision 0006).
 *
 *   npm run bench:http [-- --seconds 10 --connections 16 --orders 20000 --log-level info]
 *
 * The server is buildApp as in production (log level info: one access-log line per request,
 * src/http/access-log.ts, written synchronously to a file in the temp dir as pino writes to
 * stdout; realtime attached) plus a bare Fastify instance (no logger, no hooks) on another port,
 * both in this process; the load comes from autocannon in a child process (bench/lib/http-load-child.ts).
 * After a 2 s warm-up, phases run one after another; each prints requests/s, latency p50/p99
 * and the server process's CPU (% of one core). The bare route runs before and after the others: its mean is
 * the reference and `ratio` = rps / bare_rps. Last line: one JSON object.
 * Targets (issue 18): GET one order ≥ 5,000/s, list ≥ 2,000/s, create ≥ 2,000/s.
 * `--only get,list` runs those phases (and the bare ones); `--profile DIR` writes each phase's
 * CPU profile of the server process (DIR/<phase>.cpuprofile, open in Chrome DevTools).
 */
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { createLogger } from '../src/logging/logger.js';
import type { LoadResult, LoadSpec } from './lib/http-load-child.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    orders: { type: 'string', default: '20000' },
    'log-level': { type: 'string', default: 'info' },
    only: { type: 'string' },
    /** A folder: each phase's CPU profile of the server process (node:inspector) is written there. */
    profile: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ORDERS = Number(values.orders);
const ONLY = values.only?.split(',');

const SUBJECTS = ['超市售卖过期食品', '小区噪音扰民', '路灯不亮', '公积金提取咨询', '社保卡补办', '违章停车占道', '餐馆油烟污染', '道路积水'];
const PLACES = ['吴兴区爱山街道', '南浔区南浔镇', '德清县武康街道', '吴兴区织里镇'];
const pick = <T>(a: readonly T[], i: number): T => a[i % a.length]!;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-http-'));
  const logFile = path.join(dir, 'server.log');
  const env = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_MEDIA: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_DB_SYNC: 'group',
    SUNLINE_LOG_LEVEL: values['log-level'],
    // An A/B of the page cache: SUNLINE_DB_CACHE_MB=16 npm run bench:… (else the server's default).
    ...(process.env.SUNLINE_DB_CACHE_MB ? { SUNLINE_DB_CACHE_MB: process.env.SUNLINE_DB_CACHE_MB } : {}),
  });
  const log = createLogger({ level: env.logLevel }, pino.destination({ dest: logFile, sync: true }));
  const app = await buildApp(env, { logger: log });
  const bare = Fastify({ logger: false });
  const sample = {
    id: 1,
    number: 'HZ-20261205-00001',
    channel: '12345',
    status: 'accepted',
    category: 'complaint',
    subject: '路灯不亮',
    content: '吴兴区爱山街道路灯不亮，已持续一周',
    version: 2,
  };
  bare.get('/bare', async () => sample);
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'http-load-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await app.http.listen({ host: '127.0.0.1', port: 0 });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

    // Orders: a bulk of plain rows for the list and search, and some made through the service
    // (with a history) for the one-order reads.
    const t0 = Date.now();
    const now = Date.now();
    const insert = app.db.sqlite.prepare(`insert into work_orders
      (number, channel, caller_phone, category, subject, content, location, status, lead_unit_id, deadline_at, created_at, updated_at)
      values (?, '12345', ?, 'complaint', ?, ?, ?, ?, ?, ?, ?, ?)`);
    app.db.sqlite.transaction(() => {
      for (let i = 0; i < ORDERS; i++) {
        const created = now - (ORDERS - i) * 60_000;
        const dispatched = i % 3 !== 0;
        insert.run(
          `BN-${String(i).padStart(8, '0')}`,
          `139${String(10_000_000 + i).slice(0, 8)}`,
          pick(SUBJECTS, i),
          `${pick(PLACES, i)}${pick(SUBJECTS, i)}（编号${i}）`,
          pick(PLACES, i),
          dispatched ? 'dispatched' : 'accepted',
          dispatched ? 'city-urban' : null,
          dispatched ? created + 5 * 86_400_000 : null,
          created,
          created,
        );
      }
    })();
    app.db.sqlite.pragma('wal_checkpoint(RESTART)');
    await app.users.create({ username: 'bench-agent', displayName: 'bench', role: 'agent', password: 'bench-pw-1' });
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
      body: JSON.stringify({ username: 'bench-agent', password: 'bench-pw-1' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    if (!cookie.startsWith('sunline_session=')) throw new Error(`login failed: ${login.status}`);
    const headers = { cookie, 'x-sunline-request': '1' };
    const created: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${base}/api/workorders`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          channel: '12345',
          category: 'complaint',
          subject: pick(SUBJECTS, i),
          content: `${pick(PLACES, i)}：${pick(SUBJECTS, i)}`,
          callerPhone: '13800001111',
        }),
      });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      created.push(((await res.json()) as { id: number }).id);
    }
    process.stdout.write(`seeded ${ORDERS} + ${created.length} orders in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    const createBody = JSON.stringify({
      channel: '12345',
      category: 'complaint',
      subject: '路灯不亮',
      content: '吴兴区爱山街道路灯不亮，已持续一周',
      callerPhone: '13800001111',
    });
    const phases: Array<Omit<LoadSpec, 'seconds' | 'connections'> & { connections?: number }> = [
      { name: 'bare', url: bareUrl, method: 'GET', paths: ['/bare'] },
      { name: 'me', url: base, method: 'GET', paths: ['/api/auth/me'], headers },
      { name: 'get', url: base, method: 'GET', paths: created.map((id) => `/api/workorders/${id}`), headers },
      {
        name: 'list',
        url: base,
        method: 'GET',
        paths: ['/api/workorders?page=1&pageSize=20', '/api/workorders?status=dispatched&page=2&pageSize=20'],
        headers,
      },
      // Sorted by deadline with no status: a walk of work_orders_deadline_order_idx (migration 0035; before it SQLite sorted every order).
      { name: 'list-deadline', url: base, method: 'GET', paths: ['/api/workorders?page=1&pageSize=20&sort=deadlineAt'], headers },
      {
        name: 'search',
        url: base,
        method: 'GET',
        paths: ['路灯不亮', '爱山街道', '油烟污染', '公积金提取'].map((q) => `/api/workorders?q=${encodeURIComponent(q)}&pageSize=20`),
        headers,
      },
      { name: 'create', url: base, method: 'POST', paths: ['/api/workorders'], headers: { ...headers, 'content-type': 'application/json' }, body: createBody },
      // A create is answered after the group fsync (decision 0006): with N requests in flight at
      // most N creates share one fsync, so the rate is bounded by N / fsync time. More clients:
      {
        name: 'create-c64',
        url: base,
        method: 'POST',
        paths: ['/api/workorders'],
        headers: { ...headers, 'content-type': 'application/json' },
        body: createBody,
        connections: 64,
      },
      { name: 'bare2', url: bareUrl, method: 'GET', paths: ['/bare'] },
    ];
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    // Warm-up (JIT, connections), not reported: the bare route and one order.
    for (const warm of [
      { name: 'warm', url: bareUrl, method: 'GET' as const, paths: ['/bare'] },
      { name: 'warm', url: base, method: 'GET' as const, paths: created.slice(0, 20).map((id) => `/api/workorders/${id}`), headers },
    ]) {
      await new Promise<void>((resolve) => {
        child.once('message', () => resolve());
        child.send({ type: 'run', ...warm, seconds: 2, connections: CONNECTIONS });
      });
    }
    const results: Record<string, LoadResult & { cpu: number; load1: number; fsyncs: number }> = {};
    for (const phase of phases) {
      if (ONLY && !ONLY.includes(phase.name) && !phase.name.startsWith('bare')) continue;
      const f0 = app.db.durability.fsyncs;
      const b0 = app.database.batches()!;
      const inspector = values.profile ? new Session() : undefined;
      if (inspector) {
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.start');
      }
      const u0 = process.cpuUsage();
      const w0 = process.hrtime.bigint();
      const r = await new Promise<LoadResult>((resolve, reject) => {
        child.once('message', (m: { type: string; message?: string } & LoadResult) => (m.type === 'result' ? resolve(m) : reject(new Error(m.message))));
        child.send({ type: 'run', ...phase, seconds: SECONDS, connections: phase.connections ?? CONNECTIONS });
      });
      const u = process.cpuUsage(u0);
      if (inspector && values.profile) {
        const { profile } = await inspector.post('Profiler.stop');
        fs.mkdirSync(values.profile, { recursive: true });
        fs.writeFileSync(path.join(values.profile, `${phase.name}.cpuprofile`), JSON.stringify(profile));
        inspector.disconnect();
      }
      const cpu = (u.user + u.system) / 1000 / (Number(process.hrtime.bigint() - w0) / 1e6);
      const fsyncs = app.db.durability.fsyncs - f0;
      const b1 = app.database.batches()!;
      const perCommit = b1.commits > b0.commits ? (b1.committed - b0.committed) / (b1.commits - b0.commits) : 0;
      results[phase.name] = { ...r, cpu, load1: os.loadavg()[0]!, fsyncs };
      process.stdout.write(
        `${phase.name.padEnd(13)} ${r.rps.toFixed(0).padStart(6)}/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  non-2xx ${r.non2xx}  errors ${r.errors}${phase.method === 'POST' && fsyncs > 0 ? `  ${(r.requests / fsyncs).toFixed(1)} per fsync, ${perCommit.toFixed(1)} transactions per commit` : ''}  server CPU ${(cpu * 100).toFixed(0)} %  load1 ${os.loadavg()[0]!.toFixed(2)}\n`,
      );
    }
    const bareRps = ((results['bare']?.rps ?? 0) + (results['bare2']?.rps ?? 0)) / 2;
    const ratio = (name: string) => (results[name] ? Number((results[name].rps / bareRps).toFixed(4)) : null);
    const rps = (name: string) => (results[name] ? Math.round(results[name].rps) : null);
    process.stdout.write(
      `bare Fastify (mean of before and after) ${bareRps.toFixed(0)}/s; ratio get ${ratio('get')} list ${ratio('list')} list-deadline ${ratio('list-deadline')} search ${ratio('search')} create ${ratio('create')} create-c64 ${ratio('create-c64')} me ${ratio('me')}\n`,
    );
    process.stdout.write(
      `targets: get ≥ 5000/s ${(rps('get') ?? 0) >= 5000 ? 'met' : 'NOT met'}, list ≥ 2000/s ${(rps('list') ?? 0) >= 2000 ? 'met' : 'NOT met'}, create ≥ 2000/s ${Math.max(rps('create') ?? 0, rps('create-c64') ?? 0) >= 2000 ? 'met' : 'NOT met'}\n`,
    );
    const summary = {
      bench: 'http',
      get_rps: rps('get'),
      list_rps: rps('list'),
      list_deadline_rps: rps('list-deadline'),
      search_rps: rps('search'),
      create_rps: rps('create'),
      create_c64_rps: rps('create-c64'),
      me_rps: rps('me'),
      bare_rps: Math.round(bareRps),
      bare_before_rps: rps('bare'),
      bare_after_rps: rps('bare2'),
      ratio_get: ratio('get'),
      ratio_list: ratio('list'),
      ratio_search: ratio('search'),
      ratio_create: ratio('create'),
      ratio_create_c64: ratio('create-c64'),
      ratio_me: ratio('me'),
      p99_ms: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.p99Ms])),
      server_cpu: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, Number(r.cpu.toFixed(2))])),
      creates_per_fsync: results['create'] && results['create'].fsyncs > 0 ? Number((results['create'].requests / results['create'].fsyncs).toFixed(1)) : null,
      non2xx: Object.values(results).reduce((n, r) => n + r.non2xx, 0),
      fsyncs: app.db.durability.fsyncs,
      seconds: SECONDS,
      connections: CONNECTIONS,
      orders: ORDERS,
      log_level: env.logLevel,
      log_bytes: fs.statSync(logFile).size,
      cpus: os.cpus().length,
      load1_max: Math.max(...Object.values(results).map((r) => r.load1)),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    child.send({ type: 'stop' });
    await bare.close();
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
