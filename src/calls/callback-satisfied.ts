/**
 * A citizen who calls in again before being called back needs no callback (issue 12 item 2):
 * when an agent answers a call, the caller's open missed-call orders (same number, callback duty)
 * are merged into the call's order — the conversation now carries their demand, their duty ends
 * (lifecycle `merge_into`, acting as the platform) and the worklist drops the entry. A caller who
 * only abandons again keeps the duty: nothing happens before an agent answers.
 */
import type { Logger } from 'pino';
import type { DomainEvents } from '../events/domain-events.js';
import type { Actor } from '../workorders/lifecycle/index.js';
import type { WorkOrdersService } from '../workorders/index.js';
import type { CallWrites } from './call-writes.js';

export class CallbackSatisfaction {
  constructor(private readonly o: { orders: WorkOrdersService; actor: Actor; log: Logger; writes?: CallWrites }) {}

  /** Listens for answered calls; returns the unsubscribe function. */
  attach(events: DomainEvents): () => void {
    const on = (u: { callId: string; state: string }) => {
      if (u.state !== 'answered') return;
      // Behind the call's own writes (its `answered` included), in the call path's queue when there is one.
      const merged = this.o.writes ? this.o.writes.write('callback duty', { callId: u.callId }, () => this.answered(u.callId)) : this.answered(u.callId);
      merged.catch((err: unknown) => this.o.log.warn({ err, callId: u.callId }, 'callback duty not closed by the answered call'));
    };
    events.on('call.updated', on);
    return () => void events.off('call.updated', on);
  }

  /**
   * The call `callId` was answered: its caller's earlier missed calls merge into its order. Returns their ids.
   * The order and the missed calls are read through the orders port (committed data, either
   * dialect), each merge then decided again on the order read in the transaction.
   */
  async answered(callId: string): Promise<number[]> {
    const { orders } = this.o;
    const found = await orders.store.read(async (q) => {
      const id = await q.orders.idOfCall(callId);
      const order = id === undefined ? undefined : await q.orders.find(id);
      if (!order?.callerPhone) return null;
      return { order, missed: await q.orders.missedWithDuty(order.callerPhone, order.id, order.createdAt) };
    });
    if (!found || found.missed.length === 0) return [];
    const { order, missed } = found;
    await orders.transaction(async (tx) => {
      for (const id of missed) await orders.applyWithin(tx, id, { type: 'merge_into', targetOrderId: order.id }, this.o.actor);
    });
    this.o.log.info({ callId, orderId: order.id, merged: missed }, 'callback duty met by the caller calling in');
    return missed;
  }
}
