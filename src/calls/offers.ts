/**
 * Offers: app_queue (or a direct ring) rings an agent — the agent leg enters Stasis — and the
 * agent answers or rejects from the console. The screen-pop goes to that agent only.
 */
import type { AgentSkillsSource } from '../agents/skills.js';
import type { AgentLeg } from '../telephony/switchboard.js';
import type { CallContext } from './call-context.js';
import { screenPop, waitingView } from './call-views.js';
import { CallError } from './errors.js';
import type { FrontDoor } from './front-door.js';
import type { LiveCall } from './live-calls.js';
import { offerSkills, skillVerdict, type OfferSkills } from './skill-gate.js';

/**
 * How long an offer waits for its call's draft order to be written (the screen-pop shows its
 * number) before offering without it: the pop then carries id 0 and no number, and a `call.order`
 * event (socket `call:order`) names the order to that agent once it is written. On SQLite the
 * draft is normally written before any offer can come.
 */
export const DRAFT_WAIT_DEADLINE_MS = 1_000;

export class Offers {
  constructor(
    private readonly o: CallContext,
    private readonly frontDoor: FrontDoor,
    /** Skill routing (decision 0015); absent: every free agent takes any call. */
    private readonly skills?: AgentSkillsSource,
  ) {}

  /** Agent legs whose skills are being read (offerSkills), and whether each hung up meanwhile. */
  private readonly deciding = new Map<string, { gone: boolean }>();

  agentLeg(leg: AgentLeg): void {
    this.offer(leg).catch((err: unknown) => this.o.log.error({ err, agentId: leg.agentId }, 'offer failed'));
  }

  /**
   * A channel is gone (call-center.ts, before the hang-up handling): if it is an agent leg whose
   * offer is still waiting for the skills, the offer is dropped when they arrive. Nothing else
   * knows the leg yet (LiveCalls learns of it with the offer), so this is the only record of it.
   */
  legGone(channelId: string): void {
    const d = this.deciding.get(channelId);
    if (d) d.gone = true;
  }

  private async offer(leg: AgentLeg): Promise<void> {
    let call = this.offerable(leg);
    if (!call) {
      await this.o.switchboard.hangup(leg.channelId, 'busy');
      return;
    }
    // The call's draft is still being written (call-writes.ts): the pop waits for its number, up
    // to a deadline; the leg, the call and the agent are checked again after the wait.
    if (!call.drafted) {
      const decision = { gone: false };
      this.deciding.set(leg.channelId, decision);
      try {
        await draftWritten(this.o, call);
      } finally {
        this.deciding.delete(leg.channelId);
      }
      if (decision.gone) {
        this.o.log.info({ agentId: leg.agentId, callId: call.callId }, 'agent leg gone before its offer');
        return;
      }
      call = this.offerable(leg);
      if (!call) {
        await this.o.switchboard.hangup(leg.channelId, 'busy');
        return;
      }
    }
    // Skill routing: while the call is young, an agent without its skill (or with a worse level
    // than a free one) is declined and app_queue rings its next member at once. A shift lead's
    // direct ring is never declined.
    if (this.skills && call.directTo === null) {
      const decision = { gone: false };
      this.deciding.set(leg.channelId, decision);
      let byAgent: OfferSkills;
      try {
        byAgent = await offerSkills(this.o, this.skills, call, leg.agentId);
      } finally {
        this.deciding.delete(leg.channelId);
      }
      // The skills were read asynchronously (skill-gate.ts): the leg, the call and the agent may
      // have changed meanwhile. A leg that hung up needs nothing more; otherwise the same checks again.
      if (decision.gone) {
        this.o.log.info({ agentId: leg.agentId, callId: call.callId }, 'agent leg gone before its offer');
        return;
      }
      call = this.offerable(leg);
      if (!call) {
        await this.o.switchboard.hangup(leg.channelId, 'busy');
        return;
      }
      // A lead may have sent the caller to this agent meanwhile: a direct ring is never declined.
      const verdict = call.directTo === null ? skillVerdict(this.o, byAgent, call, leg.agentId) : null;
      if (verdict && !verdict.offer) {
        this.o.log.info({ agentId: leg.agentId, callId: call.callId, skill: call.hotline.skill, why: verdict.why }, 'agent leg declined for skill');
        await this.o.switchboard.hangup(leg.channelId, 'busy');
        return;
      }
    }
    // app_queue rang before AMI told us the caller joined: the join happened first.
    if (!call.inQueue && call.directTo === null) this.frontDoor.joined(call);
    this.o.live.offer(call, leg);
    await this.o.agents.ring(leg.agentId, call.callId); // the pop does not wait for Asterisk's device state
    const at = this.o.now();
    this.o.repo.offered(call.callId, leg.agentId, at);
    const pop = await screenPop(call, this.o, at);
    // The pop's reads took time (call-views.ts): a caller who hung up meanwhile, or a leg that
    // ended, has been published as such; an offer announced now would follow its end.
    if (this.o.live.get(call.callId)?.agentLeg !== leg.channelId) {
      this.o.log.info({ agentId: leg.agentId, callId: call.callId }, 'offer ended while its screen-pop was read: not sent');
      return;
    }
    this.o.events.emit('call.offered', leg.agentId, pop, leg.at);
    this.o.events.emit('call.updated', { callId: call.callId, state: 'offered', agentId: leg.agentId, at });
    this.o.events.emit('queue.changed', { at, upsertWaiting: [waitingView(call)] });
    // Past the deadline the pop went without the order (id 0): it follows once written.
    if (!call.drafted) this.orderAfterPop(call, leg.agentId);
  }

  /**
   * The screen-pop went out before the call's draft order was written (id 0, no number, no
   * history): once it is, `call.order` names it to the agent whose console still holds the call —
   * ringing for it, talking on it or wrapping it up (their `callId` is this call), so the order
   * panel works — with the caller's history, read then as for a pop. An agent the call has left
   * meanwhile (it ended while ringing, they declined or rejected it, someone else has it) gets
   * nothing; a console that re-syncs gets a pop read from the live call, which has the ids by
   * then. A draft whose write was given up on (logged by the front door) is told to the agent as
   * `written: false`, so that the console stops waiting for it and the agent makes an order by hand.
   */
  private orderAfterPop(call: LiveCall, agentId: number): void {
    const holds = () => this.o.agents.view(agentId).callId === call.callId;
    call.draft
      .then(
        async (d) => {
          if (!holds()) return;
          const { caller, recentCalls, openOrders } = await screenPop(call, this.o, this.o.now());
          if (!holds()) return;
          this.o.log.info({ agentId, callId: call.callId, orderId: d.orderId }, 'draft order sent after the screen-pop');
          this.o.events.emit('call.order', agentId, {
            callId: call.callId,
            orderId: d.orderId,
            orderNumber: d.orderNumber,
            written: true,
            caller,
            recentCalls,
            openOrders,
          });
        },
        () => {
          if (!holds()) return;
          this.o.log.warn({ agentId, callId: call.callId }, 'draft order of a popped call not written: its agent is told to make one');
          this.o.events.emit('call.order', agentId, {
            callId: call.callId,
            orderId: 0,
            orderNumber: '',
            written: false,
            caller: null,
            recentCalls: [],
            openOrders: [],
          });
        },
      )
      .catch((err: unknown) => this.o.log.error({ err, agentId, callId: call.callId }, 'order after the screen-pop failed'));
  }

  /** The call this leg rings for, if the agent can take it now; else undefined (logged: the leg is to be declined). */
  private offerable(leg: AgentLeg): LiveCall | undefined {
    const { live } = this.o;
    const call = (leg.callId && live.get(leg.callId)) || (leg.callerChannelId ? live.byCallerChannel(leg.callerChannelId) : undefined);
    const agent = this.o.agents.view(leg.agentId);
    // A caller withdrawn for a chosen agent rings only through our direct leg: app_queue may still
    // ring someone (even the chosen agent) before it acts on the withdrawal, and that offer
    // would end at once, leaving the agent a screen-pop it cannot answer.
    const withdrawing = call?.directTo !== null && call?.directTo !== undefined && (call.directTo !== leg.agentId || call.inQueue);
    if (!call || agent.state !== 'available' || call.state === 'answered' || withdrawing) {
      // app_queue rang an agent who cannot take it (state raced, unknown call, a withdrawal in
      // progress): decline; the queue rings someone else. Device states normally prevent this.
      this.o.log.info({ agentId: leg.agentId, callId: call?.callId, state: agent.state }, 'agent leg declined');
      return undefined;
    }
    return call;
  }

  async answer(agentId: number, callId: string): Promise<void> {
    const call = this.offeredTo(agentId, callId);
    const sw = this.o.switchboard;
    const bridgeId = await sw.connectAgentLeg(call.agentLeg!);
    // Rung directly (not by app_queue): we connect the caller ourselves.
    const callerBridgeId = call.directLeg ? await sw.bridgeCaller(call.channelId, call.directLeg) : null;
    this.o.live.bridged(call, { bridgeId, callerBridgeId }); // a hang-up from now on tears them down
    if (this.o.media) {
      // The browser's audio joins the agent leg's bridge; a media failure does not drop the call.
      await this.o.media.attach({ callId, agentId, bridgeId }).catch((err: unknown) => {
        // No browser session (a desk phone, a bot, a console still connecting): the media service
        // attaches later if the microphone comes; anything else is worth a warning.
        if ((err as { code?: unknown }).code === 'MEDIA_NOT_READY') this.o.log.info({ callId, agentId }, 'agent has no browser audio yet');
        else this.o.log.warn({ err, callId, agentId }, 'agent audio not connected');
      });
    }
    this.o.live.answer(call, agentId);
    await this.o.agents.apply(agentId, { type: 'answer' });
    const at = this.o.now();
    this.o.repo.answered(call.callId, call.draft, agentId, at);
    this.o.log.info({ callId, agentId, waitMs: at - call.enteredAt }, 'call answered');
    this.o.events.emit('call.updated', { callId, state: 'answered', agentId, at });
    this.o.events.emit('queue.changed', { at, removeWaiting: [callId] });
  }

  async reject(agentId: number, callId: string): Promise<void> {
    const call = this.offeredTo(agentId, callId);
    this.o.repo.event(callId, 'rejected', this.o.now(), agentId);
    // The leg's hang-up ends the offer (channelGone); app_queue rings the next agent.
    await this.o.switchboard.hangup(call.agentLeg!, 'busy');
  }

  /** The call ringing for this agent, for a console that (re)connects. */
  pending(agentId: number): LiveCall | undefined {
    const a = this.o.agents.view(agentId);
    return a.state === 'ringing' && a.callId ? this.o.live.get(a.callId) : undefined;
  }

  /** An agent leaving (pause, log-out) while a call rings for them: the queue rings someone else. */
  async declineRinging(agentId: number): Promise<void> {
    const call = this.pending(agentId);
    if (call?.agentLeg) await this.o.switchboard.hangup(call.agentLeg, 'busy');
  }

  private offeredTo(agentId: number, callId: string): LiveCall {
    const call = this.o.live.get(callId);
    if (!call) throw new CallError('CALL_NOT_FOUND', `call ${callId} is not in progress`);
    if (call.state !== 'offered' || call.offeredTo !== agentId || !call.agentLeg) {
      throw new CallError('CALL_NOT_OFFERED', `call ${callId} is not ringing for you`);
    }
    return call;
  }
}

/** Waits for the call's draft to be written, at most `deadlineMs`; a failed or late write is logged and the offer goes on. */
async function draftWritten(o: Pick<CallContext, 'log'>, call: LiveCall, deadlineMs = DRAFT_WAIT_DEADLINE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`draft order not written within ${deadlineMs} ms`)), deadlineMs);
    });
    await Promise.race([call.draft, late]);
  } catch (err) {
    o.log.warn({ err, callId: call.callId }, 'offering without the draft order');
  } finally {
    clearTimeout(timer);
  }
}
