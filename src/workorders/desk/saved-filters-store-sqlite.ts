/** The desk's saved filters on SQLite (saved-filters-store.ts; the async port: db/sqlite-async.ts). */
import { and, asc, count, eq } from 'drizzle-orm';
import { deskSavedFilters } from '../../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../../db/sqlite-async.js';
import type { NewSavedFilterRow, SavedFilter, SavedFiltersQueries, SavedFiltersStore } from './saved-filters-store.js';

const VIEW = { id: deskSavedFilters.id, name: deskSavedFilters.name, filter: deskSavedFilters.filter, createdAt: deskSavedFilters.createdAt };
const RESOLVED = Promise.resolve();

class SqliteSavedFiltersQueries implements SavedFiltersQueries {
  constructor(private readonly conn: SqliteConn) {}

  lockOwner(): Promise<void> {
    return RESOLVED;
  }

  listFilters(userId: number): Promise<SavedFilter[]> {
    return this.conn.run((db) => db.select(VIEW).from(deskSavedFilters).where(eq(deskSavedFilters.userId, userId)).orderBy(asc(deskSavedFilters.name)).all());
  }

  filterByName(userId: number, name: string): Promise<SavedFilter | undefined> {
    return this.conn.run((db) =>
      db
        .select(VIEW)
        .from(deskSavedFilters)
        .where(and(eq(deskSavedFilters.userId, userId), eq(deskSavedFilters.name, name)))
        .get(),
    );
  }

  countFilters(userId: number): Promise<number> {
    return this.conn.run((db) => db.select({ n: count() }).from(deskSavedFilters).where(eq(deskSavedFilters.userId, userId)).get()?.n ?? 0);
  }

  insertFilter(row: NewSavedFilterRow): Promise<SavedFilter> {
    return this.conn.run((db) => db.insert(deskSavedFilters).values(row).returning(VIEW).get());
  }

  replaceFilter(id: number, filter: Record<string, unknown>, createdAt: number): Promise<SavedFilter> {
    return this.conn.run((db) => db.update(deskSavedFilters).set({ filter, createdAt }).where(eq(deskSavedFilters.id, id)).returning(VIEW).get());
  }

  deleteFilter(userId: number, id: number): Promise<number> {
    return this.conn.run(
      (db) =>
        db
          .delete(deskSavedFilters)
          .where(and(eq(deskSavedFilters.id, id), eq(deskSavedFilters.userId, userId)))
          .run().changes,
    );
  }
}

export function sqliteSavedFiltersStore(db: SqliteAsyncDb): SavedFiltersStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteSavedFiltersQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteSavedFiltersQueries(tx))),
  };
}
