/**
 * The first administrator from the environment and "must change the password at next login"
 * (issue 11 item 1), through the real app, its SQLite file and a real socket.io client: the
 * account is created only while no administrator exists, its login says mustChangePassword, every
 * other API call and the socket are refused with PASSWORD_CHANGE_REQUIRED until it changes the
 * password, and the value is never logged. Administrators set the flag when creating or resetting.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { io as connectClient } from 'socket.io-client';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { testApp } from '../helpers/app.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/contract/csrf.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };
const INITIAL = 'Initial-Secret-4711';

let ip = 0;
async function login(app: App, username: string, password: string) {
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.8.0.${(++ip % 250) + 1}`, payload: { username, password } });
  const c = res.cookies.find((x) => x.name === 'sunline_session');
  return { res, cookies: (c && { sunline_session: c.value }) as Cookies };
}

/** The app on a data dir that survives a restart, its log lines captured. */
async function appOn(t: Test, dir: string, env: Record<string, string>) {
  const lines: string[] = [];
  const e = loadEnv({ SUNLINE_DATA_DIR: dir, SUNLINE_LOG_LEVEL: 'debug', SUNLINE_TELEPHONY: 'false', SUNLINE_CONFIG_WATCH: 'false', ...env });
  const logger = createLogger({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
  const app = await buildApp(e, { logger });
  const raw = app.http.inject.bind(app.http) as (o: object) => ReturnType<App['http']['inject']>;
  app.http.inject = ((o: { headers?: object }) => raw({ ...o, headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE, ...o.headers } })) as never;
  return { app, lines };
}

t.test('SUNLINE_INITIAL_ADMIN_PASSWORD creates an administrator only while none exists, and never logs the value', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-initial-admin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { SUNLINE_INITIAL_ADMIN_PASSWORD: INITIAL, SUNLINE_INITIAL_ADMIN_USERNAME: 'itadmin' };
  const first = await appOn(t, dir, env);
  const created = await first.app.users.byUsername('itadmin');
  t.ok(created, 'created');
  t.equal(created!.role, 'admin');
  t.equal(created!.mustChangePassword, true, 'must change at first login');
  const audit = await first.app.users.auditLog({ limit: 5, targetUserId: created!.id });
  t.equal(audit[0]?.action, 'user.create', 'audited');
  t.equal(audit[0]?.details.source, 'SUNLINE_INITIAL_ADMIN_PASSWORD');
  await first.app.close();
  t.ok(
    first.lines.some((l) => l.includes('initial administrator created')),
    'the creation is logged',
  );

  // A restart with the setting still there: an administrator exists, nothing more is created.
  const second = await appOn(t, dir, { ...env, SUNLINE_INITIAL_ADMIN_USERNAME: 'another' });
  t.equal(await second.app.users.byUsername('another'), undefined, 'no second administrator');
  await second.app.close();
  t.same(
    [...first.lines, ...second.lines].filter((l) => l.includes(INITIAL)),
    [],
    'no log line carries the password',
  );
});

t.test('a disabled administrator does not count; a taken username creates nothing', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-initial-admin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const a = await appOn(t, dir, {});
  const old = await a.app.users.create({ username: 'old-admin', displayName: 'o', role: 'admin', password: 'pw-123456' });
  await a.app.users.disable(old.id);
  await a.app.users.create({ username: 'admin', displayName: 'agent called admin', role: 'agent', password: 'pw-123456' });
  await a.app.close();
  const b = await appOn(t, dir, { SUNLINE_INITIAL_ADMIN_PASSWORD: INITIAL });
  t.equal((await b.app.users.byUsername('admin'))!.role, 'agent', 'the existing account is left alone');
  t.ok(
    b.lines.some((l) => l.includes('names an existing account')),
    'said why',
  );
  await b.app.close();
  const c = await appOn(t, dir, { SUNLINE_INITIAL_ADMIN_PASSWORD: INITIAL, SUNLINE_INITIAL_ADMIN_USERNAME: 'it' });
  t.equal((await c.app.users.byUsername('it'))!.role, 'admin', 'created: the only administrator is disabled');
  await c.app.close();
});

t.test('a password the policy refuses stops the start with the variable and the reason, not the value', async (t) => {
  t.throws(() => loadEnv({ SUNLINE_INITIAL_ADMIN_PASSWORD: 'short' }), /SUNLINE_INITIAL_ADMIN_PASSWORD: at least 8/);
  try {
    loadEnv({ SUNLINE_INITIAL_ADMIN_PASSWORD: 'Admin-Boss', SUNLINE_INITIAL_ADMIN_USERNAME: 'admin-boss' });
    t.fail('accepted the username as password');
  } catch (err) {
    t.match(String(err), /SUNLINE_INITIAL_ADMIN_PASSWORD: must not be the username/);
    t.notMatch(String(err), /Admin-Boss/);
  }
  t.equal(loadEnv({}).initialAdmin, null, 'unset: none');
});

t.test('until the password is changed: login says so, other API calls and the socket are refused', async (t) => {
  const app = await testApp(t, { env: { SUNLINE_INITIAL_ADMIN_PASSWORD: INITIAL } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const { res, cookies } = await login(app, 'admin', INITIAL);
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().user.mustChangePassword, true, 'login answers with the state');
  t.equal((await app.http.inject({ url: '/api/auth/me', cookies })).json().user.mustChangePassword, true, 'me too (a reload)');

  // The router decodes a percent-encoded path before matching it: '/%61pi/…' is the route '/api/…'.
  for (const url of [
    '/api/admin/users',
    '/api/admin/audit?limit=5',
    '/api/units',
    '/api/workorders',
    '/%61pi/admin/users',
    '/%61%70%69/units',
    '/api/auth/me/../../units',
  ]) {
    const r = await app.http.inject({ url, cookies });
    t.equal(r.statusCode, 403, url);
    t.equal(r.json().error.code, 'PASSWORD_CHANGE_REQUIRED', url);
  }
  const create = await app.http.inject({ method: 'POST', url: '/api/admin/users', cookies, payload: { username: 'sneaky', displayName: 's', role: 'admin' } });
  t.equal(create.json().error?.code, 'PASSWORD_CHANGE_REQUIRED');
  const encoded = await app.http.inject({
    method: 'POST',
    url: '/%61pi/admin/users',
    cookies,
    payload: { username: 'sneaky', displayName: 's', role: 'admin', password: 'pw-123456-pw' },
  });
  t.equal(encoded.json().error?.code, 'PASSWORD_CHANGE_REQUIRED', 'a percent-encoded path too');
  t.equal(await app.users.byUsername('sneaky'), undefined, 'nothing created');

  const connect = () =>
    new Promise<string>((resolve) => {
      const s = connectClient(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: { cookie: `sunline_session=${cookies.sunline_session}` },
      });
      s.once('connect', () => {
        s.disconnect();
        resolve('connected');
      });
      s.once('connect_error', (err) => {
        s.disconnect();
        resolve((err as Error & { data?: { code?: string } }).data?.code ?? err.message);
      });
    });
  t.equal(await connect(), 'PASSWORD_CHANGE_REQUIRED', 'the socket is refused with the code');

  const change = (newPassword: string) =>
    app.http.inject({ method: 'POST', url: '/api/auth/password', cookies, payload: { currentPassword: INITIAL, newPassword } });
  t.equal((await change('admin')).statusCode, 400, 'the policy applies (8+ characters)');
  const same = await change('ADMIN');
  t.equal(same.statusCode, 400);
  t.equal((await change('Brand-New-Pass-1')).statusCode, 204);
  t.equal((await app.http.inject({ url: '/api/admin/users', cookies })).statusCode, 200, 'the same session goes on');
  t.equal((await app.http.inject({ url: '/api/auth/me', cookies })).json().user.mustChangePassword, false);
  t.equal(await connect(), 'connected', 'and may connect');
});

t.test('an administrator sets "must change at next login" when creating or resetting an account', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'root', displayName: 'root', role: 'admin', password: 'pw-123456' });
  const admin = (await login(app, 'root', 'pw-123456')).cookies;
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/admin/users',
    cookies: admin,
    payload: { username: 'ag1', displayName: 'A', role: 'agent', password: 'Handed-Over-1', mustChangePassword: true },
  });
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.json().user.mustChangePassword, true);
  const ag = await login(app, 'ag1', 'Handed-Over-1');
  t.equal(ag.res.json().user.mustChangePassword, true);
  t.equal((await app.http.inject({ url: '/api/units', cookies: ag.cookies })).json().error.code, 'PASSWORD_CHANGE_REQUIRED');
  t.equal(
    (
      await app.http.inject({
        method: 'POST',
        url: '/api/auth/password',
        cookies: ag.cookies,
        payload: { currentPassword: 'Handed-Over-1', newPassword: 'Mine-Now-2' },
      })
    ).statusCode,
    204,
  );
  const id = (await app.users.byUsername('ag1'))!.id;
  t.equal((await app.users.byId(id))!.mustChangePassword, false);

  const reset = await app.http.inject({ method: 'POST', url: `/api/admin/users/${id}/password`, cookies: admin, payload: { mustChangePassword: true } });
  t.equal(reset.statusCode, 200, reset.body);
  t.equal((await app.users.byId(id))!.mustChangePassword, true, 'reset with the flag');
  t.equal((await app.http.inject({ url: '/api/units', cookies: ag.cookies })).statusCode, 401, 'the old session ended');
  t.equal((await login(app, 'ag1', reset.json().password as string)).res.json().user.mustChangePassword, true);
  const audit = (await app.users.auditLog({ limit: 1, targetUserId: id }))[0]!;
  t.same([audit.action, audit.details.mustChangePassword], ['user.password', true], 'audited');

  await app.http.inject({ method: 'POST', url: `/api/admin/users/${id}/password`, cookies: admin, payload: { password: 'Plain-Reset-3' } });
  t.equal((await app.users.byId(id))!.mustChangePassword, false, 'a reset without the flag clears it');
  const bad = await app.http.inject({ method: 'POST', url: `/api/admin/users/${id}/password`, cookies: admin, payload: { mustChangePassword: 'yes' } });
  t.equal(bad.statusCode, 400);
});
