/**
 * After a (re)connect, or when a caller shows up in the queue without our front door, make our
 * live state match Asterisk's (CONVENTIONS.md #2):
 *  - calls the database holds as in progress and we do not track (our previous process's) are
 *    taken over under their own call id (resume.ts); one left at the front door goes on to the
 *    queue, or is marked queued if it is there already;
 *  - callers waiting in the queue that we do not know (the dialplan's fallback while we were
 *    down) are adopted: a call record and a draft order, marked so their agent legs name them;
 *  - inbound channels left in our Stasis app (our websocket dropped mid-greeting) go on to the
 *    queue; agent legs and unknown three-way unit legs left there are hung up (app_queue rings
 *    again);
 *  - live calls whose channels no longer exist (Asterisk restarted) are finished;
 *  - once per process, at its first reconcile: agents back (agent_sessions) on a call or an
 *    offer that did not survive are settled (wrap-up, available); the bridges our previous
 *    process made (agent leg, direct offer, hold) that hold nothing we track are destroyed, and
 *    the externalMedia / snoop channels in them hung up (nothing of ours is in flight before
 *    the first reconcile).
 */
import type { CallCenter } from './call-center.js';
import { resumeUnfinished } from './resume.js';
import type { LiveCall } from './live-calls.js';

const running = new WeakMap<CallCenter, Promise<void>>();
const swept = new WeakSet<CallCenter>();
/** Resumed calls still at the front door, kept until a run has moved them (a run may fail halfway). */
const resumedAtFrontDoor = new WeakMap<CallCenter, Map<string, LiveCall>>();

export function reconcile(cc: CallCenter): Promise<void> {
  const current = running.get(cc);
  if (current) return current.then(() => reconcile(cc));
  const run = doReconcile(cc).finally(() => running.delete(cc));
  running.set(cc, run);
  return run;
}

async function doReconcile(cc: CallCenter): Promise<void> {
  const sw = cc.o.switchboard;
  const log = cc.o.log.child({ component: 'reconcile' });

  let resumed = resumedAtFrontDoor.get(cc);
  if (!resumed) resumedAtFrontDoor.set(cc, (resumed = new Map()));
  for (const [channelId, call] of await resumeUnfinished(cc)) if (call.state === 'front_door') resumed.set(channelId, call);
  const atFrontDoor = (channelId: string) => {
    const call = resumed.get(channelId);
    if (call && call.state === 'front_door' && cc.live.get(call.callId) === call) return call;
    resumed.delete(channelId);
    return undefined;
  };
  const sentOn = new Set<string>(); // its QueueCallerJoin will mark it queued

  const existing = await sw.channelIds();
  for (const call of cc.live.all()) {
    if (!existing.has(call.channelId)) cc.channelGone(call.channelId, 'lost');
  }

  for (const ch of await sw.stasisChannels()) {
    const left = atFrontDoor(ch.channelId);
    if (left) {
      // Our previous process stopped during its greeting: the queue now, as drain() would have.
      log.info({ callId: left.callId }, 'a resumed caller left in Stasis goes on to the queue');
      sentOn.add(ch.channelId);
      await sw.sendToQueue(ch.channelId, { callId: left.callId, priority: left.priority });
      resumed.delete(ch.channelId);
      continue;
    }
    if (cc.live.byCallerChannel(ch.channelId) || cc.live.leg(ch.channelId) || cc.controls.isUnitLeg(ch.channelId)) continue;
    // A three-way call's unit leg we no longer know (our restart): not a caller to adopt.
    if (ch.context === 'agents' || (await sw.getVar(ch.channelId, 'SUNLINE_UNIT_LEG').catch(() => undefined))) {
      await sw.hangup(ch.channelId, 'busy');
      continue;
    }
    const dialled = (await sw.getVar(ch.channelId, 'SUNLINE_DIALLED').catch(() => undefined)) ?? ch.exten;
    const call = cc.register(ch.channelId, ch.callerNumber, ch.callerName, dialled, 'front_door');
    log.info({ callId: call.callId }, 'adopted a caller left in Stasis');
    await sw.sendToQueue(ch.channelId, { callId: call.callId, priority: call.priority });
  }

  for (const entry of await sw.queueEntries()) {
    // It joined the queue while we were away (drain() sent it there).
    if (!sentOn.has(entry.channelId) && atFrontDoor(entry.channelId)) cc.queueJoined(entry.channelId);
    if (cc.live.byCallerChannel(entry.channelId)) continue;
    const dialled = (await sw.getVar(entry.channelName, 'SUNLINE_DIALLED').catch(() => undefined)) ?? sw.queue;
    const call = cc.register(entry.channelId, entry.callerNumber, '', dialled, 'queued');
    await sw.markForAgents(entry.channelName, call.callId, entry.channelId);
    log.info({ callId: call.callId, waitSecs: entry.waitSecs }, 'adopted a caller from the queue');
  }

  if (!swept.has(cc)) {
    await settleRestoredAgents(cc);
    await sweepLeftovers(cc);
    swept.add(cc);
  }
}

/** Agents back after our restart (agent_sessions) on a call or an offer that did not survive it. */
async function settleRestoredAgents(cc: CallCenter): Promise<void> {
  for (const a of cc.o.agents.loggedIn()) {
    if ((a.state !== 'ringing' && a.state !== 'on_call') || a.callId === null) continue;
    const call = cc.live.get(a.callId);
    const theirs = a.state === 'on_call' ? call?.state === 'answered' && call.answeredBy === a.agentId : call?.offeredTo === a.agentId;
    if (!theirs) await cc.o.agents.settleCall(a.agentId, a.callId);
  }
}

async function sweepLeftovers(cc: CallCenter): Promise<void> {
  const sw = cc.o.switchboard;
  const tracked = (id: string) => cc.live.byCallerChannel(id) || cc.live.leg(id) || cc.controls.isUnitLeg(id);
  const inUse = new Set(cc.live.all().flatMap((c) => [c.bridgeId, c.callerBridgeId]));
  for (const bridge of await sw.ownBridges()) {
    if (inUse.has(bridge.bridgeId) || bridge.channels.some((ch) => tracked(ch.id))) continue;
    for (const ch of bridge.channels) if (ch.helper) await sw.hangup(ch.id).catch(() => undefined);
    await sw.destroyBridge(bridge.bridgeId);
    cc.log.info({ bridgeId: bridge.bridgeId, channels: bridge.channels.length }, 'removed a bridge left by our previous process');
  }
}
