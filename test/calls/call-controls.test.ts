/**
 * The in-call controls' logic with a fake switchboard (the real Asterisk path is in
 * test/telephony/call-controls.real.test.ts): who may act, state kept and published once per
 * change, the three-way call's unit leg life cycle, the transfer's bookkeeping, teardown.
 */
import t from 'tap';
import pino from 'pino';
import { CallControls } from '../../src/calls/call-controls.js';
import type { CallContext } from '../../src/calls/call-context.js';
import type { CallError } from '../../src/calls/errors.js';
import { LiveCalls, type LiveCall } from '../../src/calls/live-calls.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import type { CallControlsView } from '../../src/contract/index.js';

const UNITS = [
  { id: 'city-amr', name: '市市场监管局', area: 'hz', kind: 'department', phone: '05722399003' },
  { id: 'city-12345', name: '12345热线中心', area: 'hz', kind: 'department' },
];

function rig(opts: { media?: boolean; mediaFails?: boolean } = {}) {
  const ops: string[] = [];
  const repoEvents: Array<[string, string, number | null, unknown]> = [];
  const transfers: unknown[] = [];
  const published: CallControlsView[] = [];
  const events = new DomainEvents();
  events.on('call.controls', (v) => published.push(v));
  let fail: string | null = null;
  let during: ((name: string) => Promise<void>) | null = null;
  const op = async (name: string) => {
    ops.push(name);
    await during?.(name);
    if (fail === name) throw Object.assign(new Error(name), { code: 'ASTERISK_UNAVAILABLE', statusCode: 503 });
  };
  const switchboard = {
    hangup: (id: string) => op(`hangup ${id}`),
    controls: {
      hold: async (leg: string, bridge: string) => (await op(`hold ${leg} ${bridge}`), 'hold-bridge'),
      unhold: (leg: string, bridge: string, hb: string) => op(`unhold ${leg} ${bridge} ${hb}`),
      mute: (leg: string, muted: boolean) => op(`mute ${leg} ${muted}`),
      sendDigits: (ch: string, d: string) => op(`dtmf ${ch} ${d}`),
      transfer: (ch: string, phone: string, inStasis: boolean) => op(`transfer ${ch} ${phone} ${inStasis}`),
      dialUnit: async (phone: string, callId: string, _from: string, _unit: string, channelId: string) => (await op(`dial ${phone} ${callId}`), channelId),
      joinBridge: (bridge: string, ch: string) => op(`join ${bridge} ${ch}`),
      destroy: (bridge: string) => op(`destroy ${bridge}`),
    },
  };
  const media = {
    setMuted: async (callId: string, muted: boolean) => {
      ops.push(`media ${callId} ${muted}`);
      if (opts.mediaFails) throw new Error('no producer');
    },
  };
  const live = new LiveCalls();
  const agentCall = new Map<number, string | null>();
  const ctx = {
    live,
    now: () => 1000,
    log: pino({ level: 'silent' }),
    switchboard,
    events,
    config: { current: () => ({ org: { units: UNITS } }) },
    agents: { view: (id: number) => ({ agentId: id, callId: agentCall.get(id) ?? null }) },
    repo: {
      event: (callId: string, type: string, _at: number, agentId: number | null, data?: unknown) => repoEvents.push([callId, type, agentId, data]),
      transferred: (...args: unknown[]) => transfers.push(args),
    },
    media: opts.media ? media : undefined,
  } as unknown as CallContext;
  const controls = new CallControls(ctx, () => 'unit-ch');
  /** A call answered by agent 5 on leg-ch (or still ringing for them: state 'offered'). */
  const call = (over: { callId?: string; channelId?: string; state?: 'answered' | 'offered'; directLeg?: string } = {}): LiveCall => {
    const c = live.add({
      callId: over.callId ?? 'c1',
      channelId: over.channelId ?? 'caller-ch',
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
    if (over.state === 'offered') live.offer(c, { channelId: 'leg-ch', agentId: 5, at: 0 });
    else
      live.resumeAnswered(c, {
        agentId: 5,
        agentLeg: 'leg-ch',
        bridgeId: 'agent-bridge',
        direct: over.directLeg !== undefined,
        directLeg: over.directLeg ?? null,
        callerBridgeId: null,
      });
    agentCall.set(5, c.callId);
    return c;
  };
  return {
    controls,
    ops,
    repoEvents,
    transfers,
    published,
    call,
    live,
    setFail: (f: string | null) => (fail = f),
    setDuring: (d: typeof during) => (during = d),
  };
}

const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: CallError) => e.code,
  );

t.test('only the agent who answered may act, and only on an answered call', async (t) => {
  const r = rig();
  r.call();
  t.equal(await code(r.controls.hold(5, 'nope', true)), 'CALL_NOT_FOUND');
  t.equal(await code(r.controls.hold(6, 'c1', true)), 'NOT_YOUR_CALL');
  r.call({ callId: 'c2', channelId: 'ch2', state: 'offered' });
  t.equal(await code(r.controls.mute(5, 'c2', true)), 'CALL_NOT_ANSWERED');
  t.equal(await code(r.controls.hangup(5, 'c2')), 'CALL_NOT_ANSWERED');
  const err = await r.controls.hold(6, 'c1', true).catch((e: CallError) => e);
  t.match(err, { statusCode: 403, name: 'CallError' });
  t.same(r.ops, [], 'nothing reached the switchboard');
});

t.test('hold and resume: holding bridge, events, one publication per change, idempotent', async (t) => {
  const r = rig();
  r.call();
  t.match(await r.controls.hold(5, 'c1', true), { held: true, agentId: 5 });
  t.match(await r.controls.hold(5, 'c1', true), { held: true }, 'holding twice changes nothing');
  t.match(await r.controls.hold(5, 'c1', false), { held: false });
  t.same(r.ops, ['hold leg-ch agent-bridge', 'unhold leg-ch agent-bridge hold-bridge']);
  t.same(
    r.repoEvents.map((e) => e[1]),
    ['held', 'resumed'],
  );
  t.same(
    r.published.map((v) => v.held),
    [true, false],
  );
  t.match(r.controls.current(5), { callId: 'c1', held: false });
  t.equal(r.controls.current(6), null);
});

t.test('a failed hold leaves the state unchanged', async (t) => {
  const r = rig();
  r.call();
  r.setFail('hold leg-ch agent-bridge');
  t.equal(await code(r.controls.hold(5, 'c1', true)), 'ASTERISK_UNAVAILABLE');
  t.equal(r.controls.current(5)?.held, false);
  t.same(r.published, []);
});

t.test('mute: in Asterisk, and the softphone told when there is one', async (t) => {
  const plain = rig();
  plain.call();
  t.equal((await plain.controls.mute(5, 'c1', true)).muted, true);
  t.same(plain.ops, ['mute leg-ch true'], 'without media: Asterisk only');
  const withMedia = rig({ media: true, mediaFails: true });
  withMedia.call();
  t.equal((await withMedia.controls.mute(5, 'c1', true)).muted, true, 'a softphone failure does not undo the Asterisk mute');
  t.same(withMedia.ops, ['mute leg-ch true', 'media c1 true']);
  t.equal((await withMedia.controls.mute(5, 'c1', true)).muted, true);
  t.equal(withMedia.ops.length, 2, 'muting twice changes nothing');
});

t.test('DTMF goes to the caller side, or to the unit once it is in the call', async (t) => {
  const r = rig();
  r.call();
  await r.controls.sendDtmf(5, 'c1', '1#');
  await r.controls.conference(5, 'c1', 'city-amr');
  await r.controls.sendDtmf(5, 'c1', '2');
  await r.controls.unitAnswered('unit-ch', 'c1');
  await r.controls.sendDtmf(5, 'c1', '3');
  t.same(r.ops, ['dtmf leg-ch 1#', 'dial 05722399003 c1', 'dtmf leg-ch 2', 'join agent-bridge unit-ch', 'dtmf unit-ch 3']);
});

t.test('keys pressed quickly go to Asterisk one after the other, in order; a failed key does not hold back the next', async (t) => {
  const r = rig();
  r.call();
  // Each send answers later than the one after it would: sent at once they would finish out of order.
  const sending: string[] = [];
  const delays: Record<string, number> = { 'dtmf leg-ch 1': 40, 'dtmf leg-ch 2': 20, 'dtmf leg-ch #': 1, 'dtmf leg-ch 3': 1 };
  r.setDuring(async (name) => {
    sending.push(`start ${name}`);
    await new Promise((resolve) => setTimeout(resolve, delays[name] ?? 0));
    sending.push(`end ${name}`);
  });
  r.setFail('dtmf leg-ch 2');
  const results = await Promise.all(['1', '2', '#'].map((k) => code(r.controls.sendDtmf(5, 'c1', k))));
  t.same(results, ['ok', 'ASTERISK_UNAVAILABLE', 'ok'], 'each press answered for itself');
  t.same(
    sending,
    ['start dtmf leg-ch 1', 'end dtmf leg-ch 1', 'start dtmf leg-ch 2', 'end dtmf leg-ch 2', 'start dtmf leg-ch #', 'end dtmf leg-ch #'],
    'one at a time, in the order pressed',
  );
  r.setFail(null);
  t.equal(await code(r.controls.sendDtmf(5, 'c1', '3')), 'ok', 'a later key after the queue emptied');
  t.same(r.ops.slice(-1), ['dtmf leg-ch 3']);
});

t.test('three-way call: a unit that answers before originate replies joins the call (the leg id is known before the dial)', async (t) => {
  const r = rig();
  r.call();
  // Asterisk's StasisStart for the answered unit leg can come before the originate reply.
  r.setDuring(async (name) => (name.startsWith('dial') ? r.controls.unitAnswered('unit-ch', 'c1') : undefined));
  const view = await r.controls.conference(5, 'c1', 'city-amr');
  t.equal(view.conference?.state, 'up', 'up, not left dialling');
  t.ok(
    r.published.every((p, i) => i === 0 || p.version > r.published[i - 1]!.version),
    'every view is newer than the one before',
  );
  t.same(r.ops, ['dial 05722399003 c1', 'join agent-bridge unit-ch'], 'joined, not hung up');
  t.ok(r.controls.isUnitLeg('unit-ch'));
  // A dial that fails leaves no three-way call behind: the agent can try again.
  const f = rig();
  f.call();
  f.setFail('dial 05722399003 c1');
  await t.rejects(f.controls.conference(5, 'c1', 'city-amr'), { code: 'ASTERISK_UNAVAILABLE' });
  t.notOk(f.controls.isUnitLeg('unit-ch'));
  t.equal(f.ops.at(-1), 'hangup unit-ch', 'a dial that may have gone out (timed out) leaves no unit ringing');
  f.setFail(null);
  t.equal((await f.controls.conference(5, 'c1', 'city-amr')).conference?.state, 'dialing');
  // The answered unit cannot be put into the call: hung up, and the three-way call is over
  // (not shown "dialling" for ever with the unit in silence).
  f.setFail('join agent-bridge unit-ch');
  await f.controls.unitAnswered('unit-ch', 'c1');
  t.equal(f.ops.at(-1), 'hangup unit-ch');
  t.equal(f.published.at(-1)?.conference, null, 'the agent sees the three-way call end');
  t.notOk(f.controls.isUnitLeg('unit-ch'));
});

t.test('three-way call: the unit answers while the dial is replied to; the reply is older than the push that says up', async (t) => {
  const r = rig();
  r.call();
  let joined: Promise<void> | null = null;
  r.setDuring(async (name) => {
    // The unit's StasisStart arrives during the dial; its join completes after conference() returned.
    if (name.startsWith('dial')) joined = r.controls.unitAnswered('unit-ch', 'c1');
    if (name.startsWith('join')) await new Promise((res) => setTimeout(res, 20));
  });
  const reply = await r.controls.conference(5, 'c1', 'city-amr');
  await joined;
  const push = r.published.at(-1)!;
  t.equal(reply.conference?.state, 'dialing', 'the reply was taken before the join finished');
  t.equal(push.conference?.state, 'up');
  t.ok(push.version > reply.version, 'the push that says up is the newer view');
});

t.test('three-way call: dialling, up, refusals, dropped by the agent or by the unit', async (t) => {
  const r = rig();
  r.call();
  t.equal(await code(r.controls.conference(5, 'c1', 'nope')), 'UNIT_NOT_FOUND');
  t.equal(await code(r.controls.conference(5, 'c1', 'city-12345')), 'UNIT_HAS_NO_PHONE');
  t.equal(await code(r.controls.dropConference(5, 'c1')), 'NO_CONFERENCE');
  t.match(await r.controls.conference(5, 'c1', 'city-amr'), { conference: { unitId: 'city-amr', unitName: '市市场监管局', state: 'dialing' } });
  t.equal(await code(r.controls.conference(5, 'c1', 'city-amr')), 'CONFERENCE_ACTIVE');
  t.equal(await code(r.controls.transfer(5, 'c1', 'city-amr')), 'CONFERENCE_ACTIVE', 'no transfer during a three-way call');
  await r.controls.unitAnswered('unit-ch', 'c1');
  t.equal(r.published.at(-1)?.conference?.state, 'up');
  t.equal(r.controls.channelGone('other-ch'), false, 'not a unit leg');
  t.equal(r.controls.channelGone('unit-ch'), true, 'the unit hung up');
  t.equal(r.published.at(-1)?.conference, null);
  t.same(
    r.repoEvents.map((e) => [e[1], e[2], e[3]]),
    [
      ['conference_started', 5, { unitId: 'city-amr', phone: '05722399003' }],
      ['conference_ended', null, { by: 'unit' }],
    ],
  );
  await r.controls.conference(5, 'c1', 'city-amr');
  t.equal((await r.controls.dropConference(5, 'c1')).conference, null);
  t.equal(r.ops.at(-1), 'hangup unit-ch');
  t.equal(r.controls.channelGone('unit-ch'), false, 'its later hang-up event is not a second end');
  t.same(r.repoEvents.at(-1)?.slice(1), ['conference_ended', 5, { by: 'agent' }]);
});

t.test('a unit answering for a call that is gone or another leg is hung up', async (t) => {
  const r = rig();
  await r.controls.unitAnswered('stray-ch', 'no-call');
  r.call();
  await r.controls.unitAnswered('stray-2', 'c1');
  t.same(r.ops, ['hangup stray-ch', 'hangup stray-2']);
});

t.test('transfer: redirect, bookkeeping, agent leg released; a failure forgets it', async (t) => {
  const r = rig();
  const c = r.call();
  r.setFail('transfer caller-ch 05722399003 false');
  t.equal(await code(r.controls.transfer(5, 'c1', 'city-amr')), 'ASTERISK_UNAVAILABLE');
  t.equal(r.controls.transferredTo('c1'), null);
  t.same(r.transfers, []);
  r.setFail(null);
  const v = await r.controls.transfer(5, 'c1', 'city-amr');
  t.same(v.transferredTo, { unitId: 'city-amr', unitName: '市市场监管局' });
  t.same(r.ops.slice(-2), ['transfer caller-ch 05722399003 false', 'hangup leg-ch']);
  const [callId, order, ...rest] = r.transfers[0] as unknown[];
  t.equal(callId, 'c1');
  t.equal(typeof order === 'number' ? order : (await (order as PromiseLike<{ orderId: number }>)).orderId, 7, "the call's order (or its draft being written)");
  t.match(rest, [1000, { id: 5, role: 'agent' }, { id: 'city-amr', phone: '05722399003' }]);
  t.match(r.controls.transferredTo('c1'), { unitId: 'city-amr' });
  r.live.remove(c);
  const direct = r.call({ callId: 'c3', channelId: 'caller-3', directLeg: 'direct-1' });
  await r.controls.transfer(5, direct.callId, 'city-amr');
  t.ok(r.ops.includes('transfer caller-3 05722399003 true'), 'a direct call is continued from Stasis');
});

t.test('teardown hangs up the unit leg, destroys the holding bridge and forgets the call', async (t) => {
  const r = rig();
  const c = r.call();
  await r.controls.hold(5, 'c1', true);
  await r.controls.conference(5, 'c1', 'city-amr');
  await r.controls.teardown(c);
  t.same(r.ops.slice(-2), ['hangup unit-ch', 'destroy hold-bridge']);
  t.equal(r.controls.channelGone('unit-ch'), false);
  await r.controls.teardown(c);
  t.equal(r.ops.length, 4, 'a second teardown does nothing');
});

t.test('the call ends while Asterisk carries out an action: the reply is right and nothing is left behind', async (t) => {
  // Transfer: the caller leaving Stasis ends the call (teardown) before `transfer` resolves.
  {
    const r = rig();
    const c = r.call();
    r.setDuring(async (name) => (name.startsWith('transfer') ? r.controls.teardown(c) : undefined));
    const v = await r.controls.transfer(5, 'c1', 'city-amr');
    t.same(v.transferredTo, { unitId: 'city-amr', unitName: '市市场监管局' }, 'the reply says where the caller went');
    t.same(r.published.at(-1)?.transferredTo, { unitId: 'city-amr', unitName: '市市场监管局' }, 'and so does the publication');
    t.equal(r.transfers.length, 1, 'the transfer is logged');
    t.equal(r.controls.transferredTo('c1'), null, 'no state is re-created for the ended call');
  }
  // Hold: the caller hangs up while the holding bridge is made; the bridge is destroyed.
  {
    const r = rig();
    const c = r.call();
    r.setDuring(async (name) => (name.startsWith('hold') ? r.controls.teardown(c) : undefined));
    await t.rejects(r.controls.hold(5, 'c1', true), { code: 'CALL_NOT_FOUND' });
    t.ok(r.ops.includes('destroy hold-bridge'), 'the holding bridge made for an ended call is destroyed');
    t.equal(r.published.length, 0, 'nothing published');
  }
  // Three-way: the call ends while the unit is being dialled; the unit leg is hung up.
  {
    const r = rig();
    const c = r.call();
    r.setDuring(async (name) => (name.startsWith('dial') ? r.controls.teardown(c) : undefined));
    await t.rejects(r.controls.conference(5, 'c1', 'city-amr'), { code: 'CALL_NOT_FOUND' });
    t.ok(r.ops.includes('hangup unit-ch'), 'the unit leg dialled for an ended call is hung up');
    t.notOk(r.controls.isUnitLeg('unit-ch'), 'and not tracked');
  }
});
