/**
 * How the SQLite reads of work orders run their statements (order-reads-store-sqlite.ts,
 * order-pages.ts, unit-pages.ts):
 * - statements prepared once per connection and kept by the query's shape (`prepared`);
 * - rows of work_orders and work_order_events read as arrays (better-sqlite3's raw mode) and
 *   mapped by hand with each column's own driver mapping (`rowsOf`): what drizzle's
 *   mapResultRow gives, without its per-field type dispatch (~10 % of a list, issue 18);
 * - the statements of one read in one read transaction (`inOneRead`): one snapshot, and one
 *   WAL read lock instead of one per statement (each costs ~3 µs: a pair of system calls).
 */
import type Database from 'better-sqlite3';
import { getTableColumns, type Column } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { workOrderEvents, workOrders } from '../db/schema.js';

/** repository.ts's WorkOrderRow (named here: repository.ts maps its inserts' rows with this file). */
type WorkOrderRow = typeof workOrders.$inferSelect;

/** Values of the placeholders of one query, by name. */
export type Values = Record<string, unknown>;

/** A query prepared on one connection (synchronous). */
export interface Runnable<T = unknown> {
  all(values?: Values): T[];
  get(values?: Values): T | undefined;
}

/** The better-sqlite3 connection under a drizzle handle; undefined for a transaction's handle. */
const clientOf = (db: Db): Database.Database | undefined => (db as unknown as { $client?: Database.Database }).$client;

/** Shapes kept per connection; beyond this many (an unusual mix of filters) they start over. */
const MAX_SHAPES = 512;
const shapesByDb = new WeakMap<Db, Map<string, Runnable>>();

/** The query of `key` prepared once on `db` by `make`; without a key, prepared for this run only. */
function kept<T>(db: Db, key: string | undefined, make: () => Runnable<T>): Runnable<T> {
  if (key === undefined) return make();
  let shapes = shapesByDb.get(db);
  if (!shapes) shapesByDb.set(db, (shapes = new Map<string, Runnable>()));
  let q = shapes.get(key) as Runnable<T> | undefined;
  if (!q) {
    q = make();
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(key, q);
  }
  return q;
}

/** The query of `key` prepared once on `db` (drizzle's own result mapping). */
export function prepared(db: Db, key: string | undefined, build: () => { prepare(): unknown }): Runnable {
  return kept(db, key, () => build().prepare() as Runnable);
}

/** A mapper of raw rows of `columns` (in their order, as `select()` lists them) to drizzle's row objects. */
function rowMapper<T>(columns: Record<string, Column>): (raw: unknown[]) => T {
  const keys = Object.keys(columns);
  const cols = keys.map((k) => columns[k]!);
  return (raw) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = raw[i];
      row[keys[i]!] = v === null ? null : cols[i]!.mapFromDriverValue(v);
    }
    return row as T;
  };
}

/** A work_orders row as drizzle maps it (booleans, JSON lists). */
export const toOrderRow = rowMapper<WorkOrderRow>(getTableColumns(workOrders));
/** A work_order_events row as drizzle maps it (its data as JSON). */
export const toEventRow = rowMapper<typeof workOrderEvents.$inferSelect>(getTableColumns(workOrderEvents));

/**
 * The query of `key` (it must select exactly the columns `map` maps, in order), prepared once on
 * `db`; its rows are read as arrays (drizzle's `values()`: the same statement, parameters and
 * query log, no mapping) and `map` makes them.
 */
export function rowsOf<T>(db: Db, key: string | undefined, map: (raw: unknown[]) => T, build: () => { prepare(): unknown }): Runnable<T> {
  return kept(db, key, () => {
    const q = build().prepare() as { values(values?: Values): unknown[][] };
    return {
      all: (values) => q.values(values).map(map),
      // The first row: for a query of at most one (by id, by number).
      get: (values) => {
        const raw = q.values(values)[0];
        return raw && map(raw);
      },
    };
  });
}

const transactionStatements = new WeakMap<Database.Database, { begin: Database.Statement; commit: Database.Statement }>();

/**
 * `read()` (statements on `db`, no await) in one read transaction of its connection: one
 * snapshot and one WAL read lock. Inside an open transaction, or on a transaction's handle, it
 * just runs.
 */
export function inOneRead<T>(db: Db, read: () => T): T {
  const client = clientOf(db);
  if (!client || client.inTransaction) return read();
  let s = transactionStatements.get(client);
  if (!s) transactionStatements.set(client, (s = { begin: client.prepare('begin'), commit: client.prepare('commit') }));
  s.begin.run();
  try {
    return read();
  } finally {
    if (client.inTransaction) s.commit.run();
  }
}
