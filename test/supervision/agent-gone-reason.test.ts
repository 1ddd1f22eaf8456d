/**
 * Why a supervision ended, when the agent's tab goes mid-call: the snooped channel (the agent's
 * externalMedia channel) is hung up by CallAudio, and Asterisk may report the snoop's end
 * (StasisEnd) before the hang-up request has even answered. At that moment the call must already
 * count as waiting for its agent's audio (CallAudio.pending), or the supervisor takes the call
 * for ended: `call_ended` in the audit and on the lead's screen while the citizen is still on
 * the line. Real mediasoup worker and CallAudio; Asterisk faked: hanging up the agent's channel
 * ends the snoop on it at once.
 */
import t from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { AgentSessions } from '../../src/media/agent-sessions.js';
import { CallAudio } from '../../src/media/call-audio.js';
import { MediaWorker } from '../../src/media/media-worker.js';
import { Supervisor, type SupervisionAuditEntry } from '../../src/supervision/supervisor.js';
import type { ExternalMedia } from '../../src/telephony/external-media.js';
import { fakeRtpPeer, mediaEnv } from '../helpers/media.js';

const log = createLogger({ level: 'silent' });
const MIC_RTP = { codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1 }], encodings: [{ ssrc: 4242 }] };

t.test("the agent's tab closes mid-supervision: agent_gone, even when the snoop's end arrives before the hang-up's answer", async (t) => {
  const env = mediaEnv();
  const worker = new MediaWorker(env, log, { initialMs: 50 });
  await worker.start();
  t.teardown(() => worker.close());
  const sessions = new AgentSessions(worker, env, log);
  sessions.setSignal(() => undefined);
  const asterisk = await fakeRtpPeer();
  t.teardown(() => asterisk.close());

  // Snoops by the channel they sit on; hanging that channel up ends them at once (StasisEnd first).
  const snoopOn = new Map<string, string>();
  let gone: (id: string) => void = () => undefined;
  let seq = 0;
  const external = {
    open: () => Promise.resolve({ channelId: `em-${++seq}`, asterisk: { ip: '127.0.0.1', port: asterisk.port } }),
    close: (channelId: string) => {
      const snoop = snoopOn.get(channelId);
      if (snoop) gone(snoop);
      return Promise.resolve();
    },
  } as unknown as ExternalMedia;
  const calls = new CallAudio({ worker, sessions, external, env, log });
  t.teardown(() => calls.close());

  const audit: SupervisionAuditEntry[] = [];
  const supervisor = new Supervisor({
    calls,
    telephony: {
      createBridge: () => Promise.resolve('bridge-1'),
      snoopInto: (_bridge, channelId) => {
        snoopOn.set(channelId, `snoop-on-${channelId}`);
        return Promise.resolve(`snoop-on-${channelId}`);
      },
      hangup: () => Promise.resolve(),
      destroyBridge: () => Promise.resolve(),
      onChannelGone: (l) => {
        gone = l;
        return () => (gone = () => undefined);
      },
    },
    leadAudio: { open: () => Promise.resolve({ channelId: 'em-lead', setTalking: () => Promise.resolve(), close: () => Promise.resolve() }) },
    audit: (row) => void audit.push(row),
    notifyAgent: () => false,
    log,
  });
  t.teardown(() => supervisor.close());

  const tab = await sessions.open('agent-tab', 7);
  await sessions.produce('agent-tab', { transportId: tab.send.id, kind: 'audio', rtpParameters: MIC_RTP });
  await calls.attach({ callId: 'c1', agentId: 7, bridgeId: 'b1' });
  await supervisor.start({ userId: 3, socketId: 'lead-tab' }, { callId: 'c1', mode: 'listen' });

  await sessions.close('agent-tab'); // the tab goes: its microphone closes, CallAudio requeues the call
  const deadline = Date.now() + 5000;
  while (!audit.some((a) => a.action === 'stop') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.match(audit.at(-1), { action: 'stop', reason: 'agent_gone' }, 'ended because the agent went, not the call');
  t.same(calls.pending(), ['c1'], 'the call waits for its agent');
});
