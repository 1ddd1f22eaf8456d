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
import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { callbackAssignments, users, workOrders, type UserRole } from '../db/schema.js';
import type { CallbackAssignee } from '../contract/index.js';
import { CallError } from './errors.js';

export interface AssignmentActor {
  readonly id: number;
  readonly role: UserRole;
}

/** One row of the trail, newest first. */
export interface AssignmentRecord {
  readonly orderId: number;
  readonly agentId: number | null;
  readonly byId: number;
  readonly at: number;
}

export class CallbackAssignments {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** The assignee of each entry (a list of its order ids): the newest row among its orders, null when none or freed. */
  forEntries(entries: readonly (readonly number[])[]): (CallbackAssignee | null)[] {
    const newest = this.newestRows(entries.flat());
    return entries.map((ids) => {
      const r = ids.map((id) => newest.get(id)).reduce<Row | undefined>((a, b) => (b && (!a || b.id > a.id) ? b : a), undefined);
      return r && r.agentId !== null ? { agentId: r.agentId, displayName: r.name ?? '', byId: r.byId, at: r.at } : null;
    });
  }

  /** The assignee of one entry. */
  of(orderIds: readonly number[]): CallbackAssignee | null {
    return this.forEntries([orderIds])[0] ?? null;
  }

  /**
   * Assigns the entry of `orderId` (an order on the worklist now, `orderIds` its entry) to
   * `agentId`, or frees it (null); the row goes on the order the entry is called for. Refusals
   * change nothing: CALLBACK_ASSIGNEE_INVALID, CALLBACK_TAKEN (an agent acting for another).
   */
  assign(entryOrderIds: readonly number[], agentId: number | null, by: AssignmentActor): CallbackAssignee | null {
    const orderId = entryOrderIds[0];
    if (orderId === undefined) throw new CallError('CALLBACK_NOT_FOUND');
    if (agentId !== null) {
      const u = this.db.select({ role: users.role, disabled: users.disabled }).from(users).where(eq(users.id, agentId)).get();
      if (!u || u.disabled || (u.role !== 'agent' && u.role !== 'shift_lead'))
        throw new CallError('CALLBACK_ASSIGNEE_INVALID', `user ${agentId} cannot make callbacks`);
    }
    if (by.role !== 'shift_lead') {
      const held = this.of(entryOrderIds);
      if (agentId !== null && agentId !== by.id) throw new CallError('CALLBACK_TAKEN', 'an agent picks callbacks for themselves only');
      if (held !== null && held.agentId !== by.id) throw new CallError('CALLBACK_TAKEN', `the callback is assigned to ${held.displayName}`);
    }
    const exists = this.db.select({ id: workOrders.id }).from(workOrders).where(eq(workOrders.id, orderId)).get();
    if (!exists) throw new CallError('CALLBACK_NOT_FOUND');
    this.db.insert(callbackAssignments).values({ orderId, agentId, byId: by.id, at: this.now() }).run();
    return this.of(entryOrderIds);
  }

  /** The trail of an entry's orders, newest first. */
  history(orderIds: readonly number[]): AssignmentRecord[] {
    if (orderIds.length === 0) return [];
    return this.db
      .select({ orderId: callbackAssignments.orderId, agentId: callbackAssignments.agentId, byId: callbackAssignments.byId, at: callbackAssignments.at })
      .from(callbackAssignments)
      .where(inArray(callbackAssignments.orderId, [...orderIds]))
      .orderBy(desc(callbackAssignments.id))
      .all();
  }

  /** The newest row of each order. */
  private newestRows(orderIds: readonly number[]): Map<number, Row> {
    const newest = new Map<number, Row>();
    for (let i = 0; i < orderIds.length; i += 500) {
      const rows = this.db
        .select({
          id: callbackAssignments.id,
          orderId: callbackAssignments.orderId,
          agentId: callbackAssignments.agentId,
          byId: callbackAssignments.byId,
          at: callbackAssignments.at,
          name: users.displayName,
        })
        .from(callbackAssignments)
        .leftJoin(users, eq(users.id, callbackAssignments.agentId))
        .where(inArray(callbackAssignments.orderId, orderIds.slice(i, i + 500)))
        .orderBy(desc(callbackAssignments.id))
        .all();
      for (const r of rows) if (!newest.has(r.orderId)) newest.set(r.orderId, r);
    }
    return newest;
  }
}

type Row = AssignmentRecord & { readonly id: number; readonly name: string | null };
