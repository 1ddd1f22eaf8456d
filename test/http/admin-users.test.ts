/**
 * Account administration (issue 11 item 1) through the real app and its database (SQLite, or PostgreSQL in the PostgreSQL pass): every route
 * of /api/admin/users — administrators may, other roles get 403, anonymous 401, bad input 400
 * and nothing changes; an edited account's sessions end where its scope changed.
 */
import t, { type Test } from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { appQuery, failInserts } from '../helpers/app-database.js';
import { testApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };

let ip = 0;
async function login(app: App, username: string, password = 'pw-123456'): Promise<{ status: number; cookies?: Cookies }> {
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.7.0.${(++ip % 250) + 1}`, payload: { username, password } });
  const c = res.cookies.find((x) => x.name === 'sunline_session');
  return { status: res.statusCode, cookies: c && { sunline_session: c.value } };
}

async function user(app: App, username: string, role: UserRole, unitId?: string): Promise<{ id: number; cookies: Cookies }> {
  const u = await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  return { id: u.id, cookies: (await login(app, username)).cookies! };
}

const me = (app: App, cookies: Cookies) => app.http.inject({ method: 'GET', url: '/api/auth/me', cookies });
const userCount = async (app: App) => (await app.users.list()).length;

async function setup(t: Test) {
  const app = await testApp(t);
  const admin = await user(app, 'root', 'admin');
  const lead = await user(app, 'lead', 'shift_lead');
  return { app, admin, lead };
}

t.test('every route: other roles 403, anonymous 401, before any validation', async (t) => {
  const { app, admin } = await setup(t);
  const others: Cookies[] = [];
  for (const role of ['agent', 'dispatcher', 'unit_handler'] as const)
    others.push((await user(app, `x-${role}`, role, role === 'unit_handler' ? 'city-hrss' : undefined)).cookies);
  const lead = (await user(app, 'x-lead', 'shift_lead')).cookies;
  const id = admin.id;
  const routes = [
    { method: 'GET', url: '/api/admin/users' },
    { method: 'POST', url: '/api/admin/users', payload: { username: 'new1', displayName: 'n', role: 'agent' } },
    { method: 'PATCH', url: `/api/admin/users/${id}`, payload: { displayName: 'x' } },
    { method: 'POST', url: `/api/admin/users/${id}/password`, payload: {} },
    { method: 'POST', url: `/api/admin/users/${id}/disable` },
    { method: 'POST', url: `/api/admin/users/${id}/enable` },
    { method: 'POST', url: `/api/admin/users/${id}/unlock` },
  ] as const;
  for (const r of routes) {
    t.equal((await app.http.inject({ ...r })).statusCode, 401, `${r.method} ${r.url} anonymous`);
    for (const c of r.url.endsWith('/unlock') ? others : [...others, lead]) {
      const res = await app.http.inject({ ...r, cookies: c });
      t.equal(res.statusCode, 403, `${r.method} ${r.url} ${res.body}`);
    }
  }
  t.equal(await userCount(app), 6, 'nothing created');
  t.equal((await app.users.byId(id))!.displayName, 'root', 'nothing changed');
});

t.test('list: every account but the platform’s own, without hashes', async (t) => {
  const { app, admin } = await setup(t);
  await app.users.systemUser();
  const res = await app.http.inject({ method: 'GET', url: '/api/admin/users', cookies: admin.cookies });
  t.equal(res.statusCode, 200, res.body);
  const list = res.json().users as { username: string; lockedForMs: number }[];
  t.same(
    list.map((u) => u.username),
    ['lead', 'root'],
  );
  t.notMatch(res.body, /passwordHash|password_hash|scrypt|argon/i, 'no hashes');
  t.equal(list[0]!.lockedForMs, 0);
});

t.test('create: roles and units checked against org.yaml, password by the policy or generated once', async (t) => {
  const { app, admin } = await setup(t);
  const post = (payload: unknown) => app.http.inject({ method: 'POST', url: '/api/admin/users', cookies: admin.cookies, payload: payload as object });
  const bad: [unknown, string][] = [
    [{ username: 'a1', displayName: 'A', role: 'citizen' }, 'VALIDATION_FAILED'],
    [{ username: 'a1', displayName: 'A', role: 'boss' }, 'VALIDATION_FAILED'],
    [{ username: '-a1', displayName: 'A', role: 'agent' }, 'VALIDATION_FAILED'],
    [{ username: 'a'.repeat(65), displayName: 'A', role: 'agent' }, 'VALIDATION_FAILED'],
    [{ username: 'a1', displayName: '', role: 'agent' }, 'VALIDATION_FAILED'],
    [{ username: 'a1', displayName: 'A', role: 'agent', extra: 1 }, 'VALIDATION_FAILED'],
    [{ username: 'a1', displayName: 'A', role: 'agent', password: 'short' }, 'PASSWORD_REFUSED'],
    [{ username: 'a1', displayName: 'A', role: 'agent', password: 'a1' }, 'PASSWORD_REFUSED'],
    [{ username: 'a1longname', displayName: 'A', role: 'agent', password: 'A1LONGNAME' }, 'PASSWORD_REFUSED'],
    [{ username: 'a1', displayName: 'A', role: 'agent', password: 'x'.repeat(257) }, 'VALIDATION_FAILED'],
    [{ username: 'h1', displayName: 'H', role: 'unit_handler' }, 'UNIT_REQUIRED'],
    [{ username: 'h1', displayName: 'H', role: 'unit_handler', unitId: 'nowhere' }, 'UNKNOWN_UNIT'],
    [{ username: 'a1', displayName: 'A', role: 'agent', unitId: 'city-hrss' }, 'UNIT_NOT_ALLOWED'],
    [{ username: 'd1', displayName: 'D', role: 'dispatcher', unitId: 'city-hrss' }, 'UNIT_NOT_ALLOWED'],
    [{ username: 'root', displayName: 'R', role: 'agent' }, 'USERNAME_TAKEN'],
  ];
  for (const [payload, code] of bad) {
    const res = await post(payload);
    t.equal(res.json().error?.code, code, JSON.stringify(payload).slice(0, 80));
    t.ok(res.statusCode >= 400 && res.statusCode < 500);
  }
  t.equal(await userCount(app), 2, 'no row for any refused request');

  const gen = await post({ username: 'agent7', displayName: '坐席七', role: 'agent' });
  t.equal(gen.statusCode, 201, gen.body);
  const password = gen.json().password as string;
  t.match(password, /^[A-Za-z2-9]{16}$/, 'generated, returned once');
  t.match(gen.json().user, { username: 'agent7', displayName: '坐席七', role: 'agent', unitId: null, disabled: false });
  t.equal((await login(app, 'agent7', password)).status, 200, 'the agent logs in with it');
  const list = await app.http.inject({ method: 'GET', url: '/api/admin/users', cookies: admin.cookies });
  t.notOk(list.body.includes(password), 'never listed');

  const given = await post({ username: 'h1', displayName: 'H', role: 'unit_handler', unitId: 'city-hrss', password: 'handler-pw-1' });
  t.equal(given.statusCode, 201, given.body);
  t.equal(given.json().password, null, 'a given password is not echoed');
  t.equal((await login(app, 'h1', 'handler-pw-1')).status, 200);
  const county = await post({ username: 'd1', displayName: 'D', role: 'dispatcher', unitId: 'dq-12345' });
  t.equal(county.statusCode, 201, 'a county sub-platform dispatcher');
  const city = await post({ username: 'd2', displayName: 'D2', role: 'dispatcher' });
  t.equal(city.statusCode, 201, 'the city’s dispatcher without a unit');
});

t.test('edit: name, role, unit; a role or unit change ends the sessions; no self-demotion', async (t) => {
  const { app, admin } = await setup(t);
  const h = await user(app, 'handler', 'unit_handler', 'city-hrss');
  const patch = (id: number, payload: unknown) =>
    app.http.inject({ method: 'PATCH', url: `/api/admin/users/${id}`, cookies: admin.cookies, payload: payload as object });

  for (const [payload, code] of [
    [{}, 'VALIDATION_FAILED'],
    [{ role: 'citizen' }, 'VALIDATION_FAILED'],
    [{ displayName: 'x'.repeat(65) }, 'VALIDATION_FAILED'],
    [{ unitId: null }, 'UNIT_REQUIRED'],
    [{ unitId: 'nowhere' }, 'UNKNOWN_UNIT'],
    [{ role: 'agent' }, 'UNIT_NOT_ALLOWED'],
  ] as const) {
    const res = await patch(h.id, payload);
    t.equal(res.json().error?.code, code, JSON.stringify(payload));
  }
  t.match(await app.users.byId(h.id), { role: 'unit_handler', unitId: 'city-hrss', displayName: 'handler' }, 'unchanged');
  t.equal((await patch(999999, { displayName: 'x' })).statusCode, 404);
  t.equal((await patch((await app.users.systemUser()).id, { displayName: 'x' })).statusCode, 404, 'not the platform’s own account');
  t.equal((await patch(admin.id, { role: 'agent' })).json().error?.code, 'SELF_CHANGE');
  t.equal((await app.users.byId(admin.id))!.role, 'admin');

  const renamed = await patch(h.id, { displayName: '人社承办' });
  t.equal(renamed.statusCode, 200, renamed.body);
  t.equal((await me(app, h.cookies)).json().user.displayName, '人社承办', 'a new name keeps the session, refreshed');

  const moved = await patch(h.id, { unitId: 'city-transport' });
  t.equal(moved.statusCode, 200, moved.body);
  t.equal((await me(app, h.cookies)).statusCode, 401, 'a unit change ends the session');
  const again = (await login(app, 'handler')).cookies!;
  const toAgent = await patch(h.id, { role: 'agent', unitId: null });
  t.match(toAgent.json().user, { role: 'agent', unitId: null });
  t.equal((await me(app, again)).statusCode, 401, 'a role change ends the session');
  t.equal((await patch(admin.id, { displayName: '管理员' })).statusCode, 200, 'an admin renames themselves');
});

t.test('password reset: sessions end, lock lifted, generated once or by the policy', async (t) => {
  const { app, admin } = await setup(t);
  const a = await user(app, 'agent1', 'agent');
  const reset = (payload?: unknown) =>
    app.http.inject({
      method: 'POST',
      url: `/api/admin/users/${a.id}/password`,
      cookies: admin.cookies,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  t.equal((await reset({ password: 'agent1' })).json().error?.code, 'PASSWORD_REFUSED');
  t.equal((await reset({ password: 'x'.repeat(300) })).statusCode, 400);
  t.equal((await reset({ pw: 'whatever-1' })).statusCode, 400);
  t.equal((await me(app, a.cookies)).statusCode, 200, 'refused: the session stays');
  t.equal((await login(app, 'agent1')).status, 200, 'refused: the old password stays');

  for (let i = 0; i < 5; i++) await login(app, 'agent1', `wrong ${i}`);
  t.equal((await login(app, 'agent1')).status, 429, 'locked');
  const res = await reset();
  t.equal(res.statusCode, 200, res.body);
  const pw = res.json().password as string;
  t.equal(pw.length, 16);
  t.equal((await me(app, a.cookies)).statusCode, 401, 'sessions ended');
  t.equal((await login(app, 'agent1', pw)).status, 200, 'the lock is lifted, the new password works');
  const given = await reset({ password: 'new-pass-123' });
  t.same(given.json(), { password: null });
  t.equal((await login(app, 'agent1', 'new-pass-123')).status, 200);
});

t.test('unlock by an administrator or a shift lead; disable and enable; no self-disable', async (t) => {
  const { app, admin, lead } = await setup(t);
  const a = await user(app, 'agent2', 'agent');
  for (let i = 0; i < 5; i++) await login(app, 'agent2', `wrong ${i}`);
  const list = await app.http.inject({ method: 'GET', url: '/api/admin/users', cookies: admin.cookies });
  t.ok(list.json().users.find((u: { username: string }) => u.username === 'agent2').lockedForMs > 0, 'the list shows the lock');
  t.equal((await login(app, 'agent2')).status, 429);
  const byLead = await app.http.inject({ method: 'POST', url: `/api/admin/users/${a.id}/unlock`, cookies: lead.cookies });
  t.equal(byLead.statusCode, 204, byLead.body);
  t.equal((await login(app, 'agent2')).status, 200, 'unlocked by the shift lead');
  for (let i = 0; i < 5; i++) await login(app, 'agent2', `wrong ${i}`);
  t.equal((await app.http.inject({ method: 'POST', url: `/api/admin/users/${a.id}/unlock`, cookies: admin.cookies })).statusCode, 204);
  t.equal((await login(app, 'agent2')).status, 200, 'unlocked by the administrator');
  t.equal((await app.http.inject({ method: 'POST', url: '/api/admin/users/999999/unlock', cookies: lead.cookies })).statusCode, 404);
  // A shift lead does not lift an administrator's lock: that is the admin's.
  for (let i = 0; i < 5; i++) await login(app, 'root', `wrong ${i}`);
  const adminLock = await app.http.inject({ method: 'POST', url: `/api/admin/users/${admin.id}/unlock`, cookies: lead.cookies });
  t.equal(adminLock.json().error?.code, 'FORBIDDEN', 'no unlocking an administrator by a shift lead');
  t.equal((await login(app, 'root')).status, 429, 'the administrator stays locked');

  const self = await app.http.inject({ method: 'POST', url: `/api/admin/users/${admin.id}/disable`, cookies: admin.cookies });
  t.equal(self.json().error?.code, 'SELF_CHANGE');
  t.equal((await app.http.inject({ method: 'POST', url: `/api/admin/users/${a.id}/disable`, cookies: admin.cookies })).statusCode, 204);
  t.equal((await login(app, 'agent2')).status, 401, 'disabled');
  t.equal((await app.http.inject({ method: 'POST', url: `/api/admin/users/${a.id}/enable`, cookies: admin.cookies })).statusCode, 204);
  t.equal((await login(app, 'agent2')).status, 200, 'enabled');
});

interface AuditRow {
  id: number;
  actorId: number;
  actorUsername: string | null;
  action: string;
  targetUserId: number | null;
  targetUsername: string | null;
  details: Record<string, unknown>;
}
const auditOf = async (app: App, cookies: Cookies, query = '') => {
  const res = await app.http.inject({ method: 'GET', url: `/api/admin/audit${query}`, cookies });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { entries: AuditRow[]; nextBeforeId: number | null };
};

t.test('audit: every action one row (actor, action, target, what changed, never a password); a refused action none', async (t) => {
  const { app, admin, lead } = await setup(t);
  const as = (method: 'POST' | 'PATCH', url: string, payload?: object, cookies = admin.cookies) =>
    app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  const created = await as('POST', '/api/admin/users', { username: 'agent9', displayName: 'A9', role: 'agent', password: 'secret-pass-9' });
  const id = created.json().user.id as number;
  await as('PATCH', `/api/admin/users/${id}`, { role: 'dispatcher', unitId: 'dq-12345' });
  const reset = await as('POST', `/api/admin/users/${id}/password`);
  await as('POST', `/api/admin/users/${id}/disable`);
  await as('POST', `/api/admin/users/${id}/enable`);
  await as('POST', `/api/admin/users/${id}/unlock`, undefined, lead.cookies);
  const before = (await auditOf(app, admin.cookies)).entries.length;
  // Refused: each writes nothing.
  await as('POST', '/api/admin/users', { username: 'agent9', displayName: 'dup', role: 'agent' });
  await as('POST', '/api/admin/users', { username: 'h9', displayName: 'H', role: 'unit_handler' });
  await as('PATCH', `/api/admin/users/${admin.id}`, { role: 'agent' });
  await as('POST', `/api/admin/users/${admin.id}/disable`);
  await as('POST', `/api/admin/users/${id}/password`, { password: 'agent9' });
  await as('POST', `/api/admin/users/${id}/disable`, undefined, lead.cookies);

  const { entries } = await auditOf(app, admin.cookies);
  t.equal(entries.length, before, 'refused actions are not audited');
  t.same(
    entries.map((e) => e.action),
    ['user.unlock', 'user.enable', 'user.disable', 'user.password', 'user.update', 'user.create'],
    'newest first',
  );
  t.ok(
    entries.every((e) => e.targetUserId === id && e.targetUsername === 'agent9'),
    'target',
  );
  t.same(
    entries.map((e) => e.actorUsername),
    ['lead', 'root', 'root', 'root', 'root', 'root'],
  );
  t.match(entries[5]!.details, { username: 'agent9', role: 'agent', unitId: null, passwordGenerated: false });
  t.same(entries[4]!.details, { from: { role: 'agent', unitId: null }, to: { role: 'dispatcher', unitId: 'dq-12345' }, sessionsEnded: true });
  t.same(entries[3]!.details, { passwordGenerated: true, mustChangePassword: false });
  const all = JSON.stringify(entries);
  t.notOk(all.includes('secret-pass-9') || all.includes(reset.json().password as string), 'no password in the log');

  const page1 = await auditOf(app, admin.cookies, '?limit=4');
  t.equal(page1.entries.length, 4);
  const page2 = await auditOf(app, admin.cookies, `?limit=4&beforeId=${page1.nextBeforeId}`);
  t.same(
    page2.entries.map((e) => e.action),
    ['user.update', 'user.create'],
  );
  t.equal(page2.nextBeforeId, null);
  t.equal((await auditOf(app, admin.cookies, `?userId=${admin.id}`)).entries.length, 0, 'narrowed to one account');
  for (const q of ['?limit=0', '?limit=201', '?beforeId=-1', '?userId=x', '?other=1']) {
    t.equal((await app.http.inject({ method: 'GET', url: `/api/admin/audit${q}`, cookies: admin.cookies })).statusCode, 400, q);
  }
  t.equal((await app.http.inject({ method: 'GET', url: '/api/admin/audit', cookies: lead.cookies })).statusCode, 403);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/admin/audit' })).statusCode, 401);
});

t.test('audit: the row is written in the change’s transaction — when it cannot be written, nothing changes', async (t) => {
  const { app, admin } = await setup(t);
  const a = await user(app, 'agent5', 'agent');
  const auditUp = await failInserts(app, 'admin_audit', 'audit down');
  const tries = [
    { method: 'POST', url: '/api/admin/users', payload: { username: 'new5', displayName: 'N', role: 'agent' } },
    { method: 'PATCH', url: `/api/admin/users/${a.id}`, payload: { role: 'shift_lead' } },
    { method: 'POST', url: `/api/admin/users/${a.id}/password`, payload: { password: 'changed-pw-5' } },
    { method: 'POST', url: `/api/admin/users/${a.id}/disable` },
  ] as const;
  for (const r of tries) {
    const res = await app.http.inject({ ...r, cookies: admin.cookies });
    t.equal(res.statusCode, 500, `${r.method} ${r.url}`);
  }
  t.equal(await app.users.byUsername('new5'), undefined, 'not created');
  t.match(await app.users.byId(a.id), { role: 'agent', disabled: false }, 'not changed');
  t.equal((await me(app, a.cookies)).statusCode, 200, 'the session stays');
  t.equal((await login(app, 'agent5')).status, 200, 'the old password stays');
  await auditUp();
  t.equal((await app.http.inject({ method: 'POST', url: `/api/admin/users/${a.id}/disable`, cookies: admin.cookies })).statusCode, 204);
  t.equal(Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from admin_audit'))[0]!.n), 1);
});
