/**
 * Outbound call set-up time (issue 12 item 6): the agent's `call:dial` → the citizen's phone
 * ringing, as the console sees it (`call:outbound` state ringing, which the server pushes on the
 * citizen's 180 Ringing).
 *
 *   npm run bench:outbound -- [--calls 50]
 *
 * A private Asterisk sandbox with dialplan/, a Sunline server (this process, loopback, no media),
 * one agent over HTTP + socket.io, and sipp as the citizen's phone on the carrier trunk
 * (tools/citizen-phone.ts; a number ending in 480 rings and never answers). One call at a time:
 * dial, wait for ringing, hang up (the agent cancels: no attempt, no wrap-up), wait for the end.
 * Timed in this process from the emit to the event: the socket.io round trip, the server's
 * checks and database rows, ARI originate, PJSIP to sipp and the 180 back. Also timed: the
 * hang-up → `ended` (Asterisk's CANCEL answered by the phone, the channel destroyed).
 *
 * Prints one line per call, a summary, then as the last line one JSON object.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, OutboundCallView, ServerToClientEvents } from '../src/contract/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../src/workorders/index.js';
import { asteriskAvailable, startAsterisk } from '../tools/asterisk-sandbox.js';
import { citizenPhone } from '../tools/citizen-phone.js';
import { percentile, startServer, Teardown } from './lib/run.js';

const { values: a } = parseArgs({ options: { calls: { type: 'string', default: '50' } } });
const CALLS = Math.max(1, Math.min(500, Number(a.calls) || 50));
const NUMBER = '13800000480'; // rings, never answers (tools/sipp/citizen.xml)

type Console = Socket<ServerToClientEvents, ClientToServerEvents>;

function emit<T>(socket: Console, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const send = socket.emit as unknown as (ev: string, p: unknown, ack: (r: { ok: boolean; data?: unknown; error?: { code: string } }) => void) => void;
    send.call(socket, event, payload, (r) =>
      r.ok ? resolve(r.data as T) : reject(Object.assign(new Error(r.error?.code ?? 'failed'), { code: r.error?.code })),
    );
  });
}

async function main(): Promise<void> {
  const available = asteriskAvailable();
  if (!available.ok) throw new Error(available.reason);
  const teardown = new Teardown();
  process.once('SIGINT', () => void teardown.run().then(() => process.exit(130)));
  try {
    const asterisk = await startAsterisk();
    teardown.teardown(() => asterisk.stop());
    const citizen = await citizenPhone(asterisk, CALLS + 5);
    teardown.teardown(() => citizen.kill());
    const app = await startServer(teardown, asterisk, null, {
      SUNLINE_LOG_LEVEL: 'silent',
      SUNLINE_WRAPUP_SECONDS: '30',
      SUNLINE_MEDIA: 'false',
      SUNLINE_OUTBOUND_RING_SECONDS: '30',
    });
    const url = app.url;
    for (let i = 0; i < 200 && !app.calls.center?.telephonyUp(); i++) await new Promise((r) => setTimeout(r, 100));
    await app.users.upsert({ username: 'bench-out', displayName: 'bench', role: 'agent', password: 'bench-out-pw' });
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
      body: JSON.stringify({ username: 'bench-out', password: 'bench-out-pw' }),
    });
    if (res.status !== 200) throw new Error(`login: ${res.status}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const socket: Console = connectClient(url, { transports: ['websocket'], extraHeaders: { cookie } });
    teardown.teardown(() => socket.disconnect());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await emit(socket, 'agent:login', {});
    const order = await new WorkOrdersService(sqliteOrdersStoreOn(app.db.db)).createMissedCall({ channel: '12345', callerPhone: NUMBER });

    let wake: (() => void) | null = null;
    let agentState = 'available';
    socket.on('agent:state', (v) => {
      agentState = v.state;
      wake?.();
    });
    const views: OutboundCallView[] = [];
    socket.on('call:outbound', (v) => {
      views.push(v);
      wake?.();
    });
    const waitFor = async (pred: (v: OutboundCallView) => boolean, timeoutMs: number): Promise<OutboundCallView> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = views.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error('timed out waiting for call:outbound');
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    };

    const ringMs: number[] = [];
    const ackMs: number[] = [];
    const endMs: number[] = [];
    let failed = 0;
    let slowEnds = 0;
    let lastDial = 0;
    for (let call = 1; call <= CALLS; call++) {
      views.length = 0;
      // The previous call frees the agent just after its end: dial once available (the command budget is 10/s).
      for (let i = 0; i < 1200 && agentState !== 'available'; i++) await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
      // Two commands per call, under the console's command budget (10/s, src/realtime/event-limits.ts).
      await new Promise((r) => setTimeout(r, Math.max(0, lastDial + 300 - performance.now())));
      const t0 = performance.now();
      lastDial = t0;
      let v: OutboundCallView | null = null;
      for (let tries = 0; tries < 25 && v === null; tries++) {
        v = await emit<OutboundCallView>(socket, 'call:dial', { orderId: order.id, number: NUMBER }).catch(async (err: { code?: string }) => {
          if (err.code !== 'AGENT_STATE_CONFLICT') throw err;
          await new Promise((r) => setTimeout(r, 200)); // the previous call still frees the agent
          return null;
        });
      }
      if (v === null) throw new Error('the agent never became available');
      const started = performance.now();
      const callId = v.callId;
      ackMs.push(started - t0);
      try {
        await waitFor((x) => x.callId === callId && x.state === 'ringing', 10_000);
        const ms = performance.now() - started + (started - t0);
        ringMs.push(ms);
        console.log(`call ${call}: ringing after ${ms.toFixed(1)} ms (dial acknowledged after ${(started - t0).toFixed(1)} ms)`);
      } catch {
        failed++;
        console.log(`call ${call}: no ringing`);
      }
      const hungUp = performance.now();
      await emit(socket, 'call:hangup', { callId }).catch(() => undefined);
      // Ended when Asterisk destroys the channel: after the citizen's phone answers the CANCEL.
      await waitFor((x) => x.callId === callId && x.state === 'ended', 45_000).then(
        () => endMs.push(performance.now() - hungUp),
        () => {
          slowEnds++;
          console.log(`call ${call}: not ended 45 s after the hang-up`);
        },
      );
    }

    const stat = (xs: number[]) => ({ p50: round(percentile(xs, 50) ?? NaN), p99: round(percentile(xs, 99) ?? NaN), max: round(Math.max(...xs)) });
    const summary = {
      bench: 'outbound',
      calls: CALLS,
      failed,
      dial_to_ringing_ms: stat(ringMs),
      dial_ack_ms: stat(ackMs),
      hangup_to_ended_ms: stat(endMs),
      not_ended: slowEnds,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', load1: round(os.loadavg()[0] ?? 0) },
    };
    console.log(
      `\n${ringMs.length}/${CALLS} calls rang; dial → ringing p50 ${summary.dial_to_ringing_ms.p50} ms, p99 ${summary.dial_to_ringing_ms.p99} ms (target p99 ≤ 300 ms)`,
    );
    console.log(JSON.stringify(summary));
  } finally {
    await teardown.run();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
