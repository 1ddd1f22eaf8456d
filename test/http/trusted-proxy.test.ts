/**
 * X-Forwarded-For is believed only from the proxies SUNLINE_TRUST_PROXY names. By default a
 * client rotating the header is still one client to the rate limits, and the access log keeps
 * the socket peer (issue 9: 30 wrong admin passwords with rotating headers got no 429).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { buildApp, type Sunline } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';

type Line = { msg: string; req?: { remoteAddress?: string; clientAddress?: string; url?: string }; [k: string]: unknown };

async function appWithLog(t: Test, env: Record<string, string> = {}): Promise<{ app: Sunline; lines: () => Line[]; raw: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-proxy-'));
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  const parsed = loadEnv({ SUNLINE_DATA_DIR: dir, SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false', ...env });
  const app = await buildApp(parsed, { logger: createLogger({ level: 'info' }, sink), realtime: false });
  t.teardown(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { app, raw, lines: () => raw.map((l) => JSON.parse(l) as Line) };
}

const login = (app: Sunline, i: number, forwarded: string) =>
  app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-forwarded-for': forwarded, 'x-sunline-request': '1' },
    payload: { username: `user${i}`, password: 'wrong password' },
  });

t.test('by default a rotating X-Forwarded-For does not escape the login limit, and the log keeps the socket peer', async (t) => {
  const { app, lines, raw } = await appWithLog(t);
  const codes: number[] = [];
  // A username each, so that only the per-address limit can stop them.
  for (let i = 0; i < 12; i++) codes.push((await login(app, i, `198.51.100.${i + 1}`)).statusCode);
  t.same(codes.slice(0, 10), Array(10).fill(401), 'ten attempts a minute per client');
  t.same(codes.slice(10), [429, 429], 'the eleventh is refused whatever the header says');
  const accessLines = lines().filter((l) => l.msg === 'request completed' && l.req?.url === '/api/auth/login');
  t.equal(accessLines.length, 12, 'one access-log line per request');
  t.ok(
    accessLines.every((l) => l.req?.remoteAddress === '127.0.0.1' && l.req.clientAddress === undefined),
    'the access log has the socket peer, nothing else',
  );
  const refused = lines().filter((l) => l.msg === 'login refused');
  t.ok(refused.length > 0 && refused.every((l) => l['peer'] === '127.0.0.1' && l['clientAddress'] === '127.0.0.1'));
  t.notOk(
    raw.some((l) => l.includes('198.51.100.')),
    'the forged addresses are nowhere in the log',
  );

  // The intake limit (20 a minute per client) holds the same way.
  let intake = 0;
  for (let i = 0; i < 21; i++) {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/intake/web',
      headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
      payload: { phone: '13800001111', category: 'complaint', subject: '路灯', content: '路灯不亮' },
    });
    intake = res.statusCode;
  }
  t.equal(intake, 429, 'the 21st intake from one client is refused');
});

t.test('with SUNLINE_TRUST_PROXY=127.0.0.1 the proxy’s X-Forwarded-For is the client, and both are logged', async (t) => {
  const { app, lines } = await appWithLog(t, { SUNLINE_TRUST_PROXY: '127.0.0.1' });
  const codes: number[] = [];
  for (let i = 0; i < 12; i++) codes.push((await login(app, i, `198.51.100.${i + 1}`)).statusCode);
  t.same(codes, Array(12).fill(401), 'twelve citizens behind the proxy, one attempt each: none limited');
  for (let i = 0; i < 10; i++) await login(app, 100 + i, '198.51.100.77');
  t.equal((await login(app, 200, '198.51.100.77')).statusCode, 429, 'one forwarded client is still limited');
  const accessLines = lines().filter((l) => l.msg === 'request completed' && l.req?.url === '/api/auth/login');
  t.match(accessLines[0]?.req, { remoteAddress: '127.0.0.1', clientAddress: '198.51.100.1' });

  // A proxy that is not the configured one is not believed.
  const other = await appWithLog(t, { SUNLINE_TRUST_PROXY: '10.0.0.1' });
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await login(other.app, i, `198.51.100.${i + 1}`)).statusCode);
  t.equal(statuses[10], 429, 'X-Forwarded-For from an untrusted peer is ignored');
});
