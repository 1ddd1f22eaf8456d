/**
 * Fan-out to shift-lead consoles: N lead consoles, first under synthetic queue changes, then under
 * real calls through Asterisk, in one run.
 *
 *   npm run bench:fanout -- [--leads 500] [--rate 5] [--duration 30] [--synthetic 20] [--agents 60]
 *                           [--talk 8] [--answer-after 0.3] [--sample 50] [--lead-update-ms 150] [--nodes 1]
 *
 * The Sunline path of bench:calls (a private Asterisk sandbox with dialplan/, the server in this
 * process, sim agents in a child process, one sipp process placing calls at `rate`/s for
 * `duration` s: bench/lib/sipp-caller.ts) plus N lead
 * consoles in another child process (bench/lib/leads-child.ts; one lead session, N sockets).
 * Phases: `synthetic` — the same domain events a call makes (greeting, queue, ringing + agent
 * ringing, answered + on_call, ended + wrap-up, available; 9 per call, timed like one) published
 * at `rate`/s for fake calls and fake agents, no Asterisk traffic; then `calls` — real calls.
 * `--lead-update-ms` (or SUNLINE_LEAD_UPDATE_MS in the environment) sets the server's lead tick;
 * 0 sends every change at once (the fan-out before merging).
 *
 * `--nodes 2`: a redis-server (tools/redis.ts) and a second node (bench/lib/fanout-nodes.ts:
 * src/server.ts in its own process, SUNLINE_TELEPHONY=false, the same SQLite file in WAL mode),
 * both nodes with SUNLINE_REDIS_URL; the in-process server keeps the calls. Half the consoles
 * connect to each node, each half from its own consoles process; the update latency is measured at
 * every console as with one node (from the leader's stamp to receipt), so its percentiles cover
 * both halves, and are also given per node (`synthetic_by_node`, `calls_by_node`: leader, node2),
 * with the second node's and Redis's CPU and RSS.
 *
 * Per phase: update latency at the consoles (receive − the update's newest change), agent state
 * change → console, messages per console per second (and the other events a lead console gets, by
 * name, e.g. desk:changed), the server's event-loop delay (p50/p99/max),
 * this process's CPU (server + call driver; % of one CPU) and peak RSS, the load average.
 * Calls: calls lost, screen-pop latency. Prints a summary, then one JSON line.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Sunline } from '../src/app.js';
import type { AgentView, WaitingCaller } from '../src/contract/index.js';
import { MAX_SOCKETS_PER_USER } from '../src/realtime/connection-limits.js';
import { startRedis, type RedisServer } from '../tools/redis.js';
import { percentile, runSunlinePath, Teardown, type BenchOptions } from './lib/run.js';
import { generatorNice } from './lib/generator-priority.js';
import { ProcessMeter, redisPid, startSecondNode, warnLines, type SecondNode } from './lib/fanout-nodes.js';
import { mergeConsoles, startLeads, type LeadsChild } from './lib/lead-consoles.js';

const { values: a } = parseArgs({
  options: {
    leads: { type: 'string', default: '500' },
    rate: { type: 'string', default: '5' },
    duration: { type: 'string', default: '30' },
    synthetic: { type: 'string', default: '20' },
    agents: { type: 'string', default: '60' },
    talk: { type: 'string', default: '8' },
    'answer-after': { type: 'string', default: '0.3' },
    sample: { type: 'string', default: '50' },
    'lead-update-ms': { type: 'string' },
    nodes: { type: 'string', default: '1' },
  },
});

function num(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return n;
}

const leads = Math.round(num('leads', a.leads, 1, 5000));
const syntheticS = num('synthetic', a.synthetic, 0, 600);
const sample = Math.round(num('sample', a.sample, 1, 5000));
const nodes = Math.round(num('nodes', a.nodes, 1, 2));
// The setting as the server will read it; unset: the server's default.
const leadUpdateMs = a['lead-update-ms'] ?? process.env['SUNLINE_LEAD_UPDATE_MS'];
const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
const teardown = new Teardown();
const round = (n: number | null | undefined, d = 1): number | null => (n === null || n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d);

/**
 * Server-side figures of one phase: event-loop delay, CPU of this process, peak RSS, load.
 * monitorEventLoopDelay records the time between its timer's runs, i.e. the resolution plus the
 * delay: the resolution is taken off.
 */
const LOOP_RESOLUTION_MS = 10;
const delayMs = (ns: number): number | null => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
class PhaseMeter {
  private loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private cpu0 = process.cpuUsage();
  private wall0 = Date.now();
  private rssMax = 0;
  private loadMax = 0;
  private timer = setInterval(() => {
    this.rssMax = Math.max(this.rssMax, process.memoryUsage().rss);
    this.loadMax = Math.max(this.loadMax, os.loadavg()[0]!);
  }, 500);
  constructor() {
    this.loop.enable();
  }
  stop() {
    clearInterval(this.timer);
    this.loop.disable();
    const cpu = process.cpuUsage(this.cpu0);
    const wall = Date.now() - this.wall0;
    return {
      seconds: round(wall / 1000),
      loop_p50_ms: delayMs(this.loop.percentile(50)),
      loop_p99_ms: delayMs(this.loop.percentile(99)),
      loop_max_ms: delayMs(this.loop.max),
      cpu_pct_of_one: round(((cpu.user + cpu.system) / 1000 / wall) * 100, 0),
      rss_max_mb: round(this.rssMax / 2 ** 20, 0),
      loadavg_max: round(this.loadMax, 2),
    };
  }
}

/** The domain events of one call, timed like a real one (greeting ~2.5 s, talk `talkMs`), for a fake call and agent. */
function syntheticCall(app: Sunline, k: number, talkMs: number, timers: Set<NodeJS.Timeout>): void {
  const callId = `synthetic-${k}`;
  const agentId = 1_000_000 + (k % 60);
  const waiting = (stage: WaitingCaller['stage']): WaitingCaller => ({
    callId,
    callerNumber: `1370${String(k).padStart(7, '0')}`,
    hotline: { number: '12345', name: { zh: '政务服务便民热线', en: 'Government hotline' }, skill: 'general' },
    enteredAt: Date.now(),
    priority: 0,
    offeredTo: stage === 'ringing' ? agentId : null,
    stage,
  });
  const agent = (state: AgentView['state']): AgentView => ({
    agentId,
    displayName: `Synthetic ${agentId}`,
    state,
    since: Date.now(),
    pauseReason: null,
    callId: state === 'available' ? null : callId,
    penalty: 0,
  });
  const ev = app.events;
  const at = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  ev.emit('queue.changed', { at: Date.now(), upsertWaiting: [waiting('greeting')] });
  at(2500, () => ev.emit('queue.changed', { at: Date.now(), upsertWaiting: [waiting('queue')] }));
  at(2600, () => {
    ev.emit('agent.state_changed', agent('ringing'));
    ev.emit('queue.changed', { at: Date.now(), upsertWaiting: [waiting('ringing')] });
  });
  at(2900, () => {
    ev.emit('agent.state_changed', agent('on_call'));
    ev.emit('queue.changed', { at: Date.now(), removeWaiting: [callId] });
  });
  at(2900 + talkMs, () => {
    ev.emit('call.updated', { callId, state: 'ended', agentId, at: Date.now(), reason: 'caller_hangup' });
    ev.emit('agent.state_changed', agent('wrap_up'));
  });
  at(3000 + talkMs, () => ev.emit('agent.state_changed', agent('available')));
}

async function syntheticPhase(app: Sunline, rate: number, seconds: number, talkMs: number): Promise<void> {
  const timers = new Set<NodeJS.Timeout>();
  const t0 = Date.now();
  const total = Math.round(rate * seconds);
  for (let k = 0; k < total; k++) {
    const wait = t0 + (k * 1000) / rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    syntheticCall(app, k, talkMs, timers);
  }
  // Let the last calls run their course.
  while (timers.size) await new Promise((r) => setTimeout(r, 200));
}

async function main(): Promise<void> {
  const opts: BenchOptions = {
    rate: num('rate', a.rate, 0.1, 50),
    durationS: num('duration', a.duration, 1, 600),
    agents: Math.round(num('agents', a.agents, 1, 500)),
    talkMs: num('talk', a.talk, 0, 300) * 1000,
    answerAfterMs: num('answer-after', a['answer-after'], 0, 30) * 1000,
    holdMs: 60_000,
  };
  const redis: RedisServer | null = nodes === 2 ? await startRedis(teardown) : null;
  const serverEnv = {
    ...(leadUpdateMs !== undefined ? { SUNLINE_LEAD_UPDATE_MS: leadUpdateMs } : {}),
    ...(redis ? { SUNLINE_REDIS_URL: redis.url } : {}),
  };
  if (Object.keys(serverEnv).length) opts.serverEnv = serverEnv;
  // The consoles by node: all on the server in this process, or half on each node.
  const groups: { node: string; count: number; child?: LeadsChild }[] =
    nodes === 1
      ? [{ node: 'leader', count: leads }]
      : [
          { node: 'leader', count: Math.ceil(leads / 2) },
          { node: 'node2', count: Math.floor(leads / 2) },
        ];
  let second: SecondNode | undefined;
  const otherProcesses = (): ProcessMeter | null => (second && redis ? new ProcessMeter({ node2: second.pid, redis: redisPid(redis.port) ?? 0 }) : null);
  let synthetic: ReturnType<PhaseMeter['stop']> | null = null;
  let syntheticOthers: ReturnType<ProcessMeter['stop']> | null = null;
  let callsMeter: PhaseMeter | undefined;
  let callsOthers = null as ProcessMeter | null;
  let tick = 0;
  say(
    `bench:fanout nodes=${nodes} leads=${leads} rate=${opts.rate}/s duration=${opts.durationS}s synthetic=${syntheticS}s agents=${opts.agents} lead-update-ms=${leadUpdateMs ?? 'default'} generator-nice=${generatorNice()} (uptime: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  opts.beforeCalls = async (app) => {
    tick = app.env.leadUpdateMs;
    if (redis) {
      const n0 = Date.now();
      second = await startSecondNode(teardown, { dataDir: app.env.dataDir, redisUrl: redis.url, leadUpdateMs });
      say(`  second node ready at ${second.url} in ${((Date.now() - n0) / 1000).toFixed(1)} s (pid ${second.pid})`);
    }
    // One account per dozen consoles: an account may hold only so many (connection-limits.ts).
    let account = 0;
    for (const g of groups) {
      const tokens: string[] = [];
      for (let i = 0; i < Math.ceil(g.count / MAX_SOCKETS_PER_USER); i++, account++) {
        await app.users.upsert({ username: `bench-lead-${account}`, displayName: `Bench lead ${account}`, role: 'shift_lead', password: 'bench-lead-pw' });
        tokens.push((await app.users.login(`bench-lead-${account}`, 'bench-lead-pw'))!.token);
      }
      const c0 = Date.now();
      const url = g.node === 'leader' ? app.url : second!.url;
      g.child = await startLeads(teardown, url, tokens, g.count, Math.max(1, Math.round((sample * g.count) / leads)), nodes > 1);
      say(`  ${g.count} lead consoles connected to ${g.node} in ${((Date.now() - c0) / 1000).toFixed(1)} s`);
    }
    if (syntheticS > 0) {
      for (const g of groups) g.child!.phase('synthetic');
      const m = new PhaseMeter();
      const o = otherProcesses();
      await syntheticPhase(app, opts.rate, syntheticS, opts.talkMs);
      synthetic = m.stop();
      syntheticOthers = o?.stop() ?? null;
      say(`  synthetic phase done (${synthetic.seconds} s)`);
    }
    for (const g of groups) g.child!.phase('calls');
    callsMeter = new PhaseMeter();
    callsOthers = otherProcesses();
  };
  const s = await runSunlinePath(opts, teardown, say);
  const calls = callsMeter!.stop();
  const callsOthersFigures = callsOthers?.stop() ?? null;
  const parts = await Promise.all(groups.map((g) => g.child!.finish()));
  const consoles = nodes === 1 ? parts[0]! : mergeConsoles(parts);
  const node2Log = second ? warnLines(second.logFile) : null;
  await teardown.run();

  const lat = s.extra['popupLatencies'] as number[];
  const durations = s.calls.flatMap((c) => (c.result ? [c.result.durationMs] : []));
  const perConsole = (p: Record<string, number | null> | undefined, secs: number | null, n = leads) =>
    p && secs ? round((p['messages'] ?? 0) / n / secs, 1) : null;
  const phase = (name: string, server: ReturnType<PhaseMeter['stop']> | null): Record<string, number | null> | null => {
    const c = consoles.phases[name];
    if (!c || !server) return null;
    return { ...c, messages_per_console_per_s: perConsole(c, server.seconds), ...server };
  };
  // --nodes 2: each node's consoles apart, and the second node's and Redis's CPU and RSS.
  const byNode = (name: string, server: ReturnType<PhaseMeter['stop']> | null, procs: ReturnType<ProcessMeter['stop']> | null) =>
    nodes === 1 || !server
      ? null
      : {
          ...Object.fromEntries(
            groups.map((g, k) => {
              const c = parts[k]!.phases[name] ?? {};
              return [g.node, { consoles: g.count, ...c, messages_per_console_per_s: perConsole(c, server.seconds, g.count) }];
            }),
          ),
          processes: procs,
        };
  // Other events at the lead consoles, per console per second (desk:changed, queue:stats, …).
  const others = (name: string, server: ReturnType<PhaseMeter['stop']> | null): Record<string, number | null> | null =>
    server?.seconds
      ? Object.fromEntries(Object.entries(consoles.others[name] ?? {}).map(([event, n]) => [event, round(n / leads / server.seconds!, 2)]))
      : null;
  const result = {
    bench: 'fanout',
    leads,
    rate: opts.rate,
    duration_s: opts.durationS,
    synthetic_s: syntheticS,
    agents: opts.agents,
    lead_update_ms: tick,
    nodes,
    synthetic: phase('synthetic', synthetic),
    calls: phase('calls', calls),
    synthetic_other_events_per_console_per_s: others('synthetic', synthetic),
    calls_other_events_per_console_per_s: others('calls', calls),
    synthetic_by_node: byNode('synthetic', synthetic, syntheticOthers),
    calls_by_node: byNode('calls', calls, callsOthersFigures),
    node2_log_warnings: node2Log,
    calls_placed: s.calls.length,
    calls_lost: s.extra['callsLost'],
    calls_unreached: s.calls.filter((c) => !s.reached.has(c.callerId)).length,
    in_flight_max: s.inFlightMax,
    placed_to_agent_p50_ms: round(percentile(s.reachDelays, 50), 0),
    placed_to_agent_p99_ms: round(percentile(s.reachDelays, 99), 0),
    call_duration_p50_ms: round(percentile(durations, 50), 0),
    call_duration_p99_ms: round(percentile(durations, 99), 0),
    popup_p50_ms: round(percentile(lat, 50)),
    popup_p99_ms: round(percentile(lat, 99)),
    popup_max_ms: round(lat.length ? Math.max(...lat) : null),
    server_log_warnings: s.extra['logWarnings'],
    consoles_loop_delay_p99_ms: round(consoles.loopDelayP99Ms),
    cpus: os.cpus().length,
    loadavg_end: round(os.loadavg()[0], 2),
  };
  const line = (name: string, p: ReturnType<typeof phase>) =>
    p
      ? `  ${name}: update p50 ${String(p['update_p50_ms'])} p99 ${String(p['update_p99_ms'])} max ${String(p['update_max_ms'])} ms (n=${String(p['update_samples'])}); agent change → console p50 ${String(p['agent_change_p50_ms'])} p99 ${String(p['agent_change_p99_ms'])} ms; ${String(p['messages_per_console_per_s'])} msg/console/s, gaps ${String(p['gaps'])}, snapshots ${String(p['snapshots'])}\n` +
        `    server loop delay p50 ${String(p['loop_p50_ms'])} p99 ${String(p['loop_p99_ms'])} max ${String(p['loop_max_ms'])} ms; CPU ${String(p['cpu_pct_of_one'])}% of one; RSS max ${String(p['rss_max_mb'])} MB; load max ${String(p['loadavg_max'])}`
      : `  ${name}: not run`;
  const nodeLines = (name: string, b: ReturnType<typeof byNode>) =>
    b
      ? groups
          .map((g) => {
            const p = (b as unknown as Record<string, Record<string, number | null>>)[g.node]!;
            return `    ${name} at ${g.node} (${g.count} consoles): update p50 ${String(p['update_p50_ms'])} p99 ${String(p['update_p99_ms'])} max ${String(p['update_max_ms'])} ms (n=${String(p['update_samples'])}); ${String(p['messages_per_console_per_s'])} msg/console/s, gaps ${String(p['gaps'])}`;
          })
          .concat(`    ${name} processes: ${JSON.stringify(b.processes)}`)
      : [];
  say(
    [
      '',
      `bench:fanout ${leads} lead consoles on ${nodes} node(s), lead tick ${tick} ms, ${opts.rate} calls/s`,
      line('synthetic', result.synthetic),
      ...nodeLines('synthetic', result.synthetic_by_node),
      line('calls', result.calls),
      ...nodeLines('calls', result.calls_by_node),
      ...(node2Log ? [`  second node warn+ log lines ${node2Log.count} ${JSON.stringify(node2Log.top)}`] : []),
      `  other events per console per s: synthetic ${JSON.stringify(result.synthetic_other_events_per_console_per_s)}, calls ${JSON.stringify(result.calls_other_events_per_console_per_s)}`,
      `  calls: ${s.calls.length} placed, lost ${String(result.calls_lost)}, unreached ${result.calls_unreached}, max ${s.inFlightMax} in flight, placed → agent p50 ${String(result.placed_to_agent_p50_ms)} p99 ${String(result.placed_to_agent_p99_ms)} ms, call p50 ${String(result.call_duration_p50_ms)} p99 ${String(result.call_duration_p99_ms)} ms; screen-pop p50 ${String(result.popup_p50_ms)} p99 ${String(result.popup_p99_ms)} ms; server warn+ log lines ${String(s.extra['logWarnings'])} ${JSON.stringify(s.extra['logTop'])}`,
      `  console process loop delay p99 ${String(result.consoles_loop_delay_p99_ms)} ms (if high, the consoles, not the server, were slow to read)`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

let finishing = false;
async function cleanupAndExit(code: number): Promise<never> {
  if (!finishing) {
    finishing = true;
    await teardown.run();
  }
  process.exit(code);
}
process.on('SIGINT', () => void cleanupAndExit(130));
process.on('SIGTERM', () => void cleanupAndExit(143));
setTimeout(() => {
  say('bench:fanout: watchdog expired, stopping');
  void cleanupAndExit(2);
}, 30 * 60_000).unref();

main().then(
  () => cleanupAndExit(0),
  (err: unknown) => {
    say(`bench:fanout failed: ${(err as Error).stack ?? String(err)}`);
    return cleanupAndExit(1);
  },
);
