/**
 * Per-socket event budgets (issue 9): one token bucket per socket and event class. An event over
 * its class's budget is refused (ack RATE_LIMITED) before anything else runs, at the cost of a few
 * arithmetic operations; a socket that keeps sending after being refused is disconnected, so a
 * flood of thousands of events costs the server a few dozen refusals, not thousands of handlers.
 * Payload size is bounded apart: socket.io closes a connection whose message is larger than
 * MAX_SOCKET_PAYLOAD_BYTES (server.ts), and every payload schema in src/contract is bounded.
 *
 * Not settings: the budgets sit an order of magnitude above what the web app sends (its connect
 * burst and a busy call are in test/realtime/event-limits.test.ts), and nothing an operator runs
 * needs more.
 */
import { AppError, errorBody } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { RealtimeSocket } from './session.js';

export type EventClass = 'sync' | 'media' | 'command';

export interface Budget {
  /** Events that may come at once. */
  readonly burst: number;
  /** Events per second, sustained. */
  readonly perSecond: number;
}

/**
 * `sync` re-sends every snapshot (the costliest event); consoles send it after a reconnect or a
 * missed lead update. `media`: WebRTC signalling, five events when the softphone starts and one
 * per call. `command`: every other event (agent, call and lead commands, and unknown events).
 */
export const EVENT_BUDGETS: Readonly<Record<EventClass, Budget>> = Object.freeze({
  sync: { burst: 10, perSecond: 2 },
  media: { burst: 30, perSecond: 10 },
  command: { burst: 40, perSecond: 10 },
});

/** Refusals a socket may collect (refilled at one per second) before it is disconnected. */
export const REFUSALS_BEFORE_DISCONNECT = 20;

/** The largest socket.io message the server reads (socket.io's maxHttpBufferSize; its default is 1 MB). The largest real payload (media:produce) is about 2 KB. */
export const MAX_SOCKET_PAYLOAD_BYTES = 16 * 1024;

export const eventClass = (event: string): EventClass => (event === 'sync' ? 'sync' : event.startsWith('media:') ? 'media' : 'command');

/** A token bucket: `take()` spends one token if there is one; refills continuously. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly budget: Budget,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = budget.burst;
    this.at = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.budget.burst, this.tokens + ((now - this.at) / 1000) * this.budget.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** ms until the next token. */
  waitMs(): number {
    return Math.max(0, Math.ceil(((1 - this.tokens) / this.budget.perSecond) * 1000));
  }
}

/**
 * Install the budgets on a freshly connected socket, before its event listeners run: socket.io
 * middleware sees every incoming packet, including events nobody listens to.
 */
export function limitEvents(socket: RealtimeSocket, log: Logger, budgets: Readonly<Record<EventClass, Budget>> = EVENT_BUDGETS): void {
  const buckets = new Map<EventClass, TokenBucket>();
  const refusals = new TokenBucket({ burst: REFUSALS_BEFORE_DISCONNECT, perSecond: 1 });
  let cut = false;
  socket.use((packet, next) => {
    if (cut) return;
    const event = String(packet[0]).slice(0, 64);
    const cls = eventClass(event);
    let bucket = buckets.get(cls);
    if (!bucket) buckets.set(cls, (bucket = new TokenBucket(budgets[cls])));
    if (bucket.take()) return next();
    const ack: unknown = packet[packet.length - 1];
    if (!refusals.take()) {
      cut = true;
      log.warn({ userId: socket.data.user.id, socketId: socket.id, event }, 'socket flooded events; disconnecting');
      socket.disconnect(true);
      return;
    }
    if (typeof ack === 'function') {
      const details = { event, retryAfterMs: bucket.waitMs() };
      (ack as (res: unknown) => void)({ ok: false, ...errorBody(new AppError('RATE_LIMITED', `too many ${cls} events; slow down`, { details })) });
    }
  });
}
