/**
 * Citizens' phone numbers never reach the log in clear (issue 9: `?phone=` was logged in the
 * URL of every citizen lookup). The access log is captured line by line from a real app.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { failInserts, TEST_POOL_SIZE, testDatabase } from '../helpers/app-database.js';

/** A real app whose log lines land in `raw`, at `level`; with `postgres`, on a database of a throwaway PostgreSQL. */
async function loggedApp(t: Test, level: string, opts: { postgres?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-logmask-'));
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  const settings = { SUNLINE_DATA_DIR: dir, SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false' };
  const database = opts.postgres ? { SUNLINE_DB_POOL_SIZE: TEST_POOL_SIZE, SUNLINE_DATABASE_URL: await testDatabase(t, loadEnv(settings).dbFile, false) } : {};
  const app = await buildApp(loadEnv({ ...settings, ...database }), { logger: createLogger({ level }, sink), realtime: false });
  t.teardown(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { app, raw };
}

t.test('lookup, intake and search: the log has masked numbers and no personal text', async (t) => {
  const { app, raw } = await loggedApp(t, 'info');

  const phone = '13800001111';
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/intake/web',
    payload: { name: '李四', phone, category: 'complaint', subject: '路灯不亮', content: `联系电话 ${phone}`, location: '吴兴区' },
  });
  t.equal(created.statusCode, 201);
  const { number, lookupCode } = created.json() as { number: string; lookupCode: string };
  const lookup = await app.http.inject({ method: 'GET', url: `/api/public/orders/${number}?phone=${phone}&code=${lookupCode}` });
  t.equal(lookup.statusCode, 200);
  const wrong = await app.http.inject({ method: 'GET', url: `/api/public/orders/${number}?phone=13999998888&code=${lookupCode}` });
  t.equal(wrong.statusCode, 404);

  await app.users.create({ username: 'agent', displayName: 'agent', role: 'agent', password: 'pw-123456' });
  const login = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'agent', password: 'pw-123456' },
    headers: { 'x-sunline-request': '1' },
  });
  const cookies = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  const search = await app.http.inject({ method: 'GET', url: `/api/workorders?q=${encodeURIComponent('李四')}&status=accepted`, cookies });
  t.equal(search.statusCode, 200);

  const all = raw.join('');
  t.notMatch(all, /13800001111|13999998888/, 'no phone number in clear');
  t.notMatch(all, /李四|%E6%9D%8E%E5%9B%9B/i, 'no searched name');
  t.notMatch(all, /pw-123456/, 'no password');
  t.notMatch(all, lookupCode, 'no lookup code');
  // The access log is one line per request (http/access-log.ts), written with its outcome.
  const lines = raw.map((l) => JSON.parse(l) as { msg: string; reqId?: string; req?: { url: string }; res?: { statusCode: number } });
  const access = lines.filter((l) => l.req !== undefined);
  t.same(
    access.map((l) => l.msg),
    Array(access.length).fill('request completed'),
    'no other access-log line',
  );
  t.equal(new Set(access.map((l) => l.reqId)).size, access.length, 'one line per request');
  t.equal(access.length, 5, 'intake, two lookups, login, search');
  const urls = access.map((l) => l.req!.url);
  t.same(
    access.map((l) => l.res?.statusCode),
    [201, 200, 404, 200, 200],
    'each with its status',
  );
  t.ok(urls.includes(`/api/public/orders/${number}?phone=138****1111&code=***`), 'the lookup is logged with the phone masked, the code hidden');
  t.ok(urls.includes(`/api/public/orders/${number}?phone=139****8888&code=***`));
  t.ok(urls.includes('/api/workorders?q=***&status=accepted'), 'search text hidden, the status kept');
});

t.test('a phone number in the path (typed into the lookup number box) is masked; order numbers and row ids are kept', async (t) => {
  const { app, raw } = await loggedApp(t, 'debug');
  const urls = [
    '/api/public/orders/13800001111?phone=13800001111&code=ABCDEF',
    '/api/public/orders/+8613800002222?phone=13800002222&code=ABCDEF',
    '/api/public/orders/0572-2399001?phone=13800002222&code=ABCDEF',
    '/api/public/orders/HZ-20261208-000001?phone=13800002222&code=ABCDEF',
    '/api/workorders/2147483647',
  ];
  for (const url of urls) t.ok((await app.http.inject({ method: 'GET', url })).statusCode >= 400, url);
  const all = raw.join('');
  t.notMatch(all, /13800001111|8613800002222|2399001/, 'no phone number in clear, at debug level too');
  const logged = raw.map((l) => JSON.parse(l) as { req?: { url: string } }).flatMap((l) => (l.req ? [l.req.url] : []));
  t.ok(logged.includes('/api/public/orders/138****1111?phone=138****1111&code=***'), 'masked as a phone is');
  t.ok(logged.includes('/api/public/orders/HZ-20261208-000001?phone=138****2222&code=***'), 'an order number stays');
  t.ok(logged.includes('/api/workorders/2147483647'), 'a row id stays');
});

t.test("a failed statement's parameters (a reporter's phone, name, words) are not logged with its error", async (t) => {
  // On PostgreSQL: drizzle's node-postgres session wraps a failed statement in a DrizzleQueryError
  // whose message and stack end with "params: …" (better-sqlite3's errors carry no parameters).
  const { app, raw } = await loggedApp(t, 'info', { postgres: true });
  await app.users.create({ username: 'agent', displayName: 'agent', role: 'agent', password: 'pw-123456' });
  const login = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'agent', password: 'pw-123456' },
    headers: { 'x-sunline-request': '1' },
  });
  const cookies = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };
  // The database refuses the write as it runs.
  await failInserts(app, 'work_orders', 'refused for the test');
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    headers: { 'x-sunline-request': '1' },
    payload: { channel: '12345', category: 'complaint', content: '楼上漏水\n第二行 邻居赵某', callerPhone: '13800003333', callerName: '钱某某' },
  });
  t.equal(res.statusCode, 500, res.body);
  const all = raw.join('');
  t.match(all, /refused for the test/, 'the error is logged');
  t.match(all, /params: \[redacted\]/, 'with its statement, its parameters left out');
  t.notMatch(all, /13800003333|钱某某|楼上漏水|第二行|邻居赵某/, 'none of them anywhere in the line');
});
