/**
 * SnoopTelephony over ARI (decision 0014): a mixing bridge per supervision and snoop channels
 * (POST /channels/{id}/snoop, res_stasis_snoop) on the agent's externalMedia channel.
 *
 * A snoop channel must be in Stasis before it can join a bridge (ARI answers 422 until then), so
 * we name it ourselves (`snoopId`) and wait for its StasisStart, which may arrive before the
 * REST answer (telephony/stasis-entry.ts). It enters our app with the args `media`, which the switchboard leaves alone, and
 * reconciliation treats `Snoop/…` channels as helpers, never callers (asterisk-snapshot.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AriClient } from '../telephony/ari/index.js';
import { isTelephonyError } from '../telephony/errors.js';
import { awaitStasisStart } from '../telephony/stasis-entry.js';
import type { WhisperDirection } from './modes.js';
import type { SnoopTelephony } from './supervisor.js';

/** Bridges of supervisions are named so; a leftover one (our restart) is found by its name. */
export const SUPERVISION_BRIDGE_PREFIX = 'supervision-';

export class AriSnoops implements SnoopTelephony {
  constructor(
    private readonly ari: AriClient,
    private readonly stasisTimeoutMs = 5000,
  ) {}

  async createBridge(name: string): Promise<string> {
    return (await this.ari.bridges.create({ type: 'mixing', name })).id;
  }

  async snoopInto(bridgeId: string, channelId: string, whisper: WhisperDirection): Promise<string> {
    const snoopId = `snoop-${randomUUID()}`;
    const entered = awaitStasisStart(this.ari, snoopId, this.stasisTimeoutMs);
    try {
      await this.ari.channels.snoop(channelId, { spy: 'both', whisper, app: this.ari.app.split(',')[0] ?? this.ari.app, appArgs: 'media', snoopId });
      await entered.promise;
      await this.ari.bridges.addChannel(bridgeId, snoopId);
    } catch (err) {
      entered.cancel();
      await this.hangup(snoopId);
      throw err;
    }
    return snoopId;
  }

  async hangup(channelId: string): Promise<void> {
    try {
      await this.ari.channels.hangup(channelId);
    } catch (err) {
      if (!isTelephonyError(err, 'CHANNEL_GONE') && !isTelephonyError(err, 'ARI_NOT_FOUND')) throw err;
    }
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    try {
      await this.ari.bridges.destroy(bridgeId);
    } catch (err) {
      if (!isTelephonyError(err, 'ARI_NOT_FOUND') && !isTelephonyError(err, 'CHANNEL_GONE')) throw err;
    }
  }

  onChannelGone(listener: (channelId: string) => void): () => void {
    const onEnd = (e: { channel: { id: string } }) => listener(e.channel.id);
    this.ari.on('StasisEnd', onEnd);
    return () => this.ari.off('StasisEnd', onEnd);
  }

  /** Supervision bridges left by a previous process (their relays died with it): hung up and destroyed. */
  async sweepLeftovers(): Promise<number> {
    const bridges = (await this.ari.bridges.list()).filter((b) => (b.name ?? '').startsWith(SUPERVISION_BRIDGE_PREFIX));
    for (const b of bridges) {
      await Promise.allSettled(b.channels.map((id) => this.hangup(id)));
      await this.destroyBridge(b.id).catch(() => undefined);
    }
    return bridges.length;
  }
}
