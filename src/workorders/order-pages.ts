/**
 * The SQL behind one page of a work-order list (queries.ts listOrders): which rows, in which
 * order, and how many match (counted up to a cap). Each query is shaped so SQLite reads about
 * one page of index entries rather than sorting every match (docs/performance.md, "Work
 * orders"); EXPLAIN QUERY PLAN of each shape is checked in test/workorders/queries.test.ts.
 */
import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/connection.js';
import { workOrders } from '../db/schema.js';
import type { OrderStatus } from './lifecycle/index.js';
import type { OrderFilter, OrderSort } from './queries.js';
import type { WorkOrderRow } from './repository.js';

/** Lists count matches up to this many; beyond it `total` is this and `totalCapped` true. */
export const TOTAL_CAP = 10_000;

/**
 * Statuses in which the unit still owes its reply: only these can be overdue (once replied,
 * the deadline was met or missed for good and statistics take over).
 */
const AWAITING_REPLY: readonly OrderStatus[] = ['dispatched', 'signed', 'in_progress', 'returned', 'supervised'];

/** A page of rows and the number of matches counted up to TOTAL_CAP + 1. */
export interface Found {
  readonly rows: WorkOrderRow[];
  readonly n: number;
}

/** A scope as a condition on the column that holds the order id (work_orders.id or the FTS rowid). */
export type ScopeOn = (orderId: SQLWrapper) => SQL | undefined;

/**
 * The page of `filter` within `scope` (a WHERE condition; undefined: every order). Given as a
 * ScopeOn, a newest-first text search tests the scope on the FTS rowid, so that its count
 * reads no order row when there is no other condition.
 */
export function findPage(db: Db, scope: SQL | ScopeOn | undefined, filter: OrderFilter, now: number, limit: number, offset: number): Found {
  const statuses = statusesOf(filter);
  if (statuses?.length === 0) return { rows: [], n: 0 };
  const text = textSearch(filter.q);
  const on = (id: SQLWrapper) => (typeof scope === 'function' ? scope(id) : scope);
  const others = [...filterConditions(filter, now), ...text.like];
  const conds = [on(workOrders.id), ...others];
  const inStatus = statuses ? [inArray(workOrders.status, [...statuses])] : [];
  if (text.match !== undefined) {
    return filter.sort === 'deadlineAt'
      ? pageSorted(db, 'deadlineAt', [...conds, ...inStatus, inMatches(text.match)], limit, offset)
      : typeof scope === 'function'
        ? searchNewestFirst(db, text.match, on(workOrdersFts.rowid), [...others, ...inStatus], limit, offset)
        : searchNewestFirst(db, text.match, undefined, [...conds, ...inStatus], limit, offset);
  }
  if (statuses && statuses.length > 1) return pageMerged(db, filter.sort, conds, statuses, limit, offset);
  return pageSorted(db, filter.sort, [...conds, ...inStatus], limit, offset);
}

/** The statuses a filter admits (its own, and only those awaiting a reply when overdue); undefined: any. */
export function statusesOf(f: OrderFilter): readonly OrderStatus[] | undefined {
  const own = f.status && f.status.length > 0 ? [...new Set(f.status)] : undefined;
  if (!f.overdue) return own;
  return own ? own.filter((s) => AWAITING_REPLY.includes(s)) : AWAITING_REPLY;
}

function filterConditions(f: OrderFilter, now: number): Array<SQL | undefined> {
  const conds: Array<SQL | undefined> = [];
  if (f.category) conds.push(eq(workOrders.category, f.category));
  if (f.channel) conds.push(eq(workOrders.channel, f.channel));
  if (f.leadUnitId) conds.push(eq(workOrders.leadUnitId, f.leadUnitId));
  // Unary + keeps the deadline bound off the index range: as a range SQLite would fetch and
  // sort every overdue order; checked on the rows walked in list order, a page reads ~a page.
  if (f.overdue) conds.push(sql`+${workOrders.deadlineAt} < ${now}`);
  if (f.createdFrom !== undefined) conds.push(gte(workOrders.createdAt, f.createdFrom));
  if (f.createdTo !== undefined) conds.push(lte(workOrders.createdAt, f.createdTo));
  return conds;
}

/** createdAt: newest first; deadlineAt: most urgent first, orders without a deadline last. */
function orderBy(sort: OrderSort | undefined): SQL[] {
  return sort === 'deadlineAt'
    ? [sql`${workOrders.deadlineAt} is null`, asc(workOrders.deadlineAt), asc(workOrders.id)]
    : [desc(workOrders.createdAt), desc(workOrders.id)];
}

function pageSorted(db: Db, sort: OrderSort | undefined, conds: Array<SQL | undefined>, limit: number, offset: number): Found {
  const where = and(...conds);
  const rows = db
    .select()
    .from(workOrders)
    .where(where)
    .orderBy(...orderBy(sort))
    .limit(limit)
    .offset(offset)
    .all();
  return { rows, n: countUpToCap(db, db.select({ one: sql`1` }).from(workOrders).where(where)) };
}

/**
 * Several statuses: SQLite cannot merge the per-status index ranges in list order, so it would
 * sort every match. Each status takes its first offset+limit ids in order from its own index
 * range (work_orders_status_created_idx / _status_deadline_order_idx) and only those are merged.
 */
function pageMerged(
  db: Db,
  sort: OrderSort | undefined,
  conds: Array<SQL | undefined>,
  statuses: readonly OrderStatus[],
  limit: number,
  offset: number,
): Found {
  const order = sql.join(orderBy(sort), sql`, `);
  const arms = statuses.map(
    (s) =>
      sql`select * from (select ${workOrders.id} as id, ${workOrders.createdAt} as c, ${workOrders.deadlineAt} as d from ${workOrders} where ${and(eq(workOrders.status, s), ...conds)} order by ${order} limit ${limit + offset})`,
  );
  const merged = sort === 'deadlineAt' ? sql`d is null, d, id` : sql`c desc, id desc`;
  const ids = db.all<{ id: number }>(sql`select id from (${sql.join(arms, sql` union all `)}) order by ${merged} limit ${limit} offset ${offset}`).map((r) => r.id);
  const rows = rowsInOrder(db, ids);
  const where = and(inArray(workOrders.status, [...statuses]), ...conds);
  return { rows, n: countUpToCap(db, db.select({ one: sql`1` }).from(workOrders).where(where)) };
}

/** The order rows of `ids`, in that order. */
export function rowsInOrder(db: Db, ids: readonly number[]): WorkOrderRow[] {
  const byId = new Map(ids.length > 0 ? db.select().from(workOrders).where(inArray(workOrders.id, [...ids])).all().map((r) => [r.id, r]) : []);
  return ids.map((id) => byId.get(id)).filter((r): r is WorkOrderRow => r !== undefined);
}

/**
 * Full-text search, newest first by order id: the FTS index yields its matches in descending
 * rowid order and the query stops at the page, so a phrase in 70 000 orders costs no more than
 * a rare one (sorting by created_at would first fetch and sort every match). Ids are given in
 * the order orders are taken and created_at is the time of that insert, so this is the
 * created-at order of every order the system takes itself.
 */
function searchNewestFirst(db: Db, match: string, ftsScope: SQL | undefined, conds: Array<SQL | undefined>, limit: number, offset: number): Found {
  const matching = and(sql`${workOrdersFts} match ${match}`, ftsScope);
  const rows = db
    .select(getTableColumns(workOrders))
    .from(workOrdersFts)
    .innerJoin(workOrders, eq(workOrders.id, workOrdersFts.rowid))
    .where(and(matching, ...conds))
    .orderBy(desc(workOrdersFts.rowid))
    .limit(limit)
    .offset(offset)
    .all();
  // Without conditions on the order row the FTS index (and the scope on its rowid) counts.
  const matched = conds.every((c) => c === undefined)
    ? db.select({ one: sql`1` }).from(workOrdersFts).where(matching)
    : db
        .select({ one: sql`1` })
        .from(workOrdersFts)
        .innerJoin(workOrders, eq(workOrders.id, workOrdersFts.rowid))
        .where(and(matching, ...conds));
  return { rows, n: countUpToCap(db, matched) };
}

/**
 * Counting every match of a broad filter over a million orders costs more than the page
 * itself: count up to TOTAL_CAP + 1 (the caller says when there are more).
 */
export function countUpToCap(db: Db, matched: { limit(n: number): { as(alias: string): Parameters<ReturnType<Db['select']>['from']>[0] } }): number {
  return db.select({ n: count() }).from(matched.limit(TOTAL_CAP + 1).as('matched')).get()?.n ?? 0;
}

/**
 * The FTS5 table of migration 0001 (trigram tokenizer, external content = work_orders), kept
 * in step by triggers. Declared here, not in schema.ts: drizzle-kit does not manage it.
 */
const workOrdersFts = sqliteTable('work_orders_fts', { rowid: integer('rowid').notNull() });

/**
 * The trigram tokenizer only indexes runs of 3+ characters, so a shorter term can never MATCH:
 * those fall back to LIKE on the subject. Longer terms are quoted as FTS5 phrases (no query
 * syntax from users) and must all occur.
 */
function textSearch(q: string | undefined): { match: string | undefined; like: SQL[] } {
  const terms = (q ?? '').trim().split(/\s+/).filter(Boolean);
  const long = terms.filter((t) => [...t].length >= 3);
  const short = terms.filter((t) => [...t].length < 3);
  const like = short.map((t) => sql`${workOrders.subject} like ${`%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  return { match: long.length > 0 ? long.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ') : undefined, like };
}

function inMatches(match: string): SQL {
  return sql`${workOrders.id} in (select rowid from ${workOrdersFts} where ${workOrdersFts} match ${match})`;
}
