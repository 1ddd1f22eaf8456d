/**
 * The order desk's own reads as a repository port (issue 16, decision 0017 step 2): the queue
 * counts and pages, the text search's window and the lookup by number, the order page's
 * context (actor names, related orders, calls), likely repeats, returns per unit and the
 * consultation list — asynchronous, in one of two dialects (desk-reads-store-sqlite.ts,
 * desk-reads-store-pg.ts), held to the same results by one contract suite
 * (test/workorders/desk-reads-store.test.ts).
 *
 * What is decided above the port, once: which queue is which arms and how their counts add up
 * to the cap (queues.ts countPlan), the cursors and clocks of a page, which orders a scope may
 * name (canSee) and what a confidential reporter hides (masking), the window of likely
 * repeats and its ranking, which units a scope sees in the returns and the consultation list,
 * and every cap. Below it, only SQL: the scope as a condition, the arms' conditions, the text
 * search (SQLite: FTS5; PostgreSQL: ILIKE on WORK_ORDER_SEARCH_TEXT).
 */
import type { Dialect } from '../../db/async-db.js';
import type { OrderFilter } from '../order-filter.js';
import type { WorkOrderRow } from '../repository.js';
import type { OrderScope } from '../scope.js';
import type { DeskQueue } from '../../contract/work-orders.js';
import type { OrderStatus } from '../lifecycle/index.js';
import type { ClockKind } from './clocks.js';

// ---- The queues (queues.ts) ----

/**
 * One index range of a queue: a status (or every status) and a condition; its clock colours it.
 * A condition written as literals (not bound values) lets SQLite use a partial index.
 */
export interface Arm {
  readonly status?: OrderStatus;
  readonly where?: ArmCondition;
  /** The status of the arm's rows when `status` is not given (the condition holds it as a literal). */
  readonly rowStatus?: OrderStatus;
  readonly clock: ClockKind | null;
  /** Every order of the arm has this colour (the condition says so): no colour counts needed. */
  readonly colour?: 'overdue' | 'dueSoon';
  /**
   * The partial index that holds exactly the arm's orders. Named (INDEXED BY) because without
   * statistics SQLite prefers an equality on the status index and checks the rest on every row
   * of that status (all evaluated orders to find the unsatisfied ones).
   */
  readonly index?: 'work_orders_unsatisfied_idx' | 'work_orders_pending_extension_idx';
}

/** An arm's own condition, as data: each adapter writes it in its dialect (values bound, except where noted). */
export type ArmCondition =
  /** The lead unit is this one (a county's own sub-platform unit). */
  | { readonly kind: 'lead'; readonly unitId: string }
  /** An extension request waits (SQLite: the JSON text 'null' once cleared; a literal, for the partial index). */
  | { readonly kind: 'pendingExtension' }
  /** Evaluated and unsatisfied (literals, for the partial index). */
  | { readonly kind: 'unsatisfied' }
  /** The handling deadline in [from, to]. */
  | { readonly kind: 'deadlineBetween'; readonly from: number; readonly to: number }
  /** The handling deadline before `at`. */
  | { readonly kind: 'deadlineBefore'; readonly at: number };

export interface QueueCount {
  readonly queue: DeskQueue;
  /** Up to the cap (`totalCapped`: there are more). */
  readonly total: number;
  readonly totalCapped: boolean;
  /** Up to the cap each (`overdueCapped`, `dueSoonCapped`: there are more). */
  readonly overdue: number;
  readonly overdueCapped: boolean;
  readonly dueSoon: number;
  readonly dueSoonCapped: boolean;
  /** The rest: on time, or no clock running (e.g. 待回访 has none); null when a count was capped. */
  readonly onTime: number | null;
}

/**
 * One count a queue's numbers need: the arm's orders, or those of one colour of its clock (the
 * clock's deadline before `now`: overdue; in [now, soon]: due soon), up to `upTo` (≥ 1).
 * `viaWaitIndex`: a waiting clock's colour of a status, counted on the clocks' partial index.
 */
export interface ArmCount {
  readonly arm: Arm;
  readonly colour?: {
    readonly clock: ClockKind;
    readonly viaWaitIndex: boolean;
    readonly range: { readonly before: number } | { readonly from: number; readonly to: number };
  };
  readonly upTo: number;
}

/** The counts of the desk's queues as a plan: it yields each count it needs and is told the answer. */
export type CountPlan = Generator<ArmCount, QueueCount[], number>;

export interface LastReturn {
  readonly reason: string | null;
  readonly at: number;
  readonly actorId: number | null;
}

/** What a page of a queue reads: its arms within a scope, past a cursor, in the spec's order. */
export interface QueueRowsQuery {
  readonly scope: OrderScope;
  readonly arms: readonly Arm[];
  readonly key: 'createdAt' | 'deadlineAt';
  readonly after: { readonly key: number; readonly id: number } | null;
  /** The page's size: up to limit + 1 positions are picked (the one more says there is a next page). */
  readonly limit: number;
  /** Read each page order's latest return (the returned queue). */
  readonly lastReturns: boolean;
}

export interface QueueRows {
  /** The sort key and id of up to limit + 1 orders, in order. */
  readonly picked: ReadonlyArray<{ readonly id: number; readonly k: number }>;
  /** The first `limit` of them, in order. */
  readonly rows: WorkOrderRow[];
  /** By order id, when asked (no entry: never returned). */
  readonly lastReturns: ReadonlyMap<number, LastReturn>;
}

// ---- The text window (text-window.ts) and the consultation list (consultation.ts) ----

export interface WindowPage {
  readonly rows: WorkOrderRow[];
  /** Matches counted in the window, up to DESK_COUNT_CAP + 1. */
  readonly n: number;
  /** The window stopped before the oldest match: `n` is a lower bound, and older matches were not checked. */
  readonly bounded: boolean;
  /** Rowid to continue below (exclusive), or null when nothing is left. */
  readonly next: number | null;
  /** This page is short because the window ended (not because the matches did). */
  readonly partial: boolean;
}

/**
 * A row of the consultation list as read (consultationRows below): the order, the unit it is
 * counted for, when, the note, and the count (1; the hours overdue; the how-many-th unsatisfied
 * evaluation).
 */
export interface ConsultationRow {
  orderId: number;
  number: string;
  subject: string | null;
  category: string | null;
  status: string;
  unitId: string | null;
  at: number;
  note: string | null;
  count: number;
}

/** A text search's window (text-window.ts): below `before` (exclusive; null: from the newest). */
export interface TextWindowQuery {
  readonly scope: OrderScope;
  readonly filter: OrderFilter;
  readonly now: number;
  readonly pageSize: number;
  readonly before: number | null;
  /** Matches checked at most (SCAN_WINDOW). */
  readonly window: number;
  /** Matches counted at most (DESK_COUNT_CAP). */
  readonly countCap: number;
}

/** An order named on the order page, with the units that decide whether the reader may name it. */
export interface NamedOrderRow {
  readonly id: number;
  readonly number: string;
  readonly status: string;
  readonly leadUnitId: string | null;
  readonly coUnitIds: string[];
}

/** An order merged into another that came with a call. */
export interface MergedCallOrderRow extends NamedOrderRow {
  readonly callId: string | null;
  readonly confidential: boolean;
}

export interface CallRow {
  readonly id: string;
  readonly hotline: string;
  readonly dialledNumber: string;
  readonly direction: string;
  readonly callerPhone: string;
  readonly state: string;
  readonly outcome: string | null;
  readonly enteredAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly agentId: number | null;
  readonly agentName: string | null;
}

/** Orders created in [from, to] other than `selfId`, not merged. */
export interface NearQuery {
  readonly selfId: number;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

export interface UnitCount {
  readonly unitId: string;
  readonly n: number;
}

/** The statements, on one connection. */
export interface DeskReadsQueries {
  /**
   * Answers the counts `plan` asks for (queues.ts countPlan: each one arm's total or colour within
   * `scope`, up to its `upTo` ≥ 1), in order, and resolves with what the plan returns. SQLite
   * runs the whole plan in one `run()` (one snapshot, the scope's plan decided once).
   */
  countQueues(scope: OrderScope, plan: CountPlan): Promise<QueueCount[]>;
  /** One page of a queue's arms past a cursor, with the last return of each order when asked. */
  queueRows(q: QueueRowsQuery): Promise<QueueRows>;
  /** A text search's page within its window (text-window.ts). */
  textWindow(q: TextWindowQuery): Promise<WindowPage>;
  /** The order with this number (any scope: the caller checks). */
  orderByNumber(number: string): Promise<WorkOrderRow | undefined>;
  /** The order `id` (any scope: the caller checks). */
  order(id: number): Promise<WorkOrderRow | undefined>;
  /** users.display_name by id, for the ids that exist. */
  displayNames(ids: readonly number[]): Promise<Array<{ id: number; name: string }>>;
  /** The orders of `ids` that exist (any scope, any order). */
  namedOrders(ids: readonly number[]): Promise<NamedOrderRow[]>;
  /** The orders merged into `orderId` that came with a call. */
  mergedWithCall(orderId: number): Promise<MergedCallOrderRow[]>;
  /** The calls made for `orderId` (calls.order_id) and the calls `callIds`, with their agent's name. */
  callsOf(orderId: number, callIds: readonly string[]): Promise<CallRow[]>;
  /** The newest `limit` orders near `q` with this reporter's phone (not confidential ones when `publicOnly`), newest first. */
  newestWithPhone(q: NearQuery, phone: string, publicOnly: boolean): Promise<WorkOrderRow[]>;
  /** The newest `limit` orders near `q` at this location, newest first. */
  newestAtPlace(q: NearQuery, place: string): Promise<WorkOrderRow[]>;
  /**
   * Orders near `q` whose text holds any of `phrases` (any column of the search, a confidential
   * reporter's name included): of the `hits` newest by id in the id range of [from, to] (merged
   * ones too), those not merged and created in [from, to], newest id first, at most `limit`.
   */
  textNear(q: NearQuery, phrases: readonly string[], hits: number): Promise<WorkOrderRow[]>;
  /** Returns since `since` by the returning actor's unit; dispatches and redispatches by lead unit. */
  unitReturnCounts(since: number): Promise<{ returned: UnitCount[]; dispatched: UnitCount[] }>;
  /** The consultation list's three kinds of row for [from, to), each at most `maxRows`, oldest first. */
  consultationRows(
    from: number,
    to: number,
    maxRows: number,
  ): Promise<{ returns: ConsultationRow[]; overdue: ConsultationRow[]; unsatisfied: ConsultationRow[] }>;
}

export interface DeskReadsStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: DeskReadsQueries) => Promise<T>): Promise<T>;
}
