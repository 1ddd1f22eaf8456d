/**
 * The order desk's work queues (派单/审核 工作台, issue 10): which orders wait for the centre, how
 * many per queue with their deadline colours, and one page of a queue at a time (keyset cursor).
 * Every query runs within the caller's scope (scope.ts): a county dispatcher counts and lists
 * only its subtree's orders.
 *
 * Each queue is a union of "arms" — one status (or the partial index of pending extensions) with
 * an optional condition — so that each arm walks one index range in list order; the arms of a
 * page are merged like order-pages.ts merges several statuses.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { workOrders } from '../../db/schema.js';
import { dueState, type DueState, type WaitClock } from '../deadlines/index.js';
import { DESK_QUEUES, type DeskQueue } from '../../contract/work-orders.js';
import type { OrderStatus } from '../lifecycle/index.js';
import { rowsInOrder } from '../order-pages.js';
import type { WorkOrderRow } from '../repository.js';
import { scopeCondition, type OrderScope } from '../scope.js';
import { soonLimits, type ClockKind, type DeskClockConfig } from './clocks.js';

// The queue names are shared with the web app (the contract).
export { DESK_QUEUES, type DeskQueue } from '../../contract/work-orders.js';

/** The statuses in which the unit owes its handling (the handling clock runs, as in due-states.ts). */
const HANDLING: readonly OrderStatus[] = ['dispatched', 'signed', 'in_progress', 'supervised'];

/**
 * One index range of a queue: a status (or every status) and a condition; its clock colours it.
 * A condition written as literals (not bound values) lets SQLite use a partial index.
 */
interface Arm {
  readonly status?: OrderStatus;
  readonly where?: (now: number, soon: SoonLimits) => SQL;
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

interface QueueSpec {
  readonly arms: readonly Arm[];
  /** createdAt: oldest first (first come, first served); deadlineAt: most urgent first. */
  readonly key: 'createdAt' | 'deadlineAt';
}

/** The latest deadline still due soon, per clock (clocks.ts). */
export type SoonLimits = (clock: ClockKind) => number;

/** Who looks: the city centre, or a county sub-platform (its own unit receives the city's orders). */
export interface DeskViewer {
  readonly scope: OrderScope;
  /** A county dispatcher's sub-platform unit; null for the city centre. */
  readonly subPlatformUnitId: string | null;
}

const col = {
  deadline: sql`${workOrders.deadlineAt}`,
  created: sql`${workOrders.createdAt}`,
};

/**
 * The queues as arms. 待派单 is the accepted orders for the city (online intake, and the orders an
 * agent accepted without answering them on the spot: "hand to dispatch"); for a county
 * sub-platform it is the orders the city dispatched to the sub-platform itself, waiting to be
 * passed on (redispatch from dispatched) to one of its units.
 */
function specOf(queue: DeskQueue, viewer: DeskViewer): QueueSpec {
  const handling = (where: Arm['where'], colour: Arm['colour']): Arm[] => HANDLING.map((status) => ({ status, where, clock: 'handling' as const, colour }));
  switch (queue) {
    case 'to_dispatch':
      return viewer.subPlatformUnitId === null
        ? { key: 'createdAt', arms: [{ status: 'accepted', clock: 'dispatch' }] }
        : {
            key: 'createdAt',
            arms: [{ status: 'dispatched', where: () => sql`${workOrders.leadUnitId} = ${viewer.subPlatformUnitId}`, clock: 'sign' }],
          };
    case 'returned':
      return { key: 'createdAt', arms: [{ status: 'returned', clock: 'redispatch' }] };
    case 'to_review':
      return { key: 'createdAt', arms: [{ status: 'replied', clock: 'review' }] };
    case 'extension_requested':
      // The partial index work_orders_pending_extension_idx holds exactly these (a cleared request is the JSON text 'null').
      return {
        key: 'createdAt',
        arms: [{ where: () => sql`${workOrders.pendingExtension} <> 'null'`, clock: 'extension', index: 'work_orders_pending_extension_idx' }],
      };
    case 'to_callback':
      return { key: 'createdAt', arms: [{ status: 'reviewed', clock: null }] };
    case 'unsatisfied':
      return {
        key: 'createdAt',
        arms: [
          // Literals: the partial index work_orders_unsatisfied_idx holds exactly these.
          {
            rowStatus: 'evaluated',
            where: () => sql`${workOrders.status} = 'evaluated' and ${workOrders.satisfaction} = 'unsatisfied'`,
            clock: 'unsatisfied',
            index: 'work_orders_unsatisfied_idx',
          },
          { status: 'supervised', clock: 'handling' },
        ],
      };
    case 'due_soon':
      return { key: 'deadlineAt', arms: handling((now, soon) => sql`${workOrders.deadlineAt} between ${now} and ${soon('handling')}`, 'dueSoon') };
    case 'overdue':
      return { key: 'deadlineAt', arms: handling((now) => sql`${workOrders.deadlineAt} < ${now}`, 'overdue') };
  }
}

const isWaitClock = (clock: ClockKind): clock is WaitClock => clock !== 'handling' && clock !== 'sign';

/**
 * The column a clock counts against. The waiting clocks' deadlines are in a partial index of the
 * orders whose clock runs (work_orders_wait_clock_idx), which their colour counts walk.
 */
function clockColumn(clock: ClockKind): SQL {
  if (clock === 'handling') return col.deadline;
  if (clock === 'sign') return sql`${workOrders.signDeadlineAt}`;
  return sql`${workOrders.waitDeadlineAt}`;
}

/**
 * Queue counts stop at this many (a count reads at most this many + 1 index entries): past it a
 * number is shown as "1000+". Counting a backlog of 100,000 accepted orders and 300,000 overdue
 * ones exactly, eight queues with their colours at every refresh, took 25–43 ms at 1M orders;
 * nobody works a queue by its exact size past a thousand (docs/performance.md).
 */
export const QUEUE_COUNT_CAP = 1000;

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
 * The arm's condition. `onClock`: a colour count on a waiting clock, whose range on the (partial)
 * wait index is the narrower one: the status is then checked on each row (unary +) rather than
 * walked (a backlog of accepted orders is large, the ones whose clock runs out now are few).
 */
function armWhere(arm: Arm, scopeSql: SQL | undefined, now: number, soon: SoonLimits, onClock = false): SQL {
  const parts: SQL[] = [];
  if (arm.status) parts.push(onClock ? sql`+${workOrders.status} = ${arm.status}` : sql`${workOrders.status} = ${arm.status}`);
  if (arm.where) parts.push(arm.where(now, soon));
  if (scopeSql) parts.push(scopeSql);
  return parts.length === 0 ? sql`1` : sql.join(parts, sql` and `);
}

/** work_orders, through the arm's own index if it has one. */
const from = (arm: Arm): SQL => (arm.index ? sql`${workOrders} indexed by ${sql.identifier(arm.index)}` : sql`${workOrders}`);

/** The arm's orders matching `where`, counted up to `upTo` (at most that many index entries read). */
const countOf = (db: Db, arm: Arm, where: SQL, upTo: number): number =>
  upTo <= 0 ? 0 : (db.get<{ n: number }>(sql`select count(*) as n from (select 1 from ${from(arm)} where ${where} limit ${upTo})`)?.n ?? 0);

/** Every queue's count and colours within the viewer's scope, each counted up to `cap` (QUEUE_COUNT_CAP). */
export function queueCounts(db: Db, viewer: DeskViewer, now: number, cfg: DeskClockConfig, cap = QUEUE_COUNT_CAP): QueueCount[] {
  const soon = soonLimits(now, cfg);
  const scopeSql = scopeCondition(viewer.scope, db);
  // Each sum stops one past the cap: that one says "there are more".
  const room = (n: number) => cap + 1 - n;
  return DESK_QUEUES.map((queue) => {
    let total = 0;
    let overdue = 0;
    let dueSoon = 0;
    for (const arm of specOf(queue, viewer).arms) {
      const n = countOf(db, arm, armWhere(arm, scopeSql, now, soon), room(total));
      total += n;
      if (arm.colour === 'overdue') overdue += n;
      if (arm.colour === 'dueSoon') dueSoon += n;
      if (arm.clock === null || arm.colour !== undefined || n === 0) continue;
      const c = clockColumn(arm.clock);
      // A waiting clock's colours of a status are counted on the clocks' partial index
      // (wait_clock, wait_deadline_at), the clock named as a literal so that SQLite sees the index
      // applies; an arm with its own index (a few orders) reads those.
      const viaClock = isWaitClock(arm.clock) && !arm.index;
      const where = viaClock
        ? sql`${armWhere(arm, scopeSql, now, soon, true)} and ${workOrders.waitClock} = ${sql.raw(`'${arm.clock}'`)}`
        : armWhere(arm, scopeSql, now, soon);
      overdue += countOf(db, arm, sql`${where} and ${c} < ${now}`, room(overdue));
      dueSoon += countOf(db, arm, sql`${where} and ${c} between ${now} and ${soon(arm.clock)}`, room(dueSoon));
    }
    const capped = { total: total > cap, overdue: overdue > cap, dueSoon: dueSoon > cap };
    return {
      queue,
      total: Math.min(total, cap),
      totalCapped: capped.total,
      overdue: Math.min(overdue, cap),
      overdueCapped: capped.overdue,
      dueSoon: Math.min(dueSoon, cap),
      dueSoonCapped: capped.dueSoon,
      onTime: capped.total || capped.overdue || capped.dueSoon ? null : total - overdue - dueSoon,
    };
  });
}

export interface QueueItem {
  readonly row: WorkOrderRow;
  /** The clock the queue shows for this order and where it stands; null when none runs. */
  readonly clock: { readonly kind: ClockKind; readonly deadlineAt: number; readonly state: DueState } | null;
}

export interface QueuePage {
  readonly items: QueueItem[];
  /** Opaque; pass it back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** A cursor: the sort key and id of the last order of the previous page. */
export function encodeCursor(key: number, id: number): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/** The position a cursor stands for, or null when it is not one of ours. */
export function decodeCursor(cursor: string): { key: number; id: number } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x))) return { key: v[0] as number, id: v[1] as number };
  } catch {
    // not base64url JSON: refused below like any other foreign value
  }
  return null;
}

/**
 * One page of a queue, oldest (or most urgent) first, after `after` (a decoded cursor). Each arm
 * takes its first `limit + 1` orders past the cursor from its own index range; only those are merged.
 */
export function queuePage(
  db: Db,
  viewer: DeskViewer,
  queue: DeskQueue,
  after: { key: number; id: number } | null,
  limit: number,
  now: number,
  cfg: DeskClockConfig,
): QueuePage {
  const soon = soonLimits(now, cfg);
  const spec = specOf(queue, viewer);
  const key = spec.key === 'createdAt' ? col.created : col.deadline;
  const scopeSql = scopeCondition(viewer.scope, db);
  const past = after ? sql` and (${key}, ${workOrders.id}) > (${after.key}, ${after.id})` : sql``;
  const arms = spec.arms.map(
    (arm) =>
      sql`select * from (select ${workOrders.id} as id, ${key} as k from ${from(arm)} where ${armWhere(arm, scopeSql, now, soon)}${past} order by ${key}, ${workOrders.id} limit ${limit + 1})`,
  );
  const picked = db.all<{ id: number; k: number }>(sql`select id, k from (${sql.join(arms, sql` union all `)}) order by k, id limit ${limit + 1}`);
  const more = picked.length > limit;
  const page = picked.slice(0, limit);
  const rows = rowsInOrder(
    db,
    page.map((p) => p.id),
  );
  const last = page.at(-1);
  return {
    items: rows.map((row) => ({ row, clock: clockOf(row, spec, now, cfg) })),
    nextCursor: more && last ? encodeCursor(last.k, last.id) : null,
  };
}

/** The clock of the arm an order belongs to (by its status), and its colour now. */
function clockOf(row: WorkOrderRow, spec: QueueSpec, now: number, cfg: DeskClockConfig): QueueItem['clock'] {
  const arm = spec.arms.find((a) => (a.status ?? a.rowStatus) === undefined || (a.status ?? a.rowStatus) === row.status);
  if (!arm?.clock) return null;
  const deadlineAt = arm.clock === 'handling' ? row.deadlineAt : arm.clock === 'sign' ? row.signDeadlineAt : row.waitDeadlineAt;
  if (deadlineAt === null) return null;
  return { kind: arm.clock, deadlineAt, state: dueState(deadlineAt, now, cfg.dueSoonDays(arm.clock), cfg.calendar, cfg.sla.workHours) };
}
