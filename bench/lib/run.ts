/**
 * Building blocks of bench/calls.ts: a teardown list, a paced sipp call generator, the two
 * paths under test (Sunline + Asterisk, and Asterisk alone) and small statistics helpers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { destination } from 'pino';
import { buildApp, type Sunline } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { sandboxEnv, startAsterisk, asteriskAvailable, type AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import { placeCall, type CallOutcome, type CallResult } from '../../tools/sipp.js';
import { startSimAgents } from '../../scripts/lib/sim-agents.js';
import { connectAmi, type BenchAmi } from './ami.js';
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OfferRecord } from '../../scripts/lib/sim-agents.js';
import { benchCallBatch } from './sipp-caller.js';
import { lowerPriority } from './generator-priority.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NUMBERS = ['12345', '12333', '12328', '12315', '12330', '12356', '12329'];

// ---- teardown ------------------------------------------------------------------------------

/** LIFO list of clean-up steps; each step runs once, errors are reported, not thrown. */
export class Teardown {
  private fns: (() => unknown)[] = [];
  teardown(fn: () => unknown): void {
    this.fns.push(fn);
  }
  async run(): Promise<void> {
    while (this.fns.length) {
      const fn = this.fns.pop()!;
      try {
        await fn();
      } catch (e) {
        process.stderr.write(`teardown: ${(e as Error).message}\n`);
      }
    }
  }
}

// ---- options and results ---------------------------------------------------------------------

export interface BenchOptions {
  rate: number;
  durationS: number;
  agents: number;
  answerAfterMs: number;
  talkMs: number;
  /** Caller patience: a caller not answered by an agent within this hangs up. */
  holdMs: number;
  /** Run the simulated agents in this process instead of a child process. */
  agentsInProcess?: boolean;
  /** One tools/sipp.ts placeCall process per call, as the tests place calls (default: one sipp process for all the calls). */
  harnessSipp?: boolean;
  /** Extra server environment (e.g. SUNLINE_LEAD_UPDATE_MS for bench/fanout.ts). */
  serverEnv?: Record<string, string>;
  /** Runs once the server is up and the agents are logged in, before the first call (bench/fanout.ts: lead consoles, synthetic phase). */
  beforeCalls?: (app: Sunline & { url: string }) => Promise<void>;
  /** Runs once the last call has ended and the agents stopped, before the path's figures are taken (bench/lib/recording-ab.ts: the stored recordings). */
  afterCalls?: (app: Sunline & { url: string }) => Promise<void>;
  /** A µ-law file each caller plays in a loop (tools/sipp.ts toneFile); without it callers send no audio. */
  callerAudio?: string;
}

export interface PlacedCall {
  callerId: string;
  number: string;
  /** When the call was started (sipp's INVITE). */
  placedAt: number;
  /** When its outcome was known (or sipp ended). */
  endedAt?: number;
  result?: CallResult;
}

export interface PathResult {
  name: 'sunline' | 'bare';
  calls: PlacedCall[];
  /** AMI AgentConnect receive times (caller reached an agent), by caller number. */
  reached: Map<string, number>;
  cps: number;
  /** ms from placing the call to its AgentConnect, per reached call. */
  reachDelays: number[];
  inFlightMax: number;
  outcomes: Partial<Record<CallOutcome, number>>;
  extra: Record<string, unknown>;
}

// ---- call generation -------------------------------------------------------------------------

/**
 * Places round(rate × duration) calls at `rate`/s, the seven numbers round-robin, distinct caller
 * ids, and resolves when they have all ended. By default one sipp process places them all
 * (tools/sipp.ts placeCallBatch, started by bench/lib/sipp-child.ts; sipp paces the calls, each
 * call's start, end and outcome come from its log); `harnessSipp`: one tools/sipp.ts placeCall
 * process per call, started from this process, paced here.
 */
export async function placeCalls(
  a: AsteriskSandbox,
  o: BenchOptions,
  callerPrefix: string,
  t: Teardown,
): Promise<{ calls: PlacedCall[]; inFlightMax: number }> {
  const total = Math.max(1, Math.round(o.rate * o.durationS));
  const planned = Array.from({ length: total }, (_, k) => ({
    callerId: `${callerPrefix}${String(k).padStart(11 - callerPrefix.length, '0')}`,
    number: NUMBERS[k % NUMBERS.length]!,
  }));
  if (o.harnessSipp) return placeCallsOneByOne(a, o, planned, t);
  const t0 = Date.now();
  const batch = benchCallBatch({ sip: a.sip, calls: planned, rate: o.rate, holdMs: o.holdMs, ...(o.callerAudio ? { audioFile: o.callerAudio } : {}) });
  t.teardown(() => batch.kill());
  const r = await batch.done;
  const end = Date.now();
  const calls = r.calls.map((c, k): PlacedCall => {
    const placedAt = c.startedAt ?? t0 + (k * 1000) / o.rate;
    const failed = c.outcome === 'unknown' || c.outcome === 'rejected';
    return {
      callerId: c.callerId,
      number: c.number,
      placedAt,
      endedAt: c.endedAt ?? end,
      result: {
        exitCode: r.exitCode,
        signal: r.signal,
        outcome: c.outcome,
        sipCode: c.sipCode,
        durationMs: (c.endedAt ?? end) - placedAt,
        // sipp's logs are the whole batch's: shown with the failed calls only.
        errors: failed ? r.errors : '',
        output: failed ? r.output : '',
      },
    };
  });
  return { calls, inFlightMax: mostAtOnce(calls) };
}

/** The most calls alive at once, from their start and end times. */
function mostAtOnce(calls: PlacedCall[]): number {
  const edges = calls.flatMap((c) => [
    { at: c.placedAt, d: 1 },
    { at: c.endedAt ?? c.placedAt, d: -1 },
  ]);
  edges.sort((x, y) => x.at - y.at || x.d - y.d);
  let n = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (n += e.d));
  return most;
}

/** --harness-sipp: one tools/sipp.ts process per call, paced here. */
async function placeCallsOneByOne(
  a: AsteriskSandbox,
  o: BenchOptions,
  planned: { callerId: string; number: string }[],
  t: Teardown,
): Promise<{ calls: PlacedCall[]; inFlightMax: number }> {
  const calls: PlacedCall[] = [];
  const done: Promise<unknown>[] = [];
  const kills: (() => void)[] = [];
  t.teardown(() => {
    for (const k of kills) k();
  });
  let inFlight = 0;
  let inFlightMax = 0;
  const t0 = Date.now();
  for (const [k, p] of planned.entries()) {
    const wait = t0 + (k * 1000) / o.rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const c: PlacedCall = { ...p, placedAt: Date.now() };
    calls.push(c);
    const h = placeCall({ sip: a.sip, number: c.number, callerId: c.callerId, holdMs: o.holdMs, ...(o.callerAudio ? { audioFile: o.callerAudio } : {}) });
    kills.push(h.kill);
    inFlight++;
    inFlightMax = Math.max(inFlightMax, inFlight);
    done.push(
      h.done.then((r) => {
        c.result = r;
        c.endedAt = Date.now();
        inFlight--;
      }),
    );
  }
  await Promise.all(done);
  return { calls, inFlightMax };
}

function reachedByCaller(ami: BenchAmi, since: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of ami.events) {
    if (e.at < since || e.fields['Event'] !== 'AgentConnect') continue;
    const num = e.fields['CallerIDNum'] ?? '';
    if (!m.has(num)) m.set(num, e.at);
  }
  return m;
}

/**
 * Calls that reached an agent per second: the offered window [first call placed, + duration],
 * shifted by the path's median placed→reached delay (greeting + queue + answer), and the number
 * of AgentConnects inside it, divided by the duration. With no loss and a steady delay this is
 * the offered rate; lost calls, stragglers (reached after a re-ring) and growing queueing lower it.
 */
export function reachRate(calls: PlacedCall[], reached: Map<string, number>, durationS: number): { cps: number; delays: number[] } {
  const delays = calls.filter((c) => reached.has(c.callerId)).map((c) => reached.get(c.callerId)! - c.placedAt);
  if (!calls.length || !delays.length) return { cps: 0, delays };
  const d50 = percentile(delays, 50)!;
  const from = calls[0]!.placedAt + d50 - 500 / (calls.length / durationS); // half an inter-call gap early
  const to = from + durationS * 1000;
  const inside = [...reached.values()].filter((t) => t >= from && t < to).length;
  return { cps: inside / durationS, delays };
}

export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k) ?? [];
    l.push(x);
    m.set(k, l);
  }
  return m;
}

function outcomes(calls: PlacedCall[]): Partial<Record<CallOutcome, number>> {
  const r: Partial<Record<CallOutcome, number>> = {};
  for (const c of calls) {
    const k = c.result?.outcome ?? 'unknown';
    r[k] = (r[k] ?? 0) + 1;
  }
  return r;
}

async function waitMembers(a: AsteriskSandbox, pattern: RegExp, n: number): Promise<number> {
  const end = Date.now() + 30_000;
  for (;;) {
    const out = await a.cli('queue show 12345');
    const count = out.split('\n').filter((l) => pattern.test(l)).length;
    if (count >= n || Date.now() > end) return count;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function sandboxOrThrow(): void {
  const ok = asteriskAvailable();
  if (!ok.ok) throw new Error(ok.reason);
}

// ---- the Sunline path ------------------------------------------------------------------------

/** A Sunline server on the sandbox, in this process; its log goes to `logFile` (stdout when null). */
export async function startServer(
  t: Teardown,
  asterisk: AsteriskSandbox,
  logFile: string | null,
  extraEnv: Record<string, string> = {},
): Promise<Sunline & { url: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const e = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_LOG_LEVEL: process.env['SUNLINE_BENCH_LOG'] ?? 'warn',
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_WRAPUP_SECONDS: '60',
    ...sandboxEnv(asterisk),
    ...extraEnv,
  });
  const logger = logFile === null ? createLogger({ level: e.logLevel }) : createLogger({ level: e.logLevel }, destination({ dest: logFile, sync: true }));
  const app = await buildApp(e, { logger });
  t.teardown(() => app.close());
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.http.server.address() as AddressInfo).port;
  return Object.assign(app, { url: `http://127.0.0.1:${port}` });
}

/**
 * An ARI DELETE from the bench's driver (fetch's own pool, not the server's client). Asterisk's
 * HTTP server may close a kept-alive connection just as it is reused ("other side closed"): a
 * DELETE is safe to repeat, so it is tried once more on a fresh connection before it counts.
 */
async function ariDelete(a: AsteriskSandbox, p: string): Promise<number> {
  const once = async () => {
    const res = await fetch(`${a.ari.url}/ari${p}`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${Buffer.from(`${a.ari.username}:${a.ari.password}`).toString('base64')}` },
    });
    await res.arrayBuffer();
    return res.status;
  };
  try {
    return await once();
  } catch {
    await new Promise((r) => setTimeout(r, 100));
    return once();
  }
}

/** Log lines at warn or above, grouped by message. */
function logSummary(file: string): { count: number; top: { level: number; msg: string; n: number }[] } {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    /* no log */
  }
  const groups = new Map<string, { level: number; msg: string; n: number }>();
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let rec: { level?: number; msg?: string; err?: { message?: string } };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      continue;
    }
    if ((rec.level ?? 0) < 40) continue;
    count++;
    const msg = `${rec.msg ?? ''}${rec.err?.message ? `: ${rec.err.message}` : ''}`.slice(0, 200);
    const key = `${rec.level}|${msg}`;
    const g = groups.get(key) ?? { level: rec.level ?? 0, msg, n: 0 };
    g.n++;
    groups.set(key, g);
  }
  return { count, top: [...groups.values()].sort((x, y) => y.n - x.n).slice(0, 8) };
}

export async function runSunlinePath(o: BenchOptions, t: Teardown, say: (s: string) => void): Promise<PathResult> {
  sandboxOrThrow();
  const asterisk = await startAsterisk();
  t.teardown(() => asterisk.stop());
  const logFile = path.join(os.tmpdir(), `sunline-bench-${process.pid}.log`);
  fs.rmSync(logFile, { force: true });
  const app = await startServer(t, asterisk, logFile, o.serverEnv);
  const upBy = Date.now() + 30_000;
  while (!app.calls.center?.telephonyUp()) {
    if (Date.now() > upBy) throw new Error('Sunline telephony did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
  const ami = await connectAmi(asterisk.ami);
  t.teardown(() => ami.close());

  // The server's part of each screen-pop: from Asterisk's stamp on the agent leg's StasisStart to the
  // moment our server handed the pop to socket.io (the same interval as sunline_screen_pop_seconds);
  // the rest of popupLatencies is the socket's way to the agents' process and that process's turn.
  const serverPopLatencies: number[] = [];
  app.events.on('call.offered', (_agentId, _pop, ringingAt) => {
    if (ringingAt !== undefined) serverPopLatencies.push(Date.now() - ringingAt);
  });
  const hangupErrors: string[] = [];
  const hangup = async (callId: string): Promise<void> => {
    const row = app.db.sqlite.prepare('select channel_id from calls where id = ?').get(callId) as { channel_id: string | null } | undefined;
    if (!row?.channel_id) {
      hangupErrors.push(`${callId}: no channel id`);
      return;
    }
    const status = await ariDelete(asterisk, `/channels/${encodeURIComponent(row.channel_id)}`).catch((err: unknown) => {
      hangupErrors.push(`${callId}: ${err instanceof Error ? err.message : String(err)}`);
      return 0;
    });
    if (status >= 400 && status !== 404) hangupErrors.push(`${callId}: ARI ${status}`);
  };
  let sims: AgentsRun;
  if (o.agentsInProcess) {
    const s = await startSimAgents({ url: app.url, count: o.agents, answerAfterMs: o.answerAfterMs, talkMs: o.talkMs, usersService: app.users, hangup });
    t.teardown(() => s.stop());
    sims = {
      finish: async () => {
        await s.stop();
        return { offers: s.offers, errors: s.errors };
      },
    };
  } else {
    for (let i = 1; i <= o.agents; i++) {
      const username = `sim-agent-${i}`;
      await app.users.upsert({ username, displayName: `Sim agent ${i}`, role: 'agent', password: `${username}-pw` });
    }
    sims = await agentsChild(t, { url: app.url, count: o.agents, answerAfterMs: o.answerAfterMs, talkMs: o.talkMs, usernamePrefix: 'sim-agent-' }, hangup);
  }
  const members = await waitMembers(asterisk, /Local\/agent-/, o.agents);
  say(`  sunline: ${o.agents} sim agents logged in, ${members} queue members`);
  await o.beforeCalls?.(app);

  // The server's event loop while the calls run (it shares the bench process with the driver).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const start = Date.now();
  const { calls, inFlightMax } = await placeCalls(asterisk, o, '1380', t);
  loop.disable();
  await new Promise((r) => setTimeout(r, 2000)); // let the server record the last hang-ups
  const { offers, errors: agentErrors } = await sims.finish();
  await o.afterCalls?.(app);

  const reached = reachedByCaller(ami, start);
  const db = app.db.sqlite;
  const rows = db.prepare('select caller_phone, state, outcome, agent_id from calls where entered_at >= ?').all(start) as {
    caller_phone: string;
    state: string;
    outcome: string | null;
    agent_id: number | null;
  }[];
  const byPhone = new Map(rows.map((r) => [r.caller_phone, r]));
  const orders = (db.prepare('select count(*) as n from work_orders where created_at >= ?').get(start) as { n: number }).n;
  const noRecord = calls.filter((c) => !byPhone.has(c.callerId)).length;
  const badSipp = calls.filter((c) => !c.result || c.result.outcome === 'unknown' || c.result.outcome === 'rejected').length;
  const lost = calls.filter((c) => !byPhone.has(c.callerId) || !c.result || c.result.outcome === 'unknown' || c.result.outcome === 'rejected').length;
  const latencies = offers.map((x) => x.latencyMs);
  const dbOutcomes: Record<string, number> = {};
  for (const r of rows) dbOutcomes[`${r.state}/${r.outcome ?? '-'}`] = (dbOutcomes[`${r.state}/${r.outcome ?? '-'}`] ?? 0) + 1;
  const answeredInDb = rows.filter((r) => r.agent_id !== null && (r.outcome === 'answered' || r.state === 'answered')).length;
  const logs = logSummary(logFile);
  // Keep the server log only when it says something or a log level was asked for.
  if (logs.count === 0 && !process.env['SUNLINE_BENCH_LOG']) fs.rmSync(logFile, { force: true });

  return {
    name: 'sunline',
    calls,
    reached,
    inFlightMax,
    outcomes: outcomes(calls),
    ...(({ cps, delays }) => ({ cps, reachDelays: delays }))(reachRate(calls, reached, o.durationS)),
    extra: {
      popupLatencies: latencies,
      serverPopLatencies,
      // Delay beyond the monitor's 10 ms timer, in ms.
      loopP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 10),
      loopMaxMs: Math.max(0, loop.max / 1e6 - 10),
      offers: offers.length,
      offersAnswered: offers.filter((x) => x.answered).length,
      answeredInDb,
      callRecords: rows.length,
      dbOutcomes,
      ordersCreated: orders,
      callsLost: lost,
      noRecord,
      badSipp,
      badSippDetails: calls
        .filter((c) => !c.result || c.result.outcome === 'unknown' || c.result.outcome === 'rejected')
        .slice(0, 3)
        .map((c) => ({
          callerId: c.callerId,
          number: c.number,
          reached: reached.has(c.callerId),
          exit: c.result?.exitCode,
          signal: c.result?.signal,
          sipCode: c.result?.sipCode,
          ms: c.result?.durationMs,
          errors: c.result?.errors.slice(0, 600),
          output: c.result?.output.slice(-600),
        })),
      agentErrors: agentErrors.slice(0, 10),
      // Calls offered more than once, with who got each offer and when (ms after the first).
      reoffered: [...groupBy(offers, (x) => x.callId).entries()]
        .filter(([, v]) => v.length > 1)
        .slice(0, 5)
        .map(([callId, v]) => ({
          callId,
          offers: v.map((x) => ({
            agent: x.agent,
            atMs: x.offeredAt - v[0]!.offeredAt,
            answered: x.answered,
            error: x.error,
            states: x.states?.map((st) => `${st.state}${st.callId === callId ? '(this call)' : st.callId ? '(other call)' : ''}@${st.at - v[0]!.offeredAt}`),
          })),
        })),
      agentErrorCount: agentErrors.length,
      hangupErrors: hangupErrors.slice(0, 10),
      logWarnings: logs.count,
      logTop: logs.top,
      logFile,
    },
  };
}

interface AgentsRun {
  finish(): Promise<{ offers: OfferRecord[]; errors: string[] }>;
}

/** Starts bench/lib/agents-child.ts (tsx) and resolves once all its agents are logged in. */
function agentsChild(t: Teardown, opts: Record<string, unknown>, hangup: (callId: string) => Promise<void>): Promise<AgentsRun> {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'agents-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SUNLINE_SIM_AGENTS: JSON.stringify(opts) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  lowerPriority(child);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let result: ((r: { offers: OfferRecord[]; errors: string[] }) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sim agents process exited (${code})`)));
    child.on('message', (m: { type: string; callId?: string; message?: string; offers?: OfferRecord[]; errors?: string[] }) => {
      if (m.type === 'hangup' && m.callId) void hangup(m.callId);
      else if (m.type === 'error') reject(new Error(`sim agents: ${m.message ?? ''}`));
      else if (m.type === 'result') result?.({ offers: m.offers ?? [], errors: m.errors ?? [] });
      else if (m.type === 'ready') {
        resolve({
          finish: () =>
            new Promise((res, rej) => {
              result = res;
              const timer = setTimeout(() => rej(new Error('sim agents: no result')), 15_000);
              timer.unref();
              child.send({ type: 'stop' });
            }),
        });
      }
    });
  });
}

// ---- the bare path ---------------------------------------------------------------------------

/**
 * Asterisk alone: ARI_APP names an application nobody registers, so Stasis() fails and the
 * dialplan's fallback answers, plays the fallback greeting and queues the call, exactly as when
 * the server is down. Queue members are Local/bare-N@bench-agents that answer by themselves
 * after answerAfterMs and hang up after talkMs (a bench-only dialplan copy adds the context).
 */
function bareDialplan(o: BenchOptions): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-dialplan-'));
  const src = path.join(REPO, 'dialplan');
  for (const f of fs.readdirSync(src)) if (f.endsWith('.conf')) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  fs.appendFileSync(
    path.join(dir, 'extensions.conf'),
    `
; ---- bench/calls.ts only: queue members that answer by themselves ----
[bench-agents]
exten => _bare-.,1,Wait(${(o.answerAfterMs / 1000).toFixed(3)})
 same => n,Answer()
 same => n,Wait(${(o.talkMs / 1000).toFixed(3)})
 same => n,Hangup()
`,
  );
  return dir;
}

export async function runBarePath(o: BenchOptions, t: Teardown, say: (s: string) => void): Promise<PathResult> {
  sandboxOrThrow();
  const dir = bareDialplan(o);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const asterisk = await startAsterisk({ dialplanDir: dir, ariApp: 'sunline-bench-nobody' });
  t.teardown(() => asterisk.stop());
  const ami = await connectAmi(asterisk.ami);
  t.teardown(() => ami.close());
  for (let i = 1; i <= o.agents; i++) {
    const r = await ami.action({
      Action: 'QueueAdd',
      Queue: '12345',
      Interface: `Local/bare-${i}@bench-agents`,
      MemberName: `bare-${i}`,
      Penalty: '0',
      Paused: 'false',
    });
    if (r['Response'] !== 'Success') throw new Error(`QueueAdd bare-${i}: ${r['Message'] ?? ''}`);
  }
  const members = await waitMembers(asterisk, /Local\/bare-/, o.agents);
  say(`  bare: ${members} self-answering queue members`);

  const start = Date.now();
  const { calls, inFlightMax } = await placeCalls(asterisk, o, '1390', t);
  await new Promise((r) => setTimeout(r, 1000));
  const reached = reachedByCaller(ami, start);
  const lost = calls.filter((c) => !c.result || c.result.outcome === 'unknown' || c.result.outcome === 'rejected').length;
  return {
    name: 'bare',
    calls,
    reached,
    inFlightMax,
    outcomes: outcomes(calls),
    ...(({ cps, delays }) => ({ cps, reachDelays: delays }))(reachRate(calls, reached, o.durationS)),
    extra: { callsLost: lost },
  };
}
