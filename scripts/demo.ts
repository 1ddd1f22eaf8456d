/**
 * The README's main job: a private Asterisk 22 loaded with our dialplan/, Sunline on an
 * embedded SQLite with demo users, and simulated citizens (sipp) calling all seven numbers.
 *
 *   npm run demo [-- --duration 60] [-- --no-callers] [-- --bots 2] [-- --callback-bots 1] [-- --host 0.0.0.0]
 * Missed callers are called back (回拨) by the callback bots through the carrier trunk, which the
 * demo points at a simulated citizen's phone (tools/citizen-phone.ts: sipp answering and talking).
 * Env: SUNLINE_PORT (8080), SUNLINE_HOST (127.0.0.1 for the demo: its passwords are well known;
 * --host wins), SUNLINE_DEMO_CALL_EVERY_MS (6000), SUNLINE_DEMO_ABANDON_RATIO (0.3).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { sandboxEnv, startAsterisk } from '../tools/asterisk-sandbox.js';
import { placeCall, killAllCalls, ulawFromWav } from '../tools/sipp.js';
import { citizenPhone } from '../tools/citizen-phone.js';
import { DEMO_USERS } from './demo-users.js';
import { narrate } from './lib/demo-narrator.js';
import { createLogger } from '../src/logging/logger.js';
import { pino } from 'pino';
import { DEMO_CITIZEN_PHONE, seedDemoOrders } from './demo-orders.js';
import { seedDemoKb } from './demo-kb.js';
import { startSimAgents, type SimAgents } from './lib/sim-agents.js';
import { demoBaseUrl, demoHost, isLoopbackHost } from './lib/demo-bind.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    'no-callers': { type: 'boolean', default: false },
    bots: { type: 'string', default: '2' },
    'callback-bots': { type: 'string', default: '1' },
    host: { type: 'string' },
  },
});

const NUMBERS = ['12345', '12333', '12328', '12315', '12330', '12356', '12329'];

/**
 * Each demo run starts a new Asterisk: agents logged in during the last run (kept across
 * restarts by agent_sessions) would be offered calls with nobody at their console. A database
 * from before agent_sessions existed has nothing to forget.
 */
function forgetAgentSessions(dbFile: string): void {
  if (!fs.existsSync(dbFile)) return;
  const db = new Database(dbFile);
  try {
    const table = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'agent_sessions'").get();
    if (table) db.prepare('delete from agent_sessions').run();
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  process.stdout.write('starting Asterisk 22 with dialplan/ …\n');
  const asterisk = await startAsterisk({ ariApp: 'sunline' });
  const env = loadEnv({
    ...process.env,
    SUNLINE_DATA_DIR: process.env['SUNLINE_DATA_DIR'] ?? path.join('var', 'demo'),
    // Loopback unless --host or SUNLINE_HOST says otherwise: the demo's passwords are in the README.
    SUNLINE_HOST: demoHost(args.host, process.env['SUNLINE_HOST']),
    ...sandboxEnv(asterisk),
  });
  forgetAgentSessions(env.dbFile);
  // The JSON log (one line per request, call step, …) goes to a file; the terminal gets the
  // banner and one readable line per event (lib/demo-narrator.ts).
  const logFile = path.join(env.dataDir, 'sunline.log');
  fs.mkdirSync(env.dataDir, { recursive: true });
  const app = await buildApp(env, { logger: createLogger({ level: env.logLevel }, pino.destination({ dest: logFile, sync: false, mkdir: true })) });
  for (const u of DEMO_USERS) await app.users.upsert(u);
  // Orders for the unit portal (unit-amr) and one a citizen can look up at /lookup.
  const demoOrders = await seedDemoOrders(
    app,
    DEMO_USERS.find((u) => u.role === 'admin')!,
  );
  // The knowledge base for the seven hotlines (scripts/demo-kb/*.md), published.
  await seedDemoKb(
    app,
    DEMO_USERS.find((u) => u.role === 'admin')!,
  );
  await app.http.listen({ host: env.host, port: env.port });

  const base = demoBaseUrl(env.host, env.port);
  await until(() => app.calls.center?.telephonyUp() === true, 15_000);
  // The simulated citizens speak (a synthetic zh-CN voice, looped), so an agent who answers in
  // the browser hears them; the same voice answers the callbacks.
  const audioDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-demo-voice-'));
  const audioFile = ulawFromWav(fileURLToPath(new URL('./demo-assets/citizen-voice.wav', import.meta.url)), audioDir);
  // The carrier trunk leads to a simulated citizen's phone: outbound calls (回拨/回访) ring it; it
  // answers and talks (numbers ending 486 are busy, 480 ring out, 777 hang up after 2 s).
  const citizens = await citizenPhone(asterisk, 1_000_000, { audioFile, timeoutSeconds: 0 });
  // Simulated agents answer some calls, so the queue moves and shift leads see activity.
  // The callback bots (after the answering ones) stay paused and call back missed callers.
  const botCount = Number(args.bots);
  const callbackBots = Number(args['callback-bots']);
  let bots: SimAgents | undefined;
  if (botCount + callbackBots > 0) {
    bots = await startSimAgents({
      url: base,
      count: botCount + callbackBots,
      callbackAgents: callbackBots,
      callbacks: { pollMs: 3_000, talkMs: 8_000, pauseReason: '小休' },
      usernamePrefix: 'bot',
      usersService: app.users,
      answerAfterMs: 3_000,
      talkMs: 20_000,
      wrapupMs: 5_000,
      hangup: async (callId) => {
        const row = app.db.sqlite.prepare('select channel_id from calls where id = ?').get(callId) as { channel_id: string } | undefined;
        if (row && app.calls.ari) await app.calls.ari.channels.hangup(row.channel_id).catch(() => undefined);
      },
    });
  }
  const out = [
    '',
    'Sunline demo is running.',
    `  agent console       ${base}/   (log in as agent1, click 签入, allow the microphone: you talk to the caller in the browser)`,
    `  unit portal         ${base}/   (log in as unit-amr: orders dispatched to 市市场监管局, one overdue within minutes)`,
    `  shift-lead page     ${base}/   (log in as lead1 in another browser: 监听/耳语/强插 on a call agent1 answers in the browser; the bots have no audio)`,
    `  recordings          ${env.recordings.dir}   (every answered call; lead1 plays them from 派单审核台 /desk and 质检 /qa; docs/recordings.md)`,
    `  order desk API      ${base}/docs   (tag desk; log in as disp1 for the city, dq.dispatcher for 德清's sub-platform)`,
    `  citizen lookup      ${base}/lookup   (order ${demoOrders.lookupNumber ?? '-'}, phone ${DEMO_CITIZEN_PHONE}, code ${demoOrders.lookupCode ?? '-'})`,
    `  API docs (OpenAPI)  ${base}/docs`,
    `  readiness           ${base}/health/ready`,
    `  Asterisk            ARI ${asterisk.ari.url}  AMI ${asterisk.ami.host}:${asterisk.ami.port}  SIP udp ${asterisk.sip.host}:${asterisk.sip.port}`,
    '  logins (username / password / role):',
    ...DEMO_USERS.map((u) => `    ${u.username.padEnd(10)} ${u.password.padEnd(14)} ${u.role}  ${u.displayName}`),
    args['no-callers'] ? '  simulated callers: off' : `  simulated callers: all seven numbers, one every ${callEvery() / 1000}s; some hang up while waiting`,
    `  simulated agents:  ${botCount} (bot1…; they answer after 3 s and talk 20 s) — log in as agent1 to take calls yourself`,
    `  callback bots:     ${callbackBots}${callbackBots > 0 ? ` (bot${botCount + 1}…; paused 小休 between callbacks, they call back missed callers (回拨) and talk 8 s: lead1 sees 回拨率 move)` : ''}`,
    `  citizens' phones   outbound calls go through the trunk to a simulated phone that answers and talks`,
    `  JSON log            ${logFile}`,
    isLoopbackHost(env.host)
      ? `  listening on ${env.host} only (--host 0.0.0.0 to open it to the network)`
      : `  WARNING: listening on ${env.host} with the well-known demo passwords above`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
  // Names read ahead (the narration is synchronous); an account made later is read for the next line.
  const names = new Map<number, string>();
  const readNames = () =>
    app.users.list().then(
      (list) => list.forEach((u) => names.set(u.id, u.displayName)),
      () => undefined,
    );
  await readNames();
  const agentName = (id: number) => {
    const name = names.get(id);
    if (name === undefined) void readNames();
    return name ?? `agent ${id}`;
  };
  const stopNarrating = narrate(app.events, { write: (line) => process.stdout.write(`${line}\n`), agentName });

  let timer: NodeJS.Timeout | undefined;
  if (!args['no-callers']) {
    let n = 0;
    const ratio = Number(process.env['SUNLINE_DEMO_ABANDON_RATIO'] ?? 0.3);
    timer = setInterval(() => {
      const number = NUMBERS[n % NUMBERS.length]!;
      n++;
      const abandons = Math.random() < ratio;
      const callerId = `139${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8)}`;
      // Abandoning callers hang up after a short wait; the others stay on the line a while.
      placeCall({ sip: asterisk.sip, number, callerId, audioFile, holdMs: abandons ? 4_000 + Math.random() * 8_000 : 45_000 });
    }, callEvery());
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (timer) clearInterval(timer);
    stopNarrating();
    killAllCalls();
    await bots?.stop();
    citizens.kill();
    await app.close();
    await asterisk.stop();
    process.stdout.write('demo stopped\n');
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (args.duration) setTimeout(() => void stop(), Number(args.duration) * 1000);
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

function callEvery(): number {
  return Number(process.env['SUNLINE_DEMO_CALL_EVERY_MS'] ?? 6000);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
