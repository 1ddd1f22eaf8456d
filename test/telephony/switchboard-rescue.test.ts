/**
 * The switchboard's front-door verbs for when ARI fails, with fake gateways: which channels AMI
 * lists as waiting at our front door, what a rescue sends to AMI, and how a continue that comes
 * back 409 (already out of Stasis) or 404 is read. Against Asterisk:
 * test/telephony/front-door-ari-failures.real.test.ts.
 */
import t from 'tap';
import { pino } from 'pino';
import { Switchboard } from '../../src/telephony/switchboard.js';
import { TelephonyError } from '../../src/telephony/errors.js';
import type { AriClient } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';

type Handler = (e: { channel: { id: string } }) => void;

function setup(o: { continueFails?: TelephonyError; amiFails?: boolean } = {}) {
  const actions: Array<[string, Record<string, unknown>]> = [];
  const continued: Array<[string, unknown]> = [];
  const ariHandlers = new Map<string, Handler>();
  const ari = {
    app: 'sunline',
    on(name: string, fn: Handler) {
      ariHandlers.set(name, fn);
    },
    channels: {
      setChannelVar: async () => undefined,
      continueInDialplan: async (id: string, loc?: unknown) => {
        continued.push([id, loc]);
        if (o.continueFails) throw o.continueFails;
      },
    },
  } as unknown as AriClient;
  const ami = {
    on() {},
    list: async () => [
      { uniqueid: '1.1', channel: 'PJSIP/trunk-1', application: 'Stasis', applicationdata: 'sunline,inbound,12315' },
      { uniqueid: '1.2', channel: 'PJSIP/trunk-2', application: 'Queue', applicationdata: '12345,c' },
      { uniqueid: '1.3', channel: 'PJSIP/trunk-3', application: 'Stasis', applicationdata: 'sunline,survey,abc' },
      { uniqueid: '1.4', channel: 'PJSIP/trunk-4', application: 'Stasis', applicationdata: 'sunline-b,inbound,12345' },
      { uniqueid: '1.5', channel: 'Local/agent-2@agents-1;2', application: 'Stasis', applicationdata: 'sunline,agent,2' },
      { channel: 'no-id' },
    ],
    action: async (name: string, fields: Record<string, unknown>) => {
      if (o.amiFails && name === 'Redirect') throw new TelephonyError('AMI_ACTION_FAILED', { detail: 'Channel not found' });
      actions.push([name, fields]);
      return { response: {}, events: [] };
    },
  } as unknown as AmiGateway;
  const sb = new Switchboard({ ari, ami, log: pino({ level: 'silent' }) });
  const gone: string[] = [];
  sb.listen({ channelGone: (id: string) => gone.push(id) } as unknown as Parameters<Switchboard['listen']>[0]);
  const stasisEnd = (id: string) => ariHandlers.get('StasisEnd')!({ channel: { id } });
  return { sb, actions, continued, gone, stasisEnd };
}

t.test('AMI lists our front-door callers apart from the queue, surveys, agent legs and other apps', async (t) => {
  const { sb } = setup();
  const channels = await sb.amiChannels();
  t.same(
    [...channels.values()].filter((c) => c.atFrontDoor).map((c) => c.channelId),
    ['1.1'],
  );
  t.equal(channels.size, 5, 'every channel with a unique id');
});

t.test('a rescue marks the caller for the agent legs and redirects it to the queue; its StasisEnd is no hang-up', async (t) => {
  const s = setup();
  t.equal(await s.sb.rescueToQueue('1.1', { callId: 'call-1', priority: 10 }), 'sent');
  t.same(s.actions, [
    ['Setvar', { Channel: 'PJSIP/trunk-1', Variable: '__SUNLINE_CALL_ID', Value: 'call-1' }],
    ['Setvar', { Channel: 'PJSIP/trunk-1', Variable: '__SUNLINE_CALLER_CHANNEL', Value: '1.1' }],
    ['Setvar', { Channel: 'PJSIP/trunk-1', Variable: 'QUEUE_PRIO', Value: '10' }],
    ['Redirect', { Channel: 'PJSIP/trunk-1', Context: 'sunline-queue', Exten: '12345', Priority: 1 }],
  ]);
  s.stasisEnd('1.1');
  t.same(s.gone, []);
});

t.test('a rescue leaves alone what is not at the front door', async (t) => {
  const s = setup();
  t.equal(await s.sb.rescueToQueue('1.2', { callId: 'c', priority: 0 }), 'left', 'in the queue already');
  t.equal(await s.sb.rescueToQueue('1.3', { callId: 'c', priority: 0 }), 'left', 'a survey leg');
  t.equal(await s.sb.rescueToQueue('9.9', { callId: 'c', priority: 0 }), 'gone');
  t.same(s.actions, []);
});

t.test('a failed Redirect rejects and the StasisEnd counts again', async (t) => {
  const s = setup({ amiFails: true });
  await t.rejects(s.sb.rescueToQueue('1.1', { callId: 'c', priority: 0 }), { code: 'AMI_ACTION_FAILED' });
  s.stasisEnd('1.1');
  t.same(s.gone, ['1.1']);
});

t.test('sendToQueue: a continue refused with 409 (out of Stasis: an earlier copy arrived) is success', async (t) => {
  const s = setup({ continueFails: new TelephonyError('ARI_CONFLICT', { ariStatus: 409 }) });
  await s.sb.sendToQueue('1.1', { callId: 'c', priority: 0 });
  s.stasisEnd('1.1');
  t.same(s.gone, [], 'its StasisEnd is not a hang-up');
});

t.test('sendToQueue: 404 rejects; a late StasisEnd is still no hang-up (AMI Hangup reports that)', async (t) => {
  const s = setup({ continueFails: new TelephonyError('CHANNEL_GONE', { ariStatus: 404 }) });
  await t.rejects(s.sb.sendToQueue('1.1', { callId: 'c', priority: 0 }), { code: 'CHANNEL_GONE' });
  s.stasisEnd('1.1');
  t.same(s.gone, []);
});

t.test('sendToQueue: any other failure rejects and the channel is ours again', async (t) => {
  const s = setup({ continueFails: new TelephonyError('ASTERISK_UNAVAILABLE') });
  await t.rejects(s.sb.sendToQueue('1.1', { callId: 'c', priority: 0 }), { code: 'ASTERISK_UNAVAILABLE' });
  s.stasisEnd('1.1');
  t.same(s.gone, ['1.1']);
});

t.test("releaseToDialplan continues without a location (the dialplan's fallback)", async (t) => {
  const ok = setup();
  await ok.sb.releaseToDialplan('1.1');
  t.same(ok.continued, [['1.1', undefined]]);
  ok.stasisEnd('1.1');
  t.same(ok.gone, []);
  const failing = setup({ continueFails: new TelephonyError('ASTERISK_UNAVAILABLE') });
  await t.rejects(failing.sb.releaseToDialplan('1.1'));
  failing.stasisEnd('1.1');
  t.same(failing.gone, ['1.1']);
});
