import t from 'tap';
import { DomainEvents, type DomainEventMap } from '../../src/events/domain-events.js';
import { narrate } from '../../scripts/lib/demo-narrator.js';

t.test('the demo narrates calls and orders in one line each, phone numbers masked', async (t) => {
  const events = new DomainEvents();
  const lines: string[] = [];
  const stop = narrate(events, { write: (l) => lines.push(l), agentName: (id) => `agent #${id}`, now: () => new Date(2026, 11, 5, 9, 30, 5) });
  const hotline = { number: '12333', name: { zh: '人社', en: 'HRSS' }, skill: 'hrss' };
  const waiting = { callId: 'abcdef0123', callerNumber: '13800138000', hotline, enteredAt: 0, priority: 0, offeredTo: null, stage: 'queue' as const };
  events.emit('queue.changed', { at: 1, upsertWaiting: [waiting] });
  events.emit('queue.changed', { at: 2, upsertWaiting: [{ ...waiting, stage: 'ringing', offeredTo: 7 }] }); // same caller: no second line
  events.emit('call.updated', { callId: 'abcdef0123', state: 'answered', agentId: 7, at: 3 });
  events.emit('workorder.applied', {
    orderId: 42,
    callId: 'abcdef0123',
    action: 'answer_on_spot',
    actorId: 7,
    actorRole: 'agent',
    status: 'answered_on_spot',
    unitIds: [],
  } as DomainEventMap['workorder.applied'][0]);
  events.emit('call.updated', { callId: 'abcdef0123', state: 'ended', agentId: 7, at: 4, reason: 'caller_hangup' });
  const callback = { callId: '99887766aa', agentId: 8, orderId: 41, orderNumber: 'HZ-0', number: '13900001234', startedAt: 0, answeredAt: null, at: 5 };
  events.emit('call.outbound', { ...callback, state: 'dialling', result: null });
  events.emit('call.outbound', { ...callback, state: 'ringing', result: null }); // steps between: no line
  events.emit('call.outbound', { ...callback, state: 'ended', result: 'answered', reason: 'agent_hangup', answeredAt: 4 });
  events.emit('workorder.deadline', { orderId: 42, number: 'HZ-1', kind: 'sign_overdue', deadlineAt: 0, leadUnitId: 'city-amr', at: 5 });
  stop();
  events.emit('call.updated', { callId: 'abcdef0123', state: 'ended', agentId: 7, at: 6 });
  t.strictSame(lines, [
    '09:30:05  call abcdef01 from 138****8000 dialled 12333 (HRSS): waiting',
    '09:30:05  call abcdef01 answered by agent #7',
    '09:30:05  order #42: answer on spot',
    '09:30:05  call abcdef01 ended (caller hangup)',
    '09:30:05  callback 99887766: agent #8 dials 139****1234 for order HZ-0',
    '09:30:05  callback 99887766 ended: answered (agent hangup)',
    '09:30:05  warning: order HZ-1 sign overdue (city-amr)',
  ]);
});
