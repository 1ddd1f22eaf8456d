/** The config history's repository on PostgreSQL (config-history-store.ts; the async port: db/postgres-async.ts). */
import { desc, eq, inArray, lt } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../../db/postgres-async.js';
import { configTexts, configVersions } from '../../db/schema-pg.js';
import type { ConfigHistoryQueries, ConfigHistoryStore, ConfigTextRow, ConfigVersion, NewConfigVersionRow } from './config-history-store.js';

const VERSION = {
  id: configVersions.id,
  at: configVersions.at,
  source: configVersions.source,
  actorId: configVersions.actorId,
  rollbackOf: configVersions.rollbackOf,
  files: configVersions.files,
};

class PgConfigHistoryQueries implements ConfigHistoryQueries {
  constructor(private readonly db: PgConn) {}

  async latestVersion(): Promise<{ id: number; digest: string } | undefined> {
    const [row] = await this.db.select({ id: configVersions.id, digest: configVersions.digest }).from(configVersions).orderBy(desc(configVersions.id)).limit(1);
    return row;
  }

  async insertVersion(row: NewConfigVersionRow, texts: readonly ConfigTextRow[]): Promise<number> {
    if (texts.length > 0)
      await this.db
        .insert(configTexts)
        .values([...texts])
        .onConflictDoNothing();
    const [created] = await this.db.insert(configVersions).values(row).returning({ id: configVersions.id });
    return created!.id;
  }

  listVersions(q: { limit: number; beforeId?: number }): Promise<ConfigVersion[]> {
    return this.db
      .select(VERSION)
      .from(configVersions)
      .where(q.beforeId === undefined ? undefined : lt(configVersions.id, q.beforeId))
      .orderBy(desc(configVersions.id))
      .limit(q.limit);
  }

  async versionById(id: number): Promise<ConfigVersion | undefined> {
    const [row] = await this.db.select(VERSION).from(configVersions).where(eq(configVersions.id, id)).limit(1);
    return row;
  }

  async textsByHash(hashes: readonly string[]): Promise<ConfigTextRow[]> {
    if (hashes.length === 0) return [];
    return this.db
      .select()
      .from(configTexts)
      .where(inArray(configTexts.sha256, [...hashes]));
  }
}

export function pgConfigHistoryStore(db: PostgresAsyncDb): ConfigHistoryStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgConfigHistoryQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgConfigHistoryQueries(tx))),
  };
}
