/**
 * The switchboard's in-call controls: hold, mute, DTMF, blind transfer and the three-way call's
 * unit leg. Where the channels are:
 * - the agent leg (Local/agent-N;2) sits in its Stasis mixing bridge with the agent's browser
 *   audio (externalMedia); its ;1 half is in app_queue's bridge with the caller, so whatever
 *   the agent leg hears, the caller hears, and the other way round;
 * - the caller's channel is outside Stasis (in Queue()), except after a direct offer, where it
 *   is in our own caller bridge.
 */
import type { Logger } from 'pino';
import type { AriClient } from './ari/index.js';
import type { AmiGateway } from './ami/index.js';
import { isTelephonyError } from './errors.js';

/** Dialplan context of blind transfers (dialplan/extensions.conf). */
export const TRANSFER_CONTEXT = 'sunline-transfer';
/** How a unit's phone is dialled: out through the carrier trunk (its AOR carries the contact). */
export const unitEndpoint = (phone: string) => `PJSIP/${phone}@trunk`;

const gone = (err: unknown) => isTelephonyError(err) && (err.code === 'CHANNEL_GONE' || err.code === 'ARI_NOT_FOUND');

export class SwitchboardControls {
  constructor(
    private readonly ari: AriClient,
    private readonly ami: AmiGateway,
    private readonly log: Logger,
    /** Marks a Stasis channel whose StasisEnd is a move, not a hang-up. */
    private readonly markLeaving: (channelId: string, leaving: boolean) => void,
  ) {}

  /**
   * Hold: the agent leg leaves the agent's bridge for a holding bridge playing music on hold.
   * The caller (through the Local channel) hears the music; the agent's bridge keeps only the
   * agent's own audio, so the agent hears silence. Returns the holding bridge's id.
   */
  async hold(agentLegId: string, agentBridgeId: string): Promise<string> {
    const holding = await this.ari.bridges.create({ type: 'holding', name: `hold-${agentLegId}` });
    try {
      await this.ari.bridges.removeChannel(agentBridgeId, agentLegId);
      await this.ari.bridges.addChannel(holding.id, agentLegId);
      await this.ari.bridges.startMoh(holding.id, 'default');
    } catch (err) {
      await this.ari.bridges.addChannel(agentBridgeId, agentLegId).catch(() => undefined);
      await this.destroy(holding.id);
      throw err;
    }
    return holding.id;
  }

  /** Back from hold: the agent leg returns to the agent's bridge; the holding bridge goes. */
  async unhold(agentLegId: string, agentBridgeId: string, holdingBridgeId: string): Promise<void> {
    await this.ari.bridges.removeChannel(holdingBridgeId, agentLegId).catch((err: unknown) => {
      if (!gone(err)) throw err;
    });
    await this.ari.bridges.addChannel(agentBridgeId, agentLegId);
    await this.destroy(holdingBridgeId);
  }

  /**
   * Mute: audio written to the agent leg (the agent's voice on its way to the caller) is
   * dropped in Asterisk, whatever the agent talks through (browser or desk phone).
   */
  async mute(agentLegId: string, muted: boolean): Promise<void> {
    if (muted) await this.ari.channels.mute(agentLegId, 'out');
    else await this.ari.channels.unmute(agentLegId, 'out');
  }

  /** DTMF towards the far end of `channelId` (RFC 4733 on a SIP channel; through a Local channel to its peer). */
  sendDigits(channelId: string, digits: string): Promise<void> {
    return this.ari.channels.sendDTMF(channelId, digits, { between: 100, duration: 120 });
  }

  /**
   * Blind transfer of the caller to `phone` through [sunline-transfer]. A caller in Queue() is
   * outside Stasis: AMI Redirect takes it out of app_queue's bridge (the member leg then hangs
   * up). A caller in our Stasis (direct offer) continues there through ARI.
   */
  async transfer(callerChannelId: string, phone: string, inStasis: boolean): Promise<void> {
    if (inStasis) {
      this.markLeaving(callerChannelId, true);
      try {
        await this.ari.channels.continueInDialplan(callerChannelId, { context: TRANSFER_CONTEXT, extension: phone, priority: 1 });
      } catch (err) {
        this.markLeaving(callerChannelId, false);
        throw err;
      }
      return;
    }
    const ch = await this.ari.channels.get(callerChannelId);
    await this.ami.action('Redirect', { Channel: ch.name, Context: TRANSFER_CONTEXT, Exten: phone, Priority: '1' });
  }

  /** Dials the unit; once it answers it enters Stasis as 'unit,<callId>,<unitId>'. Returns its channel id. */
  async dialUnit(phone: string, callId: string, callerId: string, unitId?: string, channelId?: string): Promise<string> {
    const ch = await this.ari.channels.originate({
      ...(channelId ? { channelId } : {}),
      endpoint: unitEndpoint(phone),
      app: this.ari.app,
      appArgs: `unit,${callId},${unitId ?? ''}`,
      callerId,
      timeout: 45,
      // SUNLINE_UNIT_LEG: after our restart, reconcile knows this Stasis channel is no caller.
      // SUNLINE_UNIT_ID: which unit, for taking the three-way call over after our restart.
      variables: { SUNLINE_CALL_ID: callId, SUNLINE_UNIT_LEG: '1', ...(unitId ? { SUNLINE_UNIT_ID: unitId } : {}) },
    });
    this.log.info({ callId, channelId: ch.id }, 'unit leg dialled');
    return ch.id;
  }

  /** The answered unit joins the agent's bridge: agent, caller and unit hear each other. */
  joinBridge(bridgeId: string, channelId: string): Promise<void> {
    return this.ari.bridges.addChannel(bridgeId, channelId);
  }

  async destroy(bridgeId: string): Promise<void> {
    try {
      await this.ari.bridges.destroy(bridgeId);
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
}
