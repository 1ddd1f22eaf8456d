/**
 * AMI message shapes as AmiGateway hands them out. Keys are lower-cased (asterisk-manager
 * lower-cases every header name), values are the strings Asterisk sent. Field lists follow
 * Asterisk 22's core-en_US.xml manager event docs.
 */

/** Any AMI block: lower-cased keys; a repeated key becomes an array; `Variable:` lines an object. */
export interface AmiMessage {
  readonly [key: string]: string | string[] | Record<string, string> | undefined;
}

/** The direct answer to an action. */
export interface AmiResponse extends AmiMessage {
  readonly response: string;
  readonly actionid: string;
  readonly message?: string;
  /** `start` on list actions; the items follow as events with our ActionID. */
  readonly eventlist?: string;
}

/** An AMI event. */
export interface AmiEvent extends AmiMessage {
  readonly event: string;
  readonly actionid?: string;
}

/** Response plus, for list actions (EventList: start … Complete), the collected items. */
export interface AmiActionResult {
  readonly response: AmiResponse;
  readonly events: AmiEvent[];
}

/** Field values an action accepts: lists are comma-joined, objects become `Key: k=v` lines. */
export type AmiFieldValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>> | undefined;

/** Channel snapshot fields carried by queue events (ast_manager_build_channel_state_string). */
export interface AmiChannelFields {
  readonly channel: string;
  readonly channelstate: string;
  readonly channelstatedesc: string;
  readonly calleridnum: string;
  readonly calleridname: string;
  readonly connectedlinenum: string;
  readonly connectedlinename: string;
  readonly language: string;
  readonly accountcode: string;
  readonly context: string;
  readonly exten: string;
  readonly priority: string;
  readonly uniqueid: string;
  readonly linkedid: string;
}

/** Member fields of QueueMemberStatus / Added / Removed / Pause / Penalty / Ringinuse. */
export interface AmiQueueMemberFields {
  readonly queue: string;
  readonly membername: string;
  readonly interface: string;
  readonly stateinterface: string;
  /** `dynamic` (QueueAdd), `realtime` or `static`. */
  readonly membership: string;
  readonly penalty: string;
  readonly callstaken: string;
  readonly lastcall: string;
  readonly lastpause: string;
  readonly logintime: string;
  readonly incall: string;
  /** AST_DEVICE_* number: 1 not in use, 2 in use, 5 unavailable, 6 ringing… */
  readonly status: string;
  readonly paused: string;
  readonly pausedreason: string;
  readonly ringinuse: string;
  readonly wrapuptime: string;
}

type Ev<N extends string, F> = AmiEvent & { readonly event: N } & F;

/** Events we use by name; anything else arrives on the `event` catch-all. */
export interface AmiKnownEvents {
  FullyBooted: Ev<'FullyBooted', { status: string; uptime?: string; lastreload?: string }>;
  DeviceStateChange: Ev<'DeviceStateChange', { device: string; state: string }>;
  QueueMemberStatus: Ev<'QueueMemberStatus', AmiQueueMemberFields>;
  QueueMemberAdded: Ev<'QueueMemberAdded', AmiQueueMemberFields>;
  QueueMemberRemoved: Ev<'QueueMemberRemoved', AmiQueueMemberFields>;
  QueueMemberPause: Ev<'QueueMemberPause', AmiQueueMemberFields>;
  QueueMemberPenalty: Ev<'QueueMemberPenalty', AmiQueueMemberFields>;
  QueueCallerJoin: Ev<'QueueCallerJoin', AmiChannelFields & { queue: string; position: string; count: string }>;
  QueueCallerLeave: Ev<'QueueCallerLeave', AmiChannelFields & { queue: string; position: string; count: string }>;
  QueueCallerAbandon: Ev<'QueueCallerAbandon', AmiChannelFields & { queue: string; position: string; originalposition: string; holdtime: string }>;
  AgentCalled: Ev<'AgentCalled', AmiChannelFields & { queue: string; membername: string; interface: string; destchannel: string; destuniqueid: string }>;
  AgentConnect: Ev<
    'AgentConnect',
    AmiChannelFields & { queue: string; membername: string; interface: string; holdtime: string; ringtime: string; destuniqueid: string }
  >;
  AgentComplete: Ev<
    'AgentComplete',
    AmiChannelFields & { queue: string; membername: string; interface: string; holdtime: string; talktime: string; reason: string }
  >;
  AgentRingNoAnswer: Ev<'AgentRingNoAnswer', AmiChannelFields & { queue: string; membername: string; interface: string; ringtime: string }>;
}

/** `QueueParams` item of QueueStatus. */
export type AmiQueueParams = Ev<
  'QueueParams',
  {
    queue: string;
    max: string;
    strategy: string;
    calls: string;
    holdtime: string;
    talktime: string;
    completed: string;
    abandoned: string;
    servicelevel: string;
    servicelevelperf: string;
    servicelevelperf2: string;
    weight: string;
  }
>;
/** `QueueMember` item of QueueStatus (note: `name`/`location`, not `membername`/`interface`). */
export type AmiQueueMember = Ev<'QueueMember', Omit<AmiQueueMemberFields, 'membername' | 'interface' | 'ringinuse'> & { name: string; location: string }>;
/** `QueueEntry` item of QueueStatus: a caller waiting. */
export type AmiQueueEntry = Ev<
  'QueueEntry',
  {
    queue: string;
    position: string;
    channel: string;
    uniqueid: string;
    calleridnum: string;
    calleridname: string;
    connectedlinenum: string;
    connectedlinename: string;
    wait: string;
    priority: string;
  }
>;
/** `QueueSummary` item. */
export type AmiQueueSummary = Ev<
  'QueueSummary',
  {
    queue: string;
    loggedin: string;
    available: string;
    callers: string;
    holdtime: string;
    talktime: string;
    longestholdtime: string;
  }
>;
