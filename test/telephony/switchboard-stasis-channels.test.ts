/**
 * Switchboard.stasisChannels() feeds reconciliation, which adopts every channel it returns as a
 * caller left at the front door. Our own channels in Stasis (the agents' externalMedia audio,
 * snoop channels, the ;1 halves of direct-ring Local channels) must never be among them.
 */
import t from 'tap';
import pino from 'pino';
import { Switchboard } from '../../src/telephony/switchboard.js';
import type { AriClient } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';

const channel = (id: string, name: string, app: string, context = 'default') => ({
  id,
  name,
  caller: { number: '13900000000', name: '' },
  dialplan: { context, exten: 's', priority: 1, app_name: app, app_data: '' },
});

t.test('stasisChannels lists callers and agent legs, not our own media, snoop or direct channels', async (t) => {
  const list = [
    channel('caller', 'PJSIP/trunk-00000001', 'Stasis', 'from-trunk'),
    channel('queued', 'PJSIP/trunk-00000002', 'Queue', 'sunline-queue'),
    channel('leg', 'Local/agent-2@agents-00000000;2', 'Stasis', 'agents'),
    channel('media', 'UnicastRTP/127.0.0.1:51539-0x7fde0801ce00', 'Stasis'),
    channel('snoop', 'Snoop/1795724422.3-00000000', 'Stasis'),
    channel('direct', 'Local/agent-3@agents-00000001;1', 'Stasis'),
  ];
  const ari = { app: 'sunline', on() {}, channels: { list: async () => list } } as unknown as AriClient;
  const ami = { on() {} } as unknown as AmiGateway;
  const sb = new Switchboard({ ari, ami, log: pino({ level: 'silent' }) });
  t.same((await sb.stasisChannels()).map((c) => c.channelId), ['caller', 'leg']);
});
