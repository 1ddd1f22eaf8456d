/**
 * Wall screens on several nodes (issue 16 item 2): the summary is built where the calls are.
 * A node without them (a "follower") has a call-less live queue of its own, so it builds none:
 *
 * - The call-control node ("leader") builds the summary as one node does (wallboard-room.ts) and,
 *   besides writing it to its own screens, publishes it once to the other nodes (`serverSideEmit`,
 *   one Redis message per summary). As it cannot see whether other nodes have screens, it builds
 *   one whenever something changed (at most once a second) and every 10 s, screens or not.
 * - A follower writes each summary it hears to its own screens and keeps the latest; a screen
 *   that joins gets that one, or the leader's current summary asked for with an ack when the node
 *   has heard none yet (just started). No answer: the node's own summary, as before.
 */
import type { WallboardSummary } from '../contract/index.js';
import type { LeadClusterRole } from './lead-relay.js';
import { answerAtOnce, ASK_NOW, askOtherNodes, serverSide } from './lead-relay.js';
import { WALLBOARD_ROOM, type RealtimeServer } from './session.js';

/** Leader → the other nodes: a summary it built. */
export const WALLBOARD_RELAY = 'sunline:wallboard';
/** A node → the other nodes, with ack: the leader's current summary (followers answer null). */
export const WALLBOARD_STATE = 'sunline:wallboard-state';

export class WallboardRelay {
  private latest: WallboardSummary | null = null;
  /** The leader's listener for requests answered at once (lead-relay.ts `answerAtOnce`). */
  private readonly atOnce: ReturnType<typeof answerAtOnce> | null;
  private readonly answer: (ack: (s: WallboardSummary | null) => void) => void;
  private readonly hear = (s: WallboardSummary) => {
    this.latest = s;
    this.io.local.to(WALLBOARD_ROOM).emit('wallboard:summary', s);
  };

  constructor(
    private readonly io: RealtimeServer,
    readonly role: LeadClusterRole,
    current: () => WallboardSummary,
  ) {
    this.answer = role === 'leader' ? (ack) => ack(current()) : (ack) => ack(null);
    serverSide(io).on(WALLBOARD_STATE, this.answer);
    this.atOnce = role === 'leader' ? answerAtOnce(io, WALLBOARD_STATE, current) : null;
    if (role === 'follower') serverSide(io).on(WALLBOARD_RELAY, this.hear);
  }

  /** Leader: a summary its room sent to its own screens. */
  publish(s: WallboardSummary): void {
    if (this.role === 'leader') serverSide(this.io).serverSideEmit(WALLBOARD_RELAY, s);
  }

  /** Follower: the summary a joining screen gets (null: none heard and no leader answered). */
  async summary(): Promise<WallboardSummary | null> {
    if (this.latest) return this.latest;
    const answer = await askOtherNodes(this.io, WALLBOARD_STATE, (a): a is WallboardSummary => !!a);
    return this.latest ?? answer;
  }

  close(): void {
    serverSide(this.io).off(WALLBOARD_STATE, this.answer);
    serverSide(this.io).off(WALLBOARD_RELAY, this.hear);
    if (this.atOnce) serverSide(this.io).off(ASK_NOW, this.atOnce);
  }
}
