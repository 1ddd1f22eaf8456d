/**
 * `call:dial` over a real socket (fake commands): agents only, for themselves; a number that is
 * not a diallable phone number (too short: a service or emergency number, letters, spaces, too
 * long) and a bad order id are refused with VALIDATION_FAILED before anything runs.
 */
import t from 'tap';
import { rig } from './fixtures.js';

t.test('an agent dials for itself; the number and the order id are checked first', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent', 'li');
  const s = await r.connect(agent.token);
  t.match(await s.ask('call:dial', { orderId: 5, number: '13800138000' }), { ok: true, data: { agentId: agent.id, orderId: 5, state: 'dialling' } });
  t.match(await s.ask('call:dial', { orderId: 6, number: '+8657112345678' }), { ok: true }, 'a leading + and an area code');
  const bad = [
    { orderId: 5, number: '12345' },
    { orderId: 5, number: '110' },
    { orderId: 5, number: '138 0013 8000' },
    { orderId: 5, number: '1380013800a' },
    { orderId: 5, number: '1'.repeat(21) },
    { orderId: 5, number: '' },
    { orderId: 0, number: '13800138000' },
    { orderId: 1.5, number: '13800138000' },
    { orderId: '5', number: '13800138000' },
    { number: '13800138000' },
    { orderId: 5 },
  ];
  for (const payload of bad) {
    t.match(await s.ask('call:dial', payload), { ok: false, error: { code: 'VALIDATION_FAILED' } }, JSON.stringify(payload));
  }
  t.same(r.commands.calls, [
    ['dial', agent.id, { orderId: 5, number: '13800138000' }],
    ['dial', agent.id, { orderId: 6, number: '+8657112345678' }],
  ]);
});

t.test('shift leads, dispatchers and admins may not dial', async (t) => {
  const r = await rig(t);
  for (const role of ['shift_lead', 'admin', 'dispatcher'] as const) {
    const s = await r.connect((await r.user(role)).token);
    t.match(await s.ask('call:dial', { orderId: 5, number: '13800138000' }), { ok: false, error: { code: 'FORBIDDEN' } }, role);
  }
  t.same(r.commands.calls, []);
});

t.test('a console that connects during an outbound call gets it back', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent');
  const view = {
    callId: 'o1',
    agentId: agent.id,
    orderId: 3,
    orderNumber: 'WO-3',
    number: '13800138000',
    state: 'ringing' as const,
    result: null,
    startedAt: 1,
    answeredAt: null,
    at: 2,
  };
  r.commands.outbound.set(agent.id, view);
  const s = await r.connect(agent.token);
  t.same(await s.nth('call:outbound'), view);
});
