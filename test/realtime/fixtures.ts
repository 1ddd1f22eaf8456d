/** A real app + real socket.io server + fake ConsoleCommands, and real socket.io-client sessions. */
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { DomainEvents } from '../../src/events/domain-events.js';
import type {
  AgentView,
  CallControlsView,
  ClientToServerEvents,
  OutboundCallView,
  QueueSnapshot,
  ScreenPop,
  ServerToClientEvents,
  WaitingCaller,
} from '../../src/contract/index.js';
import { attachRealtime, type ConsoleCommands, type Realtime, type RealtimeOptions } from '../../src/realtime/index.js';
import type { UserRole } from '../../src/db/schema.js';
import type { Sunline } from '../../src/app.js';
import { testApp } from '../helpers/app.js';

export const view = (agentId: number, state: AgentView['state'] = 'available'): AgentView => ({
  agentId,
  displayName: `agent ${agentId}`,
  state,
  since: 1_700_000_000_000,
  pauseReason: null,
  callId: null,
  penalty: 0,
});

/** A caller in the lead view's live queue (stage queue unless `patch` says otherwise). */
export const waitingCaller = (callId: string, patch: Partial<WaitingCaller> = {}): WaitingCaller => ({
  callId,
  callerNumber: `1380000${callId}`,
  hotline: { number: '12345', name: { zh: '热线', en: 'Hotline' }, skill: 'general' },
  enteredAt: 100,
  priority: 0,
  offeredTo: null,
  stage: 'queue',
  ...patch,
});

export const pop = (callId: string): ScreenPop => ({
  callId,
  callerNumber: '13800138000',
  hotline: { number: '12345', name: { zh: '政务服务便民热线', en: 'Government hotline' }, skill: 'general' },
  waitMs: 1200,
  enteredAt: 1_700_000_000_000,
  offeredAt: 1_700_000_001_000,
  caller: null,
  recentCalls: [],
  openOrders: [],
  draftOrder: { id: 1, number: 'WO-1' },
});

/** Records every call; answers from the fields below; `failures[method]` makes it reject. */
export class FakeCommands implements ConsoleCommands {
  calls: Array<[string, ...unknown[]]> = [];
  views = new Map<number, AgentView>();
  offers = new Map<number, ScreenPop>();
  talking = new Map<number, ScreenPop>();
  snapshot: QueueSnapshot = { at: 1, waiting: [], agents: [] };
  up = true;
  failures: Record<string, unknown> = {};

  private async act<T>(name: string, args: unknown[], result: T): Promise<T> {
    this.calls.push([name, ...args]);
    if (name in this.failures) throw this.failures[name];
    return result;
  }
  agentView = (id: number) => this.views.get(id) ?? view(id, 'logged_out');
  pendingOffer = (id: number) => Promise.resolve(this.offers.get(id) ?? null);
  callInProgress = (id: number) => Promise.resolve(this.talking.get(id) ?? null);
  /** Presence notifications, kept apart from `calls` (the commands the consoles sent). */
  presence: Array<[string, number]> = [];
  consoleConnected = (id: number) => void this.presence.push(['connected', id]);
  consoleClosed = (id: number) => void this.presence.push(['closed', id]);
  queueSnapshot = () => this.snapshot;
  telephonyUp = () => this.up;
  agentLogin = (id: number, name: string, o: { penalty?: number }) => this.act('agentLogin', [id, name, o], view(id));
  agentLogout = (id: number) => this.act('agentLogout', [id], view(id, 'logged_out'));
  agentPause = (id: number, reason: string) => this.act('agentPause', [id, reason], { ...view(id, 'paused'), pauseReason: reason });
  agentUnpause = (id: number) => this.act('agentUnpause', [id], view(id));
  wrapUpDone = (id: number) => this.act('wrapUpDone', [id], view(id));
  answer = (id: number, callId: string) => this.act('answer', [id, callId], undefined);
  reject = (id: number, callId: string) => this.act('reject', [id, callId], undefined);
  setPriority = (callId: string, p: number) => this.act('setPriority', [callId, p], undefined);
  withdraw = (callId: string, id: number) => this.act('withdraw', [callId, id], undefined);
  // In-call controls (contract-controls.ts).
  controls = new Map<number, CallControlsView>();
  private cv = (id: number, callId: string, patch: Partial<CallControlsView> = {}): CallControlsView => ({
    callId,
    agentId: id,
    callerNumber: '13900000000',
    held: false,
    muted: false,
    conference: null,
    transferredTo: null,
    at: 1,
    version: 1,
    ...patch,
  });
  callControls = (id: number) => this.controls.get(id) ?? null;
  hangup = (id: number, callId: string) => this.act('hangup', [id, callId], undefined);
  hold = (id: number, callId: string, held: boolean) => this.act('hold', [id, callId, held], this.cv(id, callId, { held }));
  mute = (id: number, callId: string, muted: boolean) => this.act('mute', [id, callId, muted], this.cv(id, callId, { muted }));
  sendDtmf = (id: number, callId: string, digits: string) => this.act('sendDtmf', [id, callId, digits], undefined);
  transfer = (id: number, callId: string, unitId: string) =>
    this.act('transfer', [id, callId, unitId], this.cv(id, callId, { transferredTo: { unitId, unitName: unitId } }));
  conference = (id: number, callId: string, unitId: string) =>
    this.act('conference', [id, callId, unitId], this.cv(id, callId, { conference: { unitId, unitName: unitId, state: 'dialing' } }));
  dropConference = (id: number, callId: string) => this.act('dropConference', [id, callId], this.cv(id, callId));
  // Outbound calls (contract/outbound.ts).
  outbound = new Map<number, OutboundCallView>();
  outboundCall = (id: number) => this.outbound.get(id) ?? null;
  dial = (id: number, p: { orderId: number; number: string }) =>
    this.act('dial', [id, p], {
      callId: 'out-1',
      agentId: id,
      orderId: p.orderId,
      orderNumber: 'WO-1',
      number: p.number,
      state: 'dialling' as const,
      result: null,
      startedAt: 1,
      answeredAt: null,
      at: 1,
    });
}

export type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type Received = { event: string; payload: unknown };

export interface Session {
  client: Client;
  received: Received[];
  /** Resolves with the payload of the `n`th `event` received (1-based), waiting for it if needed. */
  nth<T = unknown>(event: keyof ServerToClientEvents, n?: number): Promise<T>;
  count(event: keyof ServerToClientEvents): number;
  /** Any event-with-ack, loosely typed so tests can send bad payloads. */
  ask(event: string, ...args: unknown[]): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }>;
}

export interface Rig {
  app: Sunline;
  rt: Realtime;
  events: DomainEvents;
  commands: FakeCommands;
  url: string;
  /** Creates a user of this role and returns a session token for it. */
  user(role: UserRole, username?: string): Promise<{ id: number; token: string }>;
  connect(token: string | null, opts?: { reconnection?: boolean; headers?: Record<string, string> }): Promise<Session>;
  /** Connect and expect a refusal: resolves with the connect_error message. */
  refused(token: string | null, headers?: Record<string, string>): Promise<string>;
}

let seq = 0;

/** `realtime`: options of attachRealtime (e.g. `leadUpdateMs`; default 0, each lead change at once). */
export async function rig(
  t: { teardown(fn: () => unknown): void },
  opts: { realtime?: { leadUpdateMs?: number; leadMaxBacklogBytes?: number; leadChunk?: number; supervision?: RealtimeOptions['supervision'] } } = {},
): Promise<Rig> {
  // Realtime must close before the app closes the HTTP server (open websockets would hold it).
  const appTeardowns: Array<() => unknown> = [];
  const app = await testApp({ teardown: (fn) => appTeardowns.push(fn) }, { overrides: { realtime: false } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const events = new DomainEvents();
  const commands = new FakeCommands();
  const rt = attachRealtime({ http: app.http.server, users: app.users, commands, events, log: app.log, ...opts.realtime });
  const clients: Client[] = [];
  t.teardown(async () => {
    clients.forEach((c) => c.disconnect());
    await rt.close();
    // Last in, first out, as tap runs teardowns: the app closes before its PostgreSQL database is
    // dropped (testApp asked for the drop first; dropped first, the pool saw 57P01 while closing).
    for (const fn of appTeardowns.reverse()) await fn();
  });

  const open = (token: string | null, opts: { reconnection?: boolean; headers?: Record<string, string> } = {}): Client => {
    const client: Client = connectClient(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: opts.reconnection ?? false,
      reconnectionDelay: 20,
      reconnectionDelayMax: 50,
      extraHeaders: { ...(token ? { cookie: `other=1; sunline_session=${encodeURIComponent(token)}` } : {}), ...opts.headers },
    });
    clients.push(client);
    return client;
  };

  return {
    app,
    rt,
    events,
    commands,
    url,
    async user(role, username = `${role}${++seq}`) {
      const u = await app.users.create({ username, displayName: username, role, password: 'long enough password' });
      const login = await app.users.login(username, 'long enough password');
      return { id: u.id, token: login!.token };
    },
    async connect(token, opts) {
      const client = open(token, opts);
      const received: Received[] = [];
      const waiters = new Set<() => void>();
      client.onAny((event: string, payload: unknown) => {
        received.push({ event, payload });
        waiters.forEach((w) => w());
      });
      const of = (event: string) => received.filter((r) => r.event === event);
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('connect_error', reject);
      });
      return {
        client,
        received,
        count: (event) => of(event).length,
        nth: (event, n = 1) =>
          new Promise((resolve, reject) => {
            const check = () => {
              const hit = of(event)[n - 1];
              if (!hit) return false;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(hit.payload as never);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(new Error(`timed out waiting for ${event} #${n}`));
            }, 3000);
            if (!check()) waiters.add(check);
          }),
        ask: (event, ...args) => (client.timeout(3000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<never> }).emitWithAck(event, ...args),
      };
    },
    refused(token, headers) {
      const client = open(token, headers ? { headers } : {});
      return new Promise((resolve, reject) => {
        client.once('connect', () => reject(new Error('connection was accepted')));
        client.once('connect_error', (err) => resolve(err.message));
      });
    },
  };
}

/** A good payload of every socket command that takes one (socket-nul-text makes each string bad in turn; socket-roles sends them as they are). */
export const GOOD_PAYLOADS: Record<string, Record<string, unknown>> = {
  'agent:login': { penalty: 1 },
  'agent:pause': { reason: '小休' },
  'call:answer': { callId: 'call-1' },
  'call:reject': { callId: 'call-1' },
  'call:hangup': { callId: 'call-1' },
  'call:hold': { callId: 'call-1', held: true },
  'call:mute': { callId: 'call-1', muted: true },
  'call:dtmf': { callId: 'call-1', digits: '12#' },
  'call:transfer': { callId: 'call-1', unitId: 'city-hrss' },
  'call:conference': { callId: 'call-1', unitId: 'city-hrss' },
  'call:conference_drop': { callId: 'call-1' },
  'call:dial': { orderId: 1, number: '13800138000' },
  'lead:pause_agent': { agentId: 1, reason: '小休' },
  'lead:unpause_agent': { agentId: 1 },
  'lead:logout_agent': { agentId: 1 },
  'lead:set_priority': { callId: 'call-1', priority: 5 },
  'lead:withdraw': { callId: 'call-1', agentId: 1 },
  'media:connect': { transportId: 't-1', dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD:EF' }] } },
  'media:produce': {
    transportId: 't-1',
    kind: 'audio',
    rtpParameters: { mid: '0', codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000 }], rtcp: { cname: 'abc' } },
  },
  'media:resume': { consumerId: 'c-1' },
  'supervision:start': { callId: 'call-1', mode: 'listen' },
  'supervision:mode': { mode: 'whisper' },
};
