/**
 * The order desk's own reads on PostgreSQL (desk-reads-store.ts; the async port:
 * db/postgres-async.ts). The rules are the desk's (queues.ts countPlan and the arms, text-window.ts
 * windowPage, similar.ts, unit-returns.ts, consultation.ts), as on SQLite; only the SQL differs:
 *
 * - a unit scope is an EXISTS on work_order_units (kept by migrations-pg/0002's trigger), as in
 *   order-reads-store-pg.ts; SQLite's INDEXED BY and unary + plan hints have no counterpart (the
 *   partial indexes of schema-pg.ts are chosen by the planner from the same conditions);
 * - the text search matches each term of 3+ characters with (I)LIKE (text-match-pg.ts) on WORK_ORDER_SEARCH_TEXT (and
 *   WORK_ORDER_CONFIDENTIAL_NAME where the reader may see confidential reporters), where SQLite
 *   asks its FTS5 index; the text window is an id range as SQLite's is a rowid range;
 * - a queue count is one statement per count of the plan (SQLite runs the plan in one `run()`);
 *   the last returns of a page are one DISTINCT ON statement;
 * - JSON is jsonb (`->>` for json_extract); counts are cast to int (node-postgres returns bigint as text).
 */
import { and, between, desc, eq, gte, inArray, isNotNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../../db/postgres-async.js';
import { calls, users, workOrderEvents as e, workOrders as o, workOrderUnits as u } from '../../db/schema-pg.js';
import { searchTerms, statusesOf } from '../order-filter.js';
import { pageWhere } from '../order-reads-store-pg.js';
import type { WorkOrderRow } from '../repository.js';
import { textHas } from '../text-match-pg.js';
import type { OrderScope } from '../scope.js';
import { HANDLING, type ConsultationRow } from './consultation.js';
import type {
  CallRow,
  DeskReadsQueries,
  DeskReadsStore,
  MergedCallOrderRow,
  NamedOrderRow,
  NearQuery,
  TextWindowQuery,
  UnitCount,
} from './desk-reads-store.js';
import {
  runPlanAsync,
  type Arm,
  type ArmCondition,
  type ArmCount,
  type CountPlan,
  type LastReturn,
  type QueueCount,
  type QueueRows,
  type QueueRowsQuery,
} from './queues.js';
import { windowPage, type WindowPage } from './text-window.js';

/** PostgreSQL's integer (work_orders.id): a bound past it is an error, not an empty range. */
const INT4_MAX = 2_147_483_647;
const int4 = (n: number) => Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.trunc(n)));

/** The scope as a condition on work_orders (undefined: none). */
function scopeWhere(scope: OrderScope): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'none' || scope.unitIds.length === 0) return sql`false`;
  return sql`exists (select 1 from ${u} where ${inArray(u.unitId, [...new Set(scope.unitIds)])} and ${u.orderId} = ${o.id})`;
}

function conditionOf(c: ArmCondition): SQL {
  switch (c.kind) {
    case 'lead':
      return eq(o.leadUnitId, c.unitId);
    case 'pendingExtension':
      return sql`${o.pendingExtension} <> 'null'`;
    case 'unsatisfied':
      return sql`${o.status} = 'evaluated' and ${o.satisfaction} = 'unsatisfied'`;
    case 'deadlineBetween':
      return between(o.deadlineAt, c.from, c.to);
    case 'deadlineBefore':
      return lt(o.deadlineAt, c.at);
  }
}

const armWhere = (arm: Arm, scope: SQL | undefined): SQL | undefined =>
  and(arm.status ? eq(o.status, arm.status) : undefined, arm.where ? conditionOf(arm.where) : undefined, scope);

const clockColumn = (c: NonNullable<ArmCount['colour']>['clock']) => (c === 'handling' ? o.deadlineAt : c === 'sign' ? o.signDeadlineAt : o.waitDeadlineAt);

/** Orders near `q`: not itself, not merged, created in [from, to]. */
const near = (q: NearQuery): SQL => and(ne(o.id, q.selfId), ne(o.status, 'merged'), between(o.createdAt, q.from, q.to))!;

class PgDeskReads implements DeskReadsQueries {
  constructor(private readonly db: PgConn) {}

  private async count(where: SQL | undefined, upTo: number): Promise<number> {
    const matched = this.db
      .select({ one: sql`1` })
      .from(o)
      .where(where)
      .limit(upTo)
      .as('matched');
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(matched);
    return r?.n ?? 0;
  }

  countQueues(scope: OrderScope, plan: CountPlan): Promise<QueueCount[]> {
    const scoped = scopeWhere(scope);
    return runPlanAsync(plan, (c) => {
      const base = armWhere(c.arm, scoped);
      if (!c.colour) return this.count(base, c.upTo);
      const col = clockColumn(c.colour.clock);
      const r = c.colour.range;
      const clock = c.colour.viaWaitIndex ? eq(o.waitClock, c.colour.clock) : undefined;
      return this.count(and(base, clock, 'before' in r ? lt(col, r.before) : between(col, r.from, r.to)), c.upTo);
    });
  }

  async queueRows(q: QueueRowsQuery): Promise<QueueRows> {
    const key = q.key === 'createdAt' ? o.createdAt : o.deadlineAt;
    const scoped = scopeWhere(q.scope);
    const past = q.after ? sql`(${key}, ${o.id}) > (${q.after.key}, ${q.after.id})` : undefined;
    const arms = q.arms.map(
      (arm) =>
        sql`(select ${o.id} as id, ${key} as k from ${o} where ${and(armWhere(arm, scoped), past) ?? sql`true`} order by ${key}, ${o.id} limit ${q.limit + 1})`,
    );
    const res = await this.db.execute<{ id: number | string; k: number | string }>(
      sql`select id, k from (${sql.join(arms, sql` union all `)}) picked order by k, id limit ${q.limit + 1}`,
    );
    const picked = res.rows.map((r) => ({ id: Number(r.id), k: Number(r.k) }));
    const ids = picked.slice(0, q.limit).map((p) => p.id);
    const found = ids.length === 0 ? [] : ((await this.db.select().from(o).where(inArray(o.id, ids))) as WorkOrderRow[]);
    const byId = new Map(found.map((r) => [r.id, r]));
    const rows = ids.map((id) => byId.get(id)).filter((r): r is WorkOrderRow => r !== undefined);
    const lastReturns = new Map<number, LastReturn>();
    if (q.lastReturns && ids.length > 0) {
      const last = await this.db
        .selectDistinctOn([e.orderId], { orderId: e.orderId, reason: e.comment, at: e.at, actorId: e.actorId })
        .from(e)
        .where(and(inArray(e.orderId, ids), eq(e.action, 'return')))
        .orderBy(e.orderId, desc(e.at), desc(e.id));
      for (const r of last) lastReturns.set(r.orderId, { reason: r.reason, at: r.at, actorId: r.actorId });
    }
    return { picked, rows, lastReturns };
  }

  async textWindow(q: TextWindowQuery): Promise<WindowPage> {
    const empty: WindowPage = { rows: [], n: 0, bounded: false, next: null, partial: false };
    const { scope, filter, now } = q;
    if (statusesOf(filter)?.length === 0) return empty;
    const { long } = searchTerms(filter.q);
    const text = and(...long.map((t) => textHas(t, scope.hideReporter)));
    // The id range of orders created in [createdFrom, createdTo] (ids grow with creation time).
    const lo =
      filter.createdFrom === undefined
        ? null
        : ((await this.db.select({ id: o.id }).from(o).where(gte(o.createdAt, filter.createdFrom)).orderBy(o.createdAt, o.id).limit(1))[0]?.id ??
          Number.MAX_SAFE_INTEGER);
    const hi =
      filter.createdTo === undefined
        ? null
        : ((await this.db.select({ id: o.id }).from(o).where(lte(o.createdAt, filter.createdTo)).orderBy(desc(o.createdAt), desc(o.id)).limit(1))[0]?.id ?? 0);
    const top = Math.min(q.before ?? Number.MAX_SAFE_INTEGER, hi === null ? Number.MAX_SAFE_INTEGER : hi + 1);
    const bottom = lo ?? 0;
    if (top <= bottom) return empty;
    const below = (floor: number) => and(text, lte(o.id, int4(top - 1)), gte(o.id, int4(floor)));
    // The window's last (oldest) text match.
    const [edge] = await this.db
      .select({ id: o.id })
      .from(o)
      .where(below(bottom))
      .orderBy(desc(o.id))
      .limit(1)
      .offset(q.window - 1);
    const bounded = edge !== undefined && edge.id > bottom;
    const others = scope.kind === 'none' ? sql`false` : pageWhere({ scope, filter, now, limit: q.pageSize, offset: 0 });
    const where = and(below(Math.max(bottom, edge?.id ?? bottom)), others);
    const rows = (await this.db
      .select()
      .from(o)
      .where(where)
      .orderBy(desc(o.id))
      .limit(q.pageSize + 1)) as WorkOrderRow[];
    const full = rows.length > q.pageSize;
    const n = full ? await this.count(where, q.countCap + 1) : rows.length;
    return windowPage(rows.slice(0, q.pageSize), full, n, bounded ? edge.id : null);
  }

  async orderByNumber(number: string): Promise<WorkOrderRow | undefined> {
    const [row] = await this.db.select().from(o).where(eq(o.number, number));
    return row;
  }

  async order(id: number): Promise<WorkOrderRow | undefined> {
    if (!Number.isSafeInteger(id) || Math.abs(id) > INT4_MAX) return undefined;
    const [row] = await this.db.select().from(o).where(eq(o.id, id));
    return row;
  }

  displayNames(ids: readonly number[]): Promise<Array<{ id: number; name: string }>> {
    return this.db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, [...ids]));
  }

  namedOrders(ids: readonly number[]): Promise<NamedOrderRow[]> {
    return this.db
      .select({ id: o.id, number: o.number, status: o.status, leadUnitId: o.leadUnitId, coUnitIds: o.coUnitIds })
      .from(o)
      .where(inArray(o.id, [...ids]));
  }

  mergedWithCall(orderId: number): Promise<MergedCallOrderRow[]> {
    return this.db
      .select({
        id: o.id,
        number: o.number,
        status: o.status,
        callId: o.callId,
        confidential: o.confidential,
        leadUnitId: o.leadUnitId,
        coUnitIds: o.coUnitIds,
      })
      .from(o)
      .where(and(eq(o.mergedIntoId, orderId), isNotNull(o.callId)));
  }

  callsOf(orderId: number, callIds: readonly string[]): Promise<CallRow[]> {
    return this.db
      .select({
        id: calls.id,
        hotline: calls.hotline,
        dialledNumber: calls.dialledNumber,
        direction: calls.direction,
        callerPhone: calls.callerPhone,
        state: calls.state,
        outcome: calls.outcome,
        enteredAt: calls.enteredAt,
        answeredAt: calls.answeredAt,
        endedAt: calls.endedAt,
        agentId: calls.agentId,
        agentName: users.displayName,
      })
      .from(calls)
      .leftJoin(users, eq(users.id, calls.agentId))
      .where(callIds.length === 0 ? eq(calls.orderId, orderId) : or(eq(calls.orderId, orderId), inArray(calls.id, [...callIds])));
  }

  private async newest(q: NearQuery, cond: SQL | undefined): Promise<WorkOrderRow[]> {
    return await this.db
      .select()
      .from(o)
      .where(and(near(q), cond))
      .orderBy(desc(o.createdAt))
      .limit(q.limit);
  }

  newestWithPhone(q: NearQuery, phone: string, publicOnly: boolean): Promise<WorkOrderRow[]> {
    return this.newest(q, publicOnly ? and(eq(o.callerPhone, phone), eq(o.confidential, false)) : eq(o.callerPhone, phone));
  }

  newestAtPlace(q: NearQuery, place: string): Promise<WorkOrderRow[]> {
    return this.newest(q, eq(o.location, place));
  }

  async textNear(q: NearQuery, phrases: readonly string[], hits: number): Promise<WorkOrderRow[]> {
    if (phrases.length === 0) return [];
    const [lo] = await this.db.select({ id: o.id }).from(o).where(gte(o.createdAt, q.from)).orderBy(o.createdAt, o.id).limit(1);
    const [hi] = await this.db.select({ id: o.id }).from(o).where(lte(o.createdAt, q.to)).orderBy(desc(o.createdAt), desc(o.id)).limit(1);
    if (!lo || !hi) return [];
    const matches = this.db
      .select({ id: o.id })
      .from(o)
      .where(and(or(...phrases.map((p) => textHas(p, false))), between(o.id, lo.id, hi.id), ne(o.id, q.selfId)))
      .orderBy(desc(o.id))
      .limit(hits);
    return await this.db
      .select()
      .from(o)
      .where(and(inArray(o.id, matches), ne(o.status, 'merged'), between(o.createdAt, q.from, q.to)))
      .orderBy(desc(o.id))
      .limit(q.limit);
  }

  async unitReturnCounts(since: number): Promise<{ returned: UnitCount[]; dispatched: UnitCount[] }> {
    const n = sql<number>`count(*)::int`;
    const returned = await this.db
      .select({ unitId: sql<string>`${users.unitId}`, n })
      .from(e)
      .innerJoin(users, eq(users.id, e.actorId))
      .where(and(eq(e.action, 'return'), gte(e.at, since), isNotNull(users.unitId)))
      .groupBy(users.unitId);
    const lead = sql<string>`${e.data}->>'leadUnitId'`;
    const dispatched = await this.db
      .select({ unitId: lead, n })
      .from(e)
      .where(and(inArray(e.action, ['dispatch', 'redispatch']), gte(e.at, since)))
      .groupBy(lead);
    return { returned, dispatched };
  }

  async consultationRows(from: number, to: number, maxRows: number) {
    const order = { orderId: o.id, number: o.number, subject: o.subject, category: o.category, status: o.status };
    const returns: ConsultationRow[] = await this.db
      .select({ ...order, unitId: users.unitId, at: e.at, note: e.comment, count: sql<number>`1` })
      .from(e)
      .innerJoin(o, eq(o.id, e.orderId))
      .leftJoin(users, eq(users.id, e.actorId))
      .where(and(eq(e.action, 'return'), gte(e.at, from), lt(e.at, to)))
      .orderBy(e.at)
      .limit(maxRows);
    const overdue: ConsultationRow[] = (
      await this.db
        .select({
          ...order,
          unitId: o.leadUnitId,
          at: o.deadlineAt,
          note: sql<string | null>`null`,
          count: sql<number>`((${to}::bigint - ${o.deadlineAt}) / 3600000)::int`,
        })
        .from(o)
        .where(and(inArray(o.status, [...HANDLING]), isNotNull(o.deadlineAt), lt(o.deadlineAt, to)))
        .orderBy(o.deadlineAt)
        .limit(maxRows)
    ).map((r) => ({ ...r, at: r.at! }));
    const unsatisfied: ConsultationRow[] = await this.db
      .select({
        ...order,
        unitId: o.leadUnitId,
        at: e.at,
        note: e.comment,
        count: sql<number>`(select count(*)::int from work_order_events p where p.order_id = ${e.orderId} and p.at <= ${e.at}
             and p.action in ('evaluate', 'record_survey') and p.data->>'result' = 'unsatisfied')`,
      })
      .from(e)
      .innerJoin(o, eq(o.id, e.orderId))
      .where(and(inArray(e.action, ['evaluate', 'record_survey']), gte(e.at, from), lt(e.at, to), sql`${e.data}->>'result' = 'unsatisfied'`))
      .orderBy(e.at)
      .limit(maxRows);
    return { returns, overdue, unsatisfied };
  }
}

export function pgDeskReadsStore(db: PostgresAsyncDb): DeskReadsStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgDeskReads(conn))),
  };
}
