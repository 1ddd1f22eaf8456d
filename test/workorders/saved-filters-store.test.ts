/**
 * The desk's saved filters (常用筛选) on the async port (decision 0017), run on both databases:
 * the same checks against a temp SQLite file and a real PostgreSQL (test/helpers/async-dialects.ts),
 * through SavedFilters and its store as the app uses them.
 */
import t from 'tap';
import { MAX_SAVED_FILTERS, pgSavedFiltersStore, SavedFilters, sqliteSavedFiltersStore, type SavedFiltersStore } from '../../src/workorders/desk/index.js';
import { WorkOrderError } from '../../src/workorders/errors.js';
import { pgUsersStore, sqliteUsersStore, UsersService } from '../../src/users/index.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const NOW = Date.parse('2026-10-14T10:00:00+08:00');
const storeOf = (d: DialectDb): SavedFiltersStore => (d.dialect === 'sqlite' ? sqliteSavedFiltersStore(d.db) : pgSavedFiltersStore(d.db));
const usersOf = (d: DialectDb) => new UsersService(d.dialect === 'sqlite' ? sqliteUsersStore(d.db) : pgUsersStore(d.db), 60_000);
const dispatcher = async (d: DialectDb, username: string) =>
  (await usersOf(d).create({ username, displayName: username, role: 'dispatcher', password: 'Correct-Horse-9' })).id;

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'saved-filters');

    t.test('per user, by name, replaced by name, limited; another user’s cannot be deleted', async (t) => {
      const d = await open(t);
      const filters = new SavedFilters(storeOf(d));
      const u4 = await dispatcher(d, 'd1');
      const u5 = await dispatcher(d, 'd2');
      const a = await filters.save(u4, '超期投诉', { category: 'complaint', overdue: 'true' }, NOW);
      t.same(a, { id: a.id, name: '超期投诉', filter: { category: 'complaint', overdue: 'true' }, createdAt: NOW }, 'the view: no owner');
      const replaced = await filters.save(u4, '超期投诉', { category: 'complaint', overdue: 'false' }, NOW + 1);
      t.same(replaced, { id: a.id, name: '超期投诉', filter: { category: 'complaint', overdue: 'false' }, createdAt: NOW + 1 }, 'the same name replaces');
      await filters.save(u4, 'a-first', { q: ['x', 'y'] }, NOW);
      await filters.save(u5, '德清', { leadUnitId: 'dq-amr' }, NOW);
      t.same(
        (await filters.list(u4)).map((f) => [f.name, f.filter]),
        [
          ['a-first', { q: ['x', 'y'] }],
          ['超期投诉', { category: 'complaint', overdue: 'false' }],
        ],
        'the user’s own, by name',
      );
      t.same(
        (await filters.list(u5)).map((f) => f.name),
        ['德清'],
      );
      const refused = await filters.delete(u5, a.id).catch((err: unknown) => err);
      t.ok(refused instanceof WorkOrderError);
      t.match(refused, { code: 'SAVED_FILTER_NOT_FOUND', statusCode: 404 }, 'another user’s is not found');
      t.equal((await filters.list(u4)).length, 2, 'and is still there');
      await t.rejects(filters.delete(u4, 999_999), { code: 'SAVED_FILTER_NOT_FOUND' });

      for (let i = 2; i < MAX_SAVED_FILTERS; i++) await filters.save(u4, `f${i}`, {}, NOW);
      t.equal((await filters.list(u4)).length, MAX_SAVED_FILTERS);
      await t.rejects(filters.save(u4, 'one too many', {}, NOW), { code: 'SAVED_FILTERS_FULL', statusCode: 409 });
      t.equal((await filters.list(u4)).length, MAX_SAVED_FILTERS, 'nothing added');
      t.match(
        await filters.save(u4, 'f2', { q: 'full but replaced' }, NOW),
        { name: 'f2', filter: { q: 'full but replaced' } },
        'a full list still replaces by name',
      );
      await filters.delete(u4, a.id);
      t.equal((await filters.list(u4)).length, MAX_SAVED_FILTERS - 1);
      t.ok(await filters.save(u4, 'room again', {}, NOW), 'room for one after a delete');
    });

    t.test('a save is one transaction: rolled back as a whole', async (t) => {
      const d = await open(t);
      const store = storeOf(d);
      const filters = new SavedFilters(store);
      const u = await dispatcher(d, 'd1');
      const kept = await filters.save(u, 'kept', { q: 'before' }, NOW);
      const thrown = await store
        .transaction(async (tx) => {
          await tx.replaceFilter(kept.id, { q: 'after' }, NOW + 1);
          await tx.insertFilter({ userId: u, name: 'gone', filter: {}, createdAt: NOW });
          throw new Error('the function failed');
        })
        .catch((err: unknown) => err);
      t.match(thrown, { message: 'the function failed' });
      t.same(
        (await filters.list(u)).map((f) => [f.name, f.filter]),
        [['kept', { q: 'before' }]],
        'neither the replacement nor the insert stayed',
      );
      // A failed statement (the name taken: the unique index) after a change rolls the change back too.
      const failed = await store
        .transaction(async (tx) => {
          await tx.replaceFilter(kept.id, { q: 'after' }, NOW + 1);
          await tx.insertFilter({ userId: u, name: 'kept', filter: {}, createdAt: NOW });
        })
        .catch((err: unknown) => err);
      t.ok(failed instanceof Error, 'the insert fails');
      t.same(
        (await filters.list(u)).map((f) => [f.name, f.filter]),
        [['kept', { q: 'before' }]],
      );
    });

    if (dialect === 'sqlite') {
      t.test('a refused save (full) does not undo a synchronous writer that ran between its statements (SQLite)', async (t) => {
        const d = await open(t);
        if (d.dialect !== 'sqlite') return;
        const real = storeOf(d);
        const u = await dispatcher(d, 'd1');
        const plain = new SavedFilters(real);
        for (let i = 0; i < MAX_SAVED_FILTERS; i++) await plain.save(u, `f${i}`, {}, NOW);
        // The call path's synchronous code writing on the same connection while the save awaits (decision 0017, 'The transition').
        const wrapped: SavedFiltersStore = {
          dialect: real.dialect,
          read: (fn) => real.read(fn),
          transaction: (fn) =>
            real.transaction((tx) => {
              const q = bind(tx);
              q.countFilters = async (userId) => {
                const n = await tx.countFilters(userId);
                d.handle.sqlite.prepare("insert into bridge_nonces (bridge_id, nonce, expires_at) values ('sync', 'writer', 1)").run();
                return n;
              };
              return fn(q);
            }),
        };
        await t.rejects(new SavedFilters(wrapped).save(u, 'one too many', {}, NOW), { code: 'SAVED_FILTERS_FULL' });
        t.equal(d.handle.sqlite.prepare("select count(*) from bridge_nonces where bridge_id = 'sync'").pluck().get(), 1, 'the other writer’s row stays');
      });
    }

    t.test('concurrent saves of one user: the same new name once (replaced), the limit held', async (t) => {
      const d = await open(t);
      const real = storeOf(d);
      const u = await dispatcher(d, 'd1');
      // The first save of each race pauses after one of its reads (`pauseAfter`): the other runs meanwhile.
      let paused = 0;
      let pauseAfter: 'filterByName' | 'countFilters' = 'filterByName';
      const pause = () => new Promise((r) => setTimeout(r, 80));
      const slow: SavedFiltersStore = {
        dialect: real.dialect,
        read: (fn) => real.read(fn),
        transaction: (fn) =>
          real.transaction((tx) => {
            if (paused++ > 0) return fn(tx);
            const q = bind(tx);
            if (pauseAfter === 'filterByName') q.filterByName = (userId, name) => tx.filterByName(userId, name).then(async (v) => (await pause(), v));
            else q.countFilters = (userId) => tx.countFilters(userId).then(async (v) => (await pause(), v));
            return fn(q);
          }),
      };
      const filters = new SavedFilters(slow);
      const same = await Promise.allSettled([filters.save(u, 'same', { q: '1' }, NOW), filters.save(u, 'same', { q: '2' }, NOW + 1)]);
      t.same(
        same.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
        'both saves of one new name succeed (one inserts, the other replaces)',
      );
      t.same(
        (await filters.list(u)).map((f) => f.name),
        ['same'],
        'one row',
      );

      const plain = new SavedFilters(real);
      for (let i = 2; i < MAX_SAVED_FILTERS; i++) await plain.save(u, `f${i}`, {}, NOW);
      t.equal((await plain.list(u)).length, MAX_SAVED_FILTERS - 1, 'room for one');
      paused = 0;
      pauseAfter = 'countFilters';
      const last = await Promise.allSettled([filters.save(u, 'last-a', {}, NOW), filters.save(u, 'last-b', {}, NOW)]);
      t.same(
        last.map((r) => (r.status === 'fulfilled' ? 'saved' : (r.reason as { code?: string }).code)).sort(),
        ['SAVED_FILTERS_FULL', 'saved'],
        'two saves racing for the last place: one gets it',
      );
      t.equal((await plain.list(u)).length, MAX_SAVED_FILTERS, 'never more than the limit');
    });
  });
}

/** The queries object's methods bound to it (so that a test can replace some and keep the rest). */
function bind<Q extends object>(q: Q): Q {
  const out: Record<string, unknown> = {};
  let proto: object | null = q;
  while (proto && proto !== Object.prototype) {
    for (const k of Object.getOwnPropertyNames(proto)) {
      const v = (q as Record<string, unknown>)[k];
      if (k !== 'constructor' && typeof v === 'function' && !(k in out)) out[k] = (v as (...a: unknown[]) => unknown).bind(q);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as Q;
}
