/**
 * `callback:assigned` over real sockets (issue 12: a lead's assignment shows live on the other
 * lead pages and the agent's console): the domain event `callback.assigned` goes to the shift
 * leads and administrators, to the agent the entry was given to and to the agent it was taken
 * from — not to other agents, dispatchers or wall screens.
 */
import t from 'tap';
import type { CallbackAssignedView } from '../../src/contract/index.js';
import { rig } from './fixtures.js';

t.test('an assignment reaches leads, admins, the new and the previous assignee only', async (t) => {
  const r = await rig(t);
  const [lead, admin, ann, bob, carl, disp, wall] = await Promise.all([
    r.user('shift_lead'),
    r.user('admin'),
    r.user('agent'),
    r.user('agent'),
    r.user('agent'),
    r.user('dispatcher'),
    r.user('wallboard'),
  ]);
  const s = Object.fromEntries(
    await Promise.all(Object.entries({ lead, admin, ann, bob, carl, disp, wall }).map(async ([name, u]) => [name, await r.connect(u.token)] as const)),
  );
  const view: CallbackAssignedView = {
    orderId: 7,
    orderIds: [7, 9],
    assignee: { agentId: ann.id, displayName: 'Ann', byId: lead.id, at: 1000 },
    previousAgentId: bob.id,
    at: 1000,
  };
  r.events.emit('callback.assigned', view);
  for (const name of ['lead', 'admin', 'ann', 'bob']) t.same(await s[name]!.nth('callback:assigned'), view, name);
  // Freed by the lead: the agent who had it hears of it.
  const freed: CallbackAssignedView = { ...view, assignee: null, previousAgentId: carl.id, at: 2000 };
  r.events.emit('callback.assigned', freed);
  t.same(await s['carl']!.nth('callback:assigned'), freed, 'the previous assignee of a freed entry');
  t.same(await s['lead']!.nth('callback:assigned', 2), freed);
  // A marker after both, so that what the others would have got has arrived.
  r.events.emit('telephony.status', { telephony: 'up', at: 3000 });
  for (const name of ['disp', 'wall', 'carl', 'ann', 'bob']) await s[name]!.nth('system:status', 2);
  for (const name of ['disp', 'wall']) t.equal(s[name]!.count('callback:assigned'), 0, `${name} gets nothing`);
  t.equal(s['carl']!.count('callback:assigned'), 1, 'another agent does not get the first');
  t.equal(s['ann']!.count('callback:assigned'), 1, 'nor the agents of the first the second');
  t.equal(s['bob']!.count('callback:assigned'), 1);
});
