/**
 * The nonces of signed channel-bridge requests (bridge-auth.ts) in the database (`bridge_nonces`):
 * a nonce is claimed once per bridge while its timestamp could still be accepted, so a captured
 * request cannot be replayed after a restart of the server or against another node sharing the
 * database (several nodes behind one address, issue 16). Expired rows are deleted as new nonces
 * come; the table holds at most `maxNonces` live rows (a bridge that signs faster than that within
 * the window is refused rather than a nonce forgotten, which could then be replayed). On
 * PostgreSQL claims running at the same moment on several nodes may each see the last free
 * place, so the cap can be passed by that many; a nonce is still claimed once (the insert's
 * conflict on the primary key decides). The statements are the store's (bridge-nonces-store.ts:
 * SQLite or PostgreSQL, decision 0017).
 */
import type { BridgeNoncesStore } from './bridge-nonces-store.js';

export type NonceClaim = 'claimed' | 'replayed' | 'busy';

export class BridgeNonces {
  constructor(
    private readonly store: BridgeNoncesStore,
    private readonly maxNonces = 100_000,
  ) {}

  /** One transaction: forget the expired, then claim `nonce` for `bridgeId` until `expiresAt` (ms), unless taken or full. */
  claim(bridgeId: string, nonce: string, expiresAt: number, at: number): Promise<NonceClaim> {
    return this.store.transaction(async (tx) => {
      await tx.deleteExpired(at);
      if (await tx.isLive(bridgeId, nonce, at)) return 'replayed';
      if ((await tx.countNonces()) >= this.maxNonces) return 'busy';
      // Taken meanwhile by a claim that committed after our look (another node): a replay too.
      return (await tx.insertNonce({ bridgeId, nonce, expiresAt })) ? 'claimed' : 'replayed';
    });
  }
}
