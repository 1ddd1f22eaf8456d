/**
 * Switchboard.stasisChannels() feeds reconciliation, which handles each channel by what it is in
 * our app for (its Stasis arguments). Our own channels in Stasis (the agents' externalMedia
 * audio, snoop channels, the ;1 halves of direct-ring Local channels) and other applications'
 * channels must never be among them.
 */
import t from 'tap';
import pino from 'pino';
import { Switchboard, parseOutageRecord } from '../../src/telephony/switchboard.js';
import type { AriClient } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';

const channel = (id: string, name: string, app: string, appData = '') => ({
  id,
  name,
  caller: { number: '13900000000', name: '' },
  dialplan: { context: 'default', exten: 's', priority: 1, app_name: app, app_data: appData },
});

t.test('stasisChannels lists callers, survey legs and agent legs with their kind, not our own media, snoop or direct channels', async (t) => {
  const list = [
    channel('caller', 'PJSIP/trunk-00000001', 'Stasis', 'sunline,inbound,12315'),
    channel('queued', 'PJSIP/trunk-00000002', 'Queue', '12345,c'),
    channel('survey', 'PJSIP/trunk-00000003', 'Stasis', 'sunline,survey,3f1c'),
    channel('leg', 'Local/agent-2@agents-00000000;2', 'Stasis', 'sunline,agent,2'),
    channel('media', 'UnicastRTP/127.0.0.1:51539-0x7fde0801ce00', 'Stasis', 'sunline,media'),
    channel('snoop', 'Snoop/1795724422.3-00000000', 'Stasis', 'sunline,direct'),
    channel('direct', 'Local/agent-3@agents-00000001;1', 'Stasis', 'sunline,direct'),
    channel('other-app', 'PJSIP/trunk-00000004', 'Stasis', 'sunline-city-b,inbound,12345'),
  ];
  const ari = { app: 'sunline', on() {}, channels: { list: async () => list } } as unknown as AriClient;
  const ami = { on() {} } as unknown as AmiGateway;
  const sb = new Switchboard({ ari, ami, log: pino({ level: 'silent' }) });
  t.same(
    (await sb.stasisChannels()).map((c) => [c.channelId, c.kind, c.arg]),
    [
      ['caller', 'inbound', '12315'],
      ['survey', 'survey', '3f1c'],
      ['leg', 'agent', '2'],
    ],
  );
});

t.test('outage records as the dialplan writes them', async (t) => {
  t.same(parseOutageRecord('1733.5', '1733390000:12315:1733390042:queue:138:0000'), {
    channelId: '1733.5', enteredAt: 1733390000_000, dialled: '12315', endedAt: 1733390042_000, where: 'queue', callerNumber: '138:0000',
  }, 'the caller number is the rest, whatever it holds');
  t.same(parseOutageRecord('1733.6', '1733390000:12328:::'), { channelId: '1733.6', enteredAt: 1733390000_000, dialled: '12328', endedAt: null, where: 'front_door', callerNumber: '' }, 'not ended yet');
  t.equal(parseOutageRecord('1733.7', 'garbage'), null);
  t.equal(parseOutageRecord('1733.8', '17x:12345:::1'), null);
  t.equal(parseOutageRecord('', '1733390000:12345:::1'), null);
});
