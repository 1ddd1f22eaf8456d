/**
 * What Asterisk holds of the calls in progress, read once per reconcile (one channel list, one
 * bridge list, one QueueStatus): the channels in our Stasis app with what each is there for
 * (its Stasis arguments), the agent and unit legs among them, our bridges, the queue's callers.
 * `snapshotOf` is pure: it turns those three listings into the snapshot.
 */
import type { Bridge, Channel } from './ari/index.js';
import type { QueueEntry } from './switchboard-queue.js';

/** A channel in our Stasis app and what it is there for (its Stasis arguments). */
export interface StasisChannel {
  channelId: string;
  channelName: string;
  callerNumber: string;
  callerName: string;
  /** The first Stasis argument: inbound, survey, agent, unit, withdrawn, direct, media… */
  kind: string;
  /** The second: the dialled number, the call id, the agent id, … ('' when absent). */
  arg: string;
  /** All arguments after the kind. */
  args: string[];
}

/** One of our bridges, its channels flagged when they only serve it (helper channels). */
export interface OwnBridge {
  bridgeId: string;
  name: string;
  channels: { id: string; helper: boolean }[];
}

/** An agent leg found in our app: the agent and the call it names (Stasis `agent,<id>,<call>,<caller channel>`). */
export interface SnapshotAgentLeg {
  channelId: string;
  agentId: number;
  callId: string | null;
  callerChannelId: string | null;
}

/** A three-way call's unit leg found in our app (Stasis `unit,<call id>,<unit id>`). */
export interface SnapshotUnitLeg {
  channelId: string;
  callId: string;
  unitId: string | null;
}

export interface AsteriskSnapshot {
  /** Every channel id Asterisk has. */
  channels: Set<string>;
  /** Our app's channels, without our own helpers (externalMedia, snoop, direct-ring ;1 halves). */
  stasis: StasisChannel[];
  agentLegs: SnapshotAgentLeg[];
  unitLegs: SnapshotUnitLeg[];
  bridges: OwnBridge[];
  /** The callers waiting in app_queue. */
  queue: QueueEntry[];
}

/**
 * Channels we created ourselves that sit in Stasis but are never callers: externalMedia
 * channels (UnicastRTP/…) of the agents' browser audio, snoop channels (Snoop/…) and the ;1
 * halves of direct-ring Local channels. Reconciliation must not adopt them as callers.
 */
const OWN_CHANNEL = /^(UnicastRTP\/|Snoop\/|Local\/.*;1$)/;
/** Of those, the ones that only serve a bridge of ours (externalMedia, snoop). */
const HELPER_CHANNEL = /^(UnicastRTP\/|Snoop\/)/;
/** The bridges we create: an agent leg's (connectAgentLeg), a direct offer's, a hold's, an outbound call's (switchboard-outbound.ts). */
const OWN_BRIDGE = /^(agent-leg|direct|hold|outbound)-/;

export function snapshotOf(app: string, channels: readonly Channel[], bridges: readonly Bridge[], queue: QueueEntry[]): AsteriskSnapshot {
  const prefix = `${app},`;
  const stasis = channels
    .filter((c) => c.dialplan?.app_name === 'Stasis' && c.dialplan.app_data.startsWith(prefix) && !OWN_CHANNEL.test(c.name))
    .map((c): StasisChannel => {
      const [kind = '', ...args] = c.dialplan.app_data.slice(prefix.length).split(',');
      return { channelId: c.id, channelName: c.name, callerNumber: c.caller.number, callerName: c.caller.name, kind, arg: args[0] ?? '', args };
    });
  const names = new Map(channels.map((c) => [c.id, c.name]));
  return {
    channels: new Set(channels.map((c) => c.id)),
    stasis,
    agentLegs: stasis
      .filter((c) => c.kind === 'agent')
      .map((c) => ({ channelId: c.channelId, agentId: Number(c.args[0]), callId: c.args[1] || null, callerChannelId: c.args[2] || null })),
    unitLegs: stasis.filter((c) => c.kind === 'unit').map((c) => ({ channelId: c.channelId, callId: c.args[0] ?? '', unitId: c.args[1] || null })),
    bridges: bridges
      .filter((b) => OWN_BRIDGE.test(b.name ?? ''))
      .map((b) => ({ bridgeId: b.id, name: b.name, channels: b.channels.map((id) => ({ id, helper: HELPER_CHANNEL.test(names.get(id) ?? '') })) })),
    queue,
  };
}
