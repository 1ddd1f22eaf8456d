/**
 * The order desk's work queues (派单/审核 工作台, issue 10): which orders wait for the centre, how
 * many per queue with their deadline colours, and one page of a queue at a time (keyset cursor).
 * Every query runs within the caller's scope (scope.ts): a county dispatcher counts and lists
 * only its subtree's orders.
 *
 * Each queue is a union of "arms" — one status (or the partial index of pending extensions) with
 * an optional condition — so that each arm walks one index range in list order; the arms of a
 * page are merged like order-pages.ts merges several statuses.
 *
 * The rules are here once (the arms as data, countPlan's sums and cap, the cursors and clocks);
 * the statements go through the desk's port (desk-reads-store.ts): SQLite's are the functions
 * below taking a `Db` (queueCounts, queueRowsOn), PostgreSQL's in desk-reads-store-pg.ts.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { workOrderEvents, workOrders } from '../../db/schema.js';
import { dueState, type DueState, type WaitClock } from '../deadlines/index.js';
import { DESK_QUEUES, type DeskQueue } from '../../contract/work-orders.js';
import { MAX_ROW_ID } from '../../contract/bounds.js';
import type { OrderStatus } from '../lifecycle/index.js';
import { rowsInOrder } from '../order-pages.js';
import type { WorkOrderRow } from '../repository.js';
import { scopeCondition, type OrderScope } from '../scope.js';
import { soonLimits, type ClockKind, type DeskClockConfig } from './clocks.js';
import type { Arm, ArmCondition, ArmCount, CountPlan, DeskReadsStore, LastReturn, QueueCount, QueueRows, QueueRowsQuery } from './desk-reads-store.js';

export type { Arm, ArmCondition, ArmCount, CountPlan, LastReturn, QueueCount, QueueRows, QueueRowsQuery } from './desk-reads-store.js';

// The queue names are shared with the web app (the contract).
export { DESK_QUEUES, type DeskQueue } from '../../contract/work-orders.js';

/** The statuses in which the unit owes its handling (the handling clock runs, as in due-states.ts). */
const HANDLING: readonly OrderStatus[] = ['dispatched', 'signed', 'in_progress', 'supervised'];

export interface QueueSpec {
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

/** An arm's condition on SQLite. */
function conditionSql(c: ArmCondition): SQL {
  switch (c.kind) {
    case 'lead':
      return sql`${workOrders.leadUnitId} = ${c.unitId}`;
    case 'pendingExtension':
      return sql`${workOrders.pendingExtension} <> 'null'`;
    case 'unsatisfied':
      return sql`${workOrders.status} = 'evaluated' and ${workOrders.satisfaction} = 'unsatisfied'`;
    case 'deadlineBetween':
      return sql`${workOrders.deadlineAt} between ${c.from} and ${c.to}`;
    case 'deadlineBefore':
      return sql`${workOrders.deadlineAt} < ${c.at}`;
  }
}

/**
 * The queues as arms. 待派单 is the accepted orders for the city (online intake, and the orders an
 * agent accepted without answering them on the spot: "hand to dispatch"); for a county
 * sub-platform it is the orders the city dispatched to the sub-platform itself, waiting to be
 * passed on (redispatch from dispatched) to one of its units.
 */
export function specOf(queue: DeskQueue, viewer: DeskViewer, now: number, soon: SoonLimits): QueueSpec {
  const handling = (where: ArmCondition, colour: Arm['colour']): Arm[] => HANDLING.map((status) => ({ status, where, clock: 'handling' as const, colour }));
  switch (queue) {
    case 'to_dispatch':
      return viewer.subPlatformUnitId === null
        ? { key: 'createdAt', arms: [{ status: 'accepted', clock: 'dispatch' }] }
        : {
            key: 'createdAt',
            arms: [{ status: 'dispatched', where: { kind: 'lead', unitId: viewer.subPlatformUnitId }, clock: 'sign' }],
          };
    case 'returned':
      return { key: 'createdAt', arms: [{ status: 'returned', clock: 'redispatch' }] };
    case 'to_review':
      return { key: 'createdAt', arms: [{ status: 'replied', clock: 'review' }] };
    case 'extension_requested':
      // The partial index work_orders_pending_extension_idx holds exactly these (a cleared request is the JSON text 'null').
      return {
        key: 'createdAt',
        arms: [{ where: { kind: 'pendingExtension' }, clock: 'extension', index: 'work_orders_pending_extension_idx' }],
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
            where: { kind: 'unsatisfied' },
            clock: 'unsatisfied',
            index: 'work_orders_unsatisfied_idx',
          },
          { status: 'supervised', clock: 'handling' },
        ],
      };
    case 'due_soon':
      return { key: 'deadlineAt', arms: handling({ kind: 'deadlineBetween', from: now, to: soon('handling') }, 'dueSoon') };
    case 'overdue':
      return { key: 'deadlineAt', arms: handling({ kind: 'deadlineBefore', at: now }, 'overdue') };
  }
}

export const isWaitClock = (clock: ClockKind): clock is WaitClock => clock !== 'handling' && clock !== 'sign';

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

/**
 * Every queue's count and colours within the viewer's scope, each counted up to `cap`
 * (QUEUE_COUNT_CAP): the rule, once, for both dialects. Each sum stops one past the cap (that
 * one says "there are more"), so an arm is counted only up to what its queue's sum still needs.
 * The three sums are counted each on its own: once an earlier arm has filled the total, a later
 * arm's colours are still counted (up to what the colour's sum needs), or the overdue figure of
 * 待满意 shown as exact would leave out the supervised orders past their deadline.
 */
export function* countPlan(viewer: DeskViewer, now: number, cfg: DeskClockConfig, cap = QUEUE_COUNT_CAP): CountPlan {
  const soon = soonLimits(now, cfg);
  const room = (n: number) => cap + 1 - n;
  const out: QueueCount[] = [];
  for (const queue of DESK_QUEUES) {
    let total = 0;
    let overdue = 0;
    let dueSoon = 0;
    for (const arm of specOf(queue, viewer, now, soon).arms) {
      const upTo = room(total);
      const n = upTo > 0 ? yield { arm, upTo } : 0;
      total += n;
      // n is the arm's size when it stopped short of what the total needed; else a lower bound.
      const whole = n < upTo;
      // A coloured arm's queue is all of that colour (due_soon, overdue): that sum is the total, counted as far as it needs.
      if (arm.colour === 'overdue') overdue += n;
      if (arm.colour === 'dueSoon') dueSoon += n;
      // Colours are counted for every arm but an empty one, also when the total had no room left for it.
      if (arm.clock === null || arm.colour !== undefined || (whole && n === 0)) continue;
      // A waiting clock's colours of a status are counted on the clocks' partial index; an arm with its own index (a few orders) reads those.
      const viaWaitIndex = isWaitClock(arm.clock) && !arm.index;
      if (room(overdue) > 0) overdue += yield { arm, colour: { clock: arm.clock, viaWaitIndex, range: { before: now } }, upTo: room(overdue) };
      if (room(dueSoon) > 0)
        dueSoon += yield { arm, colour: { clock: arm.clock, viaWaitIndex, range: { from: now, to: soon(arm.clock) } }, upTo: room(dueSoon) };
    }
    const capped = { total: total > cap, overdue: overdue > cap, dueSoon: dueSoon > cap };
    out.push({
      queue,
      total: Math.min(total, cap),
      totalCapped: capped.total,
      overdue: Math.min(overdue, cap),
      overdueCapped: capped.overdue,
      dueSoon: Math.min(dueSoon, cap),
      dueSoonCapped: capped.dueSoon,
      onTime: capped.total || capped.overdue || capped.dueSoon ? null : total - overdue - dueSoon,
    });
  }
  return out;
}

/** Runs a plan with a synchronous count (SQLite, in one `run()`). */
export function runPlan(plan: CountPlan, count: (c: ArmCount) => number): QueueCount[] {
  for (let step = plan.next(); ;) {
    if (step.done) return step.value;
    step = plan.next(count(step.value));
  }
}

/** Runs a plan with an asynchronous count (PostgreSQL: one statement after the other). */
export async function runPlanAsync(plan: CountPlan, count: (c: ArmCount) => Promise<number>): Promise<QueueCount[]> {
  for (let step = plan.next(); ;) {
    if (step.done) return step.value;
    step = plan.next(await count(step.value));
  }
}

/**
 * The arm's condition on SQLite. `onClock`: a colour count on a waiting clock, whose range on the
 * (partial) wait index is the narrower one: the status is then checked on each row (unary +)
 * rather than walked (a backlog of accepted orders is large, the ones whose clock runs out now are few).
 */
function armWhere(arm: Arm, scopeSql: SQL | undefined, onClock = false): SQL {
  const parts: SQL[] = [];
  if (arm.status) parts.push(onClock ? sql`+${workOrders.status} = ${arm.status}` : sql`${workOrders.status} = ${arm.status}`);
  if (arm.where) parts.push(conditionSql(arm.where));
  if (scopeSql) parts.push(scopeSql);
  return parts.length === 0 ? sql`1` : sql.join(parts, sql` and `);
}

/** work_orders, through the arm's own index if it has one. */
const from = (arm: Arm): SQL => (arm.index ? sql`${workOrders} indexed by ${sql.identifier(arm.index)}` : sql`${workOrders}`);

/** One count of a plan on SQLite (at most `upTo` index entries read). */
function countOn(db: Db, c: ArmCount, scopeSql: SQL | undefined): number {
  const { arm, colour, upTo } = c;
  let where: SQL;
  if (!colour) where = armWhere(arm, scopeSql);
  else {
    const col = clockColumn(colour.clock);
    // The clock named as a literal so that SQLite sees the partial index applies.
    const base = colour.viaWaitIndex
      ? sql`${armWhere(arm, scopeSql, true)} and ${workOrders.waitClock} = ${sql.raw(`'${colour.clock}'`)}`
      : armWhere(arm, scopeSql);
    const r = colour.range;
    where = 'before' in r ? sql`${base} and ${col} < ${r.before}` : sql`${base} and ${col} between ${r.from} and ${r.to}`;
  }
  return db.get<{ n: number }>(sql`select count(*) as n from (select 1 from ${from(arm)} where ${where} limit ${upTo})`)?.n ?? 0;
}

/** Every queue's count and colours on SQLite's `db`, in one go (the SQLite adapter's countQueues). */
export function queueCounts(db: Db, viewer: DeskViewer, now: number, cfg: DeskClockConfig, cap = QUEUE_COUNT_CAP): QueueCount[] {
  return countsOn(db, viewer.scope, countPlan(viewer, now, cfg, cap));
}

/** A plan's counts on SQLite's `db`, the scope's condition decided once. */
export function countsOn(db: Db, scope: OrderScope, plan: CountPlan): QueueCount[] {
  const scopeSql = scopeCondition(scope, db);
  return runPlan(plan, (c) => countOn(db, c, scopeSql));
}

/** Every queue's count and colours within the viewer's scope, through the desk's port. */
export function readQueueCounts(store: DeskReadsStore, viewer: DeskViewer, now: number, cfg: DeskClockConfig, cap = QUEUE_COUNT_CAP): Promise<QueueCount[]> {
  return store.read((q) => q.countQueues(viewer.scope, countPlan(viewer, now, cfg, cap)));
}

export interface QueueItem {
  readonly row: WorkOrderRow;
  /** The clock the queue shows for this order and where it stands; null when none runs. */
  readonly clock: { readonly kind: ClockKind; readonly deadlineAt: number; readonly state: DueState } | null;
  /** 被退回: the order's latest return (the returned queue only). */
  readonly lastReturn?: LastReturn | null;
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

/**
 * The position a cursor stands for, or null when it is not one of ours: its id is a row id (an id
 * past PostgreSQL's integer failed the page's query there, a 500).
 */
export function decodeCursor(cursor: string): { key: number; id: number } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && Number.isInteger(v[1]) && v[1] >= 1 && v[1] <= MAX_ROW_ID)
      return { key: v[0] as number, id: v[1] as number };
  } catch {
    // not base64url JSON: refused below like any other foreign value
  }
  return null;
}

/**
 * A page's rows on SQLite: each arm takes its first `limit + 1` orders past the cursor from its
 * own index range; only those are merged.
 */
export function queueRowsOn(db: Db, q: QueueRowsQuery): QueueRows {
  const key = q.key === 'createdAt' ? col.created : col.deadline;
  const scopeSql = scopeCondition(q.scope, db);
  const past = q.after ? sql` and (${key}, ${workOrders.id}) > (${q.after.key}, ${q.after.id})` : sql``;
  const arms = q.arms.map(
    (arm) =>
      sql`select * from (select ${workOrders.id} as id, ${key} as k from ${from(arm)} where ${armWhere(arm, scopeSql)}${past} order by ${key}, ${workOrders.id} limit ${q.limit + 1})`,
  );
  const picked = db.all<{ id: number; k: number }>(sql`select id, k from (${sql.join(arms, sql` union all `)}) order by k, id limit ${q.limit + 1}`);
  const rows = rowsInOrder(
    db,
    picked.slice(0, q.limit).map((p) => p.id),
  );
  const lastReturns = new Map<number, LastReturn>();
  if (q.lastReturns)
    for (const row of rows) {
      const e = db
        .select()
        .from(workOrderEvents)
        .where(and(eq(workOrderEvents.orderId, row.id), eq(workOrderEvents.action, 'return')))
        .orderBy(desc(workOrderEvents.at), desc(workOrderEvents.id))
        .limit(1)
        .get();
      if (e) lastReturns.set(row.id, { reason: e.comment, at: e.at, actorId: e.actorId });
    }
  return { picked, rows, lastReturns };
}

/** The page from a page's rows: the clocks, the last returns and the next cursor. */
function pageOf(spec: QueueSpec, found: QueueRows, limit: number, withReturns: boolean, now: number, cfg: DeskClockConfig): QueuePage {
  const more = found.picked.length > limit;
  const last = found.picked[Math.min(limit, found.picked.length) - 1];
  return {
    items: found.rows.map((row) => ({
      row,
      clock: clockOf(row, spec, now, cfg),
      ...(withReturns ? { lastReturn: found.lastReturns.get(row.id) ?? null } : {}),
    })),
    nextCursor: more && last ? encodeCursor(last.k, last.id) : null,
  };
}

/**
 * One page of a queue on SQLite's `db`, oldest (or most urgent) first, after `after` (a decoded
 * cursor): the plan checks of test/workorders/desk-plans.test.ts read its statements.
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
  const spec = specOf(queue, viewer, now, soonLimits(now, cfg));
  return pageOf(spec, queueRowsOn(db, { scope: viewer.scope, arms: spec.arms, key: spec.key, after, limit, lastReturns: false }), limit, false, now, cfg);
}

/** One page of a queue through the desk's port; the returned queue's orders with their latest return. */
export async function readQueuePage(
  store: DeskReadsStore,
  viewer: DeskViewer,
  queue: DeskQueue,
  after: { key: number; id: number } | null,
  limit: number,
  now: number,
  cfg: DeskClockConfig,
): Promise<QueuePage> {
  const spec = specOf(queue, viewer, now, soonLimits(now, cfg));
  const withReturns = queue === 'returned';
  const found = await store.read((q) => q.queueRows({ scope: viewer.scope, arms: spec.arms, key: spec.key, after, limit, lastReturns: withReturns }));
  return pageOf(spec, found, limit, withReturns, now, cfg);
}

/** The clock of the arm an order belongs to (by its status), and its colour now. */
function clockOf(row: WorkOrderRow, spec: QueueSpec, now: number, cfg: DeskClockConfig): QueueItem['clock'] {
  const arm = spec.arms.find((a) => (a.status ?? a.rowStatus) === undefined || (a.status ?? a.rowStatus) === row.status);
  if (!arm?.clock) return null;
  const deadlineAt = arm.clock === 'handling' ? row.deadlineAt : arm.clock === 'sign' ? row.signDeadlineAt : row.waitDeadlineAt;
  if (deadlineAt === null) return null;
  return { kind: arm.clock, deadlineAt, state: dueState(deadlineAt, now, cfg.dueSoonDays(arm.clock), cfg.calendar, cfg.sla.workHours) };
}
