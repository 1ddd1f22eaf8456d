/**
 * Caller history and the units list over HTTP (real app, real SQLite file), and the REST twins
 * of the in-call controls: roles, validation, and telephony being off.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { WorkOrdersService } from '../../src/workorders/index.js';

const session = (app: Awaited<ReturnType<typeof testApp>>, username: string, role: 'agent' | 'shift_lead' | 'unit_handler') =>
  loginCookies(app, username, role, role === 'unit_handler' ? { unitId: 'city-amr' } : {});

t.test('caller history: calls and orders newest first, paged, platform staff only', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-h', 'agent');
  const lead = await session(app, 'lead-h', 'shift_lead');
  const unit = await session(app, 'unit-h', 'unit_handler');
  const orders = new WorkOrdersService(app.database.stores.orders);
  const repo = new CallsRepository(orders);
  const made = [];
  for (const i of [1, 2, 3])
    made.push(
      await repo.createInbound({
        callId: `call-${i}`,
        channelId: `ch-${i}`,
        callerPhone: '13912345678',
        callerName: null,
        dialled: i === 2 ? '12315' : '12345',
        hotline: i === 2 ? '12315' : '12345',
        at: i * 1000,
        state: 'entered',
      }),
    );
  await repo.createInbound({
    callId: 'other',
    channelId: 'ch-x',
    callerPhone: '13800000000',
    callerName: null,
    dialled: '12345',
    hotline: '12345',
    at: 5000,
    state: 'entered',
  });
  await orders.apply(
    made[1]!.orderId,
    { type: 'accept', fields: { category: 'complaint', subject: '退款', content: '商家拒绝退款', confidential: true } },
    { id: 1, role: 'agent', unitId: null },
  );
  const callerId = made[0]!.callerId;

  const res = await app.http.inject({ method: 'GET', url: `/api/callers/${callerId}/history?pageSize=2`, cookies: agent });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body.caller, { id: callerId, phone: '13912345678' });
  t.equal(body.calls.total, 3);
  t.same(
    body.calls.items.map((c: { callId: string }) => c.callId),
    ['call-3', 'call-2'],
    'newest first, one page',
  );
  t.equal(body.calls.items[1].orderId, made[1]!.orderId, 'each call with its order');
  t.equal(body.orders.total, 3);
  t.match(body.orders.items[1], { id: made[1]!.orderId, status: 'accepted', category: 'complaint', subject: '退款', confidential: true });
  const page2 = (await app.http.inject({ method: 'GET', url: `/api/callers/${callerId}/history?pageSize=2&page=2`, cookies: lead })).json();
  t.same(
    page2.calls.items.map((c: { callId: string }) => c.callId),
    ['call-1'],
    'a shift lead reads page 2',
  );

  t.equal((await app.http.inject({ method: 'GET', url: `/api/callers/${callerId}/history`, cookies: unit })).statusCode, 403, 'units may not');
  t.equal((await app.http.inject({ method: 'GET', url: `/api/callers/${callerId}/history` })).statusCode, 401);
  const missing = await app.http.inject({ method: 'GET', url: '/api/callers/99999/history', cookies: agent });
  t.same([missing.statusCode, missing.json().error.code], [404, 'NOT_FOUND']);
  t.equal((await app.http.inject({ method: 'GET', url: `/api/callers/${callerId}/history?pageSize=500`, cookies: agent })).statusCode, 400);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/callers/abc/history', cookies: agent })).statusCode, 400);
});

t.test('units list for the console and the unit portal: every org.yaml unit with its phone (or null)', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-u', 'agent');
  const unit = await session(app, 'unit-u', 'unit_handler');
  const res = await app.http.inject({ method: 'GET', url: '/api/units', cookies: agent });
  t.equal(res.statusCode, 200);
  const units = res.json() as { id: string; phone: string | null }[];
  t.match(
    units.find((u) => u.id === 'city-amr'),
    { name: '市市场监管局', phone: /^\d+$/ },
  );
  t.equal(units.find((u) => u.id === 'city-12345')?.phone, null);
  // Unit handlers read the directory too (their portal shows unit names, not ids).
  const forUnit = await app.http.inject({ method: 'GET', url: '/api/units', cookies: unit });
  t.equal(forUnit.statusCode, 200);
  t.equal((forUnit.json() as { id: string; name: string }[]).find((u) => u.id === 'city-amr')?.name, '市市场监管局');
  t.equal((await app.http.inject({ method: 'GET', url: '/api/units' })).statusCode, 401, 'not without a session');
});

t.test('REST twins of the in-call controls: agents only, validated, telephony off refused', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-c', 'agent');
  const lead = await session(app, 'lead-c', 'shift_lead');
  const post = (url: string, payload: unknown, cookies = agent) => app.http.inject({ method: 'POST', url, payload: payload as object, cookies });
  for (const [url, payload] of [
    ['/api/calls/c1/hangup', undefined],
    ['/api/calls/c1/hold', { held: true }],
    ['/api/calls/c1/mute', { muted: true }],
    ['/api/calls/c1/dtmf', { digits: '12#' }],
    ['/api/calls/c1/transfer', { unitId: 'city-amr' }],
    ['/api/calls/c1/conference', { unitId: 'city-amr' }],
  ] as const) {
    const r = await post(url, payload);
    t.same([r.statusCode, r.json().error.code], [503, 'ASTERISK_UNAVAILABLE'], url);
    t.equal((await post(url, payload, lead)).statusCode, 403, `${url}: not for shift leads`);
  }
  const drop = await app.http.inject({ method: 'DELETE', url: '/api/calls/c1/conference', cookies: agent });
  t.equal(drop.json().error.code, 'ASTERISK_UNAVAILABLE');
  t.equal((await post('/api/calls/c1/dtmf', { digits: '12a' })).statusCode, 400, 'bad digits');
  t.equal((await post('/api/calls/c1/hold', {})).statusCode, 400, 'missing held');
});

t.test('dispatch suggestion from the responsibility catalogue', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent-s', 'agent');
  const unit = await session(app, 'unit-s', 'unit_handler');
  const ask = (payload: object, cookies = agent) => app.http.inject({ method: 'POST', url: '/api/dispatch/suggestion', payload, cookies });
  const hit = await ask({ category: 'complaint', subject: '商家拒绝退款', content: '' });
  t.equal(hit.statusCode, 200);
  t.match(hit.json().suggestion, { lead: 'city-amr', matchedKeywords: ['商家', '退款'] });
  const d = hit.json().deadlines as { workingDays: number; deadlineAt: number; signDeadlineAt: number };
  t.equal(d.workingDays, 5, 'sla.yaml: a complaint has 5 working days');
  t.ok(Date.now() < d.signDeadlineAt && d.signDeadlineAt < d.deadlineAt, 'sign-for before the handling deadline');
  t.ok(d.deadlineAt - Date.now() >= 5 * 86_400_000 - 86_400_000, 'at least about five days away');
  t.equal((await ask({ category: 'praise', subject: '感谢', content: '' })).json().suggestion, null, 'no entry matches');
  t.equal((await ask({ category: 'grumble', subject: 'x' })).statusCode, 400);
  t.equal((await ask({ category: 'complaint', subject: '退款' }, unit)).statusCode, 403);
});
