/**
 * The desk's full-text search with other filters, newest first, at a bounded cost. The list's
 * search (order-pages.ts) walks the FTS matches newest first and reads each match's order row to
 * check the other filters, and counts them all up to 10,000: a common phrase with a filter that
 * few of its matches pass (or none) read 66,000 order rows at 1M orders (~0.7–1.5 s).
 *
 * Here one request checks at most SCAN_WINDOW matches, newest first: the window is the rowid
 * range from the cursor down to the SCAN_WINDOW-th match (the FTS index yields its matches in
 * rowid order and restricts itself to a rowid range), and each match is checked on
 * work_orders_desk_facets_idx (id first, then the filter columns: no order row is read). A date
 * filter narrows the range first (order ids grow with creation time, as similar.ts uses). When
 * the window stops before the oldest match and the page is not full, the answer says `partial`
 * and its cursor continues below the window: nothing is skipped, the dispatcher asks for more.
 * Counts go up to DESK_COUNT_CAP within the first window.
 */
import { count, desc, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { workOrders } from '../../db/schema.js';
import type { OrderFilter } from '../order-filter.js';
import { filterConditions, rowsInOrder, statusesOf, textSearch, workOrdersFts, type Values } from '../order-pages.js';
import type { WorkOrderRow } from '../repository.js';
import { scopeCondition, type OrderScope } from '../scope.js';
import type { DeskReadsStore, TextWindowQuery, WindowPage } from './desk-reads-store.js';

export type { WindowPage } from './desk-reads-store.js';

/** FTS matches one request checks at most. */
export const SCAN_WINDOW = 5000;
/** The desk counts a search's matches up to this many ("1000+"). */
export const DESK_COUNT_CAP = 1000;

/**
 * A rowid bound written as an integer literal: better-sqlite3 binds a JS number as a REAL, and
 * FTS5 then does not restrict its walk to the range but reads every match and filters (13 ms
 * instead of 0.6 ms for 5000 of 66,000 matches at 1M orders). The values are our own integers.
 */
export const rowid = (n: number): SQL => sql.raw(String(Math.max(0, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(n)))));

/** Whether a search takes this path: a text search of 3+ character terms, newest first. */
export function usesTextWindow(filter: OrderFilter): boolean {
  if (filter.sort === 'deadlineAt') return false;
  return textSearch(filter.q, {}, false).match !== undefined;
}

/** The rowid range of orders created in [from, to] (ids grow with creation time); nulls: open ends. */
function createdRange(db: Db, from: number | undefined, to: number | undefined): { lo: number | null; hi: number | null } {
  const lo =
    from === undefined
      ? null
      : (db.get<{ id: number }>(
          sql`select ${workOrders.id} as id from ${workOrders} where ${workOrders.createdAt} >= ${from} order by ${workOrders.createdAt}, ${workOrders.id} limit 1`,
        )?.id ?? Number.MAX_SAFE_INTEGER);
  const hi =
    to === undefined
      ? null
      : (db.get<{ id: number }>(
          sql`select ${workOrders.id} as id from ${workOrders} where ${workOrders.createdAt} <= ${to} order by ${workOrders.createdAt} desc, ${workOrders.id} desc limit 1`,
        )?.id ?? 0);
  return { lo, hi };
}

/**
 * One page of a text search with filters within `scope`, below rowid `before` (exclusive; null:
 * from the newest). `window` is SCAN_WINDOW (tests give a small one).
 */
export function textWindowPage(
  db: Db,
  scope: OrderScope,
  filter: OrderFilter,
  now: number,
  pageSize: number,
  before: number | null,
  window = SCAN_WINDOW,
  countCap = DESK_COUNT_CAP,
): WindowPage {
  const empty: WindowPage = { rows: [], n: 0, bounded: false, next: null, partial: false };
  const statuses = statusesOf(filter);
  if (statuses?.length === 0) return empty;
  const v: Values = {};
  const text = textSearch(filter.q, v, scope.hideReporter);
  const match = v['match'] as string;
  const conds: SQL[] = [...filterConditions(filter, now, v, scope.hideReporter), ...text.like].filter((c): c is SQL => c !== undefined);
  if (statuses)
    conds.push(
      sql`+${workOrders.status} in (${sql.join(
        statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  const { lo, hi } = createdRange(db, filter.createdFrom, filter.createdTo);
  const top = Math.min(before ?? Number.MAX_SAFE_INTEGER, hi === null ? Number.MAX_SAFE_INTEGER : hi + 1);
  const bottom = lo ?? 0;
  if (top <= bottom) return empty;
  const inFts = sql`${workOrdersFts} match ${match} and ${workOrdersFts.rowid} < ${rowid(top)} and ${workOrdersFts.rowid} >= ${rowid(bottom)}`;
  // The window's last (oldest) match: a walk of the FTS index alone.
  const edge = db.get<{ id: number }>(
    sql`select ${workOrdersFts.rowid} as id from ${workOrdersFts} where ${inFts} order by ${workOrdersFts.rowid} desc limit 1 offset ${rowid(window - 1)}`,
  );
  const bounded = edge !== undefined && edge.id > bottom;
  // One lower bound: FTS5 restricts its walk by one rowid range, given twice it filters by the other.
  const inWindow = edge
    ? sql`${workOrdersFts} match ${match} and ${workOrdersFts.rowid} < ${rowid(top)} and ${workOrdersFts.rowid} >= ${rowid(Math.max(bottom, edge.id))}`
    : inFts;
  const scopeSql = scopeCondition(scope, db, { textSearch: true, orderId: workOrdersFts.rowid });
  // The other filters on the facets index (unary + keeps SQLite from probing it once per status).
  const facets =
    conds.length === 0
      ? undefined
      : sql`exists (select 1 from ${workOrders} indexed by work_orders_desk_facets_idx where ${workOrders.id} = ${workOrdersFts.rowid} and ${sql.join(conds, sql` and `)})`;
  const where = sql.join([inWindow, ...(scopeSql ? [scopeSql] : []), ...(facets ? [facets] : [])], sql` and `);
  const ids = (
    db
      .select({ id: workOrdersFts.rowid })
      .from(workOrdersFts)
      .where(where)
      .orderBy(desc(workOrdersFts.rowid))
      .limit(pageSize + 1)
      .prepare()
      .all(v) as Array<{ id: number }>
  ).map((r) => r.id);
  const full = ids.length > pageSize;
  const page = ids.slice(0, pageSize);
  // A short page counted itself; a full one counts on, up to the cap, within the window.
  const counted = () =>
    db
      .select({ n: count() })
      .from(
        db
          .select({ one: sql`1` })
          .from(workOrdersFts)
          .where(where)
          .limit(countCap + 1)
          .as('matched'),
      )
      .prepare()
      .get(v);
  const n = full ? (counted()?.n ?? 0) : page.length;
  return windowPage(rowsInOrder(db, page), full, n, bounded ? edge.id : null);
}

/**
 * A window's page from what its statements found (both dialects): the page's rows (newest
 * first), whether one more matched (`full`), the matches counted, and the window's oldest match
 * when the window stopped before the oldest match of the range (`edge`; null: it did not).
 */
export function windowPage(rows: WorkOrderRow[], full: boolean, n: number, edge: number | null): WindowPage {
  const last = rows.at(-1);
  const next = full && last !== undefined ? last.id : edge !== null ? edge : null;
  return { rows, n, bounded: edge !== null, next, partial: !full && edge !== null };
}

/** A text search's page within its window through the desk's port. */
export function readTextWindow(store: DeskReadsStore, q: TextWindowQuery): Promise<WindowPage> {
  return store.read((r) => r.textWindow(q));
}
