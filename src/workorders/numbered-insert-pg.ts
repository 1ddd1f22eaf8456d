/**
 * The numbered insert of a new order on PostgreSQL (orders-store-pg.ts insertNumbered, decision
 * 0019) as a named prepared statement: its SQL is built once per shape (acted or not, how many
 * history rows, which of them carry the number) with a placeholder for every value, and each
 * connection parses it once (node-postgres keeps a connection's named statements) — where drizzle
 * built the statement per create (its query builder: most of the bench process's CPU per create)
 * and PostgreSQL parsed and planned it per create. The rows written and returned are the same:
 * every value is encoded as drizzle encodes it (a column's mapToDriverValue, NULL as NULL), and
 * the returned row is decoded by drizzle's prepared query.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgSession } from 'drizzle-orm/pg-core';
import type { PgConn } from '../db/postgres-async.js';
import { counters, workOrderEvents, workOrders } from '../db/schema-pg.js';
import type { NumberedOrder } from './orders-store.js';
import { eventValues, orderValues, stateValues } from './repository.js';

type Values = Record<string, unknown>;
interface Shape {
  readonly name: string;
  readonly query: { sql: string; params: unknown[] };
}

const ORDER_COLUMNS = getTableColumns(workOrders) as Record<string, { mapToDriverValue(v: unknown): unknown }>;
const EVENT_COLUMNS = getTableColumns(workOrderEvents) as Record<string, { mapToDriverValue(v: unknown): unknown }>;
/** The returned row's fields, in the order `returning()` lists the columns (drizzle's orderSelectedFields of a table). */
const RETURNED = Object.entries(getTableColumns(workOrders)).map(([key, field]) => ({ path: [key], field }));

/** A value as drizzle's insert sends it: NULL stays NULL, anything else through the column's encoder. */
const encoded = (column: { mapToDriverValue(v: unknown): unknown }, v: unknown): unknown => (v === null || v === undefined ? null : column.mapToDriverValue(v));

/** The values of one create, by placeholder name, and the key of its statement's shape. */
function valuesOf(o: NumberedOrder): { key: string; values: Values; order: Values; events: Array<{ numbered: boolean; v: Values }> } {
  const row = { ...o.row, number: '' };
  const order: Values = o.acted ? { ...orderValues(row), ...stateValues(o.acted.next, o.acted.version, o.acted.wait) } : orderValues(row);
  delete order.number;
  const values: Values = { counter: o.numbering.counter, head: o.numbering.head };
  for (const [k, v] of Object.entries(order)) values[`o_${k}`] = encoded(ORDER_COLUMNS[k]!, v);
  const events = o.events.map(({ numbered, ...e }, i) => {
    const v: Values = eventValues(0, e);
    delete v.orderId;
    for (const [k, x] of Object.entries(v)) values[`e${i}_${k}`] = k === 'data' && numbered ? JSON.stringify(x ?? {}) : encoded(EVENT_COLUMNS[k]!, x);
    return { numbered: numbered === true, v };
  });
  const key = `${Object.keys(order).join(',')}|${events.map((e) => `${e.numbered ? 'n' : ''}${Object.keys(e.v).join(',')}`).join('|')}`;
  return { key, values, order, events };
}

/** The statement of one shape, with placeholders: insertNumbered's CTEs (orders-store-pg.ts says why). */
function build(db: PgConn, name: string, order: Values, events: ReadonlyArray<{ numbered: boolean; v: Values }>): Shape {
  const p = (n: string): SQL => sql`${sql.placeholder(n)}`;
  const bump = db.$with('bump').as(
    db
      .insert(counters)
      .values({ name: sql`${p('counter')}::text`, value: 1 })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
      .returning({ value: counters.value }),
  );
  // A volatile function (nextval) in a CTE: evaluated once, whoever reads it.
  const fresh = db.$with('fresh').as(
    db
      .select({
        id: sql<number>`nextval(pg_get_serial_sequence('work_orders', 'id'))`.as('id'),
        number: sql<string>`${p('head')}::text || lpad(${bump.value}::text, greatest(6, length(${bump.value}::text)), '0')`.as('number'),
      })
      .from(bump),
  );
  const freshId = sql`(select ${fresh.id} from ${fresh})`;
  const freshNumber = sql`(select ${fresh.number} from ${fresh})`;
  const history = db.$with('history').as(
    db
      .insert(workOrderEvents)
      .values(
        events.map(({ numbered, v }, i) => {
          const row = Object.fromEntries(Object.keys(v).map((k) => [k, p(`e${i}_${k}`)]));
          const data = numbered ? sql`jsonb_build_object('number', ${freshNumber}) || ${p(`e${i}_data`)}::jsonb` : row.data;
          return { ...row, orderId: freshId, data } as unknown as typeof workOrderEvents.$inferInsert;
        }),
      )
      .returning({ id: workOrderEvents.id }),
  );
  const row = Object.fromEntries(Object.keys(order).map((k) => [k, p(`o_${k}`)]));
  const query = db
    .with(bump, fresh, history)
    .insert(workOrders)
    .values({ ...row, id: freshId, number: freshNumber } as unknown as typeof workOrders.$inferInsert)
    .returning()
    .toSQL();
  return { name, query };
}

const shapes = new Map<string, Shape>();

/** Inserts `o` numbered (the day's counter bumped in the same statement) and returns the stored row, as drizzle's `returning()` reads it. */
export async function insertNumberedPrepared(db: PgConn, o: NumberedOrder): Promise<typeof workOrders.$inferSelect> {
  const { key, values, order, events } = valuesOf(o);
  let shape = shapes.get(key);
  if (!shape) {
    shape = build(db, `sunline_numbered_insert_${shapes.size + 1}`, order, events);
    shapes.set(key, shape);
  }
  const session = db._.session as unknown as PgSession;
  const prepared = session.prepareQuery(shape.query, RETURNED, shape.name, true);
  const [stored] = (await prepared.execute(values)) as Array<typeof workOrders.$inferSelect>;
  return stored!;
}
