/**
 * Who sees which work orders. Platform staff (agents, shift leads, admins, city dispatchers)
 * see every order; a unit handler sees only the orders their unit leads or co-handles, and a
 * county dispatcher (a dispatcher whose unitId is a sub-platform 分平台) those of the county's
 * subtree — anything else is reported as ORDER_NOT_FOUND so that order ids and numbers do not
 * leak. Units and county dispatchers never see the reporter of a confidential order (保密:
 * GB/T 33358 confidentiality on request; a county sits next to the units it dispatches to).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { workOrderUnits, workOrders } from '../db/schema.js';
import type { Db } from '../db/connection.js';
import { WorkOrderError } from './errors.js';
import type { Actor, ActorRole, OrderAction } from './lifecycle/index.js';
import type { WorkOrder } from './repository.js';
import type { ApplyResult, WorkOrdersService } from './workorders-service.js';

export type OrderScope =
  | { readonly kind: 'all'; readonly hideReporter: false }
  /** The orders whose lead unit or a co-handling unit is one of `unitIds`. */
  | { readonly kind: 'units'; readonly unitIds: readonly string[]; readonly hideReporter: true }
  | { readonly kind: 'none'; readonly hideReporter: true };

export interface ScopeOptions {
  /**
   * The units under `unitId` (its subtree in config/org.yaml, e.g. a county sub-platform 分平台
   * and the units it dispatches to). Without it a unit handler sees their own unit only.
   */
  readonly unitsInSubtree?: (unitId: string) => readonly string[];
}

export interface ScopeUser {
  readonly role: ActorRole;
  readonly unitId: string | null;
}

const PLATFORM_ROLES: readonly ActorRole[] = ['agent', 'shift_lead', 'admin'];

export function scopeFor(user: ScopeUser, opts: ScopeOptions = {}): OrderScope {
  if (PLATFORM_ROLES.includes(user.role)) return { kind: 'all', hideReporter: false };
  // A dispatcher without a unit is the city centre's; with one, the sub-platform's (its subtree).
  if (user.role === 'dispatcher' && !user.unitId) return { kind: 'all', hideReporter: false };
  if ((user.role !== 'unit_handler' && user.role !== 'dispatcher') || !user.unitId) return { kind: 'none', hideReporter: true };
  const subtree = opts.unitsInSubtree?.(user.unitId) ?? [];
  return { kind: 'units', unitIds: [...new Set([user.unitId, ...subtree])], hideReporter: true };
}

/** The units an order is with: the lead unit and the co-handling units. */
export interface OrderUnits {
  readonly leadUnitId: string | null;
  readonly coUnitIds: readonly string[];
}

export function canSee(scope: OrderScope, order: OrderUnits): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  return (order.leadUnitId !== null && scope.unitIds.includes(order.leadUnitId)) || order.coUnitIds.some((u) => scope.unitIds.includes(u));
}

/**
 * A unit's orders up to which a list starts from them (reads and sorts them all) rather than
 * walking the list's own index and checking each order against them (docs/performance.md).
 */
export const SMALL_UNIT_ORDERS = 2000;

/**
 * The same rule as `canSee`, as a WHERE condition on work_orders (undefined: no restriction).
 * It reads work_order_units (kept from lead_unit_id / co_unit_ids by the triggers of
 * migrations/0008). Given `db`, it picks the cheaper plan for the size of the units' share:
 * up to SMALL_UNIT_ORDERS orders, SQLite starts from them (by primary key); beyond that the
 * id is written `+id` so that SQLite walks the list's index in page order and checks each id
 * against the units' set (sorting 30 000 orders of a large unit took ~100 ms at 200k).
 * `textSearch`: the filter has a text search (see below).
 */
export function scopeCondition(scope: OrderScope, db?: Db, opts: { readonly textSearch?: boolean; readonly orderId?: SQLWrapper } = {}): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'none' || scope.unitIds.length === 0) return sql`0`;
  const units = sql.join(
    scope.unitIds.map((u) => sql`${u}`),
    sql`, `,
  );
  const ids = sql`(select ${workOrderUnits.orderId} from ${workOrderUnits} where ${workOrderUnits.unitId} in (${units}))`;
  // A text search is driven by the FTS index: each match is checked by primary key, which
  // spares building the set of a large unit's ids (~12 ms at 200k) for a handful of matches.
  // `orderId`: the column the search holds the order id in (default work_orders.id; the FTS
  // rowid lets a search count its matches without reading their order rows).
  if (opts.textSearch)
    return sql`exists (select 1 from ${workOrderUnits} where ${workOrderUnits.unitId} in (${units}) and ${workOrderUnits.orderId} = ${opts.orderId ?? workOrders.id})`;
  const small = db?.get<{ n: number }>(
    sql`select count(*) as n from (select 1 from ${workOrderUnits} where ${workOrderUnits.unitId} in (${units}) limit ${SMALL_UNIT_ORDERS + 1})`,
  );
  return small && small.n <= SMALL_UNIT_ORDERS ? sql`${workOrders.id} in ${ids}` : sql`+${workOrders.id} in ${ids}`;
}

/** Keys that identify the reporter, wherever they appear (order rows and history event data). */
const REPORTER_KEYS = new Set(['callerPhone', 'callerName', 'callerId']);

/** A copy of event data with the reporter's identity set to null at any depth. */
export function hideReporterIn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideReporterIn);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, REPORTER_KEYS.has(k) ? null : hideReporterIn(v)]));
}

/**
 * Applies an action for a user limited to `scope`: an order outside it is ORDER_NOT_FOUND, as
 * if it did not exist, before the lifecycle is asked (whose refusal would confirm it exists).
 * The orders are read through the orders port (committed state); the lifecycle's own checks run
 * again inside the apply's transaction on the order as locked there. An order's units change
 * only by dispatch, which only a dispatcher in scope of the order may do.
 */
export async function applyInScope(
  orders: WorkOrdersService,
  scope: OrderScope,
  req: { readonly orderId: number; readonly action: OrderAction; readonly actor: Actor; readonly expectedVersion?: number | undefined },
): Promise<ApplyResult> {
  seenInScope(scope, req.orderId, await visibleOrder(orders, req.orderId));
  if (req.actor.role === 'dispatcher') await checkPayloadInScope(orders, scope, req.action);
  return orders.apply(req.orderId, req.action, req.actor, req.expectedVersion);
}

/** The order by id through the port, undefined when there is none. */
async function visibleOrder(orders: WorkOrdersService, id: number): Promise<WorkOrder | undefined> {
  try {
    return await orders.get(id);
  } catch (err) {
    if (err instanceof WorkOrderError && err.code === 'ORDER_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * A county dispatcher dispatches only to the units of its subtree, and merges or links only
 * with orders it can see: another order outside the scope is reported as missing, as the order
 * itself would be (a unit handler never gets here: the lifecycle refuses it these actions).
 */
async function checkPayloadInScope(orders: WorkOrdersService, scope: OrderScope, action: OrderAction): Promise<void> {
  if (scope.kind === 'all') return;
  if (action.type === 'dispatch' || action.type === 'redispatch') {
    const units = scope.kind === 'units' ? scope.unitIds : [];
    const outside = [action.leadUnitId, ...(action.coUnitIds ?? [])].find((u) => !units.includes(u));
    if (outside !== undefined)
      throw new WorkOrderError('UNIT_OUT_OF_SCOPE', `unit ${outside} is outside your sub-platform's units`, { details: { unitId: outside } });
  }
  // The same refusals as for an order that does not exist (workorders-service.ts).
  const visible = async (id: number) => {
    const order = await visibleOrder(orders, id);
    return order !== undefined && canSee(scope, order);
  };
  if (action.type === 'merge_into' && !(await visible(action.targetOrderId)))
    throw new WorkOrderError('INVALID_FIELD', `order ${action.targetOrderId} to merge into does not exist`);
  if (action.type === 'link' && !(await visible(action.otherOrderId)))
    throw new WorkOrderError('ORDER_NOT_FOUND', `work order ${action.otherOrderId} not found`);
}

/** `order` (read as `orderId`) if `scope` may see it; ORDER_NOT_FOUND when it is missing or out of scope alike. */
export function seenInScope(scope: OrderScope, orderId: number, order: WorkOrder | undefined): WorkOrder {
  if (!order || !canSee(scope, order)) throw new WorkOrderError('ORDER_NOT_FOUND', `work order ${orderId} not found`);
  return order;
}
