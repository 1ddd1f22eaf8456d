/**
 * The desk's saved filters as a repository port (issue 16, decision 0017): the statements
 * SavedFilters needs, asynchronous, in one of two dialects (saved-filters-store-sqlite.ts,
 * saved-filters-store-pg.ts), held to the same behaviour by one contract suite
 * (test/workorders/saved-filters-store.test.ts). The rules (replace by name, the limit, only
 * one's own) stay in SavedFilters (saved-filters.ts), written once.
 */
import type { Dialect } from '../../db/async-db.js';

export interface SavedFilter {
  readonly id: number;
  readonly name: string;
  readonly filter: Record<string, unknown>;
  readonly createdAt: number;
}

export interface NewSavedFilterRow {
  readonly userId: number;
  readonly name: string;
  readonly filter: Record<string, unknown>;
  readonly createdAt: number;
}

/** The statements, on one connection or inside one transaction. */
export interface SavedFiltersQueries {
  /**
   * Inside a transaction: holds the user's saves back until it ends (PostgreSQL: the user's row
   * locked FOR NO KEY UPDATE; SQLite: nothing to do, its writer lock already runs one
   * transaction at a time). Two saves of one user then never both see "no such name" or "room
   * for one more".
   */
  lockOwner(userId: number): Promise<void>;
  /** The user's filters by name. */
  listFilters(userId: number): Promise<SavedFilter[]>;
  filterByName(userId: number, name: string): Promise<SavedFilter | undefined>;
  countFilters(userId: number): Promise<number>;
  insertFilter(row: NewSavedFilterRow): Promise<SavedFilter>;
  /** The filter as replaced. */
  replaceFilter(id: number, filter: Record<string, unknown>, createdAt: number): Promise<SavedFilter>;
  /** Deletes the user's filter `id`; resolves to how many rows went (0 or 1). */
  deleteFilter(userId: number, id: number): Promise<number>;
}

export interface SavedFiltersStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: SavedFiltersQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: SavedFiltersQueries) => Promise<T>): Promise<T>;
}
