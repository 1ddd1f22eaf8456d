/**
 * Sessions that end (issue 9 item 4): logout, a disabled account and a changed password end the
 * session everywhere — its cookie is refused and its open sockets are disconnected at once, so
 * they receive no more pushes; sockets also re-check their session on a timer. Real app, real
 * HTTP listener, real socket.io clients.
 */
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { UserRole } from '../../src/db/schema.js';
import { queryFromElsewhere } from '../helpers/app-database.js';
import { testApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };

async function started(t: Test, recheckMs?: number) {
  const app = await testApp(t, { overrides: recheckMs === undefined ? {} : { sessionRecheckMs: recheckMs } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}` };
}

let ip = 0;
async function login(app: App, username: string, password = 'pw-123456'): Promise<Cookies> {
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.9.0.${++ip}`, payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.body}`);
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

async function user(app: App, username: string, role: UserRole): Promise<{ id: number; cookies: Cookies }> {
  const u = await app.users.create({ username, displayName: username, role, password: 'pw-123456' });
  return { id: u.id, cookies: await login(app, username) };
}

interface Console {
  socket: Socket;
  statuses: number;
  /** Resolves with the disconnect reason. */
  disconnected: Promise<string>;
}

async function connect(t: Test, url: string, cookies: Cookies): Promise<Console> {
  const socket = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: `sunline_session=${encodeURIComponent(cookies.sunline_session)}` },
  });
  t.teardown(() => void socket.disconnect());
  const c: Console = { socket, statuses: 0, disconnected: new Promise((resolve) => socket.once('disconnect', resolve)) };
  socket.on('system:status', () => void c.statuses++);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return c;
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);

/** A push to every socket (the telephony status goes to all consoles). */
const push = (app: App) => app.events.emit('telephony.status', { telephony: 'down', at: Date.now() });
const settle = () => new Promise((r) => setTimeout(r, 150));
const me = (app: App, cookies: Cookies) => app.http.inject({ url: '/api/auth/me', cookies });

t.test('logout: the socket of that session is disconnected at once and receives no more pushes; other sessions keep theirs', async (t) => {
  const { app, url } = await started(t);
  const agent = await user(app, 'agent-a', 'agent');
  const other = await login(app, 'agent-a');
  const a = await connect(t, url, agent.cookies);
  const b = await connect(t, url, other);
  push(app);
  await settle();
  const before = a.statuses;
  t.ok(before >= 1, 'pushes reach the console while logged in');

  const out = await app.http.inject({ method: 'POST', url: '/api/auth/logout', cookies: agent.cookies });
  t.equal(out.statusCode, 204);
  t.equal(await within(a.disconnected, 2000, 'logout disconnects'), 'io server disconnect');
  push(app);
  await settle();
  t.equal(a.statuses, before, 'no push after logout');
  t.ok(b.socket.connected, "the user's other session stays connected");
  t.ok(b.statuses > before - 1, 'and still receives pushes');
  t.equal((await me(app, agent.cookies)).statusCode, 401);
  await t.rejects(connect(t, url, agent.cookies), /UNAUTHENTICATED/, 'the ended session cannot connect again');
});

t.test('password change: the other sessions end (cookies refused, sockets disconnected), the current one stays', async (t) => {
  const { app, url } = await started(t);
  const lead = await user(app, 'lead-p', 'shift_lead');
  const second = await login(app, 'lead-p');
  const bystander = await user(app, 'lead-q', 'shift_lead');
  const current = await connect(t, url, lead.cookies);
  const other = await connect(t, url, second);
  const unrelated = await connect(t, url, bystander.cookies);

  const res = await app.http.inject({
    method: 'POST',
    url: '/api/auth/password',
    cookies: lead.cookies,
    payload: { currentPassword: 'pw-123456', newPassword: 'a new password 42' },
  });
  t.equal(res.statusCode, 204, res.body);
  t.equal(await within(other.disconnected, 2000, 'the other session is disconnected'), 'io server disconnect');
  t.equal((await me(app, second)).statusCode, 401, "the other session's cookie is refused");
  t.equal((await me(app, lead.cookies)).statusCode, 200, 'the session that changed it stays');
  await settle();
  t.ok(current.socket.connected, "the current session's socket stays");
  t.ok(unrelated.socket.connected, "another user's socket stays");
  const n = current.statuses;
  push(app);
  await settle();
  t.equal(current.statuses, n + 1, 'and keeps receiving pushes');
  await t.rejects(login(app, 'lead-p'), /BAD_CREDENTIALS/, 'the old password no longer logs in');
  await login(app, 'lead-p', 'a new password 42');
});

t.test('password change: refused with a coded error and nothing changed for a wrong current password, bad lengths, no session', async (t) => {
  const { app } = await started(t);
  const agent = await user(app, 'agent-w', 'agent');
  const other = await login(app, 'agent-w');
  const change = (payload: unknown, cookies: Cookies | null = agent.cookies) =>
    app.http.inject({
      method: 'POST',
      url: '/api/auth/password',
      remoteAddress: `10.8.0.${++ip}`,
      ...(cookies ? { cookies } : {}),
      payload: payload as object,
    });
  const wrong = await change({ currentPassword: 'not it', newPassword: 'a new password 42' });
  t.equal(wrong.statusCode, 403);
  t.equal(wrong.json().error.code, 'WRONG_PASSWORD');
  for (const bad of [
    { currentPassword: 'pw-123456', newPassword: 'short' },
    { currentPassword: 'pw-123456', newPassword: 'x'.repeat(257) },
    { currentPassword: 'pw-123456', newPassword: 'pw-123456' },
    { currentPassword: '', newPassword: 'a new password 42' },
    { newPassword: 'a new password 42' },
  ]) {
    const res = await change(bad);
    t.equal(res.statusCode, 400, JSON.stringify(bad));
    t.equal(res.json().error.code, 'VALIDATION_FAILED');
  }
  const anonymous = await change({ currentPassword: 'pw-123456', newPassword: 'a new password 42' }, null);
  t.equal(anonymous.statusCode, 401);
  t.equal((await me(app, other)).statusCode, 200, 'no session ended');
  await login(app, 'agent-w');
  // Wrong current passwords count like failed logins: a stolen session cannot guess at will.
  for (let i = 0; i < 5; i++) await change({ currentPassword: `guess ${i}`, newPassword: 'a new password 42' });
  const locked = await change({ currentPassword: 'pw-123456', newPassword: 'a new password 42' });
  t.equal(locked.statusCode, 429);
  t.equal(locked.json().error.code, 'LOGIN_LOCKED');
});

t.test('an administrator disables an account: its sockets are disconnected, its cookies refused, it cannot log in; enable lets it back', async (t) => {
  const { app, url } = await started(t);
  const admin = await user(app, 'admin-d', 'admin');
  const handler = await user(app, 'lead-d', 'shift_lead');
  const socket = await connect(t, url, handler.cookies);
  const adminSocket = await connect(t, url, admin.cookies);

  const byLead = await app.http.inject({ method: 'POST', url: `/api/admin/users/${admin.id}/disable`, cookies: handler.cookies });
  t.equal(byLead.statusCode, 403, 'only administrators');
  const anon = await app.http.inject({ method: 'POST', url: `/api/admin/users/${admin.id}/disable` });
  t.equal(anon.statusCode, 401);
  const self = await app.http.inject({ method: 'POST', url: `/api/admin/users/${admin.id}/disable`, cookies: admin.cookies });
  t.equal(self.statusCode, 400, 'not your own account');
  for (const id of ['999999', String((await app.users.systemUser()).id)]) {
    const missing = await app.http.inject({ method: 'POST', url: `/api/admin/users/${id}/disable`, cookies: admin.cookies });
    t.equal(missing.statusCode, 404, `user ${id}`);
    t.equal(missing.json().error.code, 'NOT_FOUND');
  }
  const bad = await app.http.inject({ method: 'POST', url: '/api/admin/users/abc/disable', cookies: admin.cookies });
  t.equal(bad.statusCode, 400);

  const res = await app.http.inject({ method: 'POST', url: `/api/admin/users/${handler.id}/disable`, cookies: admin.cookies });
  t.equal(res.statusCode, 204, res.body);
  t.equal(await within(socket.disconnected, 2000, 'disable disconnects'), 'io server disconnect');
  t.equal((await me(app, handler.cookies)).statusCode, 401);
  await t.rejects(login(app, 'lead-d'), /BAD_CREDENTIALS/);
  t.ok(adminSocket.socket.connected, "the administrator's own socket stays");

  const enabled = await app.http.inject({ method: 'POST', url: `/api/admin/users/${handler.id}/enable`, cookies: admin.cookies });
  t.equal(enabled.statusCode, 204);
  t.equal((await me(app, handler.cookies)).statusCode, 401, 'old sessions stay ended');
  await login(app, 'lead-d');
});

t.test('sockets re-check their session on a timer: a session ended by another process is disconnected', async (t) => {
  const { app, url } = await started(t, 100);
  const agent = await user(app, 'agent-t', 'agent');
  const c = await connect(t, url, agent.cookies);
  // Another process (an admin tool on the same file) deletes the session: UsersService is not told.
  await queryFromElsewhere(app, 'delete from sessions where user_id = ?', [agent.id]);
  t.equal(await within(c.disconnected, 3000, 'the timer disconnects'), 'io server disconnect');
});

t.test(
  'an account disabled by another process (sunline users disable): its sockets go within about a second, not at the 30 s re-check',
  // SQLite's data_version tells the app of another connection's commit; PostgreSQL's LISTEN/NOTIFY does (src/db/postgres-commit-signal.ts).
  async (t) => {
    const { app, url } = await started(t);
    const agent = await user(app, 'agent-cli', 'agent');
    const bystander = await user(app, 'agent-by', 'agent');
    const c = await connect(t, url, agent.cookies);
    const b = await connect(t, url, bystander.cookies);
    await queryFromElsewhere(app, 'update users set disabled = true where id = ?', [agent.id]);
    await queryFromElsewhere(app, 'delete from sessions where user_id = ?', [agent.id]);
    t.equal(await within(c.disconnected, 2500, 'the poll of commits elsewhere disconnects'), 'io server disconnect');
    await settle();
    t.ok(b.socket.connected, 'the other account keeps its socket');
  },
);

t.test('the new routes are in the OpenAPI document', async (t) => {
  const { app } = await started(t);
  const doc = (await app.http.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
  for (const p of ['/api/auth/password', '/api/admin/users/{id}/disable', '/api/admin/users/{id}/enable']) t.ok(doc.paths[p], p);
});
