/**
 * Likely repeats of an order (重复诉求), for the dispatcher to merge or link: orders of the same
 * reporter's phone, at the same place, or with similar text (the FTS trigram index), created
 * within REPEAT_WINDOW_DAYS of it, each with the reasons it was suggested.
 */
import { and, between, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { workOrders } from '../../db/schema.js';
import { toView } from '../queries.js';
import type { WorkOrderRow } from '../repository.js';
import { canSee, findInScope } from '../scope.js';
import { deskView, type DeskOrderView, type DeskReader } from './search.js';
import { rowid } from './text-window.js';

/**
 * The window, in calendar days either side of the order's creation. The longest default time
 * limit (report 举报, 15 working days) is about three calendar weeks, and a repeat is a call about
 * a demand still being handled or just answered: 30 days covers any category's handling and the
 * weeks after it, where repeats cluster, without drowning the list in last year's orders.
 */
export const REPEAT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;
/** Suggestions shown; per reason this many candidates are read. */
export const MAX_SIMILAR = 10;

export type RepeatReason = 'same_phone' | 'same_place' | 'similar_text';

export interface SimilarOrder {
  readonly order: DeskOrderView;
  /** Strongest first: the same reporter, the same place, similar text. */
  readonly reasons: RepeatReason[];
}

/** The order's likely repeats in the reader's scope; ORDER_NOT_FOUND when the order is outside it. */
export function similarOrders(db: Db, reader: DeskReader, orderId: number): SimilarOrder[] {
  const order = findInScope(db, reader.scope, orderId);
  const window = between(workOrders.createdAt, order.createdAt - REPEAT_WINDOW_DAYS * DAY_MS, order.createdAt + REPEAT_WINDOW_DAYS * DAY_MS);
  const others = and(ne(workOrders.id, order.id), ne(workOrders.status, 'merged'), window);
  const found = new Map<number, { row: WorkOrderRow; reasons: Set<RepeatReason> }>();
  const add = (rows: WorkOrderRow[], reason: RepeatReason) => {
    for (const row of rows) {
      if (!canSee(reader.scope, row)) continue;
      const hit = found.get(row.id) ?? { row, reasons: new Set<RepeatReason>() };
      hit.reasons.add(reason);
      found.set(row.id, hit);
    }
  };
  const newest = (cond: ReturnType<typeof and>) =>
    db.select().from(workOrders).where(and(others, cond)).orderBy(desc(workOrders.createdAt)).limit(MAX_SIMILAR).all();

  // A hidden reporter stays hidden: the same phone is not a reason where either order is confidential.
  const phoneShown = !reader.scope.hideReporter || !order.fields.confidential;
  if (order.callerPhone && phoneShown) {
    const phoneCond = reader.scope.hideReporter
      ? and(eq(workOrders.callerPhone, order.callerPhone), eq(workOrders.confidential, false))
      : eq(workOrders.callerPhone, order.callerPhone);
    add(newest(phoneCond), 'same_phone');
  }
  const place = order.fields.location?.trim();
  if (place) add(newest(eq(workOrders.location, place)), 'same_place');
  // The subject is the demand in a few words; an order without one is known by its content's start.
  const match = ftsQueryOf(order.fields.subject?.trim() || (order.fields.content ?? '').slice(0, 60));
  if (match) add(textMatches(db, match, order.createdAt, order.id), 'similar_text');

  const rank = (r: Set<RepeatReason>) => (r.has('same_phone') ? 4 : 0) + (r.has('same_place') ? 2 : 0) + (r.has('similar_text') ? 1 : 0);
  return [...found.values()]
    .sort((a, b) => rank(b.reasons) - rank(a.reasons) || b.row.createdAt - a.row.createdAt || b.row.id - a.row.id)
    .slice(0, MAX_SIMILAR)
    .map(({ row, reasons }) => ({
      order: deskView(toView(row, reader.scope), reader),
      reasons: (['same_phone', 'same_place', 'similar_text'] as const).filter((r) => reasons.has(r)),
    }));
}

/**
 * An FTS5 query for text like `text` (an order's subject): its runs of 4+ characters (Chinese has
 * no spaces, so a phrase is one run) cut into 4-character phrases at every other character, any
 * of which may match — a common stretch of 5 characters always holds one; the trigram index finds
 * each phrase. At most MAX_PHRASES, from the start; null when too short.
 */
const MAX_PHRASES = 12;

export function ftsQueryOf(text: string): string | null {
  const phrases = new Set<string>();
  for (const run of text.split(/[\s\p{P}\p{S}\p{Cc}]+/u)) {
    const chars = [...run];
    for (let i = 0; i + 4 <= chars.length && phrases.size < MAX_PHRASES; i += 2) phrases.add(chars.slice(i, i + 4).join(''));
    if (chars.length >= 3 && chars.length < 4 && phrases.size < MAX_PHRASES) phrases.add(run);
  }
  return phrases.size === 0 ? null : [...phrases].map((p) => `"${p.replace(/"/g, '""')}"`).join(' OR ');
}

/**
 * Orders matching `match` created within the window, newest first. Order ids grow with creation
 * time, so the window is a rowid range the FTS index restricts itself to, and the index yields
 * its matches in rowid order: the query stops after a page, however common the phrase (ranking
 * by bm25 would score every match in the window first: ~6 000 for a common subject at 1M orders).
 */
function textMatches(db: Db, match: string, createdAt: number, selfId: number): WorkOrderRow[] {
  const from = createdAt - REPEAT_WINDOW_DAYS * DAY_MS;
  const to = createdAt + REPEAT_WINDOW_DAYS * DAY_MS;
  const ids = db.get<{ lo: number | null; hi: number | null }>(
    sql`select (select id from ${workOrders} where ${workOrders.createdAt} >= ${from} order by ${workOrders.createdAt}, ${workOrders.id} limit 1) as lo,
               (select id from ${workOrders} where ${workOrders.createdAt} <= ${to} order by ${workOrders.createdAt} desc, ${workOrders.id} desc limit 1) as hi`,
  );
  if (!ids || ids.lo === null || ids.hi === null) return [];
  // The bounds as integer literals (text-window.ts rowid): bound as REAL, FTS5 would walk every match.
  const hits = db.all<{ id: number }>(
    sql`select rowid as id from work_orders_fts where work_orders_fts match ${match} and rowid between ${rowid(ids.lo)} and ${rowid(ids.hi)} and rowid <> ${selfId} order by rowid desc limit ${MAX_SIMILAR * 2}`,
  );
  if (hits.length === 0) return [];
  const rows = db
    .select()
    .from(workOrders)
    .where(
      and(
        sql`${workOrders.id} in (${sql.join(
          hits.map((h) => sql`${h.id}`),
          sql`, `,
        )})`,
        ne(workOrders.status, 'merged'),
        between(workOrders.createdAt, from, to),
      ),
    )
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hits
    .map((h) => byId.get(h.id))
    .filter((r): r is WorkOrderRow => r !== undefined)
    .slice(0, MAX_SIMILAR);
}
