/**
 * testApp on PostgreSQL (SUNLINE_TEST_DATABASE=postgres, test/helpers/app-database.ts; issue 16
 * item 4): one server for the test process, a fresh database for each app, the same one for an
 * app restarted on its own data folder; and a test process whose test fails leaves neither a
 * server nor a folder behind.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { OWNER_FILE } from '../../tools/sandbox-folders.js';
import { testApp } from '../helpers/app.js';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

t.test('apps on PostgreSQL: a fresh database each, the same one for the same data folder', async (t) => {
  const before = process.env.SUNLINE_TEST_DATABASE;
  process.env.SUNLINE_TEST_DATABASE = 'postgres';
  t.teardown(() => {
    if (before === undefined) delete process.env.SUNLINE_TEST_DATABASE;
    else process.env.SUNLINE_TEST_DATABASE = before;
  });

  let dropped = '';
  await t.test('two apps', async (t) => {
    const a = await testApp(t);
    const b = await testApp(t);
    t.equal(a.database.dialect, 'postgres');
    t.equal(new URL(a.env.databaseUrl!).port, new URL(b.env.databaseUrl!).port, 'one server');
    t.not(a.env.databaseUrl, b.env.databaseUrl, 'two databases');
    await a.users.create({ username: 'only-on-a', displayName: 'A', role: 'agent', password: 'pw-123456' });
    t.ok(await a.users.login('only-on-a', 'pw-123456'));
    t.notOk(await b.users.login('only-on-a', 'pw-123456'), 'the other database is fresh');
    dropped = a.env.databaseUrl!;
  });
  t.notOk(await reachable(dropped), "an app's database is dropped at its teardown");

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-test-own-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  await t.test('an app restarted on its data folder', async (t) => {
    const first = await testApp(t, { env: { SUNLINE_DATA_DIR: dir } });
    await first.users.create({ username: 'kept', displayName: 'K', role: 'agent', password: 'pw-123456' });
    await first.close();
    const second = await testApp(t, { env: { SUNLINE_DATA_DIR: dir } });
    t.equal(second.env.databaseUrl, first.env.databaseUrl, 'the same database');
    t.ok(await second.users.login('kept', 'pw-123456'), 'with its data');
  });
});

t.test('a failing test process leaves no PostgreSQL server or folder behind', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/tools/fixtures/postgres-app-failing.ts'], {
    // No coverage from it (as the CLI tests' children): with it, this run's report lost other test files' coverage.
    env: { ...process.env, SUNLINE_TEST_DATABASE: 'postgres', TAP: '1', _TAPJS_PROCESSINFO_COVERAGE_: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.not(run.status, 0, 'its test failed');
  const url = /# database (\S+)/.exec(run.stdout)?.[1];
  if (!url) return t.fail(`it ran no app on PostgreSQL:\n${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
  t.notOk(await reachable(url), 'its server is gone');
  const left = fs.readdirSync(os.tmpdir()).filter((name) => {
    if (!name.startsWith('sunline-pg-')) return false;
    const owner = path.join(os.tmpdir(), name, OWNER_FILE);
    return fs.existsSync(owner) && Number(fs.readFileSync(owner, 'utf8')) === run.pid;
  });
  t.same(left, [], 'its folder is removed');
});
