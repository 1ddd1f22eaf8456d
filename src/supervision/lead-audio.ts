/**
 * LeadAudio over mediasoup: the shift lead's own browser session (the same WebRTC transports and
 * microphone an agent's console has, src/media/agent-sessions.ts) joined to a supervision bridge
 * the way an agent's is joined to a call (src/media/call-audio.ts): an externalMedia channel, an
 * SSRC-fixing relay and a PlainTransport. What the bridge mixes (the snoop: citizen and agent)
 * is produced and consumed by the lead's recv transport; the lead's microphone is consumed
 * towards Asterisk, paused while the mode is listen.
 */
import { randomInt } from 'node:crypto';
import type { PlainTransport } from 'mediasoup/types';
import type { MediaEnv } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { AgentSessions } from '../media/agent-sessions.js';
import { ASTERISK_RTP_CAPABILITIES, asteriskRtpParameters } from '../media/codecs.js';
import type { MediaWorker } from '../media/media-worker.js';
import { RtpRelay } from '../media/rtp-relay.js';
import type { ExternalMedia } from '../telephony/external-media.js';
import { SupervisionError } from './errors.js';
import type { LeadAudio, LeadAudioLeg } from './supervisor.js';

export class MediasoupLeadAudio implements LeadAudio {
  constructor(private readonly o: { worker: MediaWorker; sessions: AgentSessions; external: ExternalMedia; env: MediaEnv; log: Logger }) {}

  async open(socketId: string, bridgeId: string, callId: string, gone: () => void): Promise<LeadAudioLeg> {
    const session = this.o.sessions.bySocket(socketId);
    if (!session?.mic || session.mic.closed) throw new SupervisionError('SUPERVISION_AUDIO_NOT_READY');
    const ssrc = randomInt(1, 0xffffffff);
    const ip = this.o.env.rtpIp;
    let relay: RtpRelay | undefined;
    let plain: PlainTransport | undefined;
    let channelId: string | undefined;
    let closing = false;
    const close = async () => {
      closing = true;
      if (plain && !plain.closed) plain.close();
      relay?.close();
      if (channelId) await this.o.external.close(channelId);
    };
    try {
      relay = await RtpRelay.bind(ip, ssrc);
      plain = await this.o.worker.router().createPlainTransport({ listenInfo: { protocol: 'udp', ip }, rtcpMux: true, comedia: false });
      const em = await this.o.external.open(bridgeId, { ip: relay.ip, port: relay.port }, callId);
      channelId = em.channelId;
      relay.connect({ ip: plain.tuple.localAddress, port: plain.tuple.localPort }, em.asterisk);
      await plain.connect({ ip: relay.ip, port: relay.port });
      const toAsterisk = await plain.consume({ producerId: session.mic.id, rtpCapabilities: ASTERISK_RTP_CAPABILITIES, paused: true });
      const fromAsterisk = await plain.produce({ kind: 'audio', rtpParameters: asteriskRtpParameters(ssrc) });
      const heard = await this.o.sessions.offer(session, fromAsterisk.id, callId);
      // The tab's microphone or transports went (tab closed, reconnect, media restart).
      const lost = () => {
        if (!closing) gone();
      };
      toAsterisk.on('producerclose', lost);
      heard.on('transportclose', lost);
      const leg: LeadAudioLeg = {
        channelId,
        setTalking: (on) => (on ? toAsterisk.resume() : toAsterisk.pause()),
        close,
      };
      this.o.log.info({ callId, channelId }, 'lead audio attached');
      return leg;
    } catch (err) {
      await close().catch((e: unknown) => this.o.log.warn({ err: e, callId }, 'lead audio cleanup failed'));
      throw err;
    }
  }
}
