/**
 * A simulated agent's callback work (回拨, issue 12: the demo's missed callers are called back by
 * its bots). The bot stays paused between callbacks, so the queue does not offer it inbound calls;
 * every `pollMs` it reads the callback worklist (GET /api/callbacks), takes the first due missed
 * caller nobody else holds (PUT /api/callbacks/:orderId/assignee), comes back from the pause and
 * dials the caller (`call:dial`) at once. An answered call is hung up (`call:hangup`) after
 * `talkMs`; after the wrap-up, or at once when nobody answered, the bot pauses again. An inbound
 * call offered in the moment between the unpause and the dial is answered like any bot's.
 */
import type { AgentView, CallbackEntry, OutboundCallView, OutboundResult } from '../../src/contract/index.js';
import { simRequest } from './sim-http.js';
import type { SimConsole } from './sim-agents.js';

export interface SimCallbackOptions {
  /** Worklist reads this often while paused. Default 2000 ms. */
  pollMs?: number;
  /** Talk time after the citizen answers. Default 5000 ms. */
  talkMs?: number;
  /** The pause reason between callbacks (one of config/agents.yaml). Default 小休. */
  pauseReason?: string;
}

export interface CallbackRecord {
  agent: string;
  orderId: number;
  number: string;
  callId: string;
  /** Null until the call ends. */
  result: OutboundResult | null;
}

interface Deps {
  url: string;
  username: string;
  cookie: string;
  localAddress: string | undefined;
  socket: SimConsole;
  view: () => AgentView | null;
  command: <T>(event: 'agent:pause' | 'agent:unpause' | 'call:dial' | 'call:hangup', payload?: unknown) => Promise<T>;
  later: (ms: number, fn: () => void) => void;
  wrapupMs: number;
  records: CallbackRecord[];
  errors: string[];
}

/** The entry to call now: a due missed caller (or one who asked), free or already this agent's. */
export function pickCallback(entries: readonly CallbackEntry[], agentId: number, now: number): CallbackEntry | undefined {
  return entries.find(
    (e) =>
      e.kind !== 'evaluation' &&
      e.callerPhone !== null &&
      e.next.state === 'due' &&
      e.next.at <= now &&
      (e.assignee === null || e.assignee.agentId === agentId),
  );
}

/** Starts the bot's callback loop; returns the agent:state hook (true when it handled the state). */
export function startCallbackWork(d: Deps, o: SimCallbackOptions): (a: AgentView) => boolean {
  const pollMs = o.pollMs ?? 2000;
  const talkMs = o.talkMs ?? 5000;
  const reason = o.pauseReason ?? '小休';
  let dialling = false;
  let pausing = false;

  const pause = (): void => {
    if (pausing) return;
    pausing = true;
    d.command('agent:pause', { reason })
      .catch((e: Error) => d.errors.push(`${d.username} pause: ${e.message}`))
      .finally(() => (pausing = false));
  };

  d.socket.on('call:outbound', (v: OutboundCallView) => {
    const rec = d.records.find((r) => r.callId === v.callId);
    if (v.state === 'answered') {
      d.later(talkMs, () => {
        d.command('call:hangup', { callId: v.callId }).catch((e: Error) => d.errors.push(`${d.username} hangup ${v.callId}: ${e.message}`));
      });
    } else if (v.state === 'ended' && rec) rec.result = v.result;
  });

  const tick = async (): Promise<void> => {
    const me = d.view();
    if (me?.state !== 'paused') return;
    const list = await simRequest(d.url, 'GET', '/api/callbacks', { cookie: d.cookie, localAddress: d.localAddress });
    if (list.status !== 200) throw new Error(`GET /api/callbacks: HTTP ${list.status}`);
    const entry = pickCallback((list.body as { entries: CallbackEntry[] }).entries, me.agentId, Date.now());
    if (!entry?.callerPhone) return;
    const taken = await simRequest(d.url, 'PUT', `/api/callbacks/${entry.orderId}/assignee`, {
      cookie: d.cookie,
      localAddress: d.localAddress,
      body: { agentId: me.agentId },
    });
    if (taken.status !== 200) return; // another bot took it meanwhile
    dialling = true;
    try {
      await d.command('agent:unpause');
      const v = await d.command<OutboundCallView>('call:dial', { orderId: entry.orderId, number: entry.callerPhone });
      d.records.push({ agent: d.username, orderId: entry.orderId, number: entry.callerPhone, callId: v.callId, result: null });
    } finally {
      dialling = false;
      if (d.view()?.state === 'available') pause();
    }
  };
  const loop = (): void =>
    d.later(pollMs, () => {
      tick()
        .catch((e: Error) => d.errors.push(`${d.username} callback: ${e.message}`))
        .finally(loop);
    });
  loop();

  return (a) => {
    if (a.state === 'wrap_up') {
      d.later(d.wrapupMs, pause); // from the wrap-up straight to the pause: no inbound offer in between
      return true;
    }
    if (a.state === 'available' && !dialling) pause(); // an unanswered callback frees the agent at once
    return false;
  };
}
