/**
 * The Redis client and socket.io's Redis adapter, loaded on first use: only a node of several
 * (SUNLINE_REDIS_URL) talks to Redis, and importing both costs a server that runs alone ~20 MB
 * of RSS from its start (measured: bench/memory.ts, docs/performance.md "Memory"). Synchronous
 * requires (both packages are CommonJS), so the callers keep their shapes.
 */
import { createRequire } from 'node:module';
import type * as Redis from 'redis';
import type * as RedisAdapter from '@socket.io/redis-adapter';

const load = createRequire(import.meta.url);
let redisLib: typeof Redis | undefined;
let adapterLib: typeof RedisAdapter | undefined;

export const redis = (): typeof Redis => (redisLib ??= load('redis') as typeof Redis);
export const redisAdapter = (): typeof RedisAdapter => (adapterLib ??= load('@socket.io/redis-adapter') as typeof RedisAdapter);
