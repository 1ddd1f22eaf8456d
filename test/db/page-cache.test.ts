/**
 * SQLite's page cache per connection (SUNLINE_DB_CACHE_MB, issue 14 item 9's memory bound):
 * better-sqlite3 builds SQLite with a 16 MB default; the server's connections — the writer
 * (openDb), its read-only second connection (sqliteAsync) and the rollup worker's (the app
 * connection's settings, report-rollups.ts workerSettings) — each get the setting instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type Database from 'better-sqlite3';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { cacheSizeOf, openDb, setCacheSize, type Db } from '../../src/db/connection.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { workerSettings } from '../../src/reports/report-rollups.js';
import { testApp } from '../helpers/app.js';

const tmpFile = (t: { teardown(fn: () => unknown): void }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-page-cache-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'test.db');
};
const clientOf = (db: Db) => (db as Db & { readonly $client: Database.Database }).$client;

t.test('SUNLINE_DB_CACHE_MB: 4 MiB by default, a whole number of MiB from 1 to 1024', async (t) => {
  const env = (vars: Record<string, string> = {}) => loadEnv({ SUNLINE_TELEPHONY: 'false', ...vars }, '/tmp');
  t.equal(env().dbCacheMb, 4);
  t.equal(env({ SUNLINE_DB_CACHE_MB: '16' }).dbCacheMb, 16);
  for (const bad of ['0', '1.5', '2048', 'big']) {
    t.throws(() => env({ SUNLINE_DB_CACHE_MB: bad }), EnvError, `${bad} refused`);
    try {
      env({ SUNLINE_DB_CACHE_MB: bad });
    } catch (err) {
      t.match((err as EnvError).problems, [/^SUNLINE_DB_CACHE_MB: /], `${bad}: the variable is named`);
    }
  }
});

t.test('openDb applies cache_size; without it the connection keeps better-sqlite3’s 16 MB', async (t) => {
  const file = tmpFile(t);
  const plain = openDb({ file });
  t.teardown(() => plain.close());
  t.equal(cacheSizeOf(plain.sqlite), -16000, 'the build default');
  const capped = openDb({ file, cacheSize: -3 * 1024, migrate: false });
  t.teardown(() => capped.close());
  t.equal(cacheSizeOf(capped.sqlite), -3072);
  t.throws(() => setCacheSize(capped.sqlite, 0), RangeError, '0 would not be a cap');
  t.throws(() => setCacheSize(capped.sqlite, 1.5), RangeError);
});

t.test('the read-only second connection and the rollup worker get the writer’s cache size', async (t) => {
  const h = openDb({ file: tmpFile(t), cacheSize: -2048 });
  const adb = sqliteAsync(h);
  t.teardown(async () => {
    await adb.close();
    h.close();
  });
  t.equal(cacheSizeOf(clientOf(adb.reader!)), -2048, 'reader');
  t.same(workerSettings(h.sqlite), { file: h.file, synchronous: 'full', cacheSize: -2048 }, 'what the worker thread opens its connection with');
});

t.test('the server opens its connections with SUNLINE_DB_CACHE_MB', async (t) => {
  const app = await testApp(t, { env: { SUNLINE_DB_CACHE_MB: '3' } });
  t.equal(cacheSizeOf(app.db.sqlite), -3072, 'writer');
  t.equal(workerSettings(app.db.sqlite).cacheSize, -3072, 'the rollup worker’s');
  const byDefault = await testApp(t);
  t.equal(cacheSizeOf(byDefault.db.sqlite), -4096, 'the default, 4 MiB');
});
