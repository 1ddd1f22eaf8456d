/**
 * Who should make a callback (issue 12 item 2: "a lead assigns entries to agents or lets agents
 * pick"). An entry of the callback worklist (callbacks.ts) is keyed by the order it is called for;
 * its assignment is the newest callback_assignments row of any of its orders (a caller's repeat
 * abandon joins the entry, and the entry keeps its agent). The table is append-only: each change
 * is a row saying who did it and when, so the rows are the audit trail.
 *
 * Scope: a shift lead assigns any entry to any enabled agent or shift lead, or takes it back; an
 * agent only picks a free entry (or one already theirs) for themselves, and gives back their own.
 */
import type { UserRole } from '../db/schema.js';
import type { CallbackAssignee } from '../contract/index.js';
import { inChunks, type AssignmentRecord, type AssignmentRow, type CallbacksQueries, type CallbacksStore } from './callbacks-store.js';
import { CallError } from './errors.js';

export type { AssignmentRecord };

export interface AssignmentActor {
  readonly id: number;
  readonly role: UserRole;
}

export class CallbackAssignments {
  constructor(
    private readonly store: CallbacksStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The assignee of each entry (a list of its order ids): the newest row among its orders, null when none or freed. */
  forEntries(entries: readonly (readonly number[])[]): Promise<(CallbackAssignee | null)[]> {
    return this.store.read((q) => this.forEntriesOn(q, entries));
  }

  /** The same on a connection the caller holds (the worklist's read, an assignment's transaction). */
  async forEntriesOn(q: CallbacksQueries, entries: readonly (readonly number[])[]): Promise<(CallbackAssignee | null)[]> {
    const newest = await this.newestRows(q, entries.flat());
    return entries.map((ids) => {
      const r = ids.map((id) => newest.get(id)).reduce<AssignmentRow | undefined>((a, b) => (b && (!a || b.id > a.id) ? b : a), undefined);
      return r && r.agentId !== null ? { agentId: r.agentId, displayName: r.name ?? '', byId: r.byId, at: r.at } : null;
    });
  }

  /** The assignee of one entry. */
  async of(orderIds: readonly number[]): Promise<CallbackAssignee | null> {
    return (await this.forEntries([orderIds]))[0] ?? null;
  }

  /**
   * Assigns the entry of `orderId` (an order on the worklist now, `orderIds` its entry) to
   * `agentId`, or frees it (null); the row goes on the order the entry is called for. One
   * transaction that first locks that order (callbacks-store.ts), so two changes of one entry
   * take turns and each checks who holds it after the other. Refusals change nothing:
   * CALLBACK_ASSIGNEE_INVALID, CALLBACK_TAKEN (an agent acting for another or on a taken entry).
   */
  assign(entryOrderIds: readonly number[], agentId: number | null, by: AssignmentActor): Promise<CallbackAssignee | null> {
    const orderId = entryOrderIds[0];
    if (orderId === undefined) return Promise.reject(new CallError('CALLBACK_NOT_FOUND'));
    return this.store.transaction(async (tx) => {
      if (!(await tx.lockOrder(orderId))) throw new CallError('CALLBACK_NOT_FOUND');
      if (agentId !== null) {
        const u = await tx.account(agentId);
        if (!u || u.disabled || (u.role !== 'agent' && u.role !== 'shift_lead'))
          throw new CallError('CALLBACK_ASSIGNEE_INVALID', `user ${agentId} cannot make callbacks`);
      }
      if (by.role !== 'shift_lead') {
        const held = (await this.forEntriesOn(tx, [entryOrderIds]))[0] ?? null;
        if (agentId !== null && agentId !== by.id) throw new CallError('CALLBACK_TAKEN', 'an agent picks callbacks for themselves only');
        if (held !== null && held.agentId !== by.id) throw new CallError('CALLBACK_TAKEN', `the callback is assigned to ${held.displayName}`);
      }
      await tx.insertAssignment({ orderId, agentId, byId: by.id, at: this.now() });
      return (await this.forEntriesOn(tx, [entryOrderIds]))[0] ?? null;
    });
  }

  /** The trail of an entry's orders, newest first. */
  history(orderIds: readonly number[]): Promise<AssignmentRecord[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.store.read((q) => q.assignmentHistory(orderIds));
  }

  /** The newest row of each order. */
  private async newestRows(q: CallbacksQueries, orderIds: readonly number[]): Promise<Map<number, AssignmentRow>> {
    const newest = new Map<number, AssignmentRow>();
    for (const r of await inChunks(orderIds, (ids) => q.assignmentRows(ids))) {
      const seen = newest.get(r.orderId);
      if (!seen || r.id > seen.id) newest.set(r.orderId, r);
    }
    return newest;
  }
}
