/**
 * The config history's repository as a port (issue 16, decision 0017): the statements
 * ConfigHistory needs, asynchronous, in one of two dialects (config-history-store-sqlite.ts,
 * config-history-store-pg.ts), held to the same behaviour by one contract suite
 * (test/config/config-history-store.test.ts). What a version records (the files' hashes, the
 * texts stored once per content) stays in ConfigHistory, written once.
 */
import type { Dialect } from '../../db/async-db.js';
import type { ConfigVersionSource } from '../../db/schema.js';

/** One version, without the texts. `files` maps file names (numbers.yaml) to their sha256, null when absent. */
export interface ConfigVersion {
  readonly id: number;
  readonly at: number;
  readonly source: ConfigVersionSource;
  readonly actorId: number | null;
  readonly rollbackOf: number | null;
  readonly files: Readonly<Record<string, string | null>>;
}

export interface NewConfigVersionRow {
  readonly at: number;
  readonly source: ConfigVersionSource;
  readonly actorId: number | null;
  readonly digest: string;
  readonly files: Readonly<Record<string, string | null>>;
  readonly rollbackOf: number | null;
}

export interface ConfigTextRow {
  readonly sha256: string;
  readonly text: string;
}

/** The statements, on one connection or inside one transaction. */
export interface ConfigHistoryQueries {
  /** The newest version's id and digest. */
  latestVersion(): Promise<{ id: number; digest: string } | undefined>;
  /**
   * Stores the texts not stored yet (a text already there by its hash is left as it is), then
   * the version; resolves to its id. On SQLite both in one step (no await between them: a
   * synchronous writer cannot run in between, decision 0017 'The transition').
   */
  insertVersion(row: NewConfigVersionRow, texts: readonly ConfigTextRow[]): Promise<number>;
  /** Newest first; `beforeId` pages on from the last id of the previous page. */
  listVersions(q: { limit: number; beforeId?: number }): Promise<ConfigVersion[]>;
  versionById(id: number): Promise<ConfigVersion | undefined>;
  /** The stored texts of these hashes (an unknown hash has no row). */
  textsByHash(hashes: readonly string[]): Promise<ConfigTextRow[]>;
}

export interface ConfigHistoryStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: ConfigHistoryQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: ConfigHistoryQueries) => Promise<T>): Promise<T>;
}
