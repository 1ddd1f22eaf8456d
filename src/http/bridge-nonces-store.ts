/**
 * The channel bridges' nonces as a repository port (issue 16, decision 0017): the statements
 * BridgeNonces needs, asynchronous, in one of two dialects (bridge-nonces-store-sqlite.ts,
 * bridge-nonces-store-pg.ts), held to the same behaviour by one contract suite
 * (test/http/bridge-nonces.test.ts). When a nonce is a replay and when the table is full stays
 * BridgeNonces' (bridge-nonces.ts), written once.
 */
import type { Dialect } from '../db/async-db.js';

/** The statements, on one connection or inside one transaction. */
export interface BridgeNoncesQueries {
  /** Deletes the nonces that expired at or before `at`. */
  deleteExpired(at: number): Promise<void>;
  /** Whether `bridgeId` used `nonce` and it expires after `at`. */
  isLive(bridgeId: string, nonce: string, at: number): Promise<boolean>;
  /** How many nonces are kept. */
  countNonces(): Promise<number>;
  /**
   * Inserts the nonce unless the bridge's nonce is there already (INSERT … ON CONFLICT DO
   * NOTHING); resolves to whether this call inserted it. On PostgreSQL a claim of the same nonce
   * by another node, not committed yet, makes this wait for it and then resolve false.
   */
  insertNonce(row: { bridgeId: string; nonce: string; expiresAt: number }): Promise<boolean>;
}

export interface BridgeNoncesStore {
  readonly dialect: Dialect;
  /** Statements outside a transaction: committed data only. */
  read<T>(fn: (q: BridgeNoncesQueries) => Promise<T>): Promise<T>;
  /** Statements in one transaction: all or nothing (async-db.ts). */
  transaction<T>(fn: (tx: BridgeNoncesQueries) => Promise<T>): Promise<T>;
}
