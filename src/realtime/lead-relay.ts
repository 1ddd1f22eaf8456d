/**
 * Shift leads on several nodes (issue 16 item 2): the lead room's messages, from the node that
 * holds the calls (the call-control node, the "leader") to the lead consoles of every other node.
 *
 * The lead room writes each message to its consoles by socket id, a chunk at a time, with a
 * backlog check per console (lead-room.ts). Through the Redis adapter such a write was published
 * to every node once per chunk, and the other nodes found none of their sockets in it: their lead
 * consoles got no `queue:delta` and no `queue:stats` at all. Instead:
 *
 * - The leader publishes each message the room sends (a merged `queue:delta`, `call:controls`,
 *   `queue:stats`) ONCE, whatever the number of consoles: one `serverSideEmit` (one Redis PUBLISH of
 *   a JSON request on the adapter's request channel, which every node reads), numbered `n`. Its own
 *   consoles are written to locally (`io.local`), nothing of that crosses Redis.
 * - Every other node (a "follower") writes what it receives to its own lead consoles as the room
 *   does on one node: in chunks, with its own backlog check.
 * - A console that needs a snapshot on a follower (it connected, asked for `sync`, or drained the
 *   backlog it fell behind with) gets the leader's, asked for with `serverSideEmit` and an ack: the
 *   leader answers with its queue snapshot (and the `seq` it carries), the calls' controls, today's
 *   figures and the `n` of the last message it relayed. The follower holds that console out of the
 *   relayed messages while it waits and keeps them; once the answer is there it sends the snapshot,
 *   then those kept with a greater `n`, so nothing is lost or applied twice whatever the order
 *   of arrival. Concurrent requests share one answer (1,000 consoles connecting: one request).
 * - Each leader has an id: when the call-control lease moves, the new leader numbers its updates
 *   from 1 again (a page would skip them as already seen); a follower that hears a new id asks
 *   the new leader for a snapshot for all its lead consoles first.
 * - With no answer (no leader, or it did not answer within the adapter's 5 s) the console gets
 *   the follower's own state (no calls) and a warning is logged, as a node alone would show it.
 * - The adapter's ack waits for EVERY other node's answer: one that does not answer (a node cut
 *   off from the network whose Redis connection is not yet closed, an older version during a
 *   rolling upgrade, a stalled process) would hold each request for those 5 s. So each request is
 *   also announced without an ack (`ASK_NOW`), and the node that has the answer publishes it at
 *   once (`ANSWER_NOW`): the asker takes the first answer it accepts from either path.
 */
import { randomUUID } from 'node:crypto';
import type { CallControlsView, QueueSnapshot, QueueStats } from '../contract/index.js';
import type { RealtimeServer } from './session.js';

/** Leader → the other nodes: one message the lead room sent (no ack). */
export const LEADS_RELAY = 'sunline:leads';
/** A node → the other nodes, with ack: the leader's state, for consoles that need a snapshot (followers answer null). */
export const LEADS_STATE = 'sunline:leads-state';
/** A node → the other nodes, with ack: whether the leader's telephony is up (followers answer null). */
export const TELEPHONY_STATE = 'sunline:telephony-state';

/** A node → the other nodes, no ack: `(id, event)`, a request of `askOtherNodes` for `event`'s answer. */
export const ASK_NOW = 'sunline:ask-now';
/** The node that has the answer → the other nodes, no ack: `(id, answer)`, published as soon as asked. */
export const ANSWER_NOW = 'sunline:answer-now';

/** Where this node's lead room takes its messages from: absent, one node alone. */
export type LeadClusterRole = 'leader' | 'follower';

/** `resync`: the leader re-read its state (telephony came back): every lead console needs a snapshot. */
export type RelayedEvent = 'queue:delta' | 'call:controls' | 'queue:stats' | 'resync';

export interface RelayedMessage {
  /** Which leader (one per lead room): a new one after the call-control lease moved numbers from 1 again. */
  from: string;
  /** The leader's count of relayed messages, this one included. */
  n: number;
  event: RelayedEvent;
  payload: unknown;
}

/** What a lead console needs besides the relayed messages: everything up to the message `n`. */
export interface LeaderState {
  from: string;
  n: number;
  snapshot: QueueSnapshot & { seq: number };
  controls: CallControlsView[];
  stats: QueueStats | null;
  /** Whether the leader's telephony is up (the follower's own `system:status` says down: it has none). */
  telephony: boolean;
}

type Listener = (...args: never[]) => void;

/** The namespace's server-side events (socket.io's typing has none declared: session.ts's InterServerEvents). */
export interface ServerSide {
  serverSideEmit(event: string, ...args: unknown[]): boolean;
  on(event: string, fn: Listener): unknown;
  off(event: string, fn: Listener): unknown;
}

export const serverSide = (io: RealtimeServer): ServerSide => io.of('/') as unknown as ServerSide;

/** Per server, the requests of `askOtherNodes` waiting for an answer, by id. */
const waiting = new WeakMap<RealtimeServer, Map<string, (answer: unknown) => void>>();

function waitingOn(io: RealtimeServer): Map<string, (answer: unknown) => void> {
  let byId = waiting.get(io);
  if (!byId) {
    const requests = new Map<string, (answer: unknown) => void>();
    serverSide(io).on(ANSWER_NOW, (id: unknown, answer: unknown) => {
      if (typeof id === 'string') requests.get(id)?.(answer);
    });
    waiting.set(io, requests);
    byId = requests;
  }
  return byId;
}

/**
 * Asks every other node and resolves with the first answer `kept` accepts: the one published at
 * once by the node that has it (`answerAtOnce`), or the one among the ack's answers (`serverSideEmit`
 * with an ack, which every node answers, null if not theirs); null when none does: no other node,
 * or none answered within the adapter's timeout (whose error comes with the answers that did
 * arrive, and is not fatal).
 */
export function askOtherNodes<T>(io: RealtimeServer, event: string, kept: (answer: unknown) => answer is T): Promise<T | null> {
  const requests = waitingOn(io);
  const id = randomUUID();
  return new Promise((resolve) => {
    const finish = (answer: T | null): void => {
      if (requests.delete(id)) resolve(answer);
    };
    requests.set(id, (answer) => {
      if (kept(answer)) finish(answer);
    });
    try {
      serverSide(io).serverSideEmit(ASK_NOW, id, event);
      serverSide(io).serverSideEmit(event, (_err: unknown, answers: unknown[] | undefined) => finish(answers?.find(kept) ?? null));
    } catch {
      finish(null);
    }
  });
}

/**
 * The answering node's side of `askOtherNodes` for `event`: publishes `answer()` to the asker as
 * soon as asked. Returns the listener, for `off(ASK_NOW, …)`. The ack's answer stays the event's
 * own listener (older nodes ask only that way).
 */
export function answerAtOnce(io: RealtimeServer, event: string, answer: () => unknown): Listener {
  const listener = ((id: unknown, asked: unknown) => {
    if (asked === event && typeof id === 'string') serverSide(io).serverSideEmit(ANSWER_NOW, id, answer());
  }) as Listener;
  serverSide(io).on(ASK_NOW, listener);
  return listener;
}

/** The leader's side: numbers and publishes each message, answers requests for its state. */
export class LeaderFeed {
  private n = 0;
  private readonly id = randomUUID();
  private readonly answer: (ack: (s: LeaderState) => void) => void;
  private readonly answerTelephony: (ack: (up: boolean) => void) => void;
  private readonly atOnce: Listener[];

  constructor(
    private readonly io: RealtimeServer,
    state: () => Omit<LeaderState, 'from' | 'n'>,
    telephony: () => boolean,
  ) {
    // Read and answered at once: any message published after this answer has a greater n.
    const current = (): LeaderState => ({ from: this.id, n: this.n, ...state() });
    this.answer = (ack) => ack(current());
    this.answerTelephony = (ack) => ack(telephony());
    serverSide(io).on(LEADS_STATE, this.answer);
    serverSide(io).on(TELEPHONY_STATE, this.answerTelephony);
    this.atOnce = [answerAtOnce(io, LEADS_STATE, current), answerAtOnce(io, TELEPHONY_STATE, telephony)];
  }

  publish(event: RelayedEvent, payload: unknown): void {
    const message: RelayedMessage = { from: this.id, n: ++this.n, event, payload };
    serverSide(this.io).serverSideEmit(LEADS_RELAY, message);
  }

  close(): void {
    serverSide(this.io).off(LEADS_STATE, this.answer);
    serverSide(this.io).off(TELEPHONY_STATE, this.answerTelephony);
    for (const listener of this.atOnce) serverSide(this.io).off(ASK_NOW, listener);
  }
}

/** A follower's side: hears the leader's messages, asks for its state. */
export class FollowerFeed {
  private readonly noAnswer = (ack: (s: null) => void) => ack(null);
  /** Concurrent requests for the leader's telephony share one answer. */
  private askingTelephony: Promise<boolean | null> | null = null;

  constructor(
    private readonly io: RealtimeServer,
    private readonly heard: (m: RelayedMessage) => void,
  ) {
    serverSide(io).on(LEADS_RELAY, heard);
    // Every node answers (the adapter waits for as many answers as there are other nodes).
    serverSide(io).on(LEADS_STATE, this.noAnswer);
    serverSide(io).on(TELEPHONY_STATE, this.noAnswer);
  }

  /**
   * Whether the leader's telephony is up; null when no node answered with it (no call-control
   * node). Asked, not remembered: a change after the answer reaches the consoles as the leader's
   * own `system:status` broadcast, published to Redis after this answer.
   */
  leaderTelephony(): Promise<boolean | null> {
    this.askingTelephony ??= askOtherNodes(this.io, TELEPHONY_STATE, (a): a is boolean => typeof a === 'boolean').finally(() => (this.askingTelephony = null));
    return this.askingTelephony;
  }

  /** The leader's state; null when no node answered with one (the error of a partial answer is not fatal). */
  leaderState(): Promise<LeaderState | null> {
    return askOtherNodes(this.io, LEADS_STATE, (a): a is LeaderState => !!a);
  }

  close(): void {
    serverSide(this.io).off(LEADS_RELAY, this.heard);
    serverSide(this.io).off(LEADS_STATE, this.noAnswer);
    serverSide(this.io).off(TELEPHONY_STATE, this.noAnswer);
  }
}
