/**
 * An agent leg's end only ends the offer it carries. When a shift lead sends a waiting caller to
 * another agent, app_queue's leg of the first agent can end after the direct leg rang the second
 * (seen under load in the lead-view browser test: the second agent's answer was refused with
 * CALL_NOT_OFFERED); the call must stay offered to the second agent.
 */
import t from 'tap';
import { LiveCalls, type LiveCall } from '../../src/calls/live-calls.js';

function waiting(live: LiveCalls): LiveCall {
  return live.add({
    callId: 'c1',
    channelId: 'caller-ch',
    callerNumber: '13900000000',
    callerId: 1,
    dialled: '12345',
    hotline: { number: '12345' } as LiveCall['hotline'],
    enteredAt: 0,
    priority: 0,
    orderId: 7,
    orderNumber: 'HZ-1',
    state: 'queued',
  });
}

t.test('the first agent’s leg ending late leaves the call offered to the second', async (t) => {
  const live = new LiveCalls();
  const call = waiting(live);
  live.offer(call, { channelId: 'leg-jia', agentId: 1, at: 10 });
  live.directTo(call, 2);
  live.offer(call, { channelId: 'leg-yi', agentId: 2, at: 20 }); // the direct leg rang first
  t.equal(live.legGone(call, 'leg-jia', true), false, 'not back to waiting');
  const now = live.get('c1')!;
  t.equal(now.state, 'offered');
  t.equal(now.offeredTo, 2, 'still ringing the second agent');
  t.equal(now.agentLeg, 'leg-yi', 'whose leg the answer connects');
  t.equal(live.leg('leg-jia'), undefined, 'the ended leg is forgotten');
});

t.test('the leg ringing now ending sends the caller back to waiting', async (t) => {
  const live = new LiveCalls();
  const call = waiting(live);
  live.offer(call, { channelId: 'leg-jia', agentId: 1, at: 10 });
  t.equal(live.legGone(call, 'leg-jia', true), true);
  const now = live.get('c1')!;
  t.not(now.state, 'offered');
  t.equal(now.offeredTo, null);
  t.equal(now.agentLeg, null);
});

t.test('an answered call keeps its state when a leg ends', async (t) => {
  const live = new LiveCalls();
  const call = waiting(live);
  live.offer(call, { channelId: 'leg-jia', agentId: 1, at: 10 });
  live.answer(call, 1);
  t.equal(live.legGone(call, 'leg-jia', false), false);
  t.equal(live.get('c1')!.state, 'answered');
});
