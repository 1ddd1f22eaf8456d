/**
 * `sunline db backup` (src/db/backup.ts): a consistent copy of the SQLite database of a running
 * server — the real app keeps writing work orders while the copy is taken — that passes SQLite's
 * integrity check, holds every order committed before it started, and serves a new server as its
 * database (the restore). Refusals write nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { runCli } from '../../src/cli.js';
import { call, type Cookies } from '../helpers/desk-api.js';
import { loginCookies, testApp } from '../helpers/app.js';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const ORDER = { channel: '12345', callerPhone: '13900001111', category: 'complaint', subject: '噪音', content: '夜间施工噪音' };

t.test('a backup taken while the server writes is consistent, complete up to its start, and restores', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-backup-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const app = await testApp(t, { env: { SUNLINE_DATA_DIR: path.join(dir, 'data') } });
  const agent: Cookies = await loginCookies(app, 'agent-b', 'agent');
  for (let i = 0; i < 50; i++) {
    const r = await call(app, agent, 'POST', '/api/workorders', ORDER);
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
  const dbFile = app.env.dbFile;
  const before = (app.db.sqlite.prepare('select count(*) n from work_orders').get() as { n: number }).n;

  // Orders keep coming while the copy is taken.
  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing) {
      await call(app, agent, 'POST', '/api/workorders', ORDER);
      n++;
    }
    return n;
  })();
  const dest = path.join(dir, 'backups', 'sunline-copy.db');
  fs.mkdirSync(path.dirname(dest));
  const res = await cli(['db', 'backup', '--to', dest, '--db', dbFile]);
  writing = false;
  const during = await writer;
  t.equal(res.code, 0, res.err.join('\n'));
  t.match(res.out.join('\n'), /written to .*sunline-copy\.db: \d+ bytes, \d+ pages, integrity ok/);
  t.ok(during > 0, `the server wrote ${during} orders meanwhile`);
  t.same(fs.readdirSync(path.dirname(dest)), ['sunline-copy.db'], 'no temporary file left');

  const copy = new Database(dest, { readonly: true });
  t.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
  const copied = (copy.prepare('select count(*) n from work_orders').get() as { n: number }).n;
  const events = (copy.prepare('select count(distinct order_id) n from work_order_events').get() as { n: number }).n;
  copy.close();
  t.ok(copied >= before, `every order committed before the backup is in it (${copied} >= ${before})`);
  t.equal(events, copied, 'each copied order has its history: no torn transaction');

  // The restore: a server started on the copy serves its data.
  const restored = await testApp(t, { env: { SUNLINE_DATA_DIR: path.join(dir, 'restored'), SUNLINE_DB_FILE: dest } });
  const again = await loginCookies(restored, 'agent-b2', 'agent');
  const list = await call(restored, again, 'GET', '/api/workorders?limit=1');
  t.equal(list.status, 200);
  t.equal((list.body as { total: number }).total, copied, 'the restored server lists the copied orders');
});

t.test('refusals write nothing', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-backup-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const source = path.join(dir, 'source.db');
  const db = new Database(source);
  db.exec('create table t (x integer); insert into t values (1)');
  db.close();

  const existing = path.join(dir, 'existing.db');
  fs.writeFileSync(existing, 'keep me');
  const exists = await cli(['db', 'backup', '--to', existing, '--db', source]);
  t.equal(exists.code, 1);
  t.match(exists.err.join('\n'), /BACKUP_EXISTS/);
  t.equal(fs.readFileSync(existing, 'utf8'), 'keep me', 'an existing file is never overwritten');

  const missing = await cli(['db', 'backup', '--to', path.join(dir, 'out.db'), '--db', path.join(dir, 'nope.db')]);
  t.equal(missing.code, 1);
  t.match(missing.err.join('\n'), /BACKUP_NO_SOURCE/);
  t.notOk(fs.existsSync(path.join(dir, 'out.db')));
  t.notOk(fs.existsSync(path.join(dir, 'nope.db')), 'the missing source is not created');

  for (const args of [
    ['db', 'backup'],
    ['db', 'backup', '--to'],
    ['db', 'backup', '--url', 'postgres://x/y', '--to', path.join(dir, 'a.db')],
    ['db', 'backup', '--to', ''],
  ]) {
    const r = await cli(args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.err.join('\n'), /usage:/);
  }
  t.same(fs.readdirSync(dir).sort(), ['existing.db', 'source.db'], 'nothing else was written');

  const ok = await cli(['db', 'backup', '--to', path.join(dir, 'copy.db'), '--db', source]);
  t.equal(ok.code, 0, 'a stopped database is copied too');
  const copy = new Database(path.join(dir, 'copy.db'), { readonly: true });
  t.same(copy.prepare('select x from t').all(), [{ x: 1 }]);
  copy.close();
});
