/**
 * The SQLite SQL behind one page of a work-order list (order-reads-store-sqlite.ts): which rows, in which
 * order, and how many match (counted up to a cap). Each query is shaped so SQLite reads about
 * one page of index entries rather than sorting every match (docs/performance.md, "Work
 * orders"); EXPLAIN QUERY PLAN of each shape is checked in test/workorders/queries.test.ts.
 *
 * Every value is a placeholder bound when the query runs, so a query depends only on the
 * filter's shape (which conditions, how many statuses or short terms, the sort): for platform
 * staff (no scope condition) each shape is built and prepared once per connection and reused
 * (issue 18: building the SQL with drizzle was ~40 % of a request). Scoped lists build theirs
 * per request: their SQL carries the scope's units.
 */
import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/connection.js';
import { workOrders } from '../db/schema.js';
import type { OrderStatus } from './lifecycle/index.js';
import { countCapOf, countFromPage, listOrderOf, searchTerms, statusesOf, type OrderFilter, type OrderSort } from './order-filter.js';
import { prepared, rowsOf, toOrderRow, type Values } from './order-rows-sqlite.js';
import type { WorkOrderRow } from './repository.js';

export { statusesOf, TOTAL_CAP } from './order-filter.js';
export type { Values } from './order-rows-sqlite.js';

/** A page of rows and the number of matches counted up to one past the filter's cap (order-filter.ts countCapOf). */
export interface Found {
  readonly rows: WorkOrderRow[];
  readonly n: number;
}

/** A scope as a condition on the column that holds the order id (work_orders.id or the FTS rowid). */
export type ScopeOn = (orderId: SQLWrapper) => SQL | undefined;

const ph = (name: string) => sql.placeholder(name);

/**
 * The page of `filter` within `scope` (a WHERE condition; undefined: every order). Given as a
 * ScopeOn, a newest-first text search tests the scope on the FTS rowid, so that its count
 * reads no order row when there is no other condition. `hideReporter`: the searcher may not
 * see the reporter of a confidential order, so nothing of that reporter is matched (the text
 * search leaves out the confidential name's FTS column, a phone filter confidential orders).
 */
export function findPage(
  db: Db,
  scope: SQL | ScopeOn | undefined,
  filter: OrderFilter,
  now: number,
  limit: number,
  offset: number,
  hideReporter = false,
): Found {
  const statuses = statusesOf(filter);
  if (statuses?.length === 0) return { rows: [], n: 0 };
  const v: Values = { limit, offset, armLimit: limit + offset, countLimit: countCapOf(filter) + 1 };
  const text = textSearch(filter.q, v, hideReporter);
  const on = (id: SQLWrapper) => (typeof scope === 'function' ? scope(id) : scope);
  const others = [...filterConditions(filter, now, v, hideReporter), ...text.like];
  const conds = [on(workOrders.id), ...others];
  statuses?.forEach((s, i) => (v[`s${i}`] = s));
  const inStatus = statuses
    ? [
        inArray(
          workOrders.status,
          statuses.map((_, i) => ph(`s${i}`)),
        ),
      ]
    : [];
  // Only an unscoped query is the same SQL for every caller with this shape of filter.
  const key = scope === undefined ? shapeKey(filter, statuses, text, hideReporter) : undefined;
  if (text.match !== undefined) {
    return listOrderOf(filter) !== 'newestId'
      ? pageSorted(db, key && `sorted:${key}`, filter.sort, [...conds, ...inStatus, inMatches()], v)
      : typeof scope === 'function'
        ? searchNewestFirst(db, undefined, on(workOrdersFts.rowid), [...others, ...inStatus], v)
        : searchNewestFirst(db, key && `search:${key}`, undefined, [...conds, ...inStatus], v);
  }
  if (statuses && statuses.length > 1) return pageMerged(db, key && `merged:${key}`, filter.sort, conds, statuses, v);
  return pageSorted(db, key && `sorted:${key}`, filter.sort, [...conds, ...inStatus], v);
}

/** What decides a list query's SQL (never a value). */
function shapeKey(
  f: OrderFilter,
  statuses: readonly OrderStatus[] | undefined,
  text: { match: string | undefined; like: SQL[] },
  hideReporter: boolean,
): string {
  const has = (x: unknown) => (x === undefined || x === null || x === '' || x === false ? 0 : 1);
  return [
    has(hideReporter),
    f.sort ?? 'createdAt',
    statuses?.length ?? '*',
    has(f.category),
    has(f.channel),
    has(f.leadUnitId),
    has(f.callerPhone),
    has(f.overdue),
    has(f.createdFrom !== undefined),
    has(f.createdTo !== undefined),
    text.like.length,
    has(text.match),
  ].join(',');
}

export function filterConditions(f: OrderFilter, now: number, v: Values, hideReporter: boolean): Array<SQL | undefined> {
  const conds: Array<SQL | undefined> = [];
  const add = (name: string, value: unknown, cond: SQL) => {
    v[name] = value;
    conds.push(cond);
  };
  if (f.category) add('category', f.category, eq(workOrders.category, ph('category')));
  if (f.channel) add('channel', f.channel, eq(workOrders.channel, ph('channel')));
  if (f.leadUnitId) add('leadUnitId', f.leadUnitId, eq(workOrders.leadUnitId, ph('leadUnitId')));
  // A confidential order's phone is the reporter's identity: not matched for those who may not see it.
  if (f.callerPhone)
    add(
      'callerPhone',
      f.callerPhone,
      hideReporter ? and(eq(workOrders.callerPhone, ph('callerPhone')), eq(workOrders.confidential, false))! : eq(workOrders.callerPhone, ph('callerPhone')),
    );
  // Unary + keeps the deadline bound off the index range: as a range SQLite would fetch and
  // sort every overdue order; checked on the rows walked in list order, a page reads ~a page.
  if (f.overdue) add('now', now, sql`+${workOrders.deadlineAt} < ${ph('now')}`);
  // likelihood(): a creation-date bound is taken to keep few orders (as "since last week" does),
  // so SQLite ranges over work_orders_created_idx and sorts those; without it, a list by deadline
  // with no status would walk work_orders_deadline_order_idx past every order outside the range.
  if (f.createdFrom !== undefined) add('createdFrom', f.createdFrom, sql`likelihood(${gte(workOrders.createdAt, ph('createdFrom'))}, 0.05)`);
  if (f.createdTo !== undefined) add('createdTo', f.createdTo, sql`likelihood(${lte(workOrders.createdAt, ph('createdTo'))}, 0.05)`);
  return conds;
}

/** createdAt: newest first; deadlineAt: most urgent first, orders without a deadline last. */
function orderBy(sort: OrderSort | undefined): SQL[] {
  return sort === 'deadlineAt'
    ? [sql`${workOrders.deadlineAt} is null`, asc(workOrders.deadlineAt), asc(workOrders.id)]
    : [desc(workOrders.createdAt), desc(workOrders.id)];
}

function pageSorted(db: Db, key: string | undefined, sort: OrderSort | undefined, conds: Array<SQL | undefined>, v: Values): Found {
  const where = and(...conds);
  const rows = rowsOf(db, key && `rows:${key}`, toOrderRow, () =>
    db
      .select()
      .from(workOrders)
      .where(where)
      .orderBy(...orderBy(sort))
      .limit(ph('limit'))
      .offset(ph('offset')),
  ).all(v);
  return {
    rows,
    n: shortPageCount(rows.length, v) ?? countWhere(db, key, where, v),
  };
}

/** The page's count if the page tells it (order-filter.ts countFromPage). */
function shortPageCount(rows: number, v: Values): number | undefined {
  return countFromPage(rows, v['limit'] as number, v['offset'] as number);
}

/**
 * Several statuses: SQLite cannot merge the per-status index ranges in list order, so it would
 * sort every match. Each status takes its first offset+limit ids in order from its own index
 * range (work_orders_status_created_idx / _status_deadline_order_idx) and only those are merged.
 */
function pageMerged(
  db: Db,
  key: string | undefined,
  sort: OrderSort | undefined,
  conds: Array<SQL | undefined>,
  statuses: readonly OrderStatus[],
  v: Values,
): Found {
  const ids = (
    prepared(db, key && `ids:${key}`, () => {
      const order = sql.join(orderBy(sort), sql`, `);
      const arms = statuses.map(
        (_, i) =>
          sql`select * from (select ${workOrders.id} as id, ${workOrders.createdAt} as c, ${workOrders.deadlineAt} as d from ${workOrders} where ${and(eq(workOrders.status, ph(`s${i}`)), ...conds)} order by ${order} limit ${ph('armLimit')})`,
      );
      const merged = sort === 'deadlineAt' ? sql`d is null, d, id` : sql`c desc, id desc`;
      return db
        .select({ id: sql<number>`id` })
        .from(sql`(${sql.join(arms, sql` union all `)})`)
        .orderBy(merged)
        .limit(ph('limit'))
        .offset(ph('offset'));
    }).all(v) as Array<{ id: number }>
  ).map((r) => r.id);
  const rows = rowsInOrder(db, ids);
  const where = and(
    inArray(
      workOrders.status,
      statuses.map((_, i) => ph(`s${i}`)),
    ),
    ...conds,
  );
  return {
    rows,
    n: shortPageCount(ids.length, v) ?? countWhere(db, key, where, v),
  };
}

/** The order rows of `ids`, in that order. */
export function rowsInOrder(db: Db, ids: readonly number[]): WorkOrderRow[] {
  if (ids.length === 0) return [];
  const v: Values = {};
  ids.forEach((id, i) => (v[`id${i}`] = id));
  const rows = rowsOf(db, `rowsInOrder:${ids.length}`, toOrderRow, () =>
    db
      .select()
      .from(workOrders)
      .where(
        inArray(
          workOrders.id,
          ids.map((_, i) => ph(`id${i}`)),
        ),
      ),
  ).all(v);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is WorkOrderRow => r !== undefined);
}

/**
 * Full-text search, newest first by order id: the FTS index yields its matches in descending
 * rowid order and the query stops at the page, so a phrase in 70 000 orders costs no more than
 * a rare one (sorting by created_at would first fetch and sort every match). Ids are given in
 * the order orders are taken and created_at is the time of that insert, so this is the
 * created-at order of every order the system takes itself.
 */
function searchNewestFirst(db: Db, key: string | undefined, ftsScope: SQL | undefined, conds: Array<SQL | undefined>, v: Values): Found {
  const matching = and(sql`${workOrdersFts} match ${ph('match')}`, ftsScope);
  const rows = rowsOf(db, key && `rows:${key}`, toOrderRow, () =>
    db
      .select(getTableColumns(workOrders))
      .from(workOrdersFts)
      .innerJoin(workOrders, eq(workOrders.id, workOrdersFts.rowid))
      .where(and(matching, ...conds))
      .orderBy(desc(workOrdersFts.rowid))
      .limit(ph('limit'))
      .offset(ph('offset')),
  ).all(v);
  // Without conditions on the order row the FTS index (and the scope on its rowid) counts.
  const matched = () =>
    conds.every((c) => c === undefined)
      ? db
          .select({ one: sql`1` })
          .from(workOrdersFts)
          .where(matching)
      : db
          .select({ one: sql`1` })
          .from(workOrdersFts)
          .innerJoin(workOrders, eq(workOrders.id, workOrdersFts.rowid))
          .where(and(matching, ...conds));
  return { rows, n: shortPageCount(rows.length, v) ?? countUpToCap(db, key && `count:${key}`, matched, v) };
}

/** The orders matching `where`, counted up to the cap (memoised under `key`). */
function countWhere(db: Db, key: string | undefined, where: SQL | undefined, v: Values): number {
  return countUpToCap(
    db,
    key && `count:${key}`,
    () =>
      db
        .select({ one: sql`1` })
        .from(workOrders)
        .where(where),
    v,
  );
}

/**
 * Counting every match of a broad filter over a million orders costs more than the page
 * itself: count up to one past the filter's cap, `v.countLimit` (the caller says when there are more). Walking up to
 * 10,001 index entries is still about half of a list's time (~170–330 µs at 20,000 orders),
 * so an unscoped count is kept until the database changes: the key is the query's shape and
 * values, and the memo starts over when this connection has changed a row (total_changes(),
 * triggers included) or another connection has committed (data_version) — a count is never
 * older than the last change.
 */
function countUpToCap(
  db: Db,
  key: string | undefined,
  matched: () => { limit(n: ReturnType<typeof ph>): { as(alias: string): Parameters<ReturnType<Db['select']>['from']>[0] } },
  v: Values,
): number {
  const memo = key === undefined ? undefined : countMemo(db);
  const memoKey = memo && `${key}|${JSON.stringify(v, (k, x: unknown) => (k === 'limit' || k === 'offset' || k === 'armLimit' ? undefined : x))}`;
  const known = memoKey === undefined ? undefined : memo?.get(memoKey);
  if (known !== undefined) return known;
  const row = prepared(db, key, () => db.select({ n: count() }).from(matched().limit(ph('countLimit')).as('matched'))).get(v) as { n: number } | undefined;
  const n = row?.n ?? 0;
  if (memoKey !== undefined) memo?.set(memoKey, n);
  return n;
}

/** Counts kept per connection while nothing changes (see countUpToCap); at most this many. */
const MAX_COUNTS = 1024;

interface CountMemo {
  readonly counts: Map<string, number>;
  readonly generation: { get(): unknown };
  last: string | undefined;
}

const countMemos = new WeakMap<Db, CountMemo | null>();

/** The connection's counts, emptied if anything changed since they were taken; null without a client. */
function countMemo(db: Db): { get(k: string): number | undefined; set(k: string, n: number): void } | undefined {
  let m = countMemos.get(db);
  if (m === undefined) {
    const client = (db as unknown as { $client?: { prepare(source: string): { raw(on: boolean): { get(): unknown } } } }).$client;
    m = client
      ? { counts: new Map(), generation: client.prepare('select total_changes(), data_version from pragma_data_version').raw(true), last: undefined }
      : null;
    countMemos.set(db, m);
  }
  if (!m) return undefined;
  const memo = m;
  const generation = String(memo.generation.get());
  if (generation !== memo.last) {
    memo.counts.clear();
    memo.last = generation;
  }
  return {
    get: (k) => memo.counts.get(k),
    set: (k, n) => {
      if (memo.counts.size >= MAX_COUNTS) memo.counts.clear();
      memo.counts.set(k, n);
    },
  };
}

/**
 * The FTS5 table (trigram tokenizer; migrations 0001, 0007, 0013), kept in step by triggers.
 * Its columns: subject, content, location, caller_name (the reporter's name when the order is
 * not confidential) and confidential_caller_name (when it is). Declared here, not in
 * schema.ts: drizzle-kit does not manage it.
 */
export const workOrdersFts = sqliteTable('work_orders_fts', { rowid: integer('rowid').notNull() });

/** The FTS columns a searcher who may not see confidential reporters matches: all but confidential_caller_name. */
const PUBLIC_COLUMNS = '{subject content location caller_name}';

/**
 * The trigram tokenizer only indexes runs of 3+ characters, so a shorter term can never MATCH:
 * those fall back to LIKE on the subject. Longer terms are quoted as FTS5 phrases (no query
 * syntax from users) and must all occur; with `hideReporter`, in the public columns only (an
 * FTS5 column filter over the whole expression). Values go into `v` (match, like0…).
 */
export function textSearch(q: string | undefined, v: Values, hideReporter: boolean): { match: string | undefined; like: SQL[] } {
  const { long, short } = searchTerms(q);
  const like = short.map((t, i) => {
    v[`like${i}`] = `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return sql`${workOrders.subject} like ${ph(`like${i}`)} escape '\\'`;
  });
  const phrases = long.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ');
  const match = long.length === 0 ? undefined : hideReporter ? `${PUBLIC_COLUMNS} : (${phrases})` : phrases;
  if (match !== undefined) v['match'] = match;
  return { match, like };
}

function inMatches(): SQL {
  return sql`${workOrders.id} in (select rowid from ${workOrdersFts} where ${workOrdersFts} match ${ph('match')})`;
}
