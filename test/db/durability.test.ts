/**
 * Group durability (src/db/durability.ts): coalescing and ordering with an injected fsync,
 * failures, the modes, and the real fdatasync on real SQLite files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { Durability, DurabilityError, fdatasyncFile } from '../../src/db/durability.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';

/** An fsync whose calls the test completes one by one. */
function manualFsync() {
  const calls: Array<{ file: string; done: () => void; fail: (e: Error) => void }> = [];
  const fsync = (file: string) => new Promise<void>((resolve, reject) => calls.push({ file, done: resolve, fail: reject }));
  return { calls, fsync };
}

const tick = () => new Promise((r) => setImmediate(r));

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-durability-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('concurrent callers share one fsync; a caller arriving during an fsync waits for the next', async (t) => {
  const { calls, fsync } = manualFsync();
  const d = new Durability({ mode: 'group', file: '/data/x.db', fsync });
  const settled: string[] = [];
  // The first caller starts an fsync at once; all who arrive while it runs share the next one.
  const first = d.durable().then(() => settled.push('a'));
  const second = Array.from({ length: 20 }, (_, i) => d.durable().then(() => settled.push(`b${i}`)));
  await tick();
  t.equal(calls.length, 1, 'one fsync while 21 callers wait');
  t.equal(calls[0]!.file, '/data/x.db-wal', 'the WAL is flushed');
  calls[0]!.done();
  await first;
  await tick();
  t.same(settled, ['a'], 'the callers who arrived during the first fsync still wait');
  t.equal(calls.length, 2, 'the next fsync starts once the first ends');
  // Callers arriving now, before the second ends, need a third.
  const third = Array.from({ length: 5 }, () => d.durable().then(() => settled.push('c')));
  calls[1]!.done();
  await Promise.all(second);
  t.notOk(settled.includes('c'));
  await tick();
  t.equal(calls.length, 3);
  calls[2]!.done();
  await Promise.all(third);
  t.equal(d.fsyncs, 3, '26 callers, 3 fsyncs');
  t.equal(settled.length, 26);
});

t.test('callers arriving after the running fsync ended but before the queued one started join it', async (t) => {
  const { calls, fsync } = manualFsync();
  const d = new Durability({ mode: 'group', file: '/data/x.db', fsync });
  void d.durable();
  const queued = d.durable();
  calls[0]!.done();
  // The queued fsync starts a few microtasks later: anyone arriving in between joins it.
  await Promise.resolve();
  const joined = d.durable();
  await tick();
  t.equal(calls.length, 2);
  calls[1]!.done();
  await Promise.all([queued, joined]);
  t.equal(d.fsyncs, 2);
});

t.test('a failed fsync rejects its callers with DB_NOT_DURABLE (503), and every later call too', async (t) => {
  const { calls, fsync } = manualFsync();
  const d = new Durability({ mode: 'group', file: '/data/x.db', fsync });
  const a = d.durable();
  const b = d.durable();
  await tick();
  calls[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  await t.rejects(a, { code: 'DB_NOT_DURABLE', statusCode: 503 });
  await t.rejects(b, DurabilityError, 'the queued caller fails too: nothing after a failed fsync is confirmed');
  await t.rejects(d.durable(), { code: 'DB_NOT_DURABLE' }, 'sticky');
  t.equal(calls.length, 1, 'no fsync is tried after a failure');
  t.match(d.error?.reason.message, /EIO/);
});

t.test('full and normal modes (and :memory:) resolve at once without an fsync', async (t) => {
  for (const mode of ['full', 'normal'] as const) {
    const { calls, fsync } = manualFsync();
    const d = new Durability({ mode, file: '/data/x.db', fsync });
    await d.durable();
    t.equal(calls.length, 0, mode);
  }
  const { calls, fsync } = manualFsync();
  await new Durability({ mode: 'group', file: ':memory:', fsync }).durable();
  t.equal(calls.length, 0, ':memory:');
});

t.test('openDb: group commits with synchronous=NORMAL, full with FULL; health reports a failed fsync', async (t) => {
  const dir = tmp(t);
  const modes = { group: 1, full: 2, normal: 1 } as const;
  for (const [mode, level] of Object.entries(modes)) {
    const h = openDb({ file: path.join(dir, `${mode}.db`), synchronous: mode as keyof typeof modes });
    t.equal(h.sqlite.pragma('synchronous', { simple: true }), level, mode);
    t.equal(h.durability.mode, mode);
    h.close();
  }
  const failing = openDb({ file: path.join(dir, 'f.db'), synchronous: 'group', fsync: () => Promise.reject(new Error('EIO')) });
  t.same(failing.health(), { ok: true });
  await new WorkOrdersService(sqliteOrdersStoreOn(failing.db)).createDraft({ channel: '12345' });
  await t.rejects(failing.durability.durable(), { code: 'DB_NOT_DURABLE' });
  t.same(failing.health(), { ok: false, error: 'fsync failed: EIO' });
  t.equal((failing.sqlite.prepare('select count(*) as n from work_orders').get() as { n: number }).n, 1, 'the change itself is committed');
  failing.close();
});

t.test('real fdatasync: on a read-only descriptor, and falls back to the database file when the WAL is gone', async (t) => {
  const dir = tmp(t);
  const file = path.join(dir, 'plain');
  fs.writeFileSync(file, 'x');
  fs.chmodSync(file, 0o444);
  await fdatasyncFile(file);
  await fdatasyncFile(path.join(dir, 'missing-wal'), file);
  await t.rejects(fdatasyncFile(path.join(dir, 'missing')), { code: 'ENOENT' });
});

t.test('real SQLite file: concurrent creates, each awaiting durable(), share fsyncs; the WAL keeps its inode', async (t) => {
  const dir = tmp(t);
  const file = path.join(dir, 'orders.db');
  const h = openDb({ file, synchronous: 'group' });
  t.teardown(() => h.close());
  h.sqlite.pragma('wal_autocheckpoint = 50'); // checkpoints (and WAL restarts) during the run
  const service = new WorkOrdersService(sqliteOrdersStoreOn(h.db));
  const inode = fs.statSync(`${file}-wal`).ino;
  const before = h.durability.fsyncs;
  // 16 concurrent "requests", each create-then-await, 25 times each.
  await Promise.all(
    Array.from({ length: 16 }, async (_, r) => {
      for (let i = 0; i < 25; i++) {
        await service.createDraft({ channel: '12345', callerPhone: `138000${String(r * 100 + i).padStart(5, '0')}` });
        await h.durability.durable();
      }
    }),
  );
  const fsyncs = h.durability.fsyncs - before;
  t.ok(fsyncs > 0 && fsyncs <= 400 / 4, `400 creates, ${fsyncs} fsyncs`);
  h.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await service.createDraft({ channel: '12345' });
  await h.durability.durable();
  t.equal(fs.statSync(`${file}-wal`).ino, inode, 'checkpoints and restarts reuse the same WAL file');
  t.equal((h.sqlite.prepare('select count(*) as n from work_orders').get() as { n: number }).n, 401);
});
