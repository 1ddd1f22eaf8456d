/**
 * Reconciliation's decisions with a fake switchboard over a real database (the real Asterisk
 * path: test/telephony/restart-matrix-*.real.test.ts): every kind of channel in our Stasis app
 * is handled for what it is (a survey leg is never adopted as a new caller), one failing channel
 * stops nobody else and is retried with backoff and shown in the health detail, and the calls
 * of our outage are imported once, with missed-call orders.
 */
import t from 'tap';
import pino from 'pino';
import { Switchboard } from '../../src/telephony/switchboard.js';
import type { AriClient } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';
import { fakeCallCenter as rig } from '../helpers/fake-call-center.js';
import type { OutageRecord, StasisChannel } from '../../src/telephony/switchboard.js';

const stasis = (channelId: string, kind: string, arg = ''): StasisChannel => ({
  channelId,
  channelName: `PJSIP/trunk-${channelId}`,
  callerNumber: '13900001111',
  callerName: '',
  kind,
  arg,
  args: arg ? [arg] : [],
});

/** A call that was answered and ended (its caller now in the survey), as the previous process left it. */
async function endedCall(r: Awaited<ReturnType<typeof rig>>, channelId: string): Promise<{ callId: string; orderId: number }> {
  const callId = `call-${channelId}`;
  const created = await r.repo.createInbound({
    callId,
    channelId,
    callerPhone: '13900001111',
    callerName: null,
    dialled: '12315',
    hotline: '12315',
    at: 1000,
    state: 'entered',
  });
  r.repo.ended(callId, 2000, 'agent_hangup');
  await r.repo.flushed();
  return { callId, orderId: created.orderId };
}

t.test('a caller in the survey is not adopted as a new caller: the survey goes on and its result reaches the call', async (t) => {
  const r = await rig(t);
  const { callId } = await endedCall(r, 'survey-ch');
  r.asterisk.stasis = [stasis('survey-ch', 'survey', callId), stasis('new-ch', 'inbound', '12328')];
  r.asterisk.channels = new Set(['survey-ch', 'new-ch']);
  r.asterisk.digits = ['1'];
  await r.center.reconcile();
  await new Promise((resolve) => setTimeout(resolve, 50)); // the survey runs on its own
  t.same(r.sql.prepare("select count(*) as n from calls where channel_id = 'survey-ch'").get(), { n: 1 }, 'no second call row for the survey channel');
  t.ok(r.asterisk.ops.includes('survey prompt survey-ch'), 'the survey is asked again');
  const survey = r.sql.prepare("select data from call_events where call_id = ? and type = 'survey'").get(callId) as { data: string } | undefined;
  t.same(survey && JSON.parse(survey.data), { result: 'satisfied' }, 'the key reaches the call');
  const adopted = r.sql.prepare("select id from calls where channel_id = 'new-ch'").get() as { id: string } | undefined;
  t.ok(adopted, 'the inbound caller beside it is adopted');
  t.ok(r.asterisk.ops.includes(`queue new-ch ${adopted?.id}`), 'and sent on to the queue');
  t.same(r.center.reconciler.health(), { ok: true, state: 'ok', failing: [] });
});

t.test('a survey already running is not started twice by a reconcile', async (t) => {
  const r = await rig(t);
  const { callId } = await endedCall(r, 's2');
  let release = () => {};
  const sw = r.center.ctx.switchboard as unknown as { collectDigit: (id: string) => Promise<unknown> };
  const prompts: string[] = [];
  sw.collectDigit = (id: string) => {
    prompts.push(id);
    return new Promise((resolve) => (release = () => resolve({ digit: null, reason: 'gone' })));
  };
  r.center.survey({ channelId: 's2', callId });
  r.asterisk.stasis = [stasis('s2', 'survey', callId)];
  r.asterisk.channels = new Set(['s2']);
  await r.center.reconcile();
  t.same(prompts, ['s2'], 'one survey');
  release();
});

t.test('agent legs, unit legs and withdrawn callers we do not know; our own helpers are left alone', async (t) => {
  const r = await rig(t);
  r.asterisk.stasis = [
    stasis('leg', 'agent', '7'),
    stasis('unit', 'unit', 'c9'),
    stasis('wd', 'withdrawn', 'agent-3'),
    stasis('d', 'direct'),
    stasis('m', 'media'),
    stasis('x', 'mystery'),
  ];
  r.asterisk.channels = new Set(['leg', 'unit', 'wd', 'd', 'm', 'x']);
  await r.center.reconcile();
  const wd = r.sql.prepare("select id from calls where channel_id = 'wd'").get() as { id: string };
  t.same(
    r.asterisk.ops.filter((o) => !o.startsWith('forget')),
    ['hangup leg busy', `queue wd ${wd.id}`, 'hangup unit normal'],
    'agent leg declined, unit leg hung up, withdrawn caller back to the queue; nothing else touched',
  );
  t.same(r.sql.prepare("select count(*) as n from calls where channel_id in ('leg', 'unit', 'd', 'm', 'x')").get(), { n: 0 }, 'none of them is a call');
});

t.test('one channel that fails does not stop the others; it is retried with backoff and shown in the health detail', async (t) => {
  const r = await rig(t);
  r.asterisk.stasis = [stasis('bad', 'inbound', '12345'), stasis('good', 'inbound', '12333')];
  r.asterisk.queue = [{ channelId: 'q1', channelName: 'PJSIP/trunk-q1', callerNumber: '13900002222', waitSecs: 3, priority: 0 }];
  r.asterisk.channels = new Set(['bad', 'good', 'q1']);
  r.asterisk.failSend.add('bad');
  await r.center.reconcile();
  const good = r.sql.prepare("select id from calls where channel_id = 'good'").get() as { id: string };
  t.ok(r.asterisk.ops.includes(`queue good ${good.id}`), 'the other caller in Stasis went on');
  t.ok(
    r.asterisk.ops.some((o) => o.startsWith('mark q1 ')),
    'the queued caller was adopted',
  );
  const h = r.center.reconciler.health();
  t.equal(h.ok, true, 'ready stays ready');
  t.equal(h.state, 'retrying');
  t.same(
    h.failing.map((f) => [f.key, f.step, f.reason, f.attempts]),
    [['bad', 'adopt_in_stasis', 'ASTERISK_UNAVAILABLE', 1]],
  );

  r.asterisk.failSend.clear();
  const bad = r.sql.prepare("select id from calls where channel_id = 'bad'").get() as { id: string };
  // The retry (first backoff ≈ 0.5 s) sends it on under the call it already has.
  const until = Date.now() + 3000;
  while (!r.asterisk.ops.includes(`queue bad ${bad.id}`) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(r.asterisk.ops.includes(`queue bad ${bad.id}`), 'retried by itself and sent on');
  t.same(r.sql.prepare("select count(*) as n from calls where channel_id = 'bad'").get(), { n: 1 }, 'still one call row');
  t.same(r.center.reconciler.health().failing, [], 'nothing failing any more');
});

t.test('a queued caller whose channel already has a call row is not adopted again', async (t) => {
  const r = await rig(t);
  await endedCall(r, 'q-known');
  r.asterisk.queue = [{ channelId: 'q-known', channelName: 'PJSIP/trunk-q', callerNumber: '13900001111', waitSecs: 1, priority: 0 }];
  r.asterisk.channels = new Set(['q-known']);
  await r.center.reconcile();
  t.same(r.sql.prepare("select count(*) as n from calls where channel_id = 'q-known'").get(), { n: 1 });
  t.same(r.center.reconciler.health().failing, []);
});

t.test('calls of our outage become call records and missed-call orders, once', async (t) => {
  const r = await rig(t);
  const rec = (channelId: string, over: Partial<OutageRecord>): OutageRecord => ({
    channelId,
    enteredAt: 1_700_000_000_000,
    dialled: '12315',
    endedAt: 1_700_000_030_000,
    where: 'queue',
    callerNumber: '13800001234',
    ...over,
  });
  r.asterisk.outage = new Map([
    ['gave-up', rec('gave-up', {})],
    ['greeting', rec('greeting', { where: 'front_door', endedAt: 1_700_000_004_000, callerNumber: '' })],
    ['waiting', rec('waiting', { endedAt: null })], // still in the queue: adoption's
    ['vanished', rec('vanished', { endedAt: null, dialled: '12328' })], // Asterisk stopped before its handler
  ]);
  r.asterisk.queue = [{ channelId: 'waiting', channelName: 'PJSIP/trunk-w', callerNumber: '13800001234', waitSecs: 30, priority: 0 }];
  r.asterisk.channels = new Set(['waiting']);
  await r.center.reconcile();

  const rows = r.sql
    .prepare(
      "select c.channel_id, c.state, c.outcome, c.caller_phone, c.dialled_number, c.entered_at, c.ended_at, w.status from calls c join work_orders w on w.call_id = c.id where c.channel_id in ('gave-up', 'greeting', 'vanished') order by c.channel_id",
    )
    .all();
  t.same(rows, [
    {
      channel_id: 'gave-up',
      state: 'ended',
      outcome: 'abandoned',
      caller_phone: '13800001234',
      dialled_number: '12315',
      entered_at: 1_700_000_000_000,
      ended_at: 1_700_000_030_000,
      status: 'missed_call',
    },
    {
      channel_id: 'greeting',
      state: 'ended',
      outcome: 'abandoned',
      caller_phone: 'anonymous',
      dialled_number: '12315',
      entered_at: 1_700_000_000_000,
      ended_at: 1_700_000_004_000,
      status: 'missed_call',
    },
    {
      channel_id: 'vanished',
      state: 'ended',
      outcome: 'abandoned',
      caller_phone: '13800001234',
      dialled_number: '12328',
      entered_at: 1_700_000_000_000,
      ended_at: 1_700_000_000_000,
      status: 'missed_call',
    },
  ]);
  const gaveUp = r.sql.prepare("select id from calls where channel_id = 'gave-up'").get() as { id: string };
  const events = r.sql.prepare('select type, at, data from call_events where call_id = ? order by id').all(gaveUp.id) as {
    type: string;
    at: number;
    data: string;
  }[];
  t.same(
    events.map((e) => [e.type, e.at, JSON.parse(e.data)]),
    [
      ['entered', 1_700_000_000_000, { dialled: '12315', hotline: '12315', via: 'fallback' }],
      ['abandoned', 1_700_000_030_000, { where: 'queue', outage: true }],
    ],
  );
  const callback = r.sql.prepare("select callback_due from work_orders w join calls c on c.id = w.call_id where c.channel_id = 'gave-up'").get() as {
    callback_due: number;
  };
  t.equal(callback.callback_due, 1, 'someone owes the caller a callback');
  t.same([...r.asterisk.outage.keys()], ['waiting'], 'imported records are deleted; the waiting caller is left to adoption');
  const waiting = r.sql.prepare("select state from calls where channel_id = 'waiting'").get();
  t.same(waiting, { state: 'queued' }, 'the caller still waiting is adopted');

  // A record deleted too late (the DBDel failed) or read twice: no second import.
  r.asterisk.outage.set('gave-up', rec('gave-up', {}));
  await r.center.reconcile();
  t.same(r.sql.prepare("select count(*) as n from calls where channel_id = 'gave-up'").get(), { n: 1 }, 'imported once');
  t.notOk(r.asterisk.outage.has('gave-up'), 'and the record forgotten');
});

t.test('a reconcile reads Asterisk once: one channel list, one bridge list, one QueueStatus (and the outage records)', async (t) => {
  const reads: string[] = [];
  const ari = {
    app: 'sunline',
    on() {},
    channels: { list: async () => (reads.push('channels'), []), getChannelVar: async () => (reads.push('getVar'), '') },
    bridges: { list: async () => (reads.push('bridges'), []) },
  } as unknown as AriClient;
  const ami = {
    on() {},
    queues: { status: async () => (reads.push('QueueStatus'), { entries: [], members: [] }) },
    list: async (name: string) => (reads.push(name), []),
  } as unknown as AmiGateway;
  const r = await rig(t, {}, () => new Switchboard({ ari, ami, log: pino({ level: 'silent' }) }));
  await endedCall(r, 'gone-ch'); // an ended call: nothing to resume
  await r.center.reconcile();
  t.same(reads.sort(), ['DBGetTree', 'QueueStatus', 'bridges', 'channels']);
});

t.test('reconciled() resolves once a run has read Asterisk, not after a run whose snapshot failed (the failover timing)', async (t) => {
  const r = await rig(t);
  const sw = r.center.ctx.switchboard as unknown as { snapshot: () => Promise<unknown> };
  const real = sw.snapshot;
  sw.snapshot = async () => {
    throw Object.assign(new Error('socket closed'), { code: 'ASTERISK_UNAVAILABLE' });
  };
  let done = false;
  void r.center.reconciler.reconciled().then(() => (done = true));
  await r.center.reconcile();
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(done, 'not after a run that could not read Asterisk');
  sw.snapshot = real;
  await r.center.reconcile();
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(done, 'after the first run that read it');
});
