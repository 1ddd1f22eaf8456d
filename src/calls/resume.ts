/**
 * After our restart (a deploy, a crash) Asterisk still holds the calls the previous process
 * was handling, and the database holds them as in progress (calls.state <> 'ended'). They are
 * taken over as they were, so a caller keeps its call and its work order:
 *  - at the front door (greeting) or in the queue: tracked live again under the same call id
 *    (the channel still carries SUNLINE_CALL_ID, so the agent legs app_queue rings name it);
 *    reconcile then sends a caller left in our Stasis on to the queue;
 *  - ringing an agent: back to waiting (the agent leg left in Stasis is hung up by reconcile
 *    and app_queue rings again);
 *  - answered, with its agent still logged in on it (agent_sessions) and its caller, agent leg
 *    and the leg's bridge still in Asterisk: the conversation goes on. The call is tracked with
 *    its leg and bridges, its hold and three-way state read back from Asterisk, the leg
 *    unmuted (mute cannot be read back), the previous process's externalMedia channel hung up
 *    and the agent's browser audio attached again as soon as the console's softphone is back;
 *  - answered but any of that missing: ended as `server_restart` (the caller goes on as after
 *    any agent hang-up; reconcile settles the agent).
 * Calls whose channel is gone are then finished by reconcile like any lost channel.
 */
import type { AsteriskSnapshot } from '../telephony/switchboard.js';
import type { CallContext } from './call-context.js';
import type { CallControls } from './call-controls.js';
import type { UnfinishedCall } from './calls-repository.js';
import type { LiveCall, LiveState, NewLiveCall } from './live-calls.js';
import type { Guard } from './reconcile-plan.js';

const LIVE_STATE: Record<Exclude<UnfinishedCall['state'], 'answered'>, LiveState> = {
  entered: 'front_door',
  queued: 'queued',
  offered: 'queued',
};

/** What resuming uses of the other call modules. */
export interface ResumeDeps {
  /** Tracks a call in progress (front-door.ts). */
  track(c: Omit<NewLiveCall, 'hotline' | 'priority'>): LiveCall;
  /** The hold and three-way state of a call taken over (call-controls.ts). */
  restoreControls: CallControls['restore'];
}

/** Takes over the calls the database holds as in progress and we do not track; returns them by caller channel. */
export async function resumeUnfinished(o: CallContext, deps: ResumeDeps, asterisk: AsteriskSnapshot, guard: Guard): Promise<Map<string, LiveCall>> {
  const resumed = new Map<string, LiveCall>();
  const log = o.log.child({ component: 'resume' });
  const untracked = (row: UnfinishedCall) => !o.live.get(row.callId) && !o.live.byCallerChannel(row.channelId);
  // Read after the writes queued before (CallsRepository): a call that just ended here is not taken for unfinished.
  const rows = (await o.repo.unfinished()).filter(untracked);
  for (const row of rows) {
    // Each call on its own: one that cannot be taken over now is retried, the others go on.
    await guard(row.channelId, `resume a call ${row.state}`, async () => {
      if (!untracked(row)) return;
      if (row.state === 'answered') {
        const call = await takeOverAnswered(o, deps, row, asterisk);
        if (call) {
          resumed.set(row.channelId, call);
          log.info({ callId: call.callId, agentId: call.answeredBy }, 'an answered call goes on after our restart');
        } else {
          o.repo.ended(row.callId, o.now(), 'server_restart');
          log.info({ callId: row.callId, agentId: row.agentId }, 'a call answered before our restart is over');
        }
        return;
      }
      const call = deps.track({ ...fromRow(row), state: LIVE_STATE[row.state] });
      resumed.set(row.channelId, call);
      log.info({ callId: call.callId, state: call.state }, 'resumed a call left in progress by our previous process');
    });
  }
  return resumed;
}

function fromRow(row: UnfinishedCall): Omit<NewLiveCall, 'hotline' | 'priority' | 'state'> {
  return {
    callId: row.callId,
    channelId: row.channelId,
    callerNumber: row.callerPhone,
    callerId: row.callerId,
    dialled: row.dialled,
    enteredAt: row.enteredAt,
    orderId: row.orderId,
    orderNumber: row.orderNumber,
  };
}

async function takeOverAnswered(o: CallContext, deps: ResumeDeps, row: UnfinishedCall, a: AsteriskSnapshot): Promise<LiveCall | null> {
  const agentId = row.agentId;
  const agent = agentId === null ? null : o.agents.view(agentId);
  const leg = a.agentLegs.find((l) => l.callId === row.callId && l.agentId === agentId);
  const bridge = leg && a.bridges.find((b) => b.name === `agent-leg-${leg.channelId}`);
  if (agentId === null || agent?.state !== 'on_call' || agent.callId !== row.callId || !a.channels.has(row.channelId) || !leg || !bridge) return null;
  const sw = o.switchboard;
  const hold = a.bridges.find((b) => b.name === `hold-${leg.channelId}` && b.channels.some((c) => c.id === leg.channelId));
  const direct = a.bridges.find((b) => b.name === `direct-${row.channelId}`);
  const unitLeg = a.unitLegs.find((u) => u.callId === row.callId && bridge.channels.some((c) => c.id === u.channelId));
  const unit = unitLeg?.unitId ? o.config.current().org.units.find((u) => u.id === unitLeg.unitId) : undefined;
  if (unitLeg && !unit) await sw.hangup(unitLeg.channelId).catch(() => undefined); // a unit we cannot name any more
  // The previous process's browser audio (its media worker died with it).
  for (const ch of bridge.channels) if (ch.helper) await sw.hangup(ch.id).catch(() => undefined);

  const call = deps.track({ ...fromRow(row), state: 'answered' });
  o.live.resumeAnswered(call, {
    agentId,
    agentLeg: leg.channelId,
    bridgeId: bridge.bridgeId,
    direct: direct !== undefined,
    directLeg: direct?.channels.find((c) => c.id !== row.channelId)?.id ?? null,
    callerBridgeId: direct?.bridgeId ?? null,
  });
  deps.restoreControls(row.callId, {
    holdBridgeId: hold?.bridgeId ?? null,
    conference: unitLeg && unit ? { unitId: unit.id, unitName: unit.name, channelId: unitLeg.channelId } : null,
  });
  await sw.controls.mute(leg.channelId, false).catch((err: unknown) => o.log.warn({ err, callId: row.callId }, 'unmute after restart failed'));
  // The agent's console reconnects and rebuilds its softphone: the audio attaches then.
  await o.media?.attach({ callId: row.callId, agentId, bridgeId: bridge.bridgeId }).catch((err: unknown) => {
    if ((err as { code?: unknown }).code !== 'MEDIA_NOT_READY') o.log.warn({ err, callId: row.callId }, 'agent audio not connected after restart');
  });
  return call;
}
