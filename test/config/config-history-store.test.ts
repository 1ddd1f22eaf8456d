/**
 * The config history's contract (issue 11 item 4 on the async port, decision 0017), run on both
 * databases: the same checks against a temp SQLite file and a real PostgreSQL
 * (test/helpers/async-dialects.ts), through ConfigHistory and its store as the app uses them.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { ConfigHistory, pgConfigHistoryStore, sqliteConfigHistoryStore, type ConfigHistoryStore } from '../../src/config/history/index.js';
import { pgUsersStore, sqliteUsersStore, UsersService } from '../../src/users/index.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const storeOf = (d: DialectDb): ConfigHistoryStore => (d.dialect === 'sqlite' ? sqliteConfigHistoryStore(d.db) : pgConfigHistoryStore(d.db));
const usersOf = (d: DialectDb) => new UsersService(d.dialect === 'sqlite' ? sqliteUsersStore(d.db) : pgUsersStore(d.db), 60_000);

const NUMBERS = 'numbers: []\n';
const IVR = 'menu: {}\n';

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'config-history');

    t.test('versions: recorded, newest first, paged, read back with their texts; a text is stored once', async (t) => {
      const d = await open(t);
      const store = storeOf(d);
      let now = 1_000;
      const history = new ConfigHistory(store, () => now);
      t.equal(await history.latest(), undefined, 'no version yet');
      const admin = await usersOf(d).create({ username: 'admin-1', displayName: 'a', role: 'admin', password: 'Correct-Horse-9' });

      const v1 = await history.record({ digest: 'd1', texts: { numbers: NUMBERS }, meta: { source: 'startup' } });
      now = 2_000;
      const v2 = await history.record({ digest: 'd2', texts: { numbers: NUMBERS, ivr: IVR }, meta: { source: 'editor', actorId: admin.id } });
      now = 3_000;
      const v3 = await history.record({ digest: 'd1', texts: { numbers: NUMBERS }, meta: { source: 'rollback', actorId: admin.id, rollbackOf: v1 } });
      t.ok(v1 < v2 && v2 < v3, 'ids grow');
      t.same(await history.latest(), { id: v3, digest: 'd1' });

      const all = await history.list({ limit: 10 });
      t.same(
        all.map((v) => [v.id, v.at, v.source, v.actorId, v.rollbackOf]),
        [
          [v3, 3_000, 'rollback', admin.id, v1],
          [v2, 2_000, 'editor', admin.id, null],
          [v1, 1_000, 'startup', null, null],
        ],
        'newest first, who and how',
      );
      t.equal(all[2]!.files['numbers.yaml']?.length, 64, 'a present file by its sha256');
      t.equal(all[2]!.files['ivr.yaml'], null, 'an absent file is null');
      t.equal(all[0]!.files['numbers.yaml'], all[2]!.files['numbers.yaml'], 'the same text, the same hash');
      t.same(
        (await history.list({ limit: 1, beforeId: v3 })).map((v) => v.id),
        [v2],
        'paged on from the last id',
      );
      t.same(await history.get(v2), all[1], 'one version as listed');
      t.equal(await history.get(v3 + 100), undefined);

      t.same(await history.texts((await history.get(v2))!), { numbers: NUMBERS, ivr: IVR });
      t.same(await history.texts((await history.get(v1))!), { numbers: NUMBERS }, 'an absent file has no text');
      const hashes = Object.values(all[1]!.files).filter((h): h is string => h !== null);
      t.equal((await store.read((q) => q.textsByHash([...hashes, ...hashes]))).length, 2, 'each text once, though three versions list numbers.yaml');
      t.same(await store.read((q) => q.textsByHash([])), []);
    });

    t.test('a version and its texts are one transaction: rolled back as a whole', async (t) => {
      const d = await open(t);
      const store = storeOf(d);
      const history = new ConfigHistory(store);
      const sha = 'f'.repeat(64);

      const thrown = await store
        .transaction(async (tx) => {
          await tx.insertVersion({ at: 1, source: 'file', actorId: null, digest: 'gone', files: { 'numbers.yaml': sha }, rollbackOf: null }, [
            { sha256: sha, text: 'gone' },
          ]);
          throw new Error('the function failed');
        })
        .catch((err: unknown) => err);
      t.match(thrown, { message: 'the function failed' });
      t.same(await store.read((q) => q.textsByHash([sha])), [], 'the text is gone');
      t.equal(await history.latest(), undefined, 'and the version');

      // A version whose actor is no account: the insert fails (foreign key) after the texts went in.
      const failed = await history
        .record({ digest: 'd9', texts: { numbers: 'numbers: [] # 9\n' }, meta: { source: 'editor', actorId: 987_654 } })
        .catch((err: unknown) => err);
      t.ok(failed instanceof Error, 'the record fails');
      t.equal(await history.latest(), undefined, 'no version');
      t.same(await history.list({ limit: 5 }), []);
      const v = await history.record({ digest: 'd10', texts: { numbers: NUMBERS }, meta: { source: 'startup' } });
      const kept = (await history.get(v))!.files['numbers.yaml']!;
      t.same(await store.read((q) => q.textsByHash([kept])), [{ sha256: kept, text: NUMBERS }]);
      const all = await store.read((q) => q.listVersions({ limit: 10 }));
      t.equal(all.length, 1, 'the failed version left nothing; the store is usable after it');
    });

    t.test('the failed record’s text is not left behind', async (t) => {
      const d = await open(t);
      const store = storeOf(d);
      const history = new ConfigHistory(store);
      const text = 'numbers: [] # only in the failed version\n';
      await history.record({ digest: 'x', texts: { numbers: text }, meta: { source: 'editor', actorId: 987_654 } }).catch(() => undefined);
      const sha = createHash('sha256').update(text).digest('hex');
      t.same(await store.read((q) => q.textsByHash([sha])), [], 'rolled back with the version');
    });
  });
}
