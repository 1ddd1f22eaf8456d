/**
 * The access log is one line per request (src/http/access-log.ts, issue 18 part 3): the request
 * (masked URL, socket peer), its status and its time together, written when the answer has gone
 * out; a request whose client goes away first is logged then. Routes logged at `warn` write none.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';

interface Line {
  msg: string;
  reqId?: string;
  component?: string;
  req?: { method: string; url: string; remoteAddress?: string };
  res?: { statusCode: number };
  responseTime?: number;
}

t.test('one line per request, with the request, its status and its time; an aborted request too', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-accesslog-'));
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  const env = loadEnv({ SUNLINE_DATA_DIR: dir, SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false' });
  const app = await buildApp(env, { logger: createLogger({ level: 'info' }, sink), realtime: false });
  t.teardown(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const lines = () => raw.map((l) => JSON.parse(l) as Line).filter((l) => l.component === 'http');

  raw.length = 0;
  await app.http.inject({ method: 'GET', url: '/api/auth/me' });
  await app.http.inject({ method: 'GET', url: '/api/workorders?q=%E5%BC%A0%E4%B8%89&phone=13800001111&page=2' });
  await app.http.inject({ method: 'GET', url: '/health/live' });
  const logged = lines();
  t.equal(logged.length, 2, 'two requests logged, one line each; /health/live (logLevel warn) none');
  t.match(logged[0], { msg: 'request completed', req: { method: 'GET', url: '/api/auth/me', remoteAddress: '127.0.0.1' }, res: { statusCode: 401 } });
  t.match(logged[1], { msg: 'request completed', req: { url: '/api/workorders?q=***&phone=138****1111&page=2' }, res: { statusCode: 401 } });
  t.ok(
    logged.every((l) => typeof l.responseTime === 'number' && l.responseTime >= 0),
    'with the time it took',
  );
  t.not(logged[0]!.reqId, logged[1]!.reqId);

  // A client that sends half a body and goes away: no answer is ever written, the request is still logged.
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.http.server.address() as net.AddressInfo).port;
  raw.length = 0;
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /api/intake/web?phone=13800001111 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"phone":');
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  const deadline = Date.now() + 5000;
  while (!lines().some((l) => l.msg === 'request aborted') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.match(
    lines().find((l) => l.msg === 'request aborted'),
    { req: { method: 'POST', url: '/api/intake/web?phone=138****1111' } },
    'the aborted request is logged, its phone masked',
  );
  t.notMatch(raw.join(''), /13800001111/, 'no phone number in clear');
});
