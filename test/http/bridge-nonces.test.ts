/**
 * BridgeNonces (src/http/bridge-nonces.ts) on a real SQLite file: a nonce is claimed once per
 * bridge until it expires; the expired are forgotten as new ones come; a full table refuses
 * (busy) rather than forgetting a live nonce.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { BridgeNonces } from '../../src/http/bridge-nonces.js';

t.test('claimed once per bridge until it expires; expired rows deleted; busy when full', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-nonces-'));
  const handle = openDb({ file: path.join(dir, 'db.sqlite') });
  t.teardown(() => {
    handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const nonces = new BridgeNonces(handle.db, 3);
  const rows = () => handle.sqlite.prepare('select bridge_id b, nonce n from bridge_nonces order by bridge_id, nonce').all();

  t.equal(nonces.claim('a', 'n1', 2000, 1000), 'claimed');
  t.equal(nonces.claim('a', 'n1', 2500, 1500), 'replayed', 'the same bridge and nonce before it expires');
  t.equal(nonces.claim('b', 'n1', 2000, 1000), 'claimed', 'another bridge may use the same nonce');
  t.equal(nonces.claim('a', 'n2', 2000, 1000), 'claimed');
  t.equal(nonces.claim('a', 'n3', 2000, 1000), 'busy', 'three live nonces: full');
  t.same(rows(), [
    { b: 'a', n: 'n1' },
    { b: 'a', n: 'n2' },
    { b: 'b', n: 'n1' },
  ]);
  t.equal(nonces.claim('a', 'n3', 9000, 2000), 'claimed', 'the expired are forgotten first');
  t.same(rows(), [{ b: 'a', n: 'n3' }]);
  t.equal(nonces.claim('a', 'n1', 9000, 2000), 'claimed', 'an expired nonce is no replay any more (its timestamp is refused as stale anyway)');
});
