/**
 * The call-control failover for real (issue 16 item 3): two server processes (src/server.ts) on
 * one SQLite file, one redis-server, one Asterisk sandbox, a sipp caller. The caller waits in the
 * queue; the leader is killed with SIGKILL; the standby takes the lease within 5 s, connects to
 * Asterisk and takes the queued caller over (decision 0007), who is then offered to an agent whose
 * console is on the surviving node, and answered. The killed node, started again, comes back as
 * standby and does not take over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { io as connectClient } from 'socket.io-client';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import type { ScreenPop } from '../../src/contract/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { placeCall } from '../../tools/sipp.js';
import { sandboxEnv } from '../../tools/asterisk-sandbox.js';
import { startRedis } from '../../tools/redis.js';
import { command, next, sandbox, until, type Console } from '../helpers/call-path.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

type Teardown = { teardown(fn: () => unknown): void };

const url = (p: ServerProcess) => `http://127.0.0.1:${p.port}`;
const callControl = async (p: ServerProcess) => {
  try {
    return (await fetch(`${url(p)}/health/call-control`)).status;
  } catch {
    return 0; // between two apps of a role change, or gone
  }
};

/** The users, created before the nodes start (this also applies the migrations). */
async function prepare(dir: string): Promise<void> {
  const env = loadEnv({ SUNLINE_DATA_DIR: dir, SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false', SUNLINE_LOG_LEVEL: 'silent' });
  const app = await buildApp(env, { logger: createLogger({ level: 'silent' }), realtime: false });
  await app.users.upsert({ username: 'agent-f', displayName: 'agent-f', role: 'agent', password: 'agent-f-pw' });
  await app.close();
}

async function agentConsole(t: Teardown, p: ServerProcess): Promise<Console> {
  const res = await fetch(`${url(p)}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
    body: JSON.stringify({ username: 'agent-f', password: 'agent-f-pw' }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const socket: Console = connectClient(url(p), { transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  t.teardown(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

t.test('kill -9 the leader with a caller queued: the standby takes over within 5 s and an agent on it answers the caller', async (t) => {
  const asterisk = await sandbox(t);
  const redis = await startRedis(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-failover-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  await prepare(dir);
  const env = {
    ...sandboxEnv(asterisk),
    SUNLINE_DATA_DIR: dir,
    SUNLINE_REDIS_URL: redis.url,
    SUNLINE_MEDIA: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_WRAPUP_SECONDS: '60',
  };

  const a = await startServerProcess(t, env);
  await until('node A leads', async () => (await callControl(a)) === 200, 60_000);
  const b = await startServerProcess(t, env);
  t.equal(await callControl(b), 503, 'node B stands by');

  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13500007777', holdMs: 90_000 });
  t.teardown(() => call.kill());
  const db = new (await import('better-sqlite3')).default(path.join(dir, 'sunline.db'), { readonly: true });
  t.teardown(() => db.close());
  const queued = await until(
    'the caller queued by node A',
    () => db.prepare("select id from calls where caller_phone = '13500007777' and state = 'queued'").get() as { id: string } | undefined,
    30_000,
  );

  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  await a.exited;
  await until('node B takes the lease', () => b.output().includes('call-control lease acquired'), 10_000);
  const tookMs = Date.now() - killedAt;
  t.ok(tookMs <= 5000, `node B took the lease ${tookMs} ms after the kill (≤ 5 s)`);
  await until('node B controls calls', async () => (await callControl(b)) === 200, 60_000);

  const agent = await agentConsole(t, b);
  const offered = next(agent, 'call:offered', () => true, 60_000);
  await until(
    'agent:login on node B',
    async () =>
      command(agent, 'agent:login', {}).then(
        () => true,
        () => false,
      ),
    30_000,
  );
  const pop = (await offered) as ScreenPop;
  t.equal(pop.callId, queued.id, 'the caller queued before the kill is offered as the same call');
  await command(agent, 'call:answer', { callId: pop.callId });
  await until('answered', () => (db.prepare('select state from calls where id = ?').get(queued.id) as { state: string }).state === 'answered', 15_000);
  t.pass('answered by the agent on the surviving node');

  // The killed node comes back: as standby, and it stays so.
  const again = await startServerProcess(t, env);
  t.equal(await callControl(again), 503, 'the restarted node stands by');
  await new Promise((r) => setTimeout(r, 3000));
  t.equal(await callControl(again), 503, 'and does not take over');
  t.equal(await callControl(b), 200, 'node B still leads');
});
