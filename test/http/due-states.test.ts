import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type App = Awaited<ReturnType<typeof testApp>>;
let ip = 0;
async function session(app: App, username: string, role: UserRole, unitId: string | null = null) {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.8.0.${++ip}`, payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

const DAY = 86_400_000;

t.test('due states: overdue, due soon and on time by working time, only for visible orders whose clock runs', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'unit', 'unit_handler', 'city-amr');
  const make = async (deadlineAt: number | null, leadUnitId = 'city-amr', signDeadlineAt?: number) => {
    const o = (
      await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: { channel: '12345', category: 'complaint', content: '内容' } })
    ).json() as { id: number };
    if (deadlineAt !== null) {
      const res = await app.http.inject({
        method: 'POST',
        url: `/api/workorders/${o.id}/actions`,
        cookies: agent,
        payload: { type: 'dispatch', leadUnitId, deadlineAt: Date.now() + DAY },
      });
      t.equal(res.statusCode, 200);
      // The API refuses past deadlines: move it back the way time would.
      await appQuery(app, 'update work_orders set deadline_at = ?, sign_deadline_at = ? where id = ?', [deadlineAt, signDeadlineAt ?? null, o.id]);
    }
    return o.id;
  };
  const late = await make(Date.now() - 1000);
  const soon = await make(Date.now() + 20 * 60_000, 'city-amr', Date.now() + 60 * DAY);
  const later = await make(Date.now() + 40 * DAY);
  const notDispatched = await make(null);
  const dispatchBy = Number((await appQuery<{ at: number }>(app, 'select wait_deadline_at as at from work_orders where id = ?', [notDispatched]))[0]!.at);
  t.ok(dispatchBy > Date.now(), 'the dispatch clock runs');
  const elsewhere = await make(Date.now() - 1000, 'city-hrss');

  const ask = (cookies: { sunline_session: string }, ids: number[]) =>
    app.http.inject({ method: 'GET', url: `/api/workorders/due?ids=${ids.join(',')}`, cookies });
  const mine = await ask(unit, [late, soon, later, notDispatched, elsewhere]);
  t.equal(mine.statusCode, 200);
  t.same(
    mine.json().items,
    [
      { id: late, due: 'overdue', signDue: null, wait: null },
      { id: soon, due: 'due_soon', signDue: 'on_time', wait: null },
      { id: later, due: 'on_time', signDue: null, wait: null },
    ],
    'the unit sees its own three; an undispatched order and another unit’s are left out',
  );
  const staff = await ask(agent, [notDispatched, elsewhere]);
  t.same(staff.json().items, [
    // Accepted and not yet dispatched: the dispatch clock (2 working hours) has just started.
    { id: notDispatched, due: null, signDue: null, wait: { clock: 'dispatch', due: 'on_time', deadlineAt: dispatchBy } },
    { id: elsewhere, due: 'overdue', signDue: null, wait: null },
  ]);
  t.equal((await ask(unit, [])).json().items.length, 0);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/workorders/due?ids=x', cookies: unit })).statusCode, 400);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/workorders/due?ids=1' })).statusCode, 401);
});
