/**
 * The order desk's own reads on SQLite (desk-reads-store.ts; the async port: db/sqlite-async.ts).
 * The statements are the desk's synchronous ones of before, each read in one `run()` (no await
 * inside it, so one snapshot): the queue counts (all of them in one, queues.ts countsOn), a
 * queue's page with its last returns, the text window (text-window.ts), the lookups of the order
 * page, likely repeats, returns per unit and the consultation list. What they keep is per
 * connection, keyed by the `Db` the port hands them (the writer, or the read-only connection
 * while a transaction is open): the statement cache of each connection (connection.ts
 * withStatementCache) and order-pages.ts's prepared statements.
 */
import { and, between, desc, eq, inArray, isNotNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { calls, users, workOrderEvents, workOrders } from '../../db/schema.js';
import { bareSqliteConn, type SqliteAsyncDb, type SqliteConn } from '../../db/sqlite-async.js';
import type { WorkOrderRow } from '../repository.js';
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
import { countsOn, queueRowsOn, type CountPlan, type QueueCount, type QueueRows, type QueueRowsQuery } from './queues.js';
import { rowid, textWindowPage, type WindowPage } from './text-window.js';

/** The FTS5 query of `phrases` (similar.ts phrasesOf: any may match); null when there are none. */
export function ftsQuery(phrases: readonly string[]): string | null {
  return phrases.length === 0 ? null : phrases.map((p) => `"${p.replace(/"/g, '""')}"`).join(' OR ');
}

/** Orders near `q`: not itself, not merged, created in [from, to]. */
const near = (q: NearQuery): SQL => and(ne(workOrders.id, q.selfId), ne(workOrders.status, 'merged'), between(workOrders.createdAt, q.from, q.to))!;

const newest = (db: Db, q: NearQuery, cond: SQL | undefined): WorkOrderRow[] =>
  db
    .select()
    .from(workOrders)
    .where(and(near(q), cond))
    .orderBy(desc(workOrders.createdAt))
    .limit(q.limit)
    .all();

/**
 * Orders matching `phrases` near `q`. Order ids grow with creation time, so the window is a rowid
 * range the FTS index restricts itself to, and the index yields its matches in rowid order: the
 * query stops after `hits`, however common the phrase (ranking by bm25 would score every match in
 * the window first: ~6 000 for a common subject at 1M orders).
 */
function textNearOn(db: Db, q: NearQuery, phrases: readonly string[], hits: number): WorkOrderRow[] {
  const match = ftsQuery(phrases);
  if (match === null) return [];
  const ids = db.get<{ lo: number | null; hi: number | null }>(
    sql`select (select id from ${workOrders} where ${workOrders.createdAt} >= ${q.from} order by ${workOrders.createdAt}, ${workOrders.id} limit 1) as lo,
               (select id from ${workOrders} where ${workOrders.createdAt} <= ${q.to} order by ${workOrders.createdAt} desc, ${workOrders.id} desc limit 1) as hi`,
  );
  if (!ids || ids.lo === null || ids.hi === null) return [];
  // The bounds as integer literals (text-window.ts rowid): bound as REAL, FTS5 would walk every match.
  const found = db.all<{ id: number }>(
    sql`select rowid as id from work_orders_fts where work_orders_fts match ${match} and rowid between ${rowid(ids.lo)} and ${rowid(ids.hi)} and rowid <> ${q.selfId} order by rowid desc limit ${hits}`,
  );
  if (found.length === 0) return [];
  const rows = db
    .select()
    .from(workOrders)
    .where(
      and(
        sql`${workOrders.id} in (${sql.join(
          found.map((h) => sql`${h.id}`),
          sql`, `,
        )})`,
        ne(workOrders.status, 'merged'),
        between(workOrders.createdAt, q.from, q.to),
      ),
    )
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return found
    .map((h) => byId.get(h.id))
    .filter((r): r is WorkOrderRow => r !== undefined)
    .slice(0, q.limit);
}

function consultationRowsOn(db: Db, from: number, to: number, maxRows: number) {
  const o = workOrders;
  const e = workOrderEvents;
  // Returns of the day, by the returning unit (the actor's unit), with its reason.
  const returns = db.all<ConsultationRow>(
    sql`select ${o.id} as orderId, ${o.number} as number, ${o.subject} as subject, ${o.category} as category, ${o.status} as status,
          ${users.unitId} as unitId, ${e.at} as at, ${e.comment} as note, 1 as count
        from ${e} join ${o} on ${o.id} = ${e.orderId} left join ${users} on ${users.id} = ${e.actorId}
        where ${e.action} = 'return' and ${e.at} >= ${from} and ${e.at} < ${to}
        order by ${e.at} limit ${maxRows}`,
  );
  // Still being handled, and the handling deadline was past at the end of the day.
  const overdue = db.all<ConsultationRow>(
    sql`select ${o.id} as orderId, ${o.number} as number, ${o.subject} as subject, ${o.category} as category, ${o.status} as status,
          ${o.leadUnitId} as unitId, ${o.deadlineAt} as at, null as note, cast((${to} - ${o.deadlineAt}) / 3600000 as integer) as count
        from ${o}
        where ${o.status} in ${HANDLING} and ${o.deadlineAt} is not null and ${o.deadlineAt} < ${to}
        order by ${o.deadlineAt} limit ${maxRows}`,
  );
  // Unsatisfied evaluations of the day, each with how many unsatisfied ones the order had by then.
  const unsatisfied = db.all<ConsultationRow>(
    sql`select ${o.id} as orderId, ${o.number} as number, ${o.subject} as subject, ${o.category} as category, ${o.status} as status,
          ${o.leadUnitId} as unitId, ${e.at} as at, ${e.comment} as note,
          (select count(*) from ${workOrderEvents} p where p.order_id = ${e.orderId} and p.at <= ${e.at}
             and p.action in ('evaluate', 'record_survey') and json_extract(p.data, '$.result') = 'unsatisfied') as count
        from ${e} join ${o} on ${o.id} = ${e.orderId}
        where ${e.action} in ('evaluate', 'record_survey') and ${e.at} >= ${from} and ${e.at} < ${to}
          and json_extract(${e.data}, '$.result') = 'unsatisfied'
        order by ${e.at} limit ${maxRows}`,
  );
  return { returns, overdue, unsatisfied };
}

class SqliteDeskReads implements DeskReadsQueries {
  constructor(private readonly conn: SqliteConn) {}

  countQueues(scope: OrderScope, plan: CountPlan): Promise<QueueCount[]> {
    return this.conn.run((db) => countsOn(db, scope, plan));
  }

  queueRows(q: QueueRowsQuery): Promise<QueueRows> {
    return this.conn.run((db) => queueRowsOn(db, q));
  }

  textWindow(q: TextWindowQuery): Promise<WindowPage> {
    return this.conn.run((db) => textWindowPage(db, q.scope, q.filter, q.now, q.pageSize, q.before, q.window, q.countCap));
  }

  orderByNumber(number: string): Promise<WorkOrderRow | undefined> {
    return this.conn.run((db) => db.select().from(workOrders).where(eq(workOrders.number, number)).get());
  }

  order(id: number): Promise<WorkOrderRow | undefined> {
    return this.conn.run((db) => db.select().from(workOrders).where(eq(workOrders.id, id)).get());
  }

  displayNames(ids: readonly number[]): Promise<Array<{ id: number; name: string }>> {
    return this.conn.run((db) =>
      db
        .select({ id: users.id, name: users.displayName })
        .from(users)
        .where(inArray(users.id, [...ids]))
        .all(),
    );
  }

  namedOrders(ids: readonly number[]): Promise<NamedOrderRow[]> {
    return this.conn.run((db) =>
      db
        .select({ id: workOrders.id, number: workOrders.number, status: workOrders.status, leadUnitId: workOrders.leadUnitId, coUnitIds: workOrders.coUnitIds })
        .from(workOrders)
        .where(inArray(workOrders.id, [...ids]))
        .all(),
    );
  }

  mergedWithCall(orderId: number): Promise<MergedCallOrderRow[]> {
    // On work_orders_merged_into_idx.
    return this.conn.run((db) =>
      db
        .select({
          id: workOrders.id,
          number: workOrders.number,
          status: workOrders.status,
          callId: workOrders.callId,
          confidential: workOrders.confidential,
          leadUnitId: workOrders.leadUnitId,
          coUnitIds: workOrders.coUnitIds,
        })
        .from(workOrders)
        .where(and(eq(workOrders.mergedIntoId, orderId), isNotNull(workOrders.callId)))
        .all(),
    );
  }

  callsOf(orderId: number, callIds: readonly string[]): Promise<CallRow[]> {
    return this.conn.run((db) =>
      db
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
        .where(callIds.length === 0 ? eq(calls.orderId, orderId) : or(eq(calls.orderId, orderId), inArray(calls.id, [...callIds])))
        .all(),
    );
  }

  newestWithPhone(q: NearQuery, phone: string, publicOnly: boolean): Promise<WorkOrderRow[]> {
    const cond = publicOnly ? and(eq(workOrders.callerPhone, phone), eq(workOrders.confidential, false)) : eq(workOrders.callerPhone, phone);
    return this.conn.run((db) => newest(db, q, cond));
  }

  newestAtPlace(q: NearQuery, place: string): Promise<WorkOrderRow[]> {
    return this.conn.run((db) => newest(db, q, eq(workOrders.location, place)));
  }

  textNear(q: NearQuery, phrases: readonly string[], hits: number): Promise<WorkOrderRow[]> {
    return this.conn.run((db) => textNearOn(db, q, phrases, hits));
  }

  unitReturnCounts(since: number): Promise<{ returned: UnitCount[]; dispatched: UnitCount[] }> {
    return this.conn.run((db) => ({
      returned: db.all<UnitCount>(
        sql`select ${users.unitId} as unitId, count(*) as n from ${workOrderEvents} join ${users} on ${users.id} = ${workOrderEvents.actorId}
            where ${workOrderEvents.action} = 'return' and ${workOrderEvents.at} >= ${since} and ${users.unitId} is not null group by ${users.unitId}`,
      ),
      dispatched: db.all<UnitCount>(
        sql`select json_extract(${workOrderEvents.data}, '$.leadUnitId') as unitId, count(*) as n from ${workOrderEvents}
            where ${workOrderEvents.action} in ('dispatch', 'redispatch') and ${workOrderEvents.at} >= ${since} group by 1`,
      ),
    }));
  }

  consultationRows(from: number, to: number, maxRows: number) {
    return this.conn.run((db) => consultationRowsOn(db, from, to, maxRows));
  }
}

export function sqliteDeskReadsStore(db: SqliteAsyncDb): DeskReadsStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteDeskReads(conn))),
  };
}

/**
 * The same reads on one connection that is not behind the port (no read connection, no writer
 * lock): for a process that holds only SQLite's writer and opens no asynchronous transaction —
 * bench:orders' desk figures and tests (desk-service.ts's default). The server wires sqliteDeskReadsStore.
 */
export function sqliteDeskReadsOn(db: Db): DeskReadsStore {
  const conn = bareSqliteConn(db);
  return { dialect: 'sqlite', read: (fn) => fn(new SqliteDeskReads(conn)) };
}
