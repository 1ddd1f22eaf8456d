/**
 * One snapshot of Asterisk feeds reconciliation, which handles each channel by what it is in our
 * app for (its Stasis arguments). Our own channels in Stasis (the agents' externalMedia audio,
 * snoop channels, the ;1 halves of direct-ring Local channels) and other applications' channels
 * must never be among them; the snapshot costs one channel list, one bridge list and one
 * QueueStatus.
 */
import t from 'tap';
import pino from 'pino';
import { Switchboard } from '../../src/telephony/switchboard.js';
import { snapshotOf } from '../../src/telephony/asterisk-snapshot.js';
import { parseOutageRecord } from '../../src/telephony/outage-records.js';
import type { AriClient, Bridge, Channel } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';

const channel = (id: string, name: string, app: string, appData = '') =>
  ({
    id,
    name,
    caller: { number: '13900000000', name: '' },
    dialplan: { context: 'default', exten: 's', priority: 1, app_name: app, app_data: appData },
  }) as unknown as Channel;

const list = [
  channel('caller', 'PJSIP/trunk-00000001', 'Stasis', 'sunline,inbound,12315'),
  channel('queued', 'PJSIP/trunk-00000002', 'Queue', '12345,c'),
  channel('survey', 'PJSIP/trunk-00000003', 'Stasis', 'sunline,survey,3f1c'),
  channel('leg', 'Local/agent-2@agents-00000000;2', 'Stasis', 'sunline,agent,2,3f1d,caller'),
  channel('old-leg', 'Local/agent-4@agents-00000002;2', 'Stasis', 'sunline,agent,4'),
  channel('unit', 'PJSIP/trunk-00000005', 'Stasis', 'sunline,unit,3f1d,city-amr'),
  channel('media', 'UnicastRTP/127.0.0.1:51539-0x7fde0801ce00', 'Stasis', 'sunline,media'),
  channel('snoop', 'Snoop/1795724422.3-00000000', 'Stasis', 'sunline,direct'),
  channel('direct', 'Local/agent-3@agents-00000001;1', 'Stasis', 'sunline,direct'),
  channel('other-app', 'PJSIP/trunk-00000004', 'Stasis', 'sunline-city-b,inbound,12345'),
  channel('out-9c2e', 'PJSIP/trunk-00000006', 'Stasis', 'sunline,outbound,9c2e'),
];
const bridges = [
  { id: 'b1', name: 'agent-leg-leg', channels: ['leg', 'media'] },
  { id: 'b2', name: 'someone-elses', channels: ['x'] },
  { id: 'b3', name: 'outbound-out-9c2e', channels: ['out-9c2e'] },
] as unknown as Bridge[];

t.test("the snapshot: our app's channels with their kind and arguments, the legs among them, our bridges", async (t) => {
  const snap = snapshotOf('sunline', list, bridges, []);
  t.same(
    snap.stasis.map((c) => [c.channelId, c.kind, c.arg]),
    [
      ['caller', 'inbound', '12315'],
      ['survey', 'survey', '3f1c'],
      ['leg', 'agent', '2'],
      ['old-leg', 'agent', '4'],
      ['unit', 'unit', '3f1d'],
      ['out-9c2e', 'outbound', '9c2e'],
    ],
  );
  t.same(snap.agentLegs, [
    { channelId: 'leg', agentId: 2, callId: '3f1d', callerChannelId: 'caller' },
    { channelId: 'old-leg', agentId: 4, callId: null, callerChannelId: null },
  ]);
  t.same(snap.unitLegs, [{ channelId: 'unit', callId: '3f1d', unitId: 'city-amr' }]);
  t.same(snap.bridges, [
    {
      bridgeId: 'b1',
      name: 'agent-leg-leg',
      channels: [
        { id: 'leg', helper: false },
        { id: 'media', helper: true },
      ],
    },
    // An outbound call's (switchboard-outbound.ts): taken over after a restart (outbound.ts).
    { bridgeId: 'b3', name: 'outbound-out-9c2e', channels: [{ id: 'out-9c2e', helper: false }] },
  ]);
  t.equal(snap.channels.size, list.length);
});

t.test('Switchboard.snapshot reads Asterisk once: one channel list, one bridge list, one QueueStatus (getVar only for legs without arguments)', async (t) => {
  const reads: string[] = [];
  const ari = {
    app: 'sunline',
    on() {},
    channels: {
      list: async () => (reads.push('channels'), list),
      getChannelVar: async (id: string, name: string) => (reads.push(`getVar ${id} ${name}`), id === 'old-leg' ? 'call-old' : ''),
    },
    bridges: { list: async () => (reads.push('bridges'), bridges) },
  } as unknown as AriClient;
  const ami = { on() {}, queues: { status: async () => (reads.push('QueueStatus'), { entries: [], members: [] }) } } as unknown as AmiGateway;
  const snap = await new Switchboard({ ari, ami, log: pino({ level: 'silent' }) }).snapshot();
  t.same(reads.sort(), ['QueueStatus', 'bridges', 'channels', 'getVar old-leg SUNLINE_CALL_ID'].sort());
  t.equal(snap.agentLegs.find((l) => l.channelId === 'old-leg')?.callId, 'call-old', 'a leg of an older dialplan is still named');
});

t.test('outage records as the dialplan writes them', async (t) => {
  t.same(
    parseOutageRecord('1733.5', '1733390000:12315:1733390042:queue:138:0000'),
    {
      channelId: '1733.5',
      enteredAt: 1733390000_000,
      dialled: '12315',
      endedAt: 1733390042_000,
      where: 'queue',
      callerNumber: '138:0000',
    },
    'the caller number is the rest, whatever it holds',
  );
  t.same(
    parseOutageRecord('1733.6', '1733390000:12328:::'),
    { channelId: '1733.6', enteredAt: 1733390000_000, dialled: '12328', endedAt: null, where: 'front_door', callerNumber: '' },
    'not ended yet',
  );
  t.equal(parseOutageRecord('1733.7', 'garbage'), null);
  t.equal(parseOutageRecord('1733.8', '17x:12345:::1'), null);
  t.equal(parseOutageRecord('', '1733390000:12345:::1'), null);
});
