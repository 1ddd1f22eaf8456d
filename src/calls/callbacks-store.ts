/**
 * The callback worklist and its assignments as a repository port (issue 16, decision 0017): the
 * statements callbacks.ts (CallbackWorklist) and callback-assignments.ts (CallbackAssignments)
 * need, asynchronous, in one of two dialects (callbacks-store-sqlite.ts, callbacks-store-pg.ts),
 * held to the same answers by one contract suite (test/calls/callbacks-store.test.ts). Which
 * orders make an entry, how a caller's orders merge, the retry policy, who may assign what — all
 * stay above the port, written once.
 *
 * An assignment is a transaction that first locks the order the entry is called for
 * (`lockOrder`: PostgreSQL `FOR NO KEY UPDATE`; SQLite's writer lock already runs one transaction
 * at a time), then checks who holds the entry and appends its row: two agents picking one free
 * entry at once are served one after the other, and the second is told it is taken.
 */
import type { Dialect } from '../db/async-db.js';
import type { UserRole } from '../db/schema.js';

/** An order as the worklist reads it. */
export interface WorklistOrder {
  readonly id: number;
  readonly number: string;
  readonly phone: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A finished outbound call made for an order: its `hung_up` event's data carries the cause. */
export interface AttemptRow {
  readonly orderId: number | null;
  readonly at: number;
  readonly outcome: string | null;
  readonly data: Record<string, unknown> | null;
}

/** One row of the assignments' trail. */
export interface AssignmentRecord {
  readonly orderId: number;
  readonly agentId: number | null;
  readonly byId: number;
  readonly at: number;
}

/** A row of the trail with its id and the assignee's display name. */
export interface AssignmentRow extends AssignmentRecord {
  readonly id: number;
  readonly name: string | null;
}

/** The statements, on one connection or inside one transaction. Id lists are at most 500 long. */
export interface CallbacksQueries {
  /** Missed-call orders with a callback duty, oldest first (then by id), at most `limit`. */
  missedOrders(limit: number): Promise<WorklistOrder[]>;
  /** Orders reviewed and waiting for the citizen's evaluation, by last change, at most `limit`. */
  reviewedOrders(limit: number): Promise<WorklistOrder[]>;
  /** Those of `orderIds` whose call has a `callback_requested` event. */
  askedOrderIds(orderIds: readonly number[]): Promise<number[]>;
  /** The finished (hung-up) outbound calls made for `orderIds`. */
  attemptRows(orderIds: readonly number[]): Promise<AttemptRow[]>;
  /** Every assignment row of `orderIds`, newest first, with the assignee's name. */
  assignmentRows(orderIds: readonly number[]): Promise<AssignmentRow[]>;
  /** The trail of `orderIds`, newest first. */
  assignmentHistory(orderIds: readonly number[]): Promise<AssignmentRecord[]>;
  /** An account's role and whether it is disabled, or undefined. */
  account(userId: number): Promise<{ readonly role: UserRole; readonly disabled: boolean } | undefined>;
  /** Inside a transaction: locks the order (see above); false when there is no such order. */
  lockOrder(orderId: number): Promise<boolean>;
  insertAssignment(row: AssignmentRecord): Promise<void>;
}

export interface CallbacksStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: CallbacksQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: CallbacksQueries) => Promise<T>): Promise<T>;
}

/** Ids per statement (SQLite's bound-parameter limit is far above; the lists stay small). */
const CHUNK = 500;

/** `fn` over `ids` in chunks of at most 500, the results joined in order. */
export async function inChunks<T>(ids: readonly number[], fn: (chunk: readonly number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await fn(ids.slice(i, i + CHUNK))));
  return out;
}
