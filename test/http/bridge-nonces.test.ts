/**
 * BridgeNonces (src/http/bridge-nonces.ts) on the async port (decision 0017), run on both
 * databases: the same checks against a temp SQLite file and a real PostgreSQL
 * (test/helpers/async-dialects.ts). A nonce is claimed once per bridge until it expires; the
 * expired are forgotten as new ones come; a full table refuses (busy) rather than forgetting a
 * live nonce; two claims of one nonce at the same moment give one claim and one replay. The
 * replay across two app nodes and a restart: test/http/bridge-auth.test.ts.
 */
import t from 'tap';
import { BridgeNonces } from '../../src/http/bridge-nonces.js';
import type { BridgeNoncesStore } from '../../src/http/bridge-nonces-store.js';
import { pgBridgeNoncesStore } from '../../src/http/bridge-nonces-store-pg.js';
import { sqliteBridgeNoncesStore } from '../../src/http/bridge-nonces-store-sqlite.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const storeOf = (d: DialectDb): BridgeNoncesStore => (d.dialect === 'sqlite' ? sqliteBridgeNoncesStore(d.db) : pgBridgeNoncesStore(d.db));

/** Every kept nonce as bridge:nonce, through the store (committed data). */
async function kept(store: BridgeNoncesStore, pairs: ReadonlyArray<[string, string]>, at: number): Promise<string[]> {
  const out: string[] = [];
  for (const [b, n] of pairs) if (await store.read((q) => q.isLive(b, n, at))) out.push(`${b}:${n}`);
  return out;
}

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'bridge-nonces');

    t.test('claimed once per bridge until it expires; expired rows deleted; busy when full', async (t) => {
      const store = storeOf(await open(t));
      const nonces = new BridgeNonces(store, 3);
      const all: Array<[string, string]> = [
        ['a', 'n1'],
        ['a', 'n2'],
        ['a', 'n3'],
        ['b', 'n1'],
      ];

      t.equal(await nonces.claim('a', 'n1', 2000, 1000), 'claimed');
      t.equal(await nonces.claim('a', 'n1', 2500, 1500), 'replayed', 'the same bridge and nonce before it expires');
      t.equal(await nonces.claim('b', 'n1', 2000, 1000), 'claimed', 'another bridge may use the same nonce');
      t.equal(await nonces.claim('a', 'n2', 2000, 1000), 'claimed');
      t.equal(await nonces.claim('a', 'n3', 2000, 1000), 'busy', 'three live nonces: full');
      t.equal(await nonces.claim('a', 'n1', 2000, 1000), 'replayed', 'full, a replay is still a replay');
      t.same(await kept(store, all, 0), ['a:n1', 'a:n2', 'b:n1']);
      t.equal(await store.read((q) => q.countNonces()), 3);
      t.equal(await nonces.claim('a', 'n3', 9000, 2000), 'claimed', 'the expired are forgotten first');
      t.same(await kept(store, all, 0), ['a:n3'], 'the expired rows are deleted, not only skipped');
      t.equal(await nonces.claim('a', 'n1', 9000, 2000), 'claimed', 'an expired nonce is no replay any more (its timestamp is refused as stale anyway)');
    });

    t.test('a claim is one transaction: the delete of the expired and the insert are rolled back together', async (t) => {
      const store = storeOf(await open(t));
      const nonces = new BridgeNonces(store, 10);
      t.equal(await nonces.claim('a', 'old', 2000, 1000), 'claimed');
      const thrown = await store
        .transaction(async (tx) => {
          await tx.deleteExpired(5000);
          t.equal(await tx.insertNonce({ bridgeId: 'a', nonce: 'new', expiresAt: 9000 }), true);
          throw new Error('the function failed');
        })
        .catch((err: unknown) => err);
      t.match(thrown, { message: 'the function failed' });
      t.same(
        await kept(
          store,
          [
            ['a', 'old'],
            ['a', 'new'],
          ],
          0,
        ),
        ['a:old'],
        'the expired row is back (never deleted) and the new one is gone',
      );
      t.equal(await store.transaction((tx) => tx.insertNonce({ bridgeId: 'a', nonce: 'old', expiresAt: 9000 })), false, 'a kept nonce is not inserted again');
    });

    t.test('two claims of one nonce at the same moment (two nodes): one is claimed, the other a replay', async (t) => {
      const real = storeOf(await open(t));
      // The first claim pauses after it looked for the nonce: the second runs and commits meanwhile.
      let claims = 0;
      const slow: BridgeNoncesStore = {
        dialect: real.dialect,
        read: (fn) => real.read(fn),
        transaction: (fn) =>
          real.transaction((tx) => {
            if (claims++ > 0) return fn(tx);
            return fn({
              deleteExpired: (at) => tx.deleteExpired(at),
              isLive: async (b, n, at) => {
                const live = await tx.isLive(b, n, at);
                await new Promise((r) => setTimeout(r, 80));
                return live;
              },
              countNonces: () => tx.countNonces(),
              insertNonce: (row) => tx.insertNonce(row),
            });
          }),
      };
      const nodeA = new BridgeNonces(slow, 10);
      const nodeB = new BridgeNonces(slow, 10);
      const both = await Promise.allSettled([nodeA.claim('a', 'same', 9000, 1000), nodeB.claim('a', 'same', 9000, 1000)]);
      t.same(both.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))).sort(), ['claimed', 'replayed'], 'neither an error nor two claims');
      t.equal(await real.read((q) => q.countNonces()), 1);
    });
  });
}
