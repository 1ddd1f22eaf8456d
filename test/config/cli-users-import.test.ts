/**
 * `sunline users import FILE.csv` (issue 11 item 1): the same checks as the API's import; problems
 * printed as FILE:LINE, nothing created; then each created account's generated password, once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli } from '../../src/cli.js';
import { openDb } from '../../src/db/connection.js';
import { usersOn } from '../helpers/users.js';

async function users(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['users', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

t.test('users import: refused by line, then created with passwords', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-import-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = path.join(dir, 'sunline.db');
  const csv = path.join(dir, 'agents.csv');
  fs.writeFileSync(csv, 'username,displayName,role,unitId\nagent01,坐席一,agent,\nagent02,坐席二,agent,city-amr\n');
  const bad = await users(['import', csv, '--db', db, '--config', 'config']);
  t.equal(bad.code, 1);
  t.same(bad.out, [`${csv}:3 unitId "city-amr": a agent carries no unit`]);

  fs.writeFileSync(csv, 'username,displayName,role,unitId\nagent01,坐席一,agent,\nh1,承办人,unit_handler,city-amr\n');
  const ok = await users(['import', csv, '--db', db, '--config', 'config']);
  t.equal(ok.code, 0, ok.err.join('\n'));
  t.equal(ok.out.length, 2);
  const h = openDb({ file: db });
  t.teardown(() => h.close());
  const service = usersOn(t, h, 60_000);
  for (const line of ok.out) {
    const [username, password] = line.split('\t');
    t.ok(await service.login(username!, password!), `${username} logs in with the printed password`);
  }
  t.equal((await service.byUsername('h1'))?.unitId, 'city-amr');
  const imported = await Promise.all(ok.out.map((l) => service.byUsername(l.split('\t')[0]!)));
  t.ok(
    imported.every((u) => u?.mustChangePassword === true),
    'each must choose their own password at the first login (the printed one passed through other hands)',
  );
  t.equal((await users(['import', path.join(dir, 'none.csv'), '--db', db, '--config', 'config'])).code, 1);
});
