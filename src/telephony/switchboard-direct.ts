/**
 * The switchboard's direct ring (a shift lead sends a waiting caller to a chosen agent,
 * calls/lead-actions.ts): the agent is rung over a Local channel we originate, not through
 * app_queue, and the caller is bridged with it once the agent answered. The direct legs' arrivals
 * in Stasis are tracked (direct-legs.ts), because the answered leg enters Stasis a moment after the
 * agent's answer returns.
 */
import type { Logger } from 'pino';
import type { AriClient } from './ari/index.js';
import { DirectLegs } from './direct-legs.js';
import { isTelephonyError } from './errors.js';
import { agentInterface } from './switchboard-queue.js';

/** How long bridging a caller waits for the answered direct leg to enter Stasis (direct-legs.ts). */
export const DIRECT_LEG_ARRIVAL_MS = 5_000;

export class SwitchboardDirect {
  /** Direct legs in Stasis (StasisStart 'direct' / StasisEnd, told by the switchboard). */
  readonly legs = new DirectLegs();

  constructor(
    private readonly ari: AriClient,
    private readonly log: Logger,
  ) {}

  /**
   * Rings an agent directly (not through app_queue): a Local channel whose ;2 half enters
   * Stasis as the agent leg (naming the call), its ;1 half as 'direct' with the id `directLegId`
   * (chosen by the caller, so that it is known before the agent leg shows). Returns the ;1 id.
   */
  async ring(agentId: number, callId: string, callerChannelId: string, directLegId?: string): Promise<string> {
    const ch = await this.ari.channels.originate({
      ...(directLegId ? { channelId: directLegId } : {}),
      endpoint: agentInterface(agentId),
      app: this.ari.app,
      appArgs: 'direct',
      variables: { __SUNLINE_CALL_ID: callId, __SUNLINE_CALLER_CHANNEL: callerChannelId },
    });
    return ch.id;
  }

  /**
   * Connects the caller with the answered direct leg. The leg enters Stasis only after the
   * agent's answer has passed through the Local channel (direct-legs.ts): if ARI refuses it as
   * not in Stasis (422), the bridging waits for its StasisStart (up to DIRECT_LEG_ARRIVAL_MS) and
   * tries once more. A bridge that could not be filled is destroyed.
   */
  async bridgeCaller(callerChannelId: string, directLegId: string): Promise<string> {
    const bridge = await this.ari.bridges.create({ type: 'mixing', name: `direct-${callerChannelId}` });
    const add = () => this.ari.bridges.addChannel(bridge.id, [callerChannelId, directLegId]);
    try {
      try {
        await add();
      } catch (err) {
        if (!isTelephonyError(err, 'ARI_UNPROCESSABLE') || this.legs.has(directLegId)) throw err;
        if (!(await this.legs.arrival(directLegId, DIRECT_LEG_ARRIVAL_MS))) throw err;
        this.log.info({ directLegId }, 'direct leg entered Stasis after the answer: bridged on its arrival');
        await add();
      }
    } catch (err) {
      await this.ari.bridges.destroy(bridge.id).catch(() => undefined);
      throw err;
    }
    return bridge.id;
  }
}
