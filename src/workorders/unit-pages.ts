/**
 * One page of a unit handler's list (no text search): read from work_order_units, which holds
 * each order's list keys (status, created_at, deadline_at; migrations/0011) per unit. For each
 * unit of the scope and each status, the first offset+limit entries are taken in page order
 * from work_order_units_status_created_idx / _status_deadline_idx and only those are merged —
 * as pageMerged does on work_orders — so a page reads about a page per arm instead of checking
 * the unit's whole share (~140 000 orders of a unit at 1M) or sorting it (docs/performance.md,
 * "Unit-scoped lists"). The count walks the same indexes (covering) up to TOTAL_CAP + 1.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { workOrderUnits as u, workOrders } from '../db/schema.js';
import { ORDER_STATUSES, type OrderStatus } from './lifecycle/index.js';
import { rowsInOrder, statusesOf, TOTAL_CAP, type Found } from './order-pages.js';
import type { OrderFilter } from './order-filter.js';

/**
 * Above this many arms (units × statuses) a page is not built here (SQLite allows 500 terms in
 * a compound select): the caller falls back to the scope condition on work_orders.
 */
export const MAX_UNIT_ARMS = 400;

/** Whether findUnitPage serves this scope and filter (no text search, not too many arms). */
export function unitPageApplies(unitIds: readonly string[], filter: OrderFilter): boolean {
  if (filter.q?.trim()) return false;
  return unitIds.length * (statusesOf(filter)?.length ?? ORDER_STATUSES.length) <= MAX_UNIT_ARMS;
}

/** The page of `filter` among the orders `unitIds` lead or co-handle. */
export function findUnitPage(db: Db, unitIds: readonly string[], filter: OrderFilter, now: number, limit: number, offset: number): Found {
  const units = [...new Set(unitIds)];
  const statuses = statusesOf(filter);
  if (units.length === 0 || statuses?.length === 0) return { rows: [], n: 0 };
  const keys = keyConditions(filter, now);
  const other = orderConditions(filter);
  const from = other.length > 0 ? sql`${u} inner join ${workOrders} on ${workOrders.id} = ${u.orderId}` : sql`${u}`;
  const byDeadline = filter.sort === 'deadlineAt';
  const order = byDeadline ? sql`${u.deadlineAt} is null, ${u.deadlineAt}, ${u.orderId}` : sql`${u.createdAt} desc, ${u.orderId} desc`;
  const arms: SQL[] = [];
  for (const unit of units) {
    for (const status of statuses ?? ORDER_STATUSES) {
      const where = and(eq(u.unitId, unit), eq(u.status, status), ...keys, ...other);
      arms.push(
        sql`select * from (select ${u.orderId} as id, ${u.createdAt} as c, ${u.deadlineAt} as d from ${from} where ${where} order by ${order} limit ${limit + offset})`,
      );
    }
  }
  // One unit has an order once; several may share one, and UNION keeps it once (its keys are
  // the same in every unit row). Each arm's first offset+limit hold the page's orders of that arm.
  const merged = byDeadline ? sql`d is null, d, id` : sql`c desc, id desc`;
  const union = units.length > 1 ? sql` union ` : sql` union all `;
  const ids = db.all<{ id: number }>(sql`select id from (${sql.join(arms, union)}) order by ${merged} limit ${limit} offset ${offset}`).map((r) => r.id);
  return { rows: rowsInOrder(db, ids), n: countUnitOrders(db, units, statuses, [...keys, ...other], from) };
}

/** Matches counted up to TOTAL_CAP + 1 (an order of two of the units counts once). */
function countUnitOrders(db: Db, units: readonly string[], statuses: readonly OrderStatus[] | undefined, conds: SQL[], from: SQL): number {
  const unitCond =
    units.length === 1
      ? eq(u.unitId, units[0]!)
      : sql`${u.unitId} in (${sql.join(
          units.map((x) => sql`${x}`),
          sql`, `,
        )})`;
  const statusCond = statuses
    ? sql`${u.status} in (${sql.join(
        statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`
    : undefined;
  const distinct = units.length > 1 ? sql`distinct ` : sql``;
  const matched = sql`select ${distinct}${u.orderId} from ${from} where ${and(unitCond, statusCond, ...conds)} limit ${TOTAL_CAP + 1}`;
  return db.get<{ n: number }>(sql`select count(*) as n from (${matched})`)?.n ?? 0;
}

/** Conditions on the keys work_order_units holds itself (no order row is read for them). */
function keyConditions(f: OrderFilter, now: number): SQL[] {
  const conds: SQL[] = [];
  // As in order-pages: the deadline bound is checked on the entries walked in page order.
  if (f.overdue) conds.push(sql`+${u.deadlineAt} < ${now}`);
  if (f.createdFrom !== undefined) conds.push(sql`${u.createdAt} >= ${f.createdFrom}`);
  if (f.createdTo !== undefined) conds.push(sql`${u.createdAt} <= ${f.createdTo}`);
  return conds;
}

/** Conditions on the order row itself (joined by primary key). */
function orderConditions(f: OrderFilter): SQL[] {
  const conds: SQL[] = [];
  if (f.category) conds.push(eq(workOrders.category, f.category));
  if (f.channel) conds.push(eq(workOrders.channel, f.channel));
  if (f.leadUnitId) conds.push(eq(workOrders.leadUnitId, f.leadUnitId));
  // Units never see a confidential order's reporter, so its phone matches nothing for them.
  if (f.callerPhone) conds.push(eq(workOrders.callerPhone, f.callerPhone), eq(workOrders.confidential, false));
  return conds;
}
