/** The config history's repository on SQLite (config-history-store.ts; the async port: db/sqlite-async.ts). */
import { desc, eq, inArray, lt } from 'drizzle-orm';
import { configTexts, configVersions } from '../../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../../db/sqlite-async.js';
import type { ConfigHistoryQueries, ConfigHistoryStore, ConfigTextRow, ConfigVersion, NewConfigVersionRow } from './config-history-store.js';

const VERSION = {
  id: configVersions.id,
  at: configVersions.at,
  source: configVersions.source,
  actorId: configVersions.actorId,
  rollbackOf: configVersions.rollbackOf,
  files: configVersions.files,
};

class SqliteConfigHistoryQueries implements ConfigHistoryQueries {
  constructor(private readonly conn: SqliteConn) {}

  latestVersion(): Promise<{ id: number; digest: string } | undefined> {
    return this.conn.run((db) =>
      db.select({ id: configVersions.id, digest: configVersions.digest }).from(configVersions).orderBy(desc(configVersions.id)).limit(1).get(),
    );
  }

  insertVersion(row: NewConfigVersionRow, texts: readonly ConfigTextRow[]): Promise<number> {
    return this.conn.run((db) => {
      if (texts.length > 0)
        db.insert(configTexts)
          .values([...texts])
          .onConflictDoNothing()
          .run();
      return db.insert(configVersions).values(row).returning({ id: configVersions.id }).get().id;
    });
  }

  listVersions(q: { limit: number; beforeId?: number }): Promise<ConfigVersion[]> {
    return this.conn.run((db) =>
      db
        .select(VERSION)
        .from(configVersions)
        .where(q.beforeId === undefined ? undefined : lt(configVersions.id, q.beforeId))
        .orderBy(desc(configVersions.id))
        .limit(q.limit)
        .all(),
    );
  }

  versionById(id: number): Promise<ConfigVersion | undefined> {
    return this.conn.run((db) => db.select(VERSION).from(configVersions).where(eq(configVersions.id, id)).get());
  }

  textsByHash(hashes: readonly string[]): Promise<ConfigTextRow[]> {
    if (hashes.length === 0) return Promise.resolve([]);
    return this.conn.run((db) =>
      db
        .select()
        .from(configTexts)
        .where(inArray(configTexts.sha256, [...hashes]))
        .all(),
    );
  }
}

export function sqliteConfigHistoryStore(db: SqliteAsyncDb): ConfigHistoryStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteConfigHistoryQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteConfigHistoryQueries(tx))),
  };
}
