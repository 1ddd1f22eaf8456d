/**
 * The call-control failover for real (issue 16 items 3 and 4): two server processes
 * (src/server.ts) on one real PostgreSQL database (SUNLINE_DATABASE_URL, as in production:
 * docs/deployment.md "Several nodes"; their shared data folder holds no SQLite file),
 * one redis-server, one Asterisk sandbox, sipp callers, and the balancer's calls address in front of
 * the nodes (tools/calls-address.ts: a new connection goes to the node whose /health/call-control
 * answers 200). The call rows the test checks are read from PostgreSQL.
 * Agents' and the shift lead's consoles connect to the calls address, as in a deployment.
 *
 * Two callers are answered by two agents and ten wait in the queue when the leader is killed
 * with SIGKILL. The standby takes the lease within 5 s and takes the calls over (decision 0007):
 * no caller is dropped (no sipp caller sees a BYE, no call row ends), the consoles reconnect to
 * the new leader by themselves, the lead's view there shows the ten waiting and the two agents
 * still on their calls, the two answered agents are back on their calls and can hang up from
 * the new leader, and the ten queued callers are offered to and answered by agents on it. The
 * killed node, started again on its address, stands by: the lease stays with the new leader and
 * it opens no connection to ARI or AMI (both reached through counting proxies). A thirteenth agent
 * is on an answered outbound call (外呼, a sipp citizen phone on the trunk) at the kill: the call
 * goes on too, its agent's console back on node B on it, and the agent hangs up from node B.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pg from 'pg';
import { createClient } from 'redis';
import { buildApp } from '../../src/app.js';
import { LEASE_KEY } from '../../src/cluster/lease.js';
import { loadEnv } from '../../src/config/env.js';
import type { AgentView, OutboundCallView, QueueSnapshot, ScreenPop } from '../../src/contract/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { placeCall, type CallResult } from '../../tools/sipp.js';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { sandboxEnv } from '../../tools/asterisk-sandbox.js';
import { startRedis } from '../../tools/redis.js';
import { command, next, sandbox, until, type Console } from '../helpers/call-path.js';
import { startPostgres } from '../helpers/postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startCallsAddress } from '../../tools/calls-address.js';
import { consoleAt } from '../../tools/console-client.js';

// Two node starts, twelve calls, a failover and a third start on a loaded machine.
t.setTimeout(600_000);

type Teardown = { teardown(fn: () => unknown): void };

const ANSWERED = 2;
const QUEUED = 10;
const AGENTS = ANSWERED + QUEUED;
const agentName = (i: number) => `agent-f${i + 1}`;

const callControl = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/call-control`)).status;
  } catch {
    return 0; // between two apps of a role change, or gone
  }
};

/** The users and the order the outbound call is for, made in PostgreSQL before the nodes start (this also applies the migrations). */
async function prepare(dir: string, databaseUrl: string): Promise<{ orderId: number }> {
  const env = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_DATABASE_URL: databaseUrl,
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_LOG_LEVEL: 'silent',
  });
  const app = await buildApp(env, { logger: createLogger({ level: 'silent' }), realtime: false });
  for (let i = 0; i < AGENTS; i++) await app.users.upsert({ username: agentName(i), displayName: agentName(i), role: 'agent', password: 'agent-f-pw' });
  await app.users.upsert({ username: 'lead-f', displayName: 'lead-f', role: 'shift_lead', password: 'lead-f-pw' });
  await app.users.upsert({ username: 'agent-out', displayName: 'agent-out', role: 'agent', password: 'agent-f-pw' });
  const order = await app.orders.createMissedCall({ channel: '12345', callerPhone: '13800138090' });
  await app.close();
  return { orderId: order.id };
}

/** A TCP proxy that counts the connections made through it (the returning node's ARI and AMI). */
async function countingProxy(t: Teardown, host: string, port: number): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect({ host, port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))));
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

/** What a console's `sync` sends back as `event`, or undefined while the console is away. */
async function synced<E extends 'queue:snapshot' | 'agent:state'>(
  socket: Console,
  event: E,
): Promise<(E extends 'queue:snapshot' ? QueueSnapshot : AgentView) | undefined> {
  if (!socket.connected) return undefined;
  const got = next(socket, event, () => true, 5000).catch(() => undefined);
  socket.emit('sync', () => undefined);
  return (await got) as (E extends 'queue:snapshot' ? QueueSnapshot : AgentView) | undefined;
}

const brief = (s: QueueSnapshot | undefined) =>
  s && {
    waiting: s.waiting.map((w) => `${w.callId}:${w.stage}`),
    agents: s.agents.map((a) => `${a.displayName}:${a.state}:${a.callId ?? '-'}`),
  };

/** Waits until the lead's view (a fresh snapshot after `sync`) shows `what`; the failure says what it showed last. */
async function leadSees(lead: Console, what: string, pred: (s: QueueSnapshot) => boolean, ms = 30_000): Promise<QueueSnapshot> {
  let last: QueueSnapshot | undefined;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    last = (await synced(lead, 'queue:snapshot')) ?? last;
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for the lead's view to show ${what}; its last snapshot: ${JSON.stringify(brief(last))}`);
}

t.test(
  'kill -9 the leader with 10 callers queued and 2 answered: nobody dropped, the new leader answers and shows them, the old node comes back as standby',
  async (t) => {
    const asterisk = await sandbox(t);
    const redis = await startRedis(t);
    const postgres = await startPostgres(t);
    const databaseUrl = await postgres.createDatabase('failover');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-failover-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
    const { orderId } = await prepare(dir, databaseUrl);
    const env = {
      ...sandboxEnv(asterisk),
      SUNLINE_DATA_DIR: dir, // the nodes' files (docs/deployment.md "Several nodes"); the data are in PostgreSQL
      SUNLINE_DATABASE_URL: databaseUrl,
      SUNLINE_REDIS_URL: redis.url,
      SUNLINE_MEDIA: 'false',
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_WRAPUP_SECONDS: '60',
    };
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    db.on('error', () => undefined);
    t.teardown(() => db.end());
    const callRow = async (callerPhone: string) =>
      (await db.query('select id, state from calls where caller_phone = $1 order by entered_at desc limit 1', [callerPhone])).rows[0] as
        { id: string; state: string } | undefined;
    const stateOf = async (callId: string) =>
      ((await db.query('select state from calls where id = $1', [callId])).rows[0] as { state: string } | undefined)?.state;

    const a: ServerProcess = await startServerProcess(t, env);
    await until('node A leads', async () => (await callControl(a.port)) === 200, 60_000);
    const b: ServerProcess = await startServerProcess(t, env);
    t.equal(await callControl(b.port), 503, 'node B stands by');
    t.ok(
      [a, b].every((node) => /database ready/.test(node.output()) && node.output().includes(`${postgres.port}/failover`)),
      'both nodes run on the one PostgreSQL database',
    );
    t.notOk(fs.existsSync(path.join(dir, 'sunline.db')), 'and no SQLite file is made');
    const calls = await startCallsAddress(t, [a.port, b.port]);
    await until('the calls address leads to node A', () => calls.leader() === a.port, 15_000);

    // Every caller: its sipp ends only when Asterisk hangs up (BYE) or at teardown.
    const ended = new Map<string, CallResult>();
    const call = (i: number) => {
      const callerId = `135000${String(i).padStart(5, '0')}`;
      const c = placeCall({ sip: asterisk.sip, number: '12315', callerId, holdMs: 500_000 });
      t.teardown(() => c.kill());
      void c.done.then((r) => ended.set(callerId, r));
      return callerId;
    };

    const lead = await consoleAt(t, calls.url, 'lead-f', 'lead-f-pw');
    const agents: Console[] = [];
    const agentIds: number[] = [];
    /** Logs agent i in on whatever node the calls address leads to, and answers the next call offered to it. */
    const loginAndAnswer = async (i: number): Promise<ScreenPop> => {
      const agent = await consoleAt(t, calls.url, agentName(i), 'agent-f-pw');
      agents[i] = agent;
      const offered = next(agent, 'call:offered', () => true, 60_000);
      const view = await until(
        `${agentName(i)} logged in`,
        () =>
          command<AgentView>(agent, 'agent:login', {}).then(
            (v) => v,
            () => undefined,
          ),
        30_000,
      );
      agentIds[i] = view.agentId;
      const pop = await offered;
      await command(agent, 'call:answer', { callId: pop.callId });
      await until(`${agentName(i)}'s call ${pop.callId} answered`, async () => (await stateOf(pop.callId)) === 'answered', 15_000);
      return pop;
    };

    // Two callers answered on node A, one after the other.
    const answered: string[] = [];
    for (let i = 0; i < ANSWERED; i++) {
      const callerId = call(i);
      const pop = await loginAndAnswer(i);
      t.equal(pop.callId, (await callRow(callerId))?.id, `${agentName(i)} answered caller ${callerId} on node A`);
      answered.push(pop.callId);
    }
    // Ten more wait: no agent is free.
    const queuedCallers = Array.from({ length: QUEUED }, (_, k) => call(ANSWERED + k));
    const queued = await until(
      'ten callers queued by node A',
      async () => {
        const rows = await Promise.all(queuedCallers.map(callRow));
        return rows.every((r) => r?.state === 'queued') ? rows.map((r) => r!.id) : undefined;
      },
      60_000,
    );
    const onCalls = (s: QueueSnapshot) =>
      answered.every((callId, i) => s.agents.some((v) => v.agentId === agentIds[i] && v.state === 'on_call' && v.callId === callId));
    const tenWaiting = (s: QueueSnapshot) => s.waiting.length === QUEUED && queued.every((id) => s.waiting.some((w) => w.callId === id && w.stage === 'queue'));
    await leadSees(lead, 'ten waiting and two agents on their calls, on node A', (s) => tenWaiting(s) && onCalls(s));

    // An agent on an answered outbound call (a 回访 of a missed caller), dialled through node A.
    const citizen = await citizenPhone(asterisk, 1);
    t.teardown(() => citizen.kill());
    const outAgent = await consoleAt(t, calls.url, 'agent-out', 'agent-f-pw');
    await command<AgentView>(outAgent, 'agent:login', {});
    const outAnswered = next(outAgent, 'call:outbound', (v) => v.state === 'answered', 30_000);
    const outCall = (await command<OutboundCallView>(outAgent, 'call:dial', { orderId, number: '13800138090' })).callId;
    await outAnswered;
    t.pass(`agent-out is on outbound call ${outCall} on node A`);

    // The crash.
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await until('node B takes the lease', () => b.output().includes('call-control lease acquired'), 15_000);
    const tookMs = Date.now() - killedAt;
    t.ok(tookMs <= 5000, `node B took the lease ${tookMs} ms after the kill (≤ 5 s)`);
    await until('node B has taken the calls over', () => b.output().includes('call control taken over'), 60_000);
    t.comment(`kill -9 to calls taken over on node B: ${Date.now() - killedAt} ms`);
    await until('the calls address leads to node B', () => calls.leader() === b.port, 15_000);

    // The lead's console is back by itself, on node B, and shows what Asterisk holds.
    const onB = await leadSees(lead, 'ten waiting and two agents on their calls, on node B', (s) => tenWaiting(s) && onCalls(s), 60_000);
    t.same(onB.waiting.map((w) => w.callId).sort(), [...queued].sort(), "the lead's view on node B: the ten callers waiting, in the queue");
    t.ok(onCalls(onB), 'and the two agents on their calls');
    // The answered agents' consoles are back, on their calls.
    for (let i = 0; i < ANSWERED; i++) {
      const view = await until(
        `${agentName(i)}'s console back on node B, on its call`,
        async () => {
          const v = await synced(agents[i]!, 'agent:state');
          return v?.state === 'on_call' && v.callId === answered[i] ? v : undefined;
        },
        30_000,
      );
      t.equal(view.callId, answered[i], `${agentName(i)} is still on its call after the failover`);
    }
    t.same(await Promise.all(answered.map(stateOf)), ['answered', 'answered'], 'the two answered calls go on');
    const outView = await until(
      "agent-out's console back on node B, on its outbound call",
      async () => {
        const v = await synced(outAgent, 'agent:state');
        return v?.state === 'outbound' && v.callId === outCall ? v : undefined;
      },
      30_000,
    );
    t.equal(outView.callId, outCall, 'the outbound call goes on after the failover');
    await until('node B took the outbound call over', () => b.output().includes('an answered outbound call goes on after our restart') || undefined, 15_000);

    // The ten queued callers are answered by agents whose consoles are on node B.
    const taken: string[] = [];
    for (let k = 0; k < QUEUED; k++) taken.push((await loginAndAnswer(ANSWERED + k)).callId);
    t.same([...taken].sort(), [...queued].sort(), 'each caller queued before the kill was offered as the same call and answered on node B');
    const allOnCalls = await leadSees(
      lead,
      'nobody waiting and twelve agents on calls',
      (s) => s.waiting.length === 0 && agentIds.every((id) => s.agents.some((v) => v.agentId === id && v.state === 'on_call')),
    );
    t.equal(allOnCalls.waiting.length, 0, "the lead's view: nobody waiting, twelve agents on calls");

    // The killed node comes back on its address; its ARI and AMI go through counting proxies.
    const ariUrl = new URL(asterisk.ari.url);
    const ariProxy = await countingProxy(t, ariUrl.hostname, Number(ariUrl.port));
    const amiProxy = await countingProxy(t, asterisk.ami.host, asterisk.ami.port);
    const again = await startServerProcess(t, {
      ...env,
      SUNLINE_PORT: String(a.port),
      SUNLINE_ARI_URL: `http://127.0.0.1:${ariProxy.port}`,
      SUNLINE_AMI_HOST: '127.0.0.1',
      SUNLINE_AMI_PORT: String(amiProxy.port),
    });
    t.equal(await callControl(a.port), 503, 'the restarted node stands by');
    const leaseOf = (out: string) => /"nodeId":"([^"]+)"[^\n]*call-control lease acquired/.exec(out)?.[1];
    const bNode = leaseOf(b.output());
    const kv = createClient({ url: redis.url });
    await kv.connect();
    t.teardown(() => kv.destroy());
    await new Promise((r) => setTimeout(r, 5000)); // more than ttl + renew: time enough to fight
    t.equal(await callControl(a.port), 503, 'and does not take over');
    t.equal(await callControl(b.port), 200, 'node B still leads');
    t.equal(await kv.get(LEASE_KEY), bNode, "the lease is node B's");
    t.notOk(leaseOf(again.output()), 'the restarted node never acquired the lease');
    t.equal(ariProxy.connections(), 0, 'the restarted node opened no connection to ARI');
    t.equal(amiProxy.connections(), 0, 'nor to AMI');

    // Up to here no caller was dropped: every sipp is still in its call, no call row ended.
    t.same(
      [...ended.entries()].map(([c, r]) => `${c}:${r.outcome}`),
      [],
      'no caller saw a BYE or ended',
    );
    t.equal(Number((await db.query("select count(*) as n from calls where state = 'ended'")).rows[0].n), 0, 'no call ended');

    // The outbound call, still answered, is ended by its agent on node B.
    t.equal(await stateOf(outCall), 'answered', 'the outbound call is still answered');
    const outEnded = next(outAgent, 'call:outbound', (v) => v.callId === outCall && v.state === 'ended', 20_000);
    await command(outAgent, 'call:hangup', { callId: outCall });
    t.match(await outEnded, { result: 'answered', reason: 'agent_hangup' }, 'agent-out hung up its outbound call from node B');

    // The test ends the two calls answered before the kill, from the agents' consoles on node B.
    for (let i = 0; i < ANSWERED; i++) await command(agents[i]!, 'call:hangup', { callId: answered[i] });
    await until(
      'the two calls answered before the kill ended by their agents on node B',
      async () => (await Promise.all(answered.map(stateOf))).every((state) => state === 'ended'),
      30_000,
    );
    t.pass('the agents ended their calls from node B');
  },
);
