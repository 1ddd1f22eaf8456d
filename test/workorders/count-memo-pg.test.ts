/**
 * The order lists' counts on PostgreSQL are kept until anything commits (count-memo-pg.ts):
 * asked again with nothing committed, the count comes from memory; after a commit by another
 * node (its own pool), or of another table, it is counted again and is never stale; another
 * filter, scope or page has its own count. Real PostgreSQL (tools/postgres.ts).
 */
import t from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { CountMemo } from '../../src/workorders/count-memo-pg.js';
import type { OrderFilter } from '../../src/workorders/order-filter.js';
import { pgOrderReadsStore } from '../../src/workorders/order-reads-store-pg.js';
import { pgOrdersStore } from '../../src/workorders/orders-store-pg.js';
import { startPostgres } from '../helpers/postgres.js';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const all = { kind: 'all', hideReporter: false } as const;

t.test('a count is kept while nothing commits, and counted again after any commit', async (t) => {
  const server = await startPostgres(t);
  const open = async () => {
    const handle = await openPostgres({ url: server.url, max: 2 });
    t.teardown(() => handle.close());
    return postgresAsync(handle);
  };
  const here = await open();
  const other = await open(); // another node: its own pool and stores
  const memo = new CountMemo();
  const reads = pgOrderReadsStore(here, memo);
  const svc = new WorkOrdersService(pgOrdersStore(other), () => NOW);
  for (let i = 0; i < 12; i++) await svc.createDraft({ channel: i % 3 === 0 ? '12315' : '12345', callerName: '王建国' });

  const count = (filter: OrderFilter, offset = 0) => reads.read((q) => q.findPage({ scope: all, filter, now: NOW, limit: 2, offset })).then((p) => p.n);
  t.equal(await count({}), 12);
  t.equal(memo.hits, 0, 'the first count is counted');
  t.equal(await count({}), 12);
  t.equal(memo.hits, 1, 'asked again with nothing committed: from memory');
  t.equal(await count({ channel: '12315' }, 0), 4, 'another filter has its own count');
  t.equal(memo.hits, 1);

  await svc.createDraft({ channel: '12345', callerName: '王建国' });
  t.equal(await count({}), 13, 'an order committed by another node is counted');
  t.equal(memo.hits, 1, 'counted again, not taken from memory');
  t.equal(await count({ channel: '12315' }), 4);
  t.equal(memo.hits, 1, 'a commit makes every kept count stale');
  t.equal(await count({ channel: '12315' }), 4);
  t.equal(memo.hits, 2);

  await other.transaction((tx) => tx.execute("insert into counters (name, value) values ('unrelated', 1)" as never));
  t.equal(await count({ channel: '12315' }), 4);
  t.equal(memo.hits, 2, 'a commit to another table counts again too');
  t.equal(await count({ q: '王建国' }), 13, 'a search is counted');
  t.equal(await count({ q: '王建国' }), 13);
  t.equal(memo.hits, 3, 'and kept');
  t.equal(await count({}), 13);
  t.equal(memo.hits, 3, 'counted again since the commit');
  t.equal(await count({}, 2), 13, 'another page of the same filter shares its count');
  t.equal(memo.hits, 4);
});

t.test('at most `max` counts are kept, the least recently used dropped first', async (t) => {
  const server = await startPostgres(t);
  const handle = await openPostgres({ url: server.url, max: 2 });
  t.teardown(() => handle.close());
  const db = postgresAsync(handle);
  const svc = new WorkOrdersService(pgOrdersStore(db), () => NOW);
  for (let i = 0; i < 8; i++) await svc.createDraft({ channel: ['a', 'b', 'c'][i % 3]!, callerName: 'x' });
  const memo = new CountMemo(2);
  const reads = pgOrderReadsStore(db, memo);
  const count = (channel?: string) =>
    reads.read((q) => q.findPage({ scope: all, filter: channel ? { channel } : {}, now: NOW, limit: 1, offset: 0 })).then((p) => p.n);
  t.same([await count('a'), await count('b'), await count('a'), await count('c')], [3, 3, 3, 2]);
  t.equal(memo.hits, 1, 'a kept');
  t.equal(await count('a'), 3);
  t.equal(memo.hits, 2, 'a was used last: still kept');
  t.equal(await count('b'), 3);
  t.equal(memo.hits, 2, 'b was dropped for c');
});
