/**
 * A caller's history for the console's caller-history panel: the caller's profile, past calls
 * and work orders, newest first, paged. Read by platform staff only (agents, shift leads,
 * admins), who see every order and its reporter (workorders/scope.ts); units never read it.
 * Read through its port (below), on SQLite or PostgreSQL.
 */
import type { Dialect } from '../db/async-db.js';

export interface CallerHistoryPage {
  caller: { id: number; phone: string; name: string | null; firstSeenAt: number; lastSeenAt: number };
  calls: {
    total: number;
    items: {
      callId: string;
      dialledNumber: string;
      hotline: string;
      enteredAt: number;
      answeredAt: number | null;
      endedAt: number | null;
      outcome: string | null;
      agentId: number | null;
      orderId: number | null;
      orderNumber: string | null;
    }[];
  };
  orders: {
    total: number;
    items: {
      id: number;
      number: string;
      status: string;
      category: string | null;
      subject: string | null;
      confidential: boolean;
      createdAt: number;
      callId: string | null;
    }[];
  };
  page: number;
  pageSize: number;
}

/** The caller's history page (1-based), or null for an unknown caller. */
export async function callerHistory(store: CallerHistoryStore, callerId: number, page: number, pageSize: number): Promise<CallerHistoryPage | null> {
  const found = await store.read((q) => q.historyPage(callerId, (page - 1) * pageSize, pageSize));
  if (!found) return null;
  return {
    caller: found.caller,
    calls: { total: found.callTotal, items: found.calls },
    orders: { total: found.orderTotal, items: found.orders },
    page,
    pageSize,
  };
}

/** What the port reads for one page. */
export interface CallerHistoryRows {
  caller: CallerHistoryPage['caller'];
  calls: CallerHistoryPage['calls']['items'];
  orders: CallerHistoryPage['orders']['items'];
  callTotal: number;
  orderTotal: number;
}

/** The caller history's port (caller-history-store-sqlite.ts, -pg.ts; contract: test/calls/caller-history-store.test.ts). */
export interface CallerHistoryQueries {
  /**
   * The caller, a page of their calls (newest entry first, each with the order it made) and of
   * their orders (newest first, then by id), and both totals; undefined for an unknown caller.
   */
  historyPage(callerId: number, offset: number, limit: number): Promise<CallerHistoryRows | undefined>;
}

export interface CallerHistoryStore {
  readonly dialect: Dialect;
  read<T>(fn: (q: CallerHistoryQueries) => Promise<T>): Promise<T>;
}
