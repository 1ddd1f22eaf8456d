/**
 * Closing the server does not wait for a connection that never sent a request. Browsers open
 * such sockets ahead of need (Chromium's preconnect); Node counts a socket still waiting for its
 * first request's headers as active, so Fastify's close waited for headersTimeout (60 s) to cut
 * it — a restart (SIGTERM) held for a minute, and order-desk's teardown took 60 s in 1 of 3 runs.
 * A connection in the middle of a real request still gets its answer.
 */
import net from 'node:net';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function started() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-close-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
  const env = loadEnv({ SUNLINE_DATA_DIR: dir, SUNLINE_LOG_LEVEL: 'silent', SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false' });
  const app = await buildApp(env, { logger: createLogger({ level: env.logLevel }) });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.http.server.address() as net.AddressInfo;
  return { app, port };
}

const connect = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

t.test('a socket that never sent a request does not hold the close', async (t) => {
  const { app, port } = await started();
  const silent = await connect(port);
  const gone = new Promise<void>((resolve) => silent.once('close', () => resolve()));
  const t0 = Date.now();
  await app.close();
  const took = Date.now() - t0;
  t.ok(took < 10_000, `closed in ${took} ms (Node's headersTimeout would be 60,000)`);
  await gone;
  t.pass('the silent socket was closed by the server');
});

t.test('a request in progress is answered before the close cuts connections', async (t) => {
  const { app, port } = await started();
  const s = await connect(port);
  let reply = '';
  s.on('data', (d: Buffer) => (reply += d.toString()));
  const ended = new Promise<void>((resolve) => s.once('close', () => resolve()));
  s.write('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await new Promise((r) => setTimeout(r, 50));
  await app.close();
  await ended;
  t.match(reply, /^HTTP\/1\.1 200/, 'the request got its answer');
});
