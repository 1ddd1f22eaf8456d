/**
 * The switchboard's outbound calls (外呼): a citizen's number dialled over the trunk for an agent.
 * ARI originates the channel into our app with the Stasis arguments `outbound,<call id>`; the
 * app is subscribed to the channel from its creation, so we see its progress before the answer:
 * `Dial` events (dialstatus RINGING, then BUSY / NOANSWER / CHANUNAVAIL / CONGESTION / ANSWER)
 * and `ChannelDestroyed` with the hang-up cause. The answered channel enters Stasis (StasisStart
 * `outbound`) and is bridged with the agent's browser audio by the call path.
 */
import type { Logger } from 'pino';
import type { AriClient } from './ari/index.js';

/** How the dial string is made: SUNLINE_OUTBOUND_ENDPOINT with `{number}` replaced. */
export const outboundEndpoint = (template: string, number: string) => template.replaceAll('{number}', number);

export interface OutboundProgress {
  /** The citizen's phone rings (180/183). */
  ringing(channelId: string): void;
  /** The citizen answered: the channel is in our Stasis app. */
  answered(channelId: string, callId: string): void;
  /** The channel is gone: `dialstatus` is the last Dial status seen (null if none), `cause` the Q.850 cause. */
  ended(channelId: string, end: { cause: number; causeText: string; dialstatus: string | null }): void;
}

export interface OriginateOutbound {
  channelId: string;
  callId: string;
  /** The dial string, e.g. `PJSIP/13800138000@trunk`. */
  endpoint: string;
  /** The number the citizen sees (12345). */
  callerId: string;
  /** Asterisk gives up dialling after this long; the call path's own timer ends the ringing first. */
  timeoutSeconds: number;
}

export class SwitchboardOutbound {
  private listener: OutboundProgress | undefined;
  /** Our outbound channels → the last Dial status seen. */
  private readonly channels = new Map<string, string | null>();

  constructor(
    private readonly ari: AriClient,
    private readonly log: Logger,
  ) {
    ari.on('Dial', (e) => {
      const id = e.peer.id;
      if (!this.channels.has(id) || !e.dialstatus) return;
      this.channels.set(id, e.dialstatus);
      if (e.dialstatus === 'RINGING' || e.dialstatus === 'PROGRESS') this.listener?.ringing(id);
    });
    ari.on('ChannelStateChange', (e) => {
      // Not every driver reports Dial progress for an originate: the channel state says it too.
      if (this.channels.has(e.channel.id) && e.channel.state === 'Ringing') this.listener?.ringing(e.channel.id);
    });
    ari.on('StasisStart', (e) => {
      if (e.args[0] === 'outbound' && this.channels.has(e.channel.id)) this.listener?.answered(e.channel.id, e.args[1] ?? '');
    });
    ari.on('ChannelDestroyed', (e) => {
      const id = e.channel.id;
      if (!this.channels.has(id)) return;
      const dialstatus = this.channels.get(id) ?? null;
      this.channels.delete(id);
      this.listener?.ended(id, { cause: e.cause, causeText: e.cause_txt, dialstatus });
    });
  }

  listen(listener: OutboundProgress): void {
    this.listener = listener;
  }

  /** Dials the citizen; resolves once Asterisk has created the channel (before it rings). */
  async originate(o: OriginateOutbound): Promise<void> {
    this.channels.set(o.channelId, null);
    try {
      await this.ari.channels.originate({
        endpoint: o.endpoint,
        app: this.ari.app,
        appArgs: `outbound,${o.callId}`,
        callerId: o.callerId,
        timeout: o.timeoutSeconds,
        channelId: o.channelId,
        // SUNLINE_OUTBOUND: after our restart, reconcile knows this channel is no caller.
        variables: { SUNLINE_CALL_ID: o.callId, SUNLINE_OUTBOUND: '1' },
      });
    } catch (err) {
      this.channels.delete(o.channelId);
      throw err;
    }
    this.log.info({ callId: o.callId, channelId: o.channelId }, 'outbound call dialled');
  }

  /** The answered citizen's own mixing bridge, which the agent's browser audio joins. */
  async bridge(channelId: string): Promise<string> {
    const bridge = await this.ari.bridges.create({ type: 'mixing', name: `outbound-${channelId}` });
    await this.ari.bridges.addChannel(bridge.id, channelId);
    return bridge.id;
  }

  /** Destroys the outbound bridges (`outbound-…`) that `inUse` does not claim: a previous process's. */
  async sweep(inUse: (bridgeId: string) => boolean): Promise<void> {
    for (const b of await this.ari.bridges.list()) {
      if (!b.name?.startsWith('outbound-') || inUse(b.id)) continue;
      await this.ari.bridges.destroy(b.id).catch((err: unknown) => this.log.warn({ err, bridgeId: b.id }, 'outbound bridge not removed'));
    }
  }

  /** An answered outbound channel our previous process dialled, taken over after a restart: its end is reported again. */
  adopt(channelId: string): void {
    if (!this.channels.has(channelId)) this.channels.set(channelId, 'ANSWER');
  }

  /** Whether `channelId` is an outbound channel we dialled and that still exists. */
  has(channelId: string): boolean {
    return this.channels.has(channelId);
  }
}
