/** The channel bridges' nonces on PostgreSQL (bridge-nonces-store.ts; the async port: db/postgres-async.ts). */
import { and, count, eq, gt, lte } from 'drizzle-orm';
import type { PgConn, PostgresAsyncDb } from '../db/postgres-async.js';
import { bridgeNonces } from '../db/schema-pg.js';
import type { BridgeNoncesQueries, BridgeNoncesStore } from './bridge-nonces-store.js';

class PgBridgeNoncesQueries implements BridgeNoncesQueries {
  constructor(private readonly db: PgConn) {}

  async deleteExpired(at: number): Promise<void> {
    await this.db.delete(bridgeNonces).where(lte(bridgeNonces.expiresAt, at));
  }

  async isLive(bridgeId: string, nonce: string, at: number): Promise<boolean> {
    const rows = await this.db
      .select({ expiresAt: bridgeNonces.expiresAt })
      .from(bridgeNonces)
      .where(and(eq(bridgeNonces.bridgeId, bridgeId), eq(bridgeNonces.nonce, nonce), gt(bridgeNonces.expiresAt, at)))
      .limit(1);
    return rows.length > 0;
  }

  async countNonces(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(bridgeNonces);
    return row?.n ?? 0;
  }

  async insertNonce(row: { bridgeId: string; nonce: string; expiresAt: number }): Promise<boolean> {
    const inserted = await this.db.insert(bridgeNonces).values(row).onConflictDoNothing().returning({ nonce: bridgeNonces.nonce });
    return inserted.length > 0;
  }
}

export function pgBridgeNoncesStore(db: PostgresAsyncDb): BridgeNoncesStore {
  return {
    dialect: 'postgres',
    read: (fn) => db.read((conn) => fn(new PgBridgeNoncesQueries(conn))),
    transaction: (fn) => db.transaction((tx) => fn(new PgBridgeNoncesQueries(tx))),
  };
}
