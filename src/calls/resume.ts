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
import type { AsteriskCalls } from '../telephony/switchboard.js';
import type { CallCenter } from './call-center.js';
import type { UnfinishedCall } from './calls-repository.js';
import type { LiveCall, LiveState } from './live-calls.js';
import type { Guard } from './reconcile.js';

const LIVE_STATE: Record<Exclude<UnfinishedCall['state'], 'answered'>, LiveState> = {
  entered: 'front_door',
  queued: 'queued',
  offered: 'queued',
};

/** Takes over the calls the database holds as in progress and we do not track; returns them by caller channel. */
export async function resumeUnfinished(cc: CallCenter, guard: Guard): Promise<Map<string, LiveCall>> {
  const resumed = new Map<string, LiveCall>();
  const log = cc.log.child({ component: 'resume' });
  const untracked = (row: UnfinishedCall) => !cc.live.get(row.callId) && !cc.live.byCallerChannel(row.channelId);
  const rows = cc.o.repo.unfinished().filter(untracked);
  const asterisk = rows.some((r) => r.state === 'answered') ? await cc.o.switchboard.callsInAsterisk() : null;
  for (const row of rows) {
    // Each call on its own: one that cannot be taken over now is retried, the others go on.
    await guard(row.channelId, `resume a call ${row.state}`, async () => {
      if (!untracked(row)) return;
      if (row.state === 'answered') {
        const call = asterisk ? await takeOverAnswered(cc, row, asterisk) : null;
        if (call) {
          resumed.set(row.channelId, call);
          log.info({ callId: call.callId, agentId: call.answeredBy }, 'an answered call goes on after our restart');
        } else {
          cc.o.repo.ended(row.callId, cc.now(), 'server_restart');
          log.info({ callId: row.callId, agentId: row.agentId }, 'a call answered before our restart is over');
        }
        return;
      }
      const call = cc.track({ ...fromRow(row), state: LIVE_STATE[row.state] });
      resumed.set(row.channelId, call);
      log.info({ callId: call.callId, state: call.state }, 'resumed a call left in progress by our previous process');
    });
  }
  return resumed;
}

function fromRow(row: UnfinishedCall): Omit<Parameters<CallCenter['track']>[0], 'state'> {
  return {
    callId: row.callId, channelId: row.channelId, callerNumber: row.callerPhone, callerId: row.callerId, dialled: row.dialled,
    enteredAt: row.enteredAt, orderId: row.orderId, orderNumber: row.orderNumber,
  };
}

async function takeOverAnswered(cc: CallCenter, row: UnfinishedCall, a: AsteriskCalls): Promise<LiveCall | null> {
  const agentId = row.agentId;
  const agent = agentId === null ? null : cc.o.agents.view(agentId);
  const leg = a.agentLegs.find((l) => l.callId === row.callId && l.agentId === agentId);
  const bridge = leg && a.bridges.find((b) => b.name === `agent-leg-${leg.channelId}`);
  if (agentId === null || agent?.state !== 'on_call' || agent.callId !== row.callId || !a.channels.has(row.channelId) || !leg || !bridge) return null;
  const sw = cc.o.switchboard;
  const hold = a.bridges.find((b) => b.name === `hold-${leg.channelId}` && b.channels.some((c) => c.id === leg.channelId));
  const direct = a.bridges.find((b) => b.name === `direct-${row.channelId}`);
  const unitLeg = a.unitLegs.find((u) => u.callId === row.callId && bridge.channels.some((c) => c.id === u.channelId));
  const unit = unitLeg?.unitId ? cc.o.config.current().org.units.find((u) => u.id === unitLeg.unitId) : undefined;
  if (unitLeg && !unit) await sw.hangup(unitLeg.channelId).catch(() => undefined); // a unit we cannot name any more
  // The previous process's browser audio (its media worker died with it).
  for (const ch of bridge.channels) if (ch.helper) await sw.hangup(ch.id).catch(() => undefined);

  const call = cc.track({ ...fromRow(row), state: 'answered' });
  Object.assign(call, {
    offeredTo: agentId, answeredBy: agentId, agentLeg: leg.channelId, bridgeId: bridge.bridgeId,
    directTo: direct ? agentId : null, directLeg: direct?.channels.find((c) => c.id !== row.channelId)?.id ?? null, callerBridgeId: direct?.bridgeId ?? null,
  });
  cc.live.setLeg(leg.channelId, row.callId, agentId);
  cc.controls.restore(row.callId, {
    holdBridgeId: hold?.bridgeId ?? null,
    conference: unitLeg && unit ? { unitId: unit.id, unitName: unit.name, channelId: unitLeg.channelId } : null,
  });
  await sw.controls.mute(leg.channelId, false).catch((err: unknown) => cc.log.warn({ err, callId: row.callId }, 'unmute after restart failed'));
  // The agent's console reconnects and rebuilds its softphone: the audio attaches then.
  await cc.o.media?.attach({ callId: row.callId, agentId, bridgeId: bridge.bridgeId }).catch((err: unknown) => {
    if ((err as { code?: unknown }).code !== 'MEDIA_NOT_READY') cc.log.warn({ err, callId: row.callId }, 'agent audio not connected after restart');
  });
  return call;
}
