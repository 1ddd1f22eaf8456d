/**
 * A real call path for tests: a private Asterisk with our dialplan, a Sunline server built with
 * buildApp and listening on a free port, agent/lead users with real socket.io-client sessions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket } from 'socket.io-client';
import { buildApp, type Sunline } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contract/index.js';
import type { UserRole } from '../../src/db/schema.js';
import { testLogger, testLogLevel } from './test-log.js';
import { asteriskAvailable, sandboxEnv, startAsterisk, type AsteriskSandbox } from '../../tools/asterisk-sandbox.js';

export type Console = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function sandbox(t: Teardown): Promise<AsteriskSandbox> {
  const available = asteriskAvailable();
  if (!available.ok) throw new Error(available.reason);
  const a = await startAsterisk();
  t.teardown(() => a.stop());
  return a;
}

/** `port`: listen there (a server restarted where the browsers know it); a free one by default. */
export async function server(t: Teardown, asterisk: AsteriskSandbox, env: Record<string, string> = {}, port = 0): Promise<Sunline & { url: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-callpath-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  const e = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_LOG_LEVEL: testLogLevel(),
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_WRAPUP_SECONDS: '60',
    ...sandboxEnv(asterisk),
    ...env,
  });
  const app = await buildApp(e, { logger: testLogger(e.logLevel) });
  t.teardown(() => app.close());
  await app.http.listen({ host: '127.0.0.1', port });
  const bound = (app.http.server.address() as AddressInfo).port;
  return Object.assign(app, { url: `http://127.0.0.1:${bound}` });
}

/** Creates a user, logs in over HTTP and opens a console socket with the session cookie. */
export async function consoleFor(
  t: Teardown,
  app: Sunline & { url: string },
  username: string,
  role: UserRole,
): Promise<{ id: number; socket: Console; cookie: string }> {
  const user = await app.users.upsert({ username, displayName: username, role, password: `${username}-pw` });
  const res = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sunline-request': '1' },
    body: JSON.stringify({ username, password: `${username}-pw` }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const socket: Console = connectClient(app.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  t.teardown(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { id: user.id, socket, cookie };
}

/** Emits with an ack and resolves with its data, rejecting on {ok:false}. */
export function command<T = unknown>(socket: Console, event: keyof ClientToServerEvents, payload?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const ack = (res: { ok: true; data?: unknown } | { ok: false; error: { code: string; message: string } }) =>
      res.ok ? resolve(res.data as T) : reject(Object.assign(new Error(`${res.error.code}: ${res.error.message}`), { code: res.error.code }));
    const emit = socket.emit as unknown as (ev: string, ...args: unknown[]) => void;
    if (payload === undefined) emit.call(socket, event, ack);
    else emit.call(socket, event, payload, ack);
  });
}

/** Waits for the next event matching `pred`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: Console,
  event: E,
  pred: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const on = socket.on as unknown as (ev: string, fn: (...a: unknown[]) => void) => void;
    const off = socket.off as unknown as (ev: string, fn: (...a: unknown[]) => void) => void;
    const timer = setTimeout(() => {
      off.call(socket, event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const handler = (...args: unknown[]) => {
      if (!(pred as (...a: unknown[]) => boolean)(...args)) return;
      clearTimeout(timer);
      off.call(socket, event, handler);
      resolve(args[0] as Parameters<ServerToClientEvents[E]>[0]);
    };
    on.call(socket, event, handler);
  });
}

export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An ARI REST request to the sandbox (for assertions on channels and bridges); throws on 4xx/5xx. */
export async function ari<T = unknown>(a: AsteriskSandbox, method: string, path: string): Promise<T> {
  const res = await fetch(`${a.ari.url}/ari${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${a.ari.username}:${a.ari.password}`).toString('base64')}` },
  });
  if (res.status >= 400) throw new Error(`ARI ${method} ${path}: ${res.status}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}
