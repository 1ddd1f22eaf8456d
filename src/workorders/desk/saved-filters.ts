/**
 * A desk user's saved searches (常用筛选): named sets of the search's query parameters, private to
 * the user. The filter is stored as given (validated by the route's schema) and replayed as the
 * query of GET /api/desk/orders.
 */
import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { deskSavedFilters } from '../../db/schema.js';
import { WorkOrderError } from '../errors.js';

/** Enough for a working set of searches; more is a script, not a person. */
export const MAX_SAVED_FILTERS = 50;

export interface SavedFilter {
  readonly id: number;
  readonly name: string;
  readonly filter: Record<string, unknown>;
  readonly createdAt: number;
}

const view = (r: typeof deskSavedFilters.$inferSelect): SavedFilter => ({ id: r.id, name: r.name, filter: r.filter, createdAt: r.createdAt });

export function listSavedFilters(db: Db, userId: number): SavedFilter[] {
  return db.select().from(deskSavedFilters).where(eq(deskSavedFilters.userId, userId)).orderBy(asc(deskSavedFilters.name)).all().map(view);
}

/** Saves `filter` under `name`, replacing the user's filter of that name. */
export function saveFilter(db: Db, userId: number, name: string, filter: Record<string, unknown>, now: number): SavedFilter {
  return db.transaction((tx) => {
    const existing = tx
      .select()
      .from(deskSavedFilters)
      .where(and(eq(deskSavedFilters.userId, userId), eq(deskSavedFilters.name, name)))
      .get();
    if (existing) return view(tx.update(deskSavedFilters).set({ filter, createdAt: now }).where(eq(deskSavedFilters.id, existing.id)).returning().get());
    const n = tx.select({ n: count() }).from(deskSavedFilters).where(eq(deskSavedFilters.userId, userId)).get()?.n ?? 0;
    if (n >= MAX_SAVED_FILTERS) throw new WorkOrderError('SAVED_FILTERS_FULL', `at most ${MAX_SAVED_FILTERS} saved filters; delete one first`);
    return view(tx.insert(deskSavedFilters).values({ userId, name, filter, createdAt: now }).returning().get());
  });
}

/** Deletes one of the user's filters; another user's or a missing one is SAVED_FILTER_NOT_FOUND. */
export function deleteSavedFilter(db: Db, userId: number, id: number): void {
  const r = db
    .delete(deskSavedFilters)
    .where(and(eq(deskSavedFilters.id, id), eq(deskSavedFilters.userId, userId)))
    .run();
  if (r.changes === 0) throw new WorkOrderError('SAVED_FILTER_NOT_FOUND', `no saved filter ${id}`);
}
