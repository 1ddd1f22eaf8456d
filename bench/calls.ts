/**
 * Calls per second through the real Asterisk, with and without Sunline, and screen-pop latency.
 *
 *   npm run bench:calls -- [--rate 5] [--duration 20] [--agents 60] [--talk 8] [--answer-after 0.3] [--patience 60] [--recording-ab]
 *
 * `--recording-ab`: instead of Sunline against bare Asterisk, the Sunline path with call recording
 * off and then on at the same rate (bench/lib/recording-ab.ts): calls/s of each, their ratio and the
 * disk MB per recorded call-hour; `--on-first` runs recording on first (the load drifts on a shared machine).
 *
 * Sunline path: a private Asterisk sandbox with dialplan/, a Sunline server (buildApp, in this
 * process, on loopback), N simulated agents (scripts/lib/sim-agents.ts) over HTTP + socket.io,
 * and sipp callers to the seven numbers round-robin at `rate` calls/s for `duration` s. Agents
 * answer `answer-after` s after the pop and end the call `talk` s later (ARI DELETE of the
 * caller channel), then finish wrap-up at once. Callers hang up after `patience` s if no agent
 * ended the call.
 * Bare path, same run, afterwards: a second sandbox where Stasis fails (unregistered ARI app),
 * so the dialplan fallback queues the call into Queue(12345) whose members are Local channels
 * that answer by themselves with the same answer delay and talk time.
 *
 * "Reached an agent" is app_queue's AMI AgentConnect for the caller, in both paths, counted by
 * a separate AMI connection. cps = AgentConnects inside the offered window (duration s long,
 * shifted by the path's median placed→agent delay) / duration: the rate at which calls reach
 * agents (a fixed delay such as the greeting does not lower it; losses, stragglers and growing
 * queueing do). ratio = cps / bare_cps.
 *
 * Prints a summary, then as the last line one JSON object. Loopback only; every sipp and
 * Asterisk is stopped at the end, also on errors and Ctrl-C.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { percentile, runBarePath, runSunlinePath, Teardown, type BenchOptions, type PathResult } from './lib/run.js';
import { mbPerCallHour, runRecordingAb } from './lib/recording-ab.js';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '5' },
    duration: { type: 'string', default: '20' },
    agents: { type: 'string', default: '60' },
    talk: { type: 'string', default: '8' },
    'answer-after': { type: 'string', default: '0.3' },
    patience: { type: 'string', default: '60' },
    'skip-bare': { type: 'boolean', default: false },
    'harness-sipp': { type: 'boolean', default: false },
    'agents-in-process': { type: 'boolean', default: false },
    'recording-ab': { type: 'boolean', default: false },
    'on-first': { type: 'boolean', default: false },
  },
});

function num(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return n;
}

const opts: BenchOptions = {
  rate: num('rate', a.rate, 0.1, 50),
  durationS: num('duration', a.duration, 1, 600),
  agents: Math.round(num('agents', a.agents, 1, 500)),
  talkMs: num('talk', a.talk, 0, 300) * 1000,
  answerAfterMs: num('answer-after', a['answer-after'], 0, 30) * 1000,
  holdMs: num('patience', a.patience, 5, 600) * 1000,
  harnessSipp: a['harness-sipp'],
  agentsInProcess: a['agents-in-process'],
};

const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
const teardown = new Teardown();
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
// Hard bound: placing + patience + sipp timeout + start-up of two sandboxes.
const watchdog = setTimeout(
  () => {
    say('bench: watchdog expired, stopping');
    void cleanupAndExit(2);
  },
  (2 * (opts.durationS + opts.holdMs / 1000 + 15) + 240 + (a['recording-ab'] ? 120 : 0)) * 1000,
);
watchdog.unref();

const round = (n: number | null, d = 1): number | null => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);

// Machine load while the bench runs: 1-minute load average and this process's CPU (server +
// call driver; the sim agents, sipp and Asterisk are other processes).
let loadMax = 0;
const sampler = setInterval(() => {
  loadMax = Math.max(loadMax, os.loadavg()[0]!);
}, 1000);
sampler.unref();

async function main(): Promise<void> {
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  say(
    `bench:calls rate=${opts.rate}/s duration=${opts.durationS}s agents=${opts.agents} talk=${opts.talkMs / 1000}s answer-after=${opts.answerAfterMs / 1000}s patience=${opts.holdMs / 1000}s`,
  );
  say('sunline path …');
  const s = await runSunlinePath(opts, teardown, say);
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = (cpu.user + cpu.system) / 1000 / (Date.now() - wall0);
  const sunlineLoadMax = loadMax;
  await teardown.run();
  let b: PathResult | null = null;
  if (!a['skip-bare']) {
    say('bare path …');
    b = await runBarePath(opts, teardown, say);
    await teardown.run();
  }

  const lat = s.extra['popupLatencies'] as number[];
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  const pmax = lat.length ? Math.max(...lat) : null;
  const srv = (s.extra['serverPopLatencies'] as number[] | undefined) ?? [];
  const ratio = b && b.cps > 0 ? s.cps / b.cps : null;
  const unreached = s.calls.filter((c) => !s.reached.has(c.callerId)).length;
  const bareUnreached = b ? b.calls.filter((c) => !b.reached.has(c.callerId)).length : null;

  const lines = [
    '',
    `Sunline path: ${s.calls.length} calls placed, max ${s.inFlightMax} in flight (sipp), ${s.reached.size} reached an agent, ${unreached} did not`,
    `  cps ${s.cps.toFixed(2)}  offers ${String(s.extra['offers'])} (answered ${String(s.extra['offersAnswered'])})  call records ${String(s.extra['callRecords'])} ${JSON.stringify(s.extra['dbOutcomes'])}`,
    `  screen-pop latency ms: p50 ${round(p50)}  p99 ${round(p99)}  max ${round(pmax)}  (n=${lat.length})`,
    `    the server's event loop while the calls ran: delay p99 ${round(s.extra['loopP99Ms'] as number)}  max ${round(s.extra['loopMaxMs'] as number)} ms`,
    `    of which the server's part (Asterisk's StasisStart stamp → pop handed to socket.io) ms: p50 ${round(percentile(srv, 50))}  p99 ${round(percentile(srv, 99))}  max ${round(srv.length ? Math.max(...srv) : null)}  (n=${srv.length})`,
    `  orders created ${String(s.extra['ordersCreated'])}  calls lost ${String(s.extra['callsLost'])} (no call record ${String(s.extra['noRecord'])}, sipp unknown/rejected ${String(s.extra['badSipp'])})`,
    `  sipp outcomes ${JSON.stringify(s.outcomes)}`,
    ...(Number(s.extra['badSipp']) > 0 ? [`  first failed sipp calls ${JSON.stringify(s.extra['badSippDetails'])}`] : []),
    `  placed→agent ms: p50 ${round(percentile(s.reachDelays, 50), 0)}  p99 ${round(percentile(s.reachDelays, 99), 0)}  max ${round(s.reachDelays.length ? Math.max(...s.reachDelays) : null, 0)}`,
    `  agent errors ${String(s.extra['agentErrorCount'])} ${JSON.stringify(s.extra['agentErrors'])}`,
    `  calls offered more than once ${JSON.stringify(s.extra['reoffered'])}`,
    `  load: 1-min loadavg max ${sunlineLoadMax.toFixed(2)} on ${os.cpus().length} CPUs; bench process (server + driver) used ${(serverCpu * 100).toFixed(0)}% of one CPU on average`,
    `  server log warn+ lines ${String(s.extra['logWarnings'])} ${JSON.stringify(s.extra['logTop'])}`,
  ];
  if (b) {
    lines.push(
      `Bare path: ${b.calls.length} calls placed, max ${b.inFlightMax} in flight, ${b.reached.size} reached an agent, ${bareUnreached} did not`,
      `  cps ${b.cps.toFixed(2)}  sipp outcomes ${JSON.stringify(b.outcomes)}  lost ${String(b.extra['callsLost'])}`,
      `  placed→agent ms: p50 ${round(percentile(b.reachDelays, 50), 0)}  p99 ${round(percentile(b.reachDelays, 99), 0)}  max ${round(b.reachDelays.length ? Math.max(...b.reachDelays) : null, 0)}`,
    );
  }
  lines.push(`ratio ${ratio === null ? 'n/a' : ratio.toFixed(3)}`, '');
  say(lines.join('\n'));

  const result = {
    cps: round(s.cps, 3),
    bare_cps: b ? round(b.cps, 3) : null,
    ratio: ratio === null ? null : round(ratio, 3),
    popup_p50_ms: round(p50),
    popup_p99_ms: round(p99),
    popup_max_ms: round(pmax),
    popup_samples: lat.length,
    server_pop_p50_ms: round(percentile(srv, 50)),
    server_pop_p99_ms: round(percentile(srv, 99)),
    loop_delay_p99_ms: round(s.extra['loopP99Ms'] as number),
    loop_delay_max_ms: round(s.extra['loopMaxMs'] as number),
    reach_p50_ms: round(percentile(s.reachDelays, 50), 0),
    bare_reach_p50_ms: b ? round(percentile(b.reachDelays, 50), 0) : null,
    orders_created: s.extra['ordersCreated'],
    calls_lost: s.extra['callsLost'],
    calls_unreached: unreached,
    calls: s.calls.length,
    reached: s.reached.size,
    bare_calls: b?.calls.length ?? null,
    bare_reached: b?.reached.size ?? null,
    bare_calls_lost: b?.extra['callsLost'] ?? null,
    rate: opts.rate,
    duration_s: opts.durationS,
    agents: opts.agents,
    talk_s: opts.talkMs / 1000,
    in_flight_max: s.inFlightMax,
    bare_in_flight_max: b?.inFlightMax ?? null,
    server_log_warnings: s.extra['logWarnings'],
    loadavg_max: round(sunlineLoadMax, 2),
    server_process_cpu: round(serverCpu, 2),
    cpus: os.cpus().length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** --recording-ab: recording off, then on, same rate; the ratio of calls/s and the disk per recorded call-hour. */
async function recordingAb(): Promise<void> {
  say(`bench:calls --recording-ab rate=${opts.rate}/s duration=${opts.durationS}s agents=${opts.agents} talk=${opts.talkMs / 1000}s`);
  const before = os.loadavg().map((x) => x.toFixed(2));
  say(`  machine before: loadavg ${before.join(' ')} on ${os.cpus().length} CPUs`);
  const { off: offP, on: onP } = await runRecordingAb(
    {
      ...opts,
      beforeCalls: () => {
        loadMax = 0;
        return Promise.resolve();
      },
    },
    teardown,
    say,
    () => loadMax,
    a['on-first'],
  );
  const { r: off, rec: offRec } = offP;
  const { r: on, rec: onRec } = onP;
  const loads = [offP.load, onP.load];
  const ratio = off.cps > 0 ? on.cps / off.cps : null;
  const mb = mbPerCallHour(onRec);
  const lost = (p: PathResult) => Number(p.extra['callsLost']);
  say(
    [
      '',
      `recording off: ${off.calls.length} calls, ${off.reached.size} reached an agent, lost ${lost(off)}, cps ${off.cps.toFixed(2)}, placed→agent p50 ${round(percentile(off.reachDelays, 50), 0)} ms, loadavg max ${loads[0]?.toFixed(2)}, recordings ${JSON.stringify(offRec.states)}`,
      `recording on:  ${on.calls.length} calls, ${on.reached.size} reached an agent, lost ${lost(on)}, cps ${on.cps.toFixed(2)}, placed→agent p50 ${round(percentile(on.reachDelays, 50), 0)} ms, loadavg max ${loads[1]?.toFixed(2)}, recordings ${JSON.stringify(onRec.states)}`,
      `  stored ${onRec.stored} WAVs, ${(onRec.bytes / 1e6).toFixed(1)} MB for ${(onRec.durationMs / 1000).toFixed(0)} s of calls (last stored ${(onRec.settleMs / 1000).toFixed(1)} s after the calls ended)`,
      ...[off, on].flatMap((p, i) => [
        ...(lost(p) > 0 ? [`  ${i ? 'on' : 'off'}: first lost calls ${JSON.stringify(p.extra['badSippDetails'])}`] : []),
        ...(Number(p.extra['logWarnings']) > 0
          ? [`  ${i ? 'on' : 'off'}: server log warn+ ${String(p.extra['logWarnings'])} ${JSON.stringify(p.extra['logTop'])}`]
          : []),
      ]),
      `ratio (on / off) ${ratio === null ? 'n/a' : ratio.toFixed(3)}   disk ${mb === null ? 'n/a' : mb.toFixed(1)} MB per recorded call-hour`,
      '',
    ].join('\n'),
  );
  process.stdout.write(
    `${JSON.stringify({
      mode: 'recording-ab',
      order: a['on-first'] ? 'on-first' : 'off-first',
      cps_off: round(off.cps, 3),
      cps_on: round(on.cps, 3),
      ratio: ratio === null ? null : round(ratio, 3),
      mb_per_call_hour: mb === null ? null : round(mb, 1),
      recordings_stored: onRec.stored,
      recordings_states: onRec.states,
      recorded_s: round(onRec.durationMs / 1000, 0),
      recorded_mb: round(onRec.bytes / 1e6, 1),
      recordings_when_off: offRec.states,
      calls_off: off.calls.length,
      calls_on: on.calls.length,
      reached_off: off.reached.size,
      reached_on: on.reached.size,
      lost_off: lost(off),
      lost_on: lost(on),
      rate: opts.rate,
      duration_s: opts.durationS,
      agents: opts.agents,
      talk_s: opts.talkMs / 1000,
      loadavg_max_off: round(loads[0] ?? null, 2),
      loadavg_max_on: round(loads[1] ?? null, 2),
      cpus: os.cpus().length,
    })}\n`,
  );
}

(a['recording-ab'] ? recordingAb() : main()).then(
  () => cleanupAndExit(0),
  (err: unknown) => {
    say(`bench:calls failed: ${(err as Error).stack ?? String(err)}`);
    return cleanupAndExit(1);
  },
);
