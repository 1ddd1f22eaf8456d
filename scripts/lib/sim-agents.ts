/**
 * Simulated agents: each logs in over HTTP (/api/auth/login), opens a real socket.io-client
 * console with the session cookie, sends `agent:login`, and for every `call:offered` answers
 * after `answerAfterMs`, ends the call after `talkMs` (through the caller-supplied
 * `hangup(callId)`: there is no agent hang-up command yet) and sends `agent:wrapup_done` as
 * soon as the server puts it in wrap-up. Used by the demo and by bench/calls.ts.
 *
 * Per offer it records the screen-pop latency: the time the pop reached this process minus
 * `pop.offeredAt` (the agent leg's StasisStart as Asterisk stamped it). Both clocks are the
 * same host clock when Asterisk runs on the same machine.
 *
 * The last `callbackAgents` of them work the callback worklist instead (sim-callbacks.ts): paused
 * between callbacks, they call back missed callers with `call:dial`.
 *
 * Logins from one IP are rate limited (10 a minute per IP, auth-routes.ts). Against a loopback
 * server the agents therefore log in from distinct loopback source addresses (127.0.0.10, …,
 * 8 agents each; all of 127/8 is loopback on Linux) unless `spreadLoopback: false`.
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import type { AgentView, ClientToServerEvents, ScreenPop, ServerToClientEvents } from '../../src/contract/index.js';
import { startCallbackWork, type CallbackRecord, type SimCallbackOptions } from './sim-callbacks.js';
import { simRequest } from './sim-http.js';

export type SimConsole = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SimUserSpec {
  username: string;
  displayName: string;
  role: 'agent';
  password: string;
}

export interface SimAgentsOptions {
  /** Sunline base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  count: number;
  /** Delay between the screen-pop and `call:answer`. Default 500 ms. */
  answerAfterMs?: number;
  /** Talk time after the answer before `hangup(callId)` is called. Default 5000 ms. */
  talkMs?: number;
  /** Delay between entering wrap-up and `agent:wrapup_done`. Default 0. */
  wrapupMs?: number;
  /** Usernames are `${prefix}${i}` (i from 1). Default 'sim-agent-'. */
  usernamePrefix?: string;
  /** Password of a username. Default `${username}-pw`. */
  password?: (username: string) => string;
  /** Creates (or updates) the users before login, e.g. the app's UsersService. */
  usersService?: { upsert(u: SimUserSpec): Promise<unknown> };
  /** Alternative to usersService. Without either, the users must exist already. */
  createUser?: (u: SimUserSpec) => Promise<unknown>;
  /** Ends a call (e.g. ARI DELETE of the caller channel). Without it, the caller ends calls. */
  hangup?: (callId: string) => Promise<void>;
  /** Log in from distinct 127.0.0.x source addresses (see above). Default: true for loopback URLs. */
  spreadLoopback?: boolean;
  /** Called for every screen-pop as it arrives. */
  onOffer?: (o: OfferRecord) => void;
  /** How many of the `count` agents (the last ones) call back missed callers instead of waiting for calls. Default 0. */
  callbackAgents?: number;
  callbacks?: SimCallbackOptions;
}

export interface OfferRecord {
  agent: string;
  callId: string;
  callerNumber: string;
  hotline: string;
  offeredAt: number;
  receivedAt: number;
  /** receivedAt - offeredAt */
  latencyMs: number;
  answered: boolean;
  error?: string;
  /** The agent's last states before and after this offer (for diagnosing failed answers). */
  states?: { state: string; callId: string | null; at: number }[];
}

export interface SimAgent {
  username: string;
  socket: SimConsole;
  state(): AgentView | null;
}

export interface SimAgents {
  readonly agents: SimAgent[];
  /** Every screen-pop received, in arrival order. */
  readonly offers: OfferRecord[];
  /** Command failures and hang-up failures (calls abandoned meanwhile land here too). */
  readonly errors: string[];
  /** Every callback dialled by the callback agents, in order. */
  readonly callbacks: CallbackRecord[];
  /** Disconnects every console and cancels pending timers; idempotent. */
  stop(): Promise<void>;
}

function command<T = unknown>(socket: SimConsole, event: keyof ClientToServerEvents, payload?: unknown, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no ack in ${timeoutMs} ms`)), timeoutMs);
    const ack = (res: { ok: true; data?: unknown } | { ok: false; error: { code: string; message: string } }): void => {
      clearTimeout(timer);
      if (res.ok) resolve(res.data as T);
      else reject(new Error(`${event}: ${res.error.code}: ${res.error.message}`));
    };
    const emit = socket.emit as unknown as (ev: string, ...args: unknown[]) => void;
    if (payload === undefined) emit.call(socket, event, ack);
    else emit.call(socket, event, payload, ack);
  });
}

/** POST /api/auth/login from `localAddress`; resolves with the Cookie header value. */
async function login(url: string, username: string, password: string, localAddress: string | undefined): Promise<string> {
  const res = await simRequest(url, 'POST', '/api/auth/login', { localAddress, body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status}`);
  const cookies = res.setCookie.map((c) => c.split(';')[0]).join('; ');
  if (!cookies) throw new Error(`login ${username}: no session cookie`);
  return cookies;
}

function isLoopback(url: string): boolean {
  const h = new URL(url).hostname;
  return h === 'localhost' || h.startsWith('127.');
}

export async function startSimAgents(opts: SimAgentsOptions): Promise<SimAgents> {
  const answerAfterMs = opts.answerAfterMs ?? 500;
  const talkMs = opts.talkMs ?? 5000;
  const wrapupMs = opts.wrapupMs ?? 0;
  const prefix = opts.usernamePrefix ?? 'sim-agent-';
  const pw = opts.password ?? ((u: string) => `${u}-pw`);
  const spread = opts.spreadLoopback ?? isLoopback(opts.url);
  const agents: SimAgent[] = [];
  const offers: OfferRecord[] = [];
  const errors: string[] = [];
  const callbacks: CallbackRecord[] = [];
  const firstCallbackAgent = opts.count - (opts.callbackAgents ?? 0) + 1;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const later = (ms: number, fn: () => void): void => {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const a of agents) a.socket.disconnect();
  };

  try {
    for (let i = 1; i <= opts.count; i++) {
      const username = `${prefix}${i}`;
      const spec: SimUserSpec = { username, displayName: `Sim agent ${i}`, role: 'agent', password: pw(username) };
      if (opts.usersService) await opts.usersService.upsert(spec);
      else if (opts.createUser) await opts.createUser(spec);
      const localAddress = spread ? `127.0.0.${10 + Math.floor((i - 1) / 8)}` : undefined;
      const cookie = await login(opts.url, username, spec.password, localAddress);
      const socket: SimConsole = connectClient(opts.url, {
        transports: ['websocket'],
        extraHeaders: { cookie },
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
      });
      let view: AgentView | null = null;
      const history: { state: string; callId: string | null; at: number }[] = [];
      agents.push({ username, socket, state: () => view });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });

      let callbackHook: ((a: AgentView) => boolean) | undefined;
      socket.on('agent:state', (a) => {
        view = a;
        history.push({ state: a.state, callId: a.callId, at: Date.now() });
        if (history.length > 12) history.shift();
        if (callbackHook?.(a)) return;
        if (a.state === 'wrap_up') {
          later(wrapupMs, () => {
            command(socket, 'agent:wrapup_done').catch((e: Error) => {
              // Already available again (e.g. a race with the server's own wrap-up timer) is fine.
              if (view?.state === 'wrap_up') errors.push(`${username} wrapup_done: ${e.message}`);
            });
          });
        }
      });

      socket.on('call:offered', (pop: ScreenPop) => {
        const receivedAt = Date.now();
        const rec: OfferRecord = {
          agent: username,
          callId: pop.callId,
          callerNumber: pop.callerNumber,
          hotline: pop.hotline.number,
          offeredAt: pop.offeredAt,
          receivedAt,
          latencyMs: receivedAt - pop.offeredAt,
          answered: false,
        };
        offers.push(rec);
        opts.onOffer?.(rec);
        later(answerAfterMs, () => {
          command(socket, 'call:answer', { callId: pop.callId })
            .then(() => {
              rec.answered = true;
              const hangup = opts.hangup;
              if (hangup) {
                later(talkMs, () => {
                  hangup(pop.callId).catch((e: Error) => errors.push(`${username} hangup ${pop.callId}: ${e.message}`));
                });
              }
            })
            .catch((e: Error) => {
              rec.error = e.message;
              rec.states = [...history];
              errors.push(`${username} answer ${pop.callId}: ${e.message}`);
            });
        });
      });

      view = await command<AgentView>(socket, 'agent:login', {});
      if (i >= firstCallbackAgent) {
        view = await command<AgentView>(socket, 'agent:pause', { reason: opts.callbacks?.pauseReason ?? '小休' });
        callbackHook = startCallbackWork(
          {
            url: opts.url,
            username,
            cookie,
            localAddress,
            socket,
            view: () => view,
            command: (event, payload) => command(socket, event, payload),
            later,
            wrapupMs,
            records: callbacks,
            errors,
          },
          opts.callbacks ?? {},
        );
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { agents, offers, errors, callbacks, stop };
}
