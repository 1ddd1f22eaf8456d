/**
 * ARI externalMedia channels (chan_rtp "UnicastRTP"): the agent's browser audio enters an
 * Asterisk bridge as one more channel that sends and receives plain RTP at a UDP address we
 * choose. Only this file (with ari/ and switchboard.ts) knows Asterisk's names for it.
 * https://docs.asterisk.org/Development/Reference-Information/Asterisk-Framework-and-API-Examples/External-Media-and-ARI/
 */
import { randomUUID } from 'node:crypto';
import type { AriClient } from './ari/index.js';
import { TelephonyError, isTelephonyError } from './errors.js';
import { awaitStasisStart } from './stasis-entry.js';

/** One externalMedia channel and where Asterisk sends from / expects RTP. */
export interface ExternalMediaLeg {
  channelId: string;
  /** Asterisk's own RTP address for this channel (UNICASTRTP_LOCAL_ADDRESS / _PORT). */
  asterisk: { ip: string; port: number };
}

/**
 * Stasis arguments of our externalMedia channels. A channel made by ARI must be placed in a
 * Stasis application, and ours is the call path's: the switchboard treats unknown entries as
 * strays and hangs them up, but leaves `media` ones alone (and reconciliation never adopts a
 * UnicastRTP channel as a caller). Its StasisEnd later reaches the call centre as a
 * channel it does not know, which it ignores.
 */
const STASIS_ARGS = 'media';

export class ExternalMedia {
  constructor(
    private readonly ari: () => AriClient | null,
    /** How long a new channel may take to enter Stasis before the open fails. */
    private readonly stasisTimeoutMs = 5000,
  ) {}

  /**
   * Creates an externalMedia channel that sends G.711 µ-law RTP to `host:port`, adds it to
   * `bridgeId` and returns Asterisk's RTP address. The channel is hung up if it cannot be
   * bridged. It joins the bridge once it has entered Stasis (stasis-entry.ts: ARI answers the
   * create before that, and a channel not yet in Stasis is refused by the bridge with 422).
   */
  async open(bridgeId: string, to: { ip: string; port: number }, callId: string): Promise<ExternalMediaLeg> {
    const ari = this.client();
    const channelId = `media-${randomUUID()}`;
    const entered = awaitStasisStart(ari, channelId, this.stasisTimeoutMs);
    let ch: { id: string };
    try {
      ch = await this.create(ari, channelId, to, callId);
    } catch (err) {
      entered.cancel();
      throw err;
    }
    try {
      const [ip, port] = await Promise.all([
        ari.call('channels.getChannelVar', { channelId: ch.id, variable: 'UNICASTRTP_LOCAL_ADDRESS' }),
        ari.call('channels.getChannelVar', { channelId: ch.id, variable: 'UNICASTRTP_LOCAL_PORT' }),
      ]);
      await entered.promise;
      await ari.bridges.addChannel(bridgeId, ch.id);
      return { channelId: ch.id, asterisk: { ip: ip.value, port: Number(port.value) } };
    } catch (err) {
      entered.cancel();
      await this.close(ch.id);
      throw err;
    }
  }

  private create(ari: AriClient, channelId: string, to: { ip: string; port: number }, callId: string): Promise<{ id: string }> {
    return ari.call('channels.externalMedia', {
      channelId,
      app: ari.app.split(',')[0] ?? ari.app,
      external_host: `${to.ip}:${to.port}`,
      encapsulation: 'rtp',
      transport: 'udp',
      connection_type: 'client',
      format: 'ulaw',
      direction: 'both',
      data: STASIS_ARGS,
      variables: { SUNLINE_MEDIA_CALL_ID: callId },
    });
  }

  /** Hangs the channel up; a channel that is already gone is fine. */
  async close(channelId: string): Promise<void> {
    const ari = this.ari();
    if (!ari) return;
    try {
      await ari.channels.hangup(channelId);
    } catch (err) {
      if (!(isTelephonyError(err) && (err.code === 'CHANNEL_GONE' || err.code === 'ARI_NOT_FOUND'))) throw err;
    }
  }

  private client(): AriClient {
    const ari = this.ari();
    if (!ari) throw new TelephonyError('ASTERISK_UNAVAILABLE');
    return ari;
  }
}
