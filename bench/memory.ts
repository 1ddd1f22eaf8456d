/**
 * bench:memory — the built server's memory (issue 18 part 4; issue 14 item 9's export under 200 MB).
 * The server runs as in production, in its own process (`node dist/server.js`: run
 * `npx tsc -p tsconfig.build.json` first), log level warn, with a small probe preloaded
 * (bench/lib/memory-probe.cjs) that reports V8's figures and writes a heap snapshot on request.
 *
 *   npx tsx bench/memory.ts [--db FILE] [--orders 1] [--idle 10] [--snapshot] [--leads 2000] [--calls 200]
 *       [--telephony] [--exports kpis_by_agent,assessment,hot_topics] [--month 2026-11]
 *       [--node-option=--max-semi-space-size=4] [--env SUNLINE_X=1]
 *
 * Phases, each followed by a reading of /proc/PID (VmRSS, RssAnon/RssFile, VmHWM, the largest
 * mappings) and of the probe (heapUsed, heapTotal, external, arrayBuffers, new space):
 * - idle: `--idle` seconds after /health/live answers (the hot topics' and rollups' jobs run as
 *   they do after any start); `--orders N` first creates N orders over HTTP as an agent, so that the
 *   hot topics' index segments them as in any centre taking orders (jieba's dictionary, ~30-40 MB,
 *   is loaded by the first order; on a database whose index is up to date nothing else loads it); `--snapshot` then writes a heap snapshot and prints its summary
 *   (bench/lib/heap-summary.ts) — the snapshot itself grows the RSS, so measure later phases in
 *   another run;
 * - leads: N shift-lead consoles (bench/lib/leads-child.ts, another process) connected;
 * - calls: N callers from one sipp process (`--calls-rate` a second) on the sandbox Asterisk
 *   (tools/asterisk-sandbox.ts; root and a provisioned chroot) waiting in the queue — no agent is
 *   logged in (queues.conf joinempty);
 * - exports: each XLSX export of `--month`, its wall time and the server's peak RSS (VmHWM, reset
 *   through /proc/PID/clear_refs before each request), then a reading of the process after them.
 *   Issue 14 item 9's bound on a big centre: `--db COPY --orders 1 --idle 30 --exports
 *   kpis_by_agent,assessment,hot_topics` (docs/performance.md "Memory of the export on the built server").
 * mediasoup workers are processes of their own: their RSS is printed apart, not in the server's.
 * `--db` runs on that file (the server migrates it and this bench adds its users: use a copy).
 * Last line: one JSON object.
 */
import { fork, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connection.js';
import { MAX_SOCKETS_PER_USER } from '../src/realtime/connection-limits.js';
import { asteriskAvailable, sandboxEnv, startAsterisk, type AsteriskSandbox } from '../tools/asterisk-sandbox.js';
import { placeCallBatch } from '../tools/sipp.js';
import { summarizeHeapSnapshot } from './lib/heap-summary.js';
import { NUMBERS, Teardown } from './lib/run.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    idle: { type: 'string', default: '10' },
    snapshot: { type: 'boolean', default: false },
    /** Keep the heap snapshot there (it is deleted with the run's folder otherwise). */
    'snapshot-out': { type: 'string' },
    'snapshot-threshold-kb': { type: 'string', default: '512' },
    orders: { type: 'string', default: '0' },
    leads: { type: 'string', default: '0' },
    calls: { type: 'string', default: '0' },
    'calls-rate': { type: 'string', default: '10' },
    telephony: { type: 'boolean', default: false },
    exports: { type: 'string' },
    month: { type: 'string', default: '2026-11' },
    'node-option': { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(REPO, 'dist', 'server.js');
const LEADS = Number(values.leads);
const ORDERS = Number(values.orders);
const CALLS = Number(values.calls);
const TELEPHONY = values.telephony || CALLS > 0;
const say = (s: string) => process.stdout.write(`${s}\n`);
const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const load = () => Number(os.loadavg()[0]!.toFixed(2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reading {
  phase: string;
  load1m: number;
  rss_mb: number;
  rss_anon_mb: number;
  rss_file_mb: number;
  hwm_mb: number;
  heap_used_mb: number | null;
  heap_total_mb: number | null;
  external_mb: number | null;
  array_buffers_mb: number | null;
  new_space_mb: number | null;
  /** The server's child processes (mediasoup workers), apart from its own RSS. */
  children_rss_mb: number;
}

function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** The largest resident mappings by file (anonymous ones together), MB. */
function mappings(pid: number, top = 8): Array<[string, number]> {
  const by = new Map<string, number>();
  let name = '';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] || '[anonymous]';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) by.set(name, (by.get(name) ?? 0) + Number(rss[1]));
  }
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([n, kb]) => [n.replace(REPO, '.'), mb(kb)]);
}

/** The server's descendants (mediasoup workers) and their RSS, MB. */
function childrenRss(pid: number): number {
  let total = 0;
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) total += status(Number(p))['VmRSS'] ?? 0;
    } catch {
      /* gone */
    }
  }
  return mb(total);
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npx tsc -p tsconfig.build.json`);
  const t = new Teardown();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-memory-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const probeDir = path.join(dir, 'probe');
  fs.mkdirSync(probeDir);
  const dbFile = values.db ? path.resolve(values.db) : path.join(dir, 'sunline.db');
  // Interrupted (a time limit, ^C): the server, Asterisk and the callers are stopped all the same.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void t.run().finally(() => process.exit(130)));
  const readings: Reading[] = [];
  const results: Record<string, number | string> = {};
  try {
    // The accounts: one lead per dozen consoles (connection-limits.ts) with a session each, written
    // into the database before the server starts (the login route allows 10 a minute per address).
    // Their password hash is no scrypt hash: nobody can log in with a password as them.
    const tokens: string[] = [];
    let agentToken = '';
    {
      const h = openDb({ file: dbFile, synchronous: 'normal' });
      const user = h.sqlite.prepare(
        `insert into users (username, display_name, role, password_hash) values (?, ?, 'shift_lead', 'bench-no-password')
         on conflict (username) do update set role = 'shift_lead', disabled = 0 returning id`,
      );
      const session = h.sqlite.prepare('insert into sessions (token_hash, user_id, created_at, expires_at) values (?, ?, ?, ?)');
      for (let i = 0; i < Math.max(1, Math.ceil(LEADS / MAX_SOCKETS_PER_USER)); i++) {
        const { id } = user.get(`bench-mem-lead-${i}`, `Bench lead ${i}`) as { id: number };
        const token = randomBytes(32).toString('base64url');
        session.run(createHash('sha256').update(token).digest('hex'), id, Date.now(), Date.now() + 12 * 3600_000);
        tokens.push(token);
      }
      // An agent's session, for --orders.
      const { id: agentId } = h.sqlite
        .prepare(
          `insert into users (username, display_name, role, password_hash) values ('bench-mem-agent', 'Bench agent', 'agent', 'bench-no-password')
           on conflict (username) do update set role = 'agent', disabled = 0 returning id`,
        )
        .get() as { id: number };
      agentToken = randomBytes(32).toString('base64url');
      session.run(createHash('sha256').update(agentToken).digest('hex'), agentId, Date.now(), Date.now() + 12 * 3600_000);
      h.close();
    }
    let asterisk: AsteriskSandbox | null = null;
    if (TELEPHONY) {
      const ok = asteriskAvailable();
      if (!ok.ok) throw new Error(ok.reason);
      asterisk = await startAsterisk({ httpSessionLimit: 400 });
      const a = asterisk;
      t.teardown(() => a.stop());
    }
    const port = 20_000 + (process.pid % 20_000);
    const extraEnv = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      SUNLINE_DATA_DIR: dir,
      SUNLINE_DB_FILE: dbFile,
      SUNLINE_HOST: '127.0.0.1',
      SUNLINE_PORT: String(port),
      SUNLINE_LOG_LEVEL: 'warn',
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_TELEPHONY: TELEPHONY ? 'true' : 'false',
      ...(TELEPHONY ? {} : { SUNLINE_MEDIA: 'false' }),
      ...(asterisk ? sandboxEnv(asterisk) : {}),
      SUNLINE_BENCH_PROBE_DIR: probeDir,
      ...extraEnv,
    };
    const log = fs.openSync(path.join(dir, 'server.log'), 'w');
    const server = spawn(process.execPath, ['--expose-gc', ...values['node-option'], '--require', path.join(REPO, 'bench/lib/memory-probe.cjs'), SERVER], {
      cwd: REPO,
      env,
      stdio: ['ignore', log, log],
    });
    t.teardown(async () => {
      if (server.exitCode !== null) return;
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    });
    const pid = server.pid!;
    const base = `http://127.0.0.1:${port}`;
    const t0 = Date.now();
    for (;;) {
      if (server.exitCode !== null)
        throw new Error(`server exited (${server.exitCode}): ${fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000)}`);
      try {
        if ((await fetch(`${base}/health/live`)).ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() - t0 > 120_000) throw new Error('server did not answer /health/live within 120 s');
      await sleep(100);
    }
    say(
      `server ${pid} up in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${values.db ?? 'an empty database'}; telephony ${TELEPHONY}; node ${values['node-option'].join(' ') || '(defaults)'}; load ${load()}`,
    );

    const probe = async (request: string) => {
      fs.rmSync(path.join(probeDir, 'reply'), { force: true });
      fs.writeFileSync(path.join(probeDir, 'request'), request);
      process.kill(pid, 'SIGUSR2');
      const end = Date.now() + (request.includes('snapshot') ? 120_000 : 20_000);
      while (!fs.existsSync(path.join(probeDir, 'reply'))) {
        if (Date.now() > end) {
          if (request.includes('snapshot')) throw new Error('the probe did not answer');
          say('         (the server did not answer the probe within 20 s: V8 figures missing)');
          return null;
        }
        await sleep(50);
      }
      return JSON.parse(fs.readFileSync(path.join(probeDir, 'reply'), 'utf8')) as null | {
        memory: NodeJS.MemoryUsage;
        spaces: Array<{ space_name: string; space_size: number; space_used_size: number }>;
        snapshot: string | null;
      };
    };
    const read = async (phase: string) => {
      const p = await probe('stats');
      const st = status(pid);
      const r: Reading = {
        phase,
        load1m: load(),
        rss_mb: mb(st['VmRSS']!),
        rss_anon_mb: mb(st['RssAnon']!),
        rss_file_mb: mb(st['RssFile']!),
        hwm_mb: mb(st['VmHWM']!),
        heap_used_mb: p ? Math.round(p.memory.heapUsed / 2 ** 20) : null,
        heap_total_mb: p ? Math.round(p.memory.heapTotal / 2 ** 20) : null,
        external_mb: p ? Math.round(p.memory.external / 2 ** 20) : null,
        array_buffers_mb: p ? Math.round(p.memory.arrayBuffers / 2 ** 20) : null,
        new_space_mb: p ? Math.round((p.spaces.find((x) => x.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20) : null,
        children_rss_mb: childrenRss(pid),
      };
      readings.push(r);
      say(
        `${phase.padEnd(8)} RSS ${r.rss_mb} MB (anon ${r.rss_anon_mb}, file ${r.rss_file_mb}; peak ${r.hwm_mb}) · V8 heap used ${r.heap_used_mb} / total ${r.heap_total_mb} MB (new space ${r.new_space_mb}) · external ${r.external_mb} (array buffers ${r.array_buffers_mb}) · child processes ${r.children_rss_mb} MB · load ${r.load1m}`,
      );
      say(
        `         largest mappings (MB): ${mappings(pid)
          .map(([n, m]) => `${n} ${m}`)
          .join(' · ')}`,
      );
      Object.assign(results, { [`${phase}_rss_mb`]: r.rss_mb, [`${phase}_heap_used_mb`]: r.heap_used_mb, [`${phase}_children_rss_mb`]: r.children_rss_mb });
    };

    for (let i = 0; i < ORDERS; i++) {
      const res = await fetch(`${base}/api/workorders`, {
        method: 'POST',
        headers: { cookie: `sunline_session=${encodeURIComponent(agentToken)}`, 'x-sunline-request': '1', 'content-type': 'application/json' },
        body: JSON.stringify({
          channel: '12345',
          category: 'complaint',
          subject: '小区噪音',
          content: `市民来电反映小区夜间施工噪音扰民，希望相关部门处理（基准${i}）`,
        }),
      });
      if (res.status !== 201) throw new Error(`create order: ${res.status} ${await res.text()}`);
    }
    if (ORDERS > 0)
      say(`${ORDERS} order(s) created as an agent: the hot topics' index segments them at its next turn (within 10 s), which loads jieba's dictionary`);
    await sleep(Number(values.idle) * 1000);
    await read('idle');
    if (values.snapshot) {
      const p = await probe('stats gc snapshot');
      const sum = summarizeHeapSnapshot(p!.snapshot!, Number(values['snapshot-threshold-kb']) * 1024);
      if (values['snapshot-out']) fs.copyFileSync(p!.snapshot!, values['snapshot-out']);
      say(`heap snapshot ${p!.snapshot} after a full GC: ${sum.nodes} nodes, ${(sum.totalBytes / 2 ** 20).toFixed(1)} MB`);
      say(
        `  by type (MB): ${Object.entries(sum.byType)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(1)}`)
          .join(' · ')}`,
      );
      say(
        `  module source text by package (MB): ${Object.entries(sum.sourceByPackage)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15)
          .map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(2)}`)
          .join(' · ')}`,
      );
      say('  dominator tree:');
      for (const line of sum.tree) say(`    ${line}`);
    }

    if (LEADS > 0) {
      const child = fork(path.join(REPO, 'bench/lib/leads-child.ts'), [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, SUNLINE_BENCH_LEADS: JSON.stringify({ url: base, tokens, count: LEADS, sample: 10 }) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));
      const c0 = Date.now();
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`lead consoles process exited (${code})`)));
        child.on('message', (m: { type: string; message?: string }) =>
          m.type === 'ready' ? resolve() : m.type === 'error' ? reject(new Error(m.message)) : undefined,
        );
      });
      say(`${LEADS} lead consoles connected in ${((Date.now() - c0) / 1000).toFixed(1)} s`);
      await sleep(5_000);
      await read('leads');
    }

    if (CALLS > 0 && asterisk) {
      const waiting = async () => {
        const out = await asterisk.cli('queue show');
        return [...out.matchAll(/has (\d+) calls?/g)].reduce((n, m) => n + Number(m[1]), 0);
      };
      // One sipp process places all the calls (tools/sipp.ts placeCallBatch): N sipp processes of
      // one call each load a 2-core machine to 100-200 by themselves. Each caller waits up to 10 min.
      const c0 = Date.now();
      const calls = Array.from({ length: CALLS }, (_, k) => ({ number: NUMBERS[0]!, callerId: String(13_900_000_000 + k) }));
      const sipp = placeCallBatch({ sip: asterisk.sip, calls, rate: Number(values['calls-rate']), holdMs: 600_000 });
      t.teardown(() => sipp.kill());
      let n = 0;
      for (const end = Date.now() + 120_000; Date.now() < end; await sleep(1000)) if ((n = await waiting()) >= CALLS) break;
      say(`${CALLS} callers at ${values['calls-rate']}/s: ${n} waiting in the queue after ${((Date.now() - c0) / 1000).toFixed(1)} s`);
      results['calls_waiting'] = n;
      await sleep(5_000);
      await read('calls');
      n = await waiting();
      say(`         still waiting: ${n}`);
    }

    for (const name of values.exports?.split(',').filter(Boolean) ?? []) {
      const month = `date=${values.month}-01`;
      const url = {
        kpis_by_agent: `/api/reports/kpis.xlsx?period=month&${month}&by=agent`,
        kpis_by_unit: `/api/reports/kpis.xlsx?period=month&${month}&by=unit`,
        assessment: `/api/reports/assessment.xlsx?month=${values.month}`,
        hot_topics: `/api/reports/hot-topics.xlsx?period=month&${month}`,
      }[name];
      if (!url) throw new Error(`unknown export ${name}`);
      const before = mb(status(pid)['VmRSS']!);
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      const e0 = performance.now();
      const res = await fetch(`${base}${url}`, { headers: { cookie: `sunline_session=${encodeURIComponent(tokens[0]!)}` } });
      const body = Buffer.from(await res.arrayBuffer());
      const ms = performance.now() - e0;
      if (res.status !== 200 || body.subarray(0, 2).toString() !== 'PK') throw new Error(`${url}: ${res.status} ${body.toString('utf8', 0, 300)}`);
      const peak = mb(status(pid)['VmHWM']!);
      say(`export ${name.padEnd(14)} ${ms.toFixed(0)} ms, ${body.length} bytes; server RSS ${before} MB before, peak ${peak} MB; load ${load()}`);
      Object.assign(results, { [`xlsx_${name}_ms`]: Math.round(ms), [`xlsx_${name}_rss_before_mb`]: before, [`xlsx_${name}_rss_peak_mb`]: peak });
    }
    if (values.exports) await read('exports');
    say(
      JSON.stringify({
        bench: 'memory',
        db: values.db ?? null,
        telephony: TELEPHONY,
        leads: LEADS,
        calls: CALLS,
        node_options: values['node-option'],
        env: extraEnv,
        ...results,
        readings,
        cpus: os.cpus().length,
      }),
    );
  } finally {
    await t.run();
  }
}

await main();
