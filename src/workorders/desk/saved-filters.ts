/**
 * A desk user's saved searches (常用筛选): named sets of the search's query parameters, private to
 * the user. The filter is stored as given (validated by the route's schema) and replayed as the
 * query of GET /api/desk/orders. The statements are the store's (saved-filters-store.ts: SQLite
 * or PostgreSQL, decision 0017).
 */
import { WorkOrderError } from '../errors.js';
import type { SavedFilter, SavedFiltersStore } from './saved-filters-store.js';

export type { SavedFilter };

/** Enough for a working set of searches; more is a script, not a person. */
export const MAX_SAVED_FILTERS = 50;

export class SavedFilters {
  constructor(private readonly store: SavedFiltersStore) {}

  /** The user's filters by name. */
  list(userId: number): Promise<SavedFilter[]> {
    return this.store.read((q) => q.listFilters(userId));
  }

  /** Saves `filter` under `name`, replacing the user's filter of that name; SAVED_FILTERS_FULL past the limit. */
  async save(userId: number, name: string, filter: Record<string, unknown>, now: number): Promise<SavedFilter> {
    // A full list is refused after the transaction, not by throwing inside it: on SQLite a
    // rollback would also undo a synchronous writer's statements that ran between our awaits
    // (decision 0017, 'The transition'); this transaction wrote nothing, so it commits nothing.
    const saved = await this.store.transaction(async (tx) => {
      await tx.lockOwner(userId);
      const existing = await tx.filterByName(userId, name);
      if (existing) return tx.replaceFilter(existing.id, filter, now);
      if ((await tx.countFilters(userId)) >= MAX_SAVED_FILTERS) return undefined;
      return tx.insertFilter({ userId, name, filter, createdAt: now });
    });
    if (!saved) throw new WorkOrderError('SAVED_FILTERS_FULL', `at most ${MAX_SAVED_FILTERS} saved filters; delete one first`);
    return saved;
  }

  /** Deletes one of the user's filters; another user's or a missing one is SAVED_FILTER_NOT_FOUND. */
  async delete(userId: number, id: number): Promise<void> {
    if ((await this.store.transaction((tx) => tx.deleteFilter(userId, id))) === 0) {
      throw new WorkOrderError('SAVED_FILTER_NOT_FOUND', `no saved filter ${id}`);
    }
  }
}
