/**
 * After a (re)connect, or when a caller shows up in the queue without our front door, make our
 * live state match Asterisk's (CONVENTIONS.md #2):
 *  - callers waiting in the queue that we do not know (the dialplan's fallback while we were
 *    down) are adopted: a call record and a draft order, marked so their agent legs name them;
 *  - inbound channels left in our Stasis app (our websocket dropped mid-greeting) go on to the
 *    queue; agent legs and unknown three-way unit legs left there are hung up (app_queue rings
 *    again);
 *  - live calls whose channels no longer exist (Asterisk restarted) are finished.
 */
import type { CallCenter } from './call-center.js';

const running = new WeakMap<CallCenter, Promise<void>>();

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

  const existing = await sw.channelIds();
  for (const call of cc.live.all()) {
    if (!existing.has(call.channelId)) cc.channelGone(call.channelId, 'lost');
  }

  for (const ch of await sw.stasisChannels()) {
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
    if (cc.live.byCallerChannel(entry.channelId)) continue;
    const dialled = (await sw.getVar(entry.channelName, 'SUNLINE_DIALLED').catch(() => undefined)) ?? sw.queue;
    const call = cc.register(entry.channelId, entry.callerNumber, '', dialled, 'queued');
    await sw.markForAgents(entry.channelName, call.callId, entry.channelId);
    log.info({ callId: call.callId, waitSecs: entry.waitSecs }, 'adopted a caller from the queue');
  }
}
