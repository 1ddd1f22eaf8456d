/**
 * The nonces of signed channel-bridge requests (bridge-auth.ts) in the database (`bridge_nonces`):
 * a nonce is claimed once per bridge while its timestamp could still be accepted, so a captured
 * request cannot be replayed after a restart of the server or against another node sharing the
 * database (several nodes behind one address, issue 16). Expired rows are deleted as new nonces
 * come; the table holds at most `maxNonces` live rows (a bridge that signs faster than that within
 * the window is refused rather than a nonce forgotten, which could then be replayed).
 */
import { and, count, eq, gt, lte } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { bridgeNonces } from '../db/schema.js';

export type NonceClaim = 'claimed' | 'replayed' | 'busy';

export class BridgeNonces {
  constructor(
    private readonly db: Db,
    private readonly maxNonces = 100_000,
  ) {}

  /** One transaction: forget the expired, then claim `nonce` for `bridgeId` until `expiresAt` (ms), unless taken or full. */
  claim(bridgeId: string, nonce: string, expiresAt: number, at: number): NonceClaim {
    return this.db.transaction((tx) => {
      tx.delete(bridgeNonces).where(lte(bridgeNonces.expiresAt, at)).run();
      const taken = tx
        .select({ expiresAt: bridgeNonces.expiresAt })
        .from(bridgeNonces)
        .where(and(eq(bridgeNonces.bridgeId, bridgeId), eq(bridgeNonces.nonce, nonce), gt(bridgeNonces.expiresAt, at)))
        .get();
      if (taken) return 'replayed';
      const live = tx.select({ n: count() }).from(bridgeNonces).get()?.n ?? 0;
      if (live >= this.maxNonces) return 'busy';
      tx.insert(bridgeNonces).values({ bridgeId, nonce, expiresAt }).run();
      return 'claimed';
    });
  }
}
