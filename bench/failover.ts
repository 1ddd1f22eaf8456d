/**
 * Call-control failover time (issue 16 item 5): kill -9 of the leader → the standby holds the
 * lease, has connected ARI and AMI and has taken Asterisk's calls over.
 *
 *   npm run bench:failover -- [--kills 10] [--answered 2] [--queued 10] [--database postgres|sqlite]
 *
 * A private Asterisk sandbox, a redis-server, two Sunline nodes (src/server.ts processes through
 * tsx, SUNLINE_REDIS_URL, no browser audio) on one database and the balancer's calls address in
 * front of them (tools/calls-address.ts). The database: `postgres` (the default, as in production)
 * is a private PostgreSQL (tools/postgres.ts) that both nodes reach by SUNLINE_DATABASE_URL;
 * `sqlite` is one SQLite file (WAL, nodes on one machine) in the data folder the nodes share.
 * `--answered` sipp callers are answered by agents and `--queued` more wait in the queue; they
 * stay on the line through every kill. Each round kills the leader with SIGKILL, times the
 * takeover on the other node and checks that every call is still in its state (its row in the
 * nodes' database), then starts the killed node again on its port as the standby of the next
 * round. Timed from the kill (this process's clock) to:
 *   - lease: the standby's log line 'call-control lease acquired';
 *   - takeover: its line 'call control taken over' (the leader app built, ARI and AMI connected,
 *     Asterisk's calls reconciled and the agents resynced: the telephony 'up' event);
 *   - lead view: a shift lead's console, reconnected through the calls address, shows the queued
 *     callers waiting and the agents on their calls (a `sync` polled every 100 ms).
 *
 * Prints one line per kill, a summary, then as the last line one JSON object.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import type { AgentView, QueueSnapshot, ScreenPop } from '../src/contract/index.js';
import { createLogger } from '../src/logging/logger.js';
import { asteriskAvailable, sandboxEnv, startAsterisk } from '../tools/asterisk-sandbox.js';
import { startCallsAddress } from '../tools/calls-address.js';
import { startPostgres } from '../tools/postgres.js';
import { consoleAt, type ConsoleClient } from '../tools/console-client.js';
import { startRedis } from '../tools/redis.js';
import { placeCall } from '../tools/sipp.js';
import { percentile, Teardown } from './lib/run.js';

const { values: a } = parseArgs({
  options: {
    kills: { type: 'string', default: '10' },
    answered: { type: 'string', default: '2' },
    queued: { type: 'string', default: '10' },
    database: { type: 'string', default: 'postgres' },
  },
});
if (a.database !== 'postgres' && a.database !== 'sqlite') throw new Error(`--database is postgres or sqlite, not ${a.database}`);
const DATABASE: 'postgres' | 'sqlite' = a.database;
const KILLS = Math.max(1, Math.min(50, Number(a.kills) || 10));
const ANSWERED = Math.max(0, Math.min(10, Number(a.answered)));
const QUEUED = Math.max(0, Math.min(30, Number(a.queued)));

type Console = ConsoleClient;

const say = (s: string) => process.stderr.write(`${s}\n`);
const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Node {
  port: number;
  child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  exited: Promise<void>;
}

const { NODE_V8_COVERAGE: _coverage, ...parentEnv } = process.env;

/** One node: src/server.ts through tsx on `port`, JSON logs kept; resolves once it listens. */
async function startNode(teardown: Teardown, env: Record<string, string>, port: number): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...parentEnv, ...env, SUNLINE_HOST: '127.0.0.1', SUNLINE_PORT: String(port), SUNLINE_LOG_LEVEL: 'info', SUNLINE_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  teardown.teardown(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await until(
    `node on port ${port} listening`,
    () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`node exited before listening:\n${out}`);
      return out.includes('sunline listening') || undefined;
    },
    120_000,
  );
  return { port, child, output: () => out, exited };
}

/** The epoch ms of the first log line whose msg starts with `msg`, or undefined. */
function loggedAt(out: string, msg: string): number | undefined {
  for (const line of out.split('\n')) {
    if (!line.includes(msg)) continue;
    try {
      const rec = JSON.parse(line) as { time?: string; msg?: string };
      if (rec.msg?.startsWith(msg) && rec.time) return Date.parse(rec.time);
    } catch {
      /* not a log line */
    }
  }
  return undefined;
}

const callControl = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/call-control`)).status;
  } catch {
    return 0;
  }
};

function command<T>(socket: Console, event: string, payload?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const send = socket.emit as unknown as (ev: string, ...args: unknown[]) => void;
    const ack = (r: { ok: boolean; data?: unknown; error?: { code: string } }) =>
      r.ok ? resolve(r.data as T) : reject(Object.assign(new Error(r.error?.code ?? 'failed'), { code: r.error?.code }));
    if (payload === undefined) send.call(socket, event, ack);
    else send.call(socket, event, payload, ack);
  });
}

function nextEvent<T>(socket: Console, event: string, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const on = socket.on as unknown as (ev: string, fn: (x: unknown) => void) => void;
    const off = socket.off as unknown as (ev: string, fn: (x: unknown) => void) => void;
    const timer = setTimeout(() => (off.call(socket, event, handler), resolve(undefined)), ms);
    const handler = (x: unknown) => {
      clearTimeout(timer);
      off.call(socket, event, handler);
      resolve(x as T);
    };
    on.call(socket, event, handler);
  });
}

/** The call rows the bench checks, read from the nodes' database. */
interface CallRows {
  stateOf(callId: string): Promise<string | undefined>;
  /** The latest call of a caller. */
  latestOf(callerPhone: string): Promise<{ id: string; state: string } | undefined>;
}

const LATEST = 'select id, state from calls where caller_phone = ? order by entered_at desc limit 1';

function sqliteRows(teardown: Teardown, file: string): CallRows {
  const db = new Database(file, { readonly: true });
  teardown.teardown(() => db.close());
  return {
    stateOf: async (id) => (db.prepare('select state from calls where id = ?').get(id) as { state: string } | undefined)?.state,
    latestOf: async (phone) => db.prepare(LATEST).get(phone) as { id: string; state: string } | undefined,
  };
}

function postgresRows(teardown: Teardown, url: string): CallRows {
  const db = new pg.Pool({ connectionString: url, max: 2 });
  db.on('error', () => undefined);
  teardown.teardown(() => db.end());
  return {
    stateOf: async (id) => ((await db.query('select state from calls where id = $1', [id])).rows[0] as { state: string } | undefined)?.state,
    latestOf: async (phone) => (await db.query(LATEST.replace('?', '$1'), [phone])).rows[0] as { id: string; state: string } | undefined,
  };
}

interface Sample {
  kill: number;
  leaseMs: number;
  takeoverMs: number;
  leadViewMs: number;
  load1: number;
}

async function main(): Promise<void> {
  const available = asteriskAvailable();
  if (!available.ok) throw new Error(available.reason);
  const teardown = new Teardown();
  process.once('SIGINT', () => void teardown.run().then(() => process.exit(130)));
  const loadBefore = os.loadavg()[0] ?? 0;
  let loadMax = loadBefore;
  const samples: Sample[] = [];
  try {
    const asterisk = await startAsterisk();
    teardown.teardown(() => asterisk.stop());
    const redis = await startRedis(teardown);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-failover-'));
    teardown.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const databaseUrl = DATABASE === 'postgres' ? await (await startPostgres(teardown)).createDatabase('bench_failover') : undefined;
    const database: Record<string, string> = databaseUrl ? { SUNLINE_DATABASE_URL: databaseUrl } : {};
    {
      const env = loadEnv({ SUNLINE_DATA_DIR: dir, ...database, SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false', SUNLINE_LOG_LEVEL: 'silent' });
      const app = await buildApp(env, { logger: createLogger({ level: 'silent' }), realtime: false });
      for (let i = 0; i < ANSWERED; i++)
        await app.users.upsert({ username: `bench-agent-${i}`, displayName: `bench-agent-${i}`, role: 'agent', password: 'bench-pw-1' });
      await app.users.upsert({ username: 'bench-lead', displayName: 'bench-lead', role: 'shift_lead', password: 'bench-pw-1' });
      await app.close();
    }
    const env = {
      ...sandboxEnv(asterisk),
      SUNLINE_DATA_DIR: dir,
      ...database,
      SUNLINE_REDIS_URL: redis.url,
      SUNLINE_MEDIA: 'false',
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_WRAPUP_SECONDS: '60',
    };
    const rows = databaseUrl ? postgresRows(teardown, databaseUrl) : sqliteRows(teardown, path.join(dir, 'sunline.db'));

    const ports = [await freePort(), await freePort()];
    let leader = await startNode(teardown, env, ports[0]!);
    await until('the first node leads', async () => (await callControl(leader.port)) === 200 || undefined, 60_000);
    let standby = await startNode(teardown, env, ports[1]!);
    const calls = await startCallsAddress(teardown, ports);
    await until('the calls address leads to the first node', () => calls.leader() === leader.port || undefined, 15_000);

    const lead = await consoleAt(teardown, calls.url, 'bench-lead', 'bench-pw-1');
    const ended: string[] = [];
    const placed: string[] = [];
    const call = (i: number) => {
      const callerId = `136000${String(i).padStart(5, '0')}`;
      const c = placeCall({ sip: asterisk.sip, number: '12315', callerId, holdMs: 3_600_000 });
      teardown.teardown(() => c.kill());
      void c.done.then((r) => ended.push(`${callerId}:${r.outcome}`));
      placed.push(callerId);
      return callerId;
    };
    const answered: { agentId: number; callId: string }[] = [];
    for (let i = 0; i < ANSWERED; i++) {
      const agent = await consoleAt(teardown, calls.url, `bench-agent-${i}`, 'bench-pw-1');
      const offered = nextEvent<ScreenPop>(agent, 'call:offered', 60_000);
      const view = await command<AgentView>(agent, 'agent:login', {});
      call(i);
      const pop = await offered;
      if (!pop) throw new Error(`bench-agent-${i} was offered no call`);
      await command(agent, 'call:answer', { callId: pop.callId });
      await until(`call ${pop.callId} answered`, async () => (await rows.stateOf(pop.callId)) === 'answered' || undefined, 15_000);
      answered.push({ agentId: view.agentId, callId: pop.callId });
    }
    for (let k = 0; k < QUEUED; k++) call(ANSWERED + k);
    const queued = await until(
      `${QUEUED} callers queued`,
      async () => {
        const latest = await Promise.all(placed.slice(ANSWERED).map((p) => rows.latestOf(p)));
        return latest.every((r) => r?.state === 'queued') ? latest.map((r) => r!.id) : undefined;
      },
      60_000,
    );
    const rightView = (s: QueueSnapshot) =>
      s.waiting.length === QUEUED &&
      queued.every((id) => s.waiting.some((w) => w.callId === id)) &&
      answered.every((c) => s.agents.some((v) => v.agentId === c.agentId && v.state === 'on_call' && v.callId === c.callId));
    const leadView = async (): Promise<QueueSnapshot | undefined> => {
      if (!lead.connected) return undefined;
      const got = nextEvent<QueueSnapshot>(lead, 'queue:snapshot', 2000);
      lead.emit('sync', () => undefined);
      const s = await got;
      return s && rightView(s) ? s : undefined;
    };
    await until("the lead's view before the first kill", leadView, 30_000);
    say(
      `failover on ${DATABASE}: ${ANSWERED} answered + ${QUEUED} queued calls; ${KILLS} kills; loadavg ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} on ${os.cpus().length} CPUs`,
    );

    for (let kill = 1; kill <= KILLS; kill++) {
      await until('the standby stands by', async () => (await callControl(standby.port)) === 503 || undefined, 30_000);
      await sleep(1500); // the standby has tried the lease at least once: a steady state
      const load1 = os.loadavg()[0] ?? 0;
      loadMax = Math.max(loadMax, load1);
      const killedAt = Date.now();
      leader.child.kill('SIGKILL');
      await leader.exited;
      const leaseAt = await until('the lease on the other node', () => loggedAt(standby.output(), 'call-control lease acquired'), 30_000);
      const takenAt = await until('the takeover on the other node', () => loggedAt(standby.output(), 'call control taken over'), 60_000);
      await until("the lead's view on the new leader", leadView, 60_000);
      const leadViewMs = Date.now() - killedAt;
      const s: Sample = { kill, leaseMs: leaseAt - killedAt, takeoverMs: takenAt - killedAt, leadViewMs, load1: round(load1, 2) };
      samples.push(s);
      say(`  kill ${kill}: lease ${s.leaseMs} ms, takeover ${s.takeoverMs} ms, lead view ${s.leadViewMs} ms (load ${s.load1})`);
      const states = await Promise.all([...answered.map((c) => rows.stateOf(c.callId)), ...queued.map((id) => rows.stateOf(id))]);
      const lost = [...answered.map((c) => c.callId), ...queued].filter((_, i) => states[i] !== (i < answered.length ? 'answered' : 'queued'));
      if (ended.length || lost.length)
        throw new Error(`calls lost in kill ${kill}: sipp ended ${JSON.stringify(ended)}, not in their state ${JSON.stringify(lost)}`);
      // The killed node comes back on its port as the next round's standby.
      const port = leader.port;
      leader = standby;
      standby = await startNode(teardown, env, port);
    }
    loadMax = Math.max(loadMax, os.loadavg()[0] ?? 0);
  } finally {
    await teardown.run();
  }

  const stat = (f: (s: Sample) => number) => {
    const v = samples.map(f);
    return { p50: percentile(v, 50), max: Math.max(...v), min: Math.min(...v) };
  };
  const summary = {
    bench: 'failover',
    database: DATABASE,
    kills: samples.length,
    answered: ANSWERED,
    queued: QUEUED,
    lease_ms: stat((s) => s.leaseMs),
    takeover_ms: stat((s) => s.takeoverMs),
    lead_view_ms: stat((s) => s.leadViewMs),
    samples,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', load1_before: round(loadBefore, 2), load1_max: round(loadMax, 2) },
  };
  say(
    `failover on ${DATABASE} over ${samples.length} kills: lease p50 ${String(summary.lease_ms.p50)} max ${summary.lease_ms.max} ms; ` +
      `takeover p50 ${String(summary.takeover_ms.p50)} max ${summary.takeover_ms.max} ms; lead view p50 ${String(summary.lead_view_ms.p50)} max ${summary.lead_view_ms.max} ms; 1-min load ${summary.machine.load1_before}..${summary.machine.load1_max}`,
  );
  console.log(JSON.stringify(summary));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:failover failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
