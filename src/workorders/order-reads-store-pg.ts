/**
 * The work orders' reads on PostgreSQL (order-reads-store.ts; the async port:
 * db/postgres-async.ts). The rules are order-filter.ts's, as on SQLite; only the SQL differs:
 *
 * - one order and its history are one statement (the history as a JSON array built by the
 *   server), so that under READ COMMITTED they come from one snapshot, as SQLite's two
 *   statements in one `run()` do;
 * - the search matches each term of 3+ characters with `ILIKE '%term%'` (LIKE for a term
 *   without letters that have a case: text-match-pg.ts) on WORK_ORDER_SEARCH_TEXT (the
 *   expression work_orders_search_trgm_idx indexes: subject, content, location and a
 *   non-confidential reporter's name, one per line), and for searchers who may see confidential
 *   reporters also on WORK_ORDER_CONFIDENTIAL_NAME (decision 0011 §3); shorter terms match the
 *   subject (ILIKE: case-insensitive beyond ASCII too, where SQLite's LIKE folds ASCII only);
 * - a unit scope is an EXISTS on work_order_units (kept by migrations-pg/0002's trigger);
 * - the count stops one past the filter's cap (order-filter.ts countCapOf: TOTAL_CAP, or
 *   SEARCH_TOTAL_CAP for a text search), as on SQLite, and is kept until anything commits
 *   (count-memo-pg.ts: the snapshot stands in for SQLite's data_version); a unit's list with
 *   conditions on work_order_units' keys only is counted there (unitKeysWhere).
 */
import { and, asc, desc, eq, getTableColumns, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { workOrderAttachments as att, workOrders as o, workOrderUnits as u } from '../db/schema-pg.js';
import { CountMemo, SNAPSHOT } from './count-memo-pg.js';
import { countCapOf, countFromPage, listOrderOf, searchTerms, statusesOf, type ListOrder } from './order-filter.js';
import type { FoundOrders, OrderReadsQueries, OrderReadsStore, OrderWithHistory, PageQuery } from './order-reads-store.js';
import type { AttachmentRow } from './orders-store.js';
import { hasTerm, textHas } from './text-match-pg.js';
import type { WorkOrderEventRecord, WorkOrderRow } from './repository.js';

/**
 * The history of the outer row's order as one JSON array, oldest first, in WorkOrderEventRecord's
 * shape. Raw SQL: in the select list of a one-table query drizzle writes columns without their
 * table, and `order_id = id` would then compare with the event's own id.
 */
const HISTORY = sql<WorkOrderEventRecord[]>`coalesce((select json_agg(json_build_object(
  'id', ev.id, 'orderId', ev.order_id, 'at', ev.at, 'action', ev.action, 'fromStatus', ev.from_status, 'toStatus', ev.to_status,
  'actorId', ev.actor_id, 'actorRole', ev.actor_role, 'comment', ev.comment, 'data', ev.data) order by ev.at, ev.id)
  from work_order_events ev where ev.order_id = "work_orders"."id"), '[]'::json)`;

/** The WHERE condition of a page (exported for the plan checks of the contract test). */
export function pageWhere(q: PageQuery): SQL | undefined {
  const { scope, filter: f, now } = q;
  const hide = scope.hideReporter;
  const conds: Array<SQL | undefined> = [];
  if (scope.kind === 'units') conds.push(sql`exists (select 1 from ${u} where ${inArray(u.unitId, [...new Set(scope.unitIds)])} and ${u.orderId} = ${o.id})`);
  const statuses = statusesOf(f);
  if (statuses) conds.push(inArray(o.status, [...statuses]));
  if (f.category) conds.push(eq(o.category, f.category));
  if (f.channel) conds.push(eq(o.channel, f.channel));
  if (f.leadUnitId) conds.push(eq(o.leadUnitId, f.leadUnitId));
  // A confidential order's phone is the reporter's identity: not matched for those who may not see it.
  if (f.callerPhone) conds.push(eq(o.callerPhone, f.callerPhone), hide ? eq(o.confidential, false) : undefined);
  if (f.overdue) conds.push(lt(o.deadlineAt, now));
  if (f.createdFrom !== undefined) conds.push(gte(o.createdAt, f.createdFrom));
  if (f.createdTo !== undefined) conds.push(lte(o.createdAt, f.createdTo));
  const { long, short } = searchTerms(f.q);
  for (const term of long) conds.push(textHas(term, hide));
  for (const term of short) conds.push(hasTerm(o.subject, term));
  return and(...conds);
}

function orderBy(order: ListOrder): SQL[] {
  if (order === 'newestId') return [desc(o.id)];
  // The expressions of work_orders_deadline_order_idx (and its per-status sibling).
  if (order === 'deadlineAt') return [sql`(${o.deadlineAt} is null)`, asc(o.deadlineAt), asc(o.id)];
  return [desc(o.createdAt), desc(o.id)];
}

class PgOrderReads implements OrderReadsQueries {
  constructor(
    private readonly db: PgConn,
    private readonly counts: CountMemo,
  ) {}

  orderWithHistory(id: number): Promise<OrderWithHistory | undefined> {
    return this.withHistory(eq(o.id, id));
  }

  orderByNumber(number: string): Promise<OrderWithHistory | undefined> {
    return this.withHistory(eq(o.number, number));
  }

  async ordersByIds(ids: readonly number[]): Promise<WorkOrderRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(o)
      .where(inArray(o.id, [...ids]));
  }

  attachments(orderId: number): Promise<AttachmentRow[]> {
    return this.db.select().from(att).where(eq(att.orderId, orderId)).orderBy(asc(att.id));
  }

  async attachment(orderId: number, id: number): Promise<AttachmentRow | undefined> {
    const [row] = await this.db
      .select()
      .from(att)
      .where(and(eq(att.orderId, orderId), eq(att.id, id)));
    return row;
  }

  async attachmentStoredNames(): Promise<string[]> {
    return (await this.db.select({ name: att.storedName }).from(att)).map((r) => r.name);
  }

  /** The order `where` picks (at most one) and its history, in one statement: one snapshot. */
  private async withHistory(where: SQL): Promise<OrderWithHistory | undefined> {
    const [row] = await this.db
      .select({ ...getTableColumns(o), history: HISTORY })
      .from(o)
      .where(where);
    if (!row) return undefined;
    const { history, ...order } = row;
    return { order, history };
  }

  async findPage(q: PageQuery): Promise<FoundOrders> {
    if (statusesOf(q.filter)?.length === 0) return { rows: [], n: 0 };
    const where = pageWhere(q);
    const rows = (await this.db
      .select()
      .from(o)
      .where(where)
      .orderBy(...orderBy(listOrderOf(q.filter)))
      .limit(q.limit)
      .offset(q.offset)) as WorkOrderRow[];
    const known = countFromPage(rows.length, q.limit, q.offset);
    if (known !== undefined) return { rows, n: known };
    const keys = unitKeysWhere(q);
    const cap = countCapOf(q.filter);
    const matched = keys
      ? this.db
          .selectDistinct({ id: u.orderId })
          .from(u)
          .where(keys)
          .limit(cap + 1)
          .as('matched')
      : this.db
          .select({ one: sql`1` })
          .from(o)
          .where(where)
          .limit(cap + 1)
          .as('matched');
    const n = await this.counts.count(this.db, this.db.select({ n: sql<number>`count(*)::int`, snapshot: SNAPSHOT }).from(matched));
    return { rows, n };
  }
}

/**
 * A unit scope's count when every condition is on a key work_order_units holds itself (status,
 * created_at, deadline_at: kept by migrations-pg/0002's trigger): counted on its indexes without
 * reading an order row, as unit-pages.ts counts on SQLite (10,001 orders of a unit at 100,000
 * took ~40 ms through work_orders, docs/performance.md). Undefined when another condition needs the order row.
 */
function unitKeysWhere(q: PageQuery): SQL | undefined {
  const { scope, filter: f, now } = q;
  if (scope.kind !== 'units' || f.q?.trim() || f.category || f.channel || f.leadUnitId || f.callerPhone) return undefined;
  const statuses = statusesOf(f);
  return and(
    inArray(u.unitId, [...new Set(scope.unitIds)]),
    statuses ? inArray(u.status, [...statuses]) : undefined,
    f.overdue ? lt(u.deadlineAt, now) : undefined,
    f.createdFrom !== undefined ? gte(u.createdAt, f.createdFrom) : undefined,
    f.createdTo !== undefined ? lte(u.createdAt, f.createdTo) : undefined,
  );
}

export function pgOrderReadsStore(db: PostgresAsyncDb, counts = new CountMemo()): OrderReadsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgOrderReads(conn, counts))),
  };
}
