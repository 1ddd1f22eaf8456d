/**
 * PUT /api/callbacks/:orderId/assignee publishes `callback.assigned` (the socket's
 * `callback:assigned`, realtime/broadcast.ts) once per change: the entry's orders, the assignee
 * now, the agent who had it before; a refusal publishes nothing.
 */
import t from 'tap';
import type { CallbackAssignedView } from '../../src/contract/index.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('each assignment change is published with the previous assignee; refusals are not', async (t) => {
  const app = await testApp(t);
  const orders = new WorkOrdersService(app.database.stores.orders);
  const a1 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000031' });
  const a2 = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000031' });
  const lead = await loginCookies(app, 'ev-lead', 'shift_lead');
  const ann = await loginCookies(app, 'ev-ann', 'agent');
  const bob = await loginCookies(app, 'ev-bob', 'agent');
  const accounts = await app.users.list();
  const id = (name: string) => accounts.find((u) => u.username === name)!.id;
  const seen: CallbackAssignedView[] = [];
  app.events.on('callback.assigned', (v) => seen.push(v));
  const put = (cookies: { sunline_session: string }, orderId: number, agentId: unknown) =>
    app.http.inject({ method: 'PUT', url: `/api/callbacks/${orderId}/assignee`, cookies, payload: { agentId } });

  t.equal((await put(lead, a2.id, id('ev-ann'))).statusCode, 200);
  t.match(seen, [{ orderId: a1.id, orderIds: [a1.id, a2.id], assignee: { agentId: id('ev-ann'), byId: id('ev-lead') }, previousAgentId: null }]);
  t.equal((await put(bob, a1.id, id('ev-bob'))).statusCode, 409, 'Bob may not take it');
  t.equal((await put(lead, a1.id, 'x')).statusCode, 400);
  t.equal(seen.length, 1, 'refusals publish nothing');
  t.equal((await put(lead, a1.id, id('ev-bob'))).statusCode, 200);
  t.match(seen[1], { assignee: { agentId: id('ev-bob') }, previousAgentId: id('ev-ann') }, 'reassigned: Ann is told too');
  t.equal((await put(bob, a1.id, null)).statusCode, 200);
  t.match(seen[2], { assignee: null, previousAgentId: id('ev-bob') }, 'given back');
  t.ok(
    seen.every((v) => typeof v.at === 'number' && !('callerPhone' in v)),
    'ids only, no phone number',
  );
  void ann;
});
