/**
 * Issue 18 against a real Asterisk: callers arriving while ARI's REST requests fail all reach
 * the queue, marked with their call id — never left in our Stasis app in silence.
 *  - Asterisk's HTTP session limit below our REST pool: it closes connections without an answer
 *    ("other side closed"); with the pool below the limit nothing fails at all;
 *  - every REST connection cut: the front door sends callers on over AMI at once;
 *  - REST requests never answered: the watchdog sends callers on after its threshold.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { buildApp, type Sunline } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { startAriProxy } from '../../tools/ari-proxy.js';
import { asteriskAvailable, sandboxEnv, startAsterisk, type AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import { placeCall } from '../../tools/sipp.js';
import { until } from '../helpers/call-path.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const available = asteriskAvailable();
if (!available.ok) throw new Error(available.reason);
// Room for the events websocket and two REST sockets (plus the sandbox's start-up probe).
const SESSION_LIMIT = 4;
const asterisk = await startAsterisk({ httpSessionLimit: SESSION_LIMIT });
t.teardown(() => asterisk.stop());

/** A Sunline server on the sandbox whose log lines are kept (for the failures it met). */
async function server(t: Teardown, env: Record<string, string>): Promise<Sunline & { logs: Array<{ msg: string; [k: string]: unknown }> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-frontdoor-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const e = loadEnv({ SUNLINE_DATA_DIR: dir, SUNLINE_CONFIG_WATCH: 'false', SUNLINE_MEDIA: 'false', ...sandboxEnv(asterisk), ...env });
  const logs: Array<{ msg: string; [k: string]: unknown }> = [];
  const logger = createLogger({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) });
  const app = await buildApp(e, { logger });
  t.teardown(() => app.close());
  await until('telephony up', () => app.calls.center?.telephonyUp());
  return Object.assign(app, { logs });
}

/**
 * `count` callers at once, numbers `<prefix>00`, `<prefix>01`…, hung up at teardown. `stallMs`:
 * our event loop stalls meanwhile (as under 2,000 consoles), so their StasisStarts are handled
 * together and the front doors send their requests in one burst.
 */
async function callersArrive(t: Teardown, prefix: string, count: number, stallMs = 0): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  for (const number of numbers) {
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: number, holdMs: 40_000 });
    t.teardown(() => call.kill());
  }
  t.teardown(() => asterisk.cli('channel request hangup all'));
  const end = Date.now() + stallMs;
  while (Date.now() < end); // a stalled event loop
  return numbers;
}

async function inQueue(): Promise<number> {
  return Number(/has (\d+) calls?/.exec(await asterisk.cli('queue show 12345'))?.[1] ?? 0);
}

/**
 * Every caller waits in app_queue, has a calls row marked queued, and its channel carries
 * SUNLINE_CALL_ID = that row (so the agent legs name the call).
 */
async function allQueuedAndMarked(t: Test, app: Sunline, numbers: string[], timeoutMs: number): Promise<void> {
  await until(`${numbers.length} callers in app_queue`, async () => (await inQueue()) === numbers.length || undefined, timeoutMs);
  const rows = await until('every call row queued', () => {
    const r = app.db.sqlite
      .prepare(`select id, channel_id, state from calls where caller_phone in (${numbers.map(() => '?').join(',')})`)
      .all(...numbers) as Array<{ id: string; channel_id: string; state: string }>;
    return r.length === numbers.length && r.every((row) => row.state === 'queued') ? r : undefined;
  });
  const sw = app.calls.center!.ctx.switchboard;
  const entries = await sw.queueEntries();
  for (const row of rows) {
    const entry = entries.find((e) => e.channelId === row.channel_id);
    t.ok(entry, 'the call row names a caller waiting in the queue');
    if (entry) t.equal(await sw.getVar(entry.channelName, 'SUNLINE_CALL_ID'), row.id, 'the channel carries its call id');
  }
  t.equal(app.calls.center!.live.all().filter((c) => c.state === 'front_door').length, 0, 'nobody left at the front door');
}

const failures = (app: { logs: Array<{ msg: string }> }) => app.logs.filter((l) => l.msg === 'ari request retried' || l.msg === 'ari request failed').length;

t.test('REST pool below the session limit: a burst of callers all go the normal way', async (t) => {
  const app = await server(t, { SUNLINE_ARI_MAX_CONNECTIONS: '2' });
  const numbers = await callersArrive(t, '139001000', 10, 1500);
  await allQueuedAndMarked(t, app, numbers, 30_000);
  const greeted = app.db.sqlite
    .prepare("select count(*) as n from call_events e join calls c on c.id = e.call_id where e.type = 'greeted' and c.caller_phone like '139001000%'")
    .get() as { n: number };
  t.equal(greeted.n, numbers.length, 'every caller heard the greeting');
  t.equal(failures(app), 0, 'no ARI request failed: two sockets stay under a session limit of 4');
});

t.test('REST pool above the session limit: Asterisk closes connections, every caller still reaches the queue', async (t) => {
  const app = await server(t, { SUNLINE_ARI_MAX_CONNECTIONS: '20' });
  const numbers = await callersArrive(t, '139002000', 10, 1500);
  await allQueuedAndMarked(t, app, numbers, 30_000);
  t.ok(failures(app) > 0, 'Asterisk refused connections beyond its session limit');
});

t.test('every REST connection cut: the front door sends callers on over AMI at once', async (t) => {
  const proxy = await startAriProxy(asterisk.ari.url);
  t.teardown(() => proxy.close());
  const app = await server(t, { SUNLINE_ARI_URL: proxy.url, SUNLINE_ARI_MAX_CONNECTIONS: '2', SUNLINE_STASIS_WATCHDOG_SECONDS: '600' });
  proxy.set({ mode: 'drop', dropEvery: 1 });
  const started = Date.now();
  const numbers = await callersArrive(t, '139003000', 4);
  await allQueuedAndMarked(t, app, numbers, 15_000);
  t.ok(Date.now() - started < 10_000, 'queued within seconds, not after the watchdog');
  t.ok(proxy.stats.dropped > 0);
  t.equal(app.logs.filter((l) => l.msg === 'caller sent on to the queue over AMI' && l['why'] === 'front_door_failed').length, numbers.length);
});

t.test('REST requests never answered: the watchdog sends callers on after its threshold', async (t) => {
  const proxy = await startAriProxy(asterisk.ari.url);
  t.teardown(() => proxy.close());
  const app = await server(t, { SUNLINE_ARI_URL: proxy.url, SUNLINE_STASIS_WATCHDOG_SECONDS: '2' });
  proxy.set({ mode: 'blackhole' });
  t.teardown(() => proxy.set({ mode: 'pass' }));
  const numbers = await callersArrive(t, '139004000', 4);
  // Timed from their arrival at our front door (sipp and Asterisk take seconds under load).
  await until(
    'callers at the front door',
    () => app.calls.center!.live.all().filter((c) => c.state === 'front_door').length === numbers.length || undefined,
    15_000,
  );
  // ARI's 5 s timeout would let the front door give up only after about ten seconds.
  await allQueuedAndMarked(t, app, numbers, 6_000);
  t.equal(app.logs.filter((l) => l.msg === 'caller sent on to the queue over AMI' && l['why'] === 'no_progress').length, numbers.length);
});
