/**
 * The pages' side of a live `callback:assigned` (src/web/outbound-api.ts applyAssigned): the entry
 * holding any of the event's orders takes the new assignee, the others stay as they were; an
 * event for no entry of the list says to read the list again (null).
 */
import t from 'tap';
import type { CallbackEntry } from '../../src/contract/index.js';
import { applyAssigned } from '../../src/web/outbound-api.js';

const entry = (orderId: number, orderIds: number[]): CallbackEntry => ({
  kind: 'missed',
  orderId,
  orderNumber: `HZ-${orderId}`,
  orderIds,
  callerPhone: '13800000000',
  dueAt: 0,
  attempts: [],
  next: { state: 'due', at: 0 },
  assignee: null,
});

t.test('the entry of the orders takes the assignee; unknown orders ask for a re-read', async (t) => {
  const list = [entry(1, [1, 4]), entry(2, [2])];
  const ann = { agentId: 7, displayName: 'Ann', byId: 3, at: 10 };
  // Named by the entry's newer order (a repeat abandon joined it after the page read the list).
  const next = applyAssigned(list, { orderId: 4, orderIds: [4], assignee: ann, previousAgentId: null, at: 10 });
  t.same(
    next?.map((e) => e.assignee),
    [ann, null],
  );
  t.equal(next?.[1], list[1], 'the other entry unchanged');
  t.equal(list[0]!.assignee, null, 'the list read is not mutated');
  t.same(applyAssigned(next!, { orderId: 1, orderIds: [1, 4], assignee: null, previousAgentId: 7, at: 11 })?.[0]?.assignee, null, 'freed');
  t.equal(applyAssigned(list, { orderId: 9, orderIds: [9], assignee: ann, previousAgentId: null, at: 12 }), null);
});
