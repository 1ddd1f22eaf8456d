/**
 * The demo's console: one human-readable line per thing a person watching cares about (a call
 * arrives, is offered, answered, ends; a missed caller is called back; an order changes; a time
 * limit warns). The JSON log goes
 * to a file; this reads the server's domain events, the same ones the consoles get.
 */
import type { DomainEvents } from '../../src/events/domain-events.js';
import { maskPhone } from '../../src/logging/mask.js';

export interface NarratorOptions {
  readonly write: (line: string) => void;
  /** An agent's display name (the bots and agent1…). */
  readonly agentName: (agentId: number) => string;
  readonly now?: () => Date;
}

const time = (d: Date) => d.toTimeString().slice(0, 8);

/** Subscribes to `events`; returns the unsubscribe. */
export function narrate(events: DomainEvents, o: NarratorOptions): () => void {
  const now = o.now ?? (() => new Date());
  const say = (text: string) => o.write(`${time(now())}  ${text}`);
  const waiting = new Set<string>();
  const short = (callId: string) => callId.slice(0, 8);

  const onQueue: Parameters<typeof events.on<'queue.changed'>>[1] = (delta) => {
    for (const w of delta.upsertWaiting ?? []) {
      if (waiting.has(w.callId)) continue;
      waiting.add(w.callId);
      say(`call ${short(w.callId)} from ${maskPhone(w.callerNumber)} dialled ${w.hotline.number} (${w.hotline.name.en}): waiting`);
    }
    for (const id of delta.removeWaiting ?? []) waiting.delete(id);
  };
  const onOffered: Parameters<typeof events.on<'call.offered'>>[1] = (agentId, pop) => {
    say(`call ${short(pop.callId)} offered to ${o.agentName(agentId)} (waited ${Math.round(pop.waitMs / 1000)} s; draft order ${pop.draftOrder.number})`);
  };
  const onCall: Parameters<typeof events.on<'call.updated'>>[1] = (u) => {
    if (u.state === 'answered') say(`call ${short(u.callId)} answered by ${u.agentId === null ? 'an agent' : o.agentName(u.agentId)}`);
    else if (u.state === 'ended') say(`call ${short(u.callId)} ended${u.reason ? ` (${u.reason.replace(/_/g, ' ')})` : ''}`);
  };
  const onOrder: Parameters<typeof events.on<'workorder.applied'>>[1] = (c) => {
    say(`order #${c.orderId}: ${c.action.replace(/_/g, ' ')}`);
  };
  const onDeadline: Parameters<typeof events.on<'workorder.deadline'>>[1] = (w) => {
    say(`warning: order ${w.number} ${w.kind.replace(/_/g, ' ')}${w.leadUnitId ? ` (${w.leadUnitId})` : ''}`);
  };
  const onOutbound: Parameters<typeof events.on<'call.outbound'>>[1] = (v) => {
    if (v.state === 'dialling') say(`callback ${short(v.callId)}: ${o.agentName(v.agentId)} dials ${maskPhone(v.number)} for order ${v.orderNumber}`);
    else if (v.state === 'ended')
      say(`callback ${short(v.callId)} ended: ${(v.result ?? 'failed').replace(/_/g, ' ')}${v.reason ? ` (${v.reason.replace(/_/g, ' ')})` : ''}`);
  };
  const onTelephony: Parameters<typeof events.on<'telephony.status'>>[1] = (s) => say(`Asterisk connection ${s.telephony}`);

  events.on('queue.changed', onQueue);
  events.on('call.offered', onOffered);
  events.on('call.updated', onCall);
  events.on('workorder.applied', onOrder);
  events.on('workorder.deadline', onDeadline);
  events.on('telephony.status', onTelephony);
  events.on('call.outbound', onOutbound);
  return () => {
    events.off('queue.changed', onQueue);
    events.off('call.offered', onOffered);
    events.off('call.updated', onCall);
    events.off('workorder.applied', onOrder);
    events.off('workorder.deadline', onDeadline);
    events.off('telephony.status', onTelephony);
    events.off('call.outbound', onOutbound);
  };
}
