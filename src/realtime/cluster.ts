/**
 * Several Sunline nodes behind one address (issue 16 item 2): their socket.io servers share
 * rooms through Redis (or Valkey) with socket.io's Redis adapter, so a console connected to any
 * node gets what any node sends to its rooms (a desk change saved through node A reaches a desk
 * console on node B). Sessions are in the database, so every node accepts every console.
 *
 * At start the Redis must answer (a clear error otherwise: a node that silently ran alone would
 * hide other nodes' updates from its consoles). Afterwards the two clients reconnect by
 * themselves; while they are down this node's readiness check says so (docs/deployment.md).
 */
import type { createAdapter } from '@socket.io/redis-adapter';
import type { createClient } from 'redis';
import { redis, redisAdapter } from '../lib/redis.js';
import { EnvError } from '../config/env.js';
import type { Logger } from '../logging/logger.js';

/** The Redis channels' prefix: one Redis per Sunline deployment (pub/sub ignores the database number). */
export const CLUSTER_KEY = 'sunline';
const CHECK_TIMEOUT_MS = 5000;
const CLOSE_WAIT_MS = 2000;

export interface Cluster {
  /** For `new Server(http, { adapter })` (server.ts). */
  readonly adapter: ReturnType<typeof createAdapter>;
  /**
   * A message to every node's `subscribe(channel)` listeners, this node's included (fire and
   * forget: dropped while Redis is away, like the rooms' broadcasts). The channel is prefixed with
   * CLUSTER_KEY.
   */
  publish(channel: string, message: string): void;
  /** Listens to a channel on the subscriber connection (re-subscribed by node-redis after a reconnection). */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** Both Redis connections up (the readiness check). */
  health(): { ok: boolean; error?: string };
  /** Quits both connections; call after socket.io closed its adapters. */
  close(): Promise<void>;
}

/** The URL as it may be logged or shown: without its password. */
export function redactRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Connects to SUNLINE_REDIS_URL; throws EnvError when nothing answers there within 5 s. */
export async function connectCluster(url: string, log: Logger): Promise<Cluster> {
  const shown = redactRedisUrl(url);
  await checkRedis(url, shown);
  // No offline queue: while Redis is away a broadcast to other nodes is dropped at once (the nodes
  // work alone, readiness says so) instead of piling up in memory to be flooded out later.
  const pub: RedisClient = redis().createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: CHECK_TIMEOUT_MS, reconnectStrategy: (retries) => Math.min(100 * (retries + 1), 2000) },
  });
  const sub = pub.duplicate();
  for (const [name, client] of [
    ['publish', pub],
    ['subscribe', sub],
  ] as const) {
    catchDroppedCommands(client, log.child({ redis: shown, connection: name }));
    // One warning per outage, not one per reconnection attempt; an unhandled 'error' would end the process.
    let down = false;
    client.on('error', (err: unknown) => {
      if (!down) log.warn({ err, redis: shown, connection: name }, 'redis connection lost; reconnecting');
      down = true;
    });
    client.on('ready', () => {
      if (down) log.info({ redis: shown, connection: name }, 'redis connection back');
      down = false;
    });
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    pub.destroy();
    sub.destroy();
    throw new EnvError([`SUNLINE_REDIS_URL: could not connect to Redis at ${shown} (${(err as Error).message})`]);
  }
  log.info({ redis: shown }, 'socket.io rooms shared through redis');
  let closed: Promise<void> | undefined;
  return {
    adapter: redisAdapter().createAdapter(pub, sub, { key: CLUSTER_KEY }),
    publish: (channel, message) => {
      if (pub.isReady) void pub.publish(`${CLUSTER_KEY}:${channel}`, message);
    },
    subscribe: (channel, listener) => sub.subscribe(`${CLUSTER_KEY}:${channel}`, (message: string) => listener(message)),
    health: () => (pub.isReady && sub.isReady ? { ok: true } : { ok: false, error: `no connection to Redis at ${shown}` }),
    close: () => (closed ??= Promise.all([pub, sub].map(async (client) => quit(client))).then(() => undefined)),
  };
}

type RedisClient = ReturnType<typeof createClient>;

/**
 * The adapter fires its publish / (un)subscribe commands without awaiting them: one refused while
 * Redis is away (or cut off when the client closes) would be an unhandled rejection, which ends a
 * Node process. Each such promise gets a handler here; callers that await it still see the error.
 */
function catchDroppedCommands(client: RedisClient, log: Logger): void {
  const target = client as unknown as Record<string, unknown>;
  for (const name of ['publish', 'sPublish', 'subscribe', 'pSubscribe', 'sSubscribe', 'unsubscribe', 'pUnsubscribe', 'sUnsubscribe', 'sendCommand']) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = (...args: unknown[]): unknown => {
      const result: unknown = (original as (...a: unknown[]) => unknown).apply(client, args);
      if (result instanceof Promise) result.catch((err: unknown) => log.debug({ err, command: name }, 'redis command dropped'));
      return result;
    };
  }
}

/** Waits for pending replies while Redis answers; a client that is reconnecting (Redis gone) is dropped at once. */
async function quit(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) return client.destroy();
  const closing = client.close().catch(() => undefined);
  const late = await Promise.race([closing.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), CLOSE_WAIT_MS).unref())]);
  if (late && client.isOpen) client.destroy();
}

/** One connection without reconnection: PING must be answered, or start-up stops with why. */
async function checkRedis(url: string, shown: string): Promise<void> {
  const probe = redis().createClient({ url, socket: { connectTimeout: CHECK_TIMEOUT_MS, reconnectStrategy: false } });
  let failure: unknown;
  probe.on('error', (err: unknown) => (failure ??= err));
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref());
    await Promise.race([(async () => void (await probe.connect().then((c) => c.ping())))(), timeout]);
  } catch (err) {
    const why = (failure ?? err) as Error;
    throw new EnvError([`SUNLINE_REDIS_URL: no Redis answers at ${shown} (${why.message || String(why)})`]);
  } finally {
    if (probe.isOpen) probe.destroy();
  }
}
