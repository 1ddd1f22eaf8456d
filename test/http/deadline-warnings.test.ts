/** GET /api/deadline-warnings/today: today's (Shanghai day) raised warnings for leads and admins, newest first. */
import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { shanghaiDayStart } from '../../src/lib/shanghai-time.js';
import { MAX_TODAY_WARNINGS } from '../../src/http/routes/deadline-warnings-routes.js';
import { testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type App = Awaited<ReturnType<typeof testApp>>;
let ip = 0;
async function session(app: App, username: string, role: UserRole, unitId: string | null = null) {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.9.0.${++ip}`, payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

t.test('today’s deadline warnings: 401 / 403 / 200, newest first, yesterday left out, capped', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const lead = await session(app, 'lead', 'shift_lead');
  const admin = await session(app, 'admin2', 'admin');
  const unit = await session(app, 'unit', 'unit_handler', 'city-hrss');
  const order = (
    await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: { channel: '12345', category: 'complaint', content: '内容' } })
  ).json() as { id: number; number: string };
  const dayStart = shanghaiDayStart(Date.now());
  const insert = (...row: unknown[]) =>
    appQuery(app, 'insert into deadline_warnings (order_id, kind, deadline_at, lead_unit_id, warned_at) values (?, ?, ?, ?, ?)', row);
  await insert(order.id, 'overdue', 1_000, 'city-hrss', dayStart - 1); // yesterday
  await insert(order.id, 'due_soon', 2_000, 'city-hrss', dayStart); // today's first millisecond
  await insert(order.id, 'sign_overdue', 3_000, null, dayStart + 5);

  const ask = (cookies?: { sunline_session: string }) =>
    app.http.inject({ method: 'GET', url: '/api/deadline-warnings/today', ...(cookies ? { cookies } : {}) });
  t.equal((await ask()).statusCode, 401, 'no session');
  t.equal((await ask(agent)).statusCode, 403, 'agents may not');
  t.equal((await ask(unit)).statusCode, 403, 'unit handlers may not');
  const res = await ask(lead);
  t.equal(res.statusCode, 200);
  t.same(
    res.json().items,
    [
      { orderId: order.id, number: order.number, kind: 'sign_overdue', deadlineAt: 3_000, leadUnitId: null, at: dayStart + 5 },
      { orderId: order.id, number: order.number, kind: 'due_soon', deadlineAt: 2_000, leadUnitId: 'city-hrss', at: dayStart },
    ],
    'newest first, with the order number; yesterday’s left out',
  );
  t.equal((await ask(admin)).statusCode, 200, 'admins may');

  for (let i = 0; i < MAX_TODAY_WARNINGS + 5; i++) await insert(order.id, 'overdue', 10_000 + i, 'city-hrss', dayStart + 10 + i);
  const many = (await ask(lead)).json().items as Array<{ deadlineAt: number }>;
  t.equal(many.length, MAX_TODAY_WARNINGS, 'capped');
  t.equal(many[0]!.deadlineAt, 10_000 + MAX_TODAY_WARNINGS + 4, 'the newest kept');
});
