/** The channel bridges' nonces on SQLite (bridge-nonces-store.ts; the async port: db/sqlite-async.ts). */
import { and, count, eq, gt, lte } from 'drizzle-orm';
import { bridgeNonces } from '../db/schema.js';
import type { SqliteAsyncDb, SqliteConn } from '../db/sqlite-async.js';
import type { BridgeNoncesQueries, BridgeNoncesStore } from './bridge-nonces-store.js';

class SqliteBridgeNoncesQueries implements BridgeNoncesQueries {
  constructor(private readonly conn: SqliteConn) {}

  deleteExpired(at: number): Promise<void> {
    return this.conn.run((db) => {
      db.delete(bridgeNonces).where(lte(bridgeNonces.expiresAt, at)).run();
    });
  }

  isLive(bridgeId: string, nonce: string, at: number): Promise<boolean> {
    return this.conn.run(
      (db) =>
        db
          .select({ expiresAt: bridgeNonces.expiresAt })
          .from(bridgeNonces)
          .where(and(eq(bridgeNonces.bridgeId, bridgeId), eq(bridgeNonces.nonce, nonce), gt(bridgeNonces.expiresAt, at)))
          .get() !== undefined,
    );
  }

  countNonces(): Promise<number> {
    return this.conn.run((db) => db.select({ n: count() }).from(bridgeNonces).get()?.n ?? 0);
  }

  insertNonce(row: { bridgeId: string; nonce: string; expiresAt: number }): Promise<boolean> {
    return this.conn.run((db) => db.insert(bridgeNonces).values(row).onConflictDoNothing().run().changes > 0);
  }
}

export function sqliteBridgeNoncesStore(db: SqliteAsyncDb): BridgeNoncesStore {
  return {
    dialect: 'sqlite',
    read: (fn) => db.read((conn) => fn(new SqliteBridgeNoncesQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new SqliteBridgeNoncesQueries(tx))),
  };
}
