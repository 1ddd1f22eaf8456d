/**
 * The waiting clocks over HTTP: GET /api/workorders/due gives each order's running waiting clock
 * (dispatch for an accepted order, review for a replied one …) and today's deadline warnings
 * (GET /api/deadline-warnings/today) carry their kinds, as the lead page lists them.
 */
import t from 'tap';
import { shanghaiDayStart } from '../../src/lib/shanghai-time.js';
import { DEADLINE_WARNING_KINDS } from '../../src/db/schema.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

t.test('due states and today’s warnings report the waiting clocks', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent', 'agent');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'complaint', content: '小区门口占道经营' },
  });
  t.equal(created.statusCode, 201);
  const order = created.json() as { id: number; number: string; status: string };
  t.equal(order.status, 'accepted');
  const due = await app.http.inject({ method: 'GET', url: `/api/workorders/due?ids=${order.id}`, cookies: agent });
  t.equal(due.statusCode, 200);
  const [item] = due.json().items as Array<{ wait: { clock: string; due: string; deadlineAt: number } | null }>;
  t.match(item, { due: null, signDue: null, wait: { clock: 'dispatch', due: 'on_time' } }, 'two working hours to dispatch, just started');
  t.ok(item!.wait!.deadlineAt > Date.now());

  const dayStart = shanghaiDayStart(Date.now());
  const insert = (...row: unknown[]) =>
    appQuery(app, 'insert into deadline_warnings (order_id, kind, deadline_at, lead_unit_id, warned_at) values (?, ?, ?, ?, ?)', row);
  const waiting = DEADLINE_WARNING_KINDS.filter((k) => !['sign_due_soon', 'sign_overdue', 'due_soon', 'overdue'].includes(k));
  t.equal(waiting.length, 12, 'six clocks, due soon and overdue');
  for (const [i, kind] of waiting.entries()) await insert(order.id, kind, 1_000 + i, null, dayStart + i);
  const today = await app.http.inject({ method: 'GET', url: '/api/deadline-warnings/today', cookies: lead });
  t.equal(today.statusCode, 200);
  t.same((today.json().items as Array<{ kind: string }>).map((w) => w.kind).sort(), [...waiting].sort(), 'every new kind passes the response schema');
});
