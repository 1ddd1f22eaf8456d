/**
 * Connection budgets per account: every console connection costs the server a session lookup,
 * room joins and a full set of snapshots (the costliest thing a socket asks for), so one account
 * opening connections in a loop — a script with a stolen or its own cookie — could keep the
 * event loop busy for everybody. Each account may hold MAX_SOCKETS_PER_USER connections at once
 * (a few tabs and a wall screen) and open CONNECTS_PER_MINUTE new ones in any minute (a console
 * reconnects after a network blip once, with backoff). Over either, the handshake is refused with
 * the connect error TOO_MANY_CONNECTIONS and `retryAfterSeconds`; nothing else runs for it.
 *
 * Not settings, like the event budgets (event-limits.ts): they sit well above what the web app
 * does and nothing an operator runs needs more.
 */
import type { RealtimeSocket } from './session.js';

export const MAX_SOCKETS_PER_USER = 12;
export const CONNECTS_PER_MINUTE = 60;
const MINUTE_MS = 60_000;

export interface ConnectionBudget {
  readonly maxSockets: number;
  readonly perMinute: number;
}

export function connectionError(retryAfterSeconds: number): Error {
  return Object.assign(new Error('TOO_MANY_CONNECTIONS'), { data: { code: 'TOO_MANY_CONNECTIONS', retryAfterSeconds } });
}

/** Handshake middleware, after authentication (it counts per account). */
export function limitConnections(
  budget: ConnectionBudget = { maxSockets: MAX_SOCKETS_PER_USER, perMinute: CONNECTS_PER_MINUTE },
  now: () => number = Date.now,
) {
  const open = new Map<number, number>();
  /** Accepted handshakes of the last minute per account, oldest first. */
  const recent = new Map<number, number[]>();
  return (socket: RealtimeSocket, next: (err?: Error) => void): void => {
    const userId = socket.data.user.id;
    const t = now();
    const times = (recent.get(userId) ?? []).filter((at) => at > t - MINUTE_MS);
    if (times.length >= budget.perMinute) {
      recent.set(userId, times);
      return next(connectionError(Math.max(1, Math.ceil((times[0]! + MINUTE_MS - t) / 1000))));
    }
    const held = open.get(userId) ?? 0;
    if (held >= budget.maxSockets) return next(connectionError(5));
    times.push(t);
    recent.set(userId, times);
    open.set(userId, held + 1);
    socket.once('disconnect', () => {
      const left = (open.get(userId) ?? 1) - 1;
      if (left > 0) open.set(userId, left);
      else open.delete(userId);
      const kept = (recent.get(userId) ?? []).filter((at) => at > now() - MINUTE_MS);
      if (kept.length > 0) recent.set(userId, kept);
      else recent.delete(userId);
    });
    next();
  };
}
