/** The desk's saved filters on PostgreSQL (saved-filters-store.ts; the async port: db/postgres-async.ts). */
import { and, asc, count, eq } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../../db/postgres-async.js';
import { deskSavedFilters, users } from '../../db/schema-pg.js';
import type { NewSavedFilterRow, SavedFilter, SavedFiltersQueries, SavedFiltersStore } from './saved-filters-store.js';

const VIEW = { id: deskSavedFilters.id, name: deskSavedFilters.name, filter: deskSavedFilters.filter, createdAt: deskSavedFilters.createdAt };

class PgSavedFiltersQueries implements SavedFiltersQueries {
  constructor(private readonly db: PgConn) {}

  async lockOwner(userId: number): Promise<void> {
    // NO KEY UPDATE: the inserts of other tables that refer to the user (FOR KEY SHARE) do not wait for it.
    await this.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
  }

  listFilters(userId: number): Promise<SavedFilter[]> {
    return this.db.select(VIEW).from(deskSavedFilters).where(eq(deskSavedFilters.userId, userId)).orderBy(asc(deskSavedFilters.name));
  }

  async filterByName(userId: number, name: string): Promise<SavedFilter | undefined> {
    const [row] = await this.db
      .select(VIEW)
      .from(deskSavedFilters)
      .where(and(eq(deskSavedFilters.userId, userId), eq(deskSavedFilters.name, name)))
      .limit(1);
    return row;
  }

  async countFilters(userId: number): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(deskSavedFilters).where(eq(deskSavedFilters.userId, userId));
    return row?.n ?? 0;
  }

  async insertFilter(row: NewSavedFilterRow): Promise<SavedFilter> {
    const [created] = await this.db.insert(deskSavedFilters).values(row).returning(VIEW);
    return created!;
  }

  async replaceFilter(id: number, filter: Record<string, unknown>, createdAt: number): Promise<SavedFilter> {
    const [row] = await this.db.update(deskSavedFilters).set({ filter, createdAt }).where(eq(deskSavedFilters.id, id)).returning(VIEW);
    return row!;
  }

  async deleteFilter(userId: number, id: number): Promise<number> {
    return (await this.db.delete(deskSavedFilters).where(and(eq(deskSavedFilters.id, id), eq(deskSavedFilters.userId, userId)))).rowCount ?? 0;
  }
}

export function pgSavedFiltersStore(db: PostgresAsyncDb): SavedFiltersStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgSavedFiltersQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgSavedFiltersQueries(tx))),
  };
}
