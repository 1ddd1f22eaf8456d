/**
 * Deadlines set by hand are bounded (workorders/deadlines/horizon.ts): one beyond two years
 * ahead — the year 275760 once froze the server while its due state was counted — is refused
 * with DEADLINE_OUT_OF_RANGE before anything is looked up or changed. No timing is measured:
 * the refusal itself is the check.
 */
import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { DEADLINE_HORIZON_DAYS, latestDeadline } from '../../src/workorders/deadlines/index.js';
import { testApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };
const DAY = 86_400_000;

async function session(app: App, username: string, role: UserRole): Promise<Cookies> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456' });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

t.test('a deadline beyond the horizon is refused with DEADLINE_OUT_OF_RANGE and changes nothing', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'complaint', content: '路灯不亮' },
  });
  t.equal(created.statusCode, 201);
  const id = (created.json() as { id: number }).id;
  const detail = async () => (await app.http.inject({ method: 'GET', url: `/api/workorders/${id}`, cookies: agent })).json();
  const before = await detail();

  const now = Date.now();
  const ok = now + 5 * DAY;
  const lastJsDate = 8_640_000_000_000_000; // +275760-09-13
  const justBeyond = latestDeadline(now) + 1;
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['dispatch in the year 275760', { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: lastJsDate }, 'deadlineAt'],
    ['dispatch one ms past the horizon', { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: justBeyond }, 'deadlineAt'],
    ['dispatch at the largest safe integer', { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: Number.MAX_SAFE_INTEGER }, 'deadlineAt'],
    ['a far sign-for deadline', { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: ok, signDeadlineAt: lastJsDate }, 'signDeadlineAt'],
    ['redispatch', { type: 'redispatch', leadUnitId: 'wx-gov', deadlineAt: lastJsDate }, 'deadlineAt'],
    ['a granted extension', { type: 'grant_extension', deadlineAt: lastJsDate }, 'deadlineAt'],
    ['a send-back', { type: 'review_send_back', reason: '再办', deadlineAt: lastJsDate }, 'deadlineAt'],
    ['supervision', { type: 'supervise', level: 1, deadlineAt: lastJsDate }, 'deadlineAt'],
  ];
  for (const [name, payload, field] of cases) {
    const res = await app.http.inject({ method: 'POST', url: `/api/workorders/${id}/actions`, cookies: agent, payload });
    t.equal(res.statusCode, 400, name);
    t.equal(res.json().error.code, 'DEADLINE_OUT_OF_RANGE', name);
    t.equal(res.json().error.details.field, field, `${name}: names the field`);
  }
  t.same(await detail(), before, 'the order and its history are as they were');

  const res = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${id}/actions`,
    cookies: agent,
    payload: { type: 'dispatch', leadUnitId: 'wx-gov', deadlineAt: now + (DEADLINE_HORIZON_DAYS - 1) * DAY },
  });
  t.equal(res.statusCode, 200, 'a deadline inside the horizon is taken');
  const due = await app.http.inject({ method: 'GET', url: `/api/workorders/due?ids=${id}`, cookies: agent });
  t.same(due.json().items, [{ id, due: 'on_time', signDue: null, wait: null }]);
});
